package org.rnn4j.train;

import java.util.Arrays;

/**
 * The state and update of {@link Adagrad}: PyTorch 1.13 {@code _single_tensor_adagrad}. Not
 * thread-safe.
 */
final class AdagradOptimizer extends BaseOptimizer {
  private final int count;
  private final double lrDecay;
  private final float eps;
  private final float weightDecay;
  private final float[] sum; // [N] running sum of g^2

  AdagradOptimizer(Adagrad spec, int count) {
    super(spec.lr());
    this.count = count;
    this.lrDecay = Hyper.decimal(spec.lrDecay());
    this.eps = spec.eps();
    this.weightDecay = spec.weightDecay();
    this.sum = buffer("sum", count);
    Arrays.fill(sum, spec.initialAccumulatorValue());
  }

  @Override
  public void step(float[] params, float[] grads) {
    Hyper.checkStep("Adagrad", count, params, grads);
    t++;
    // lr as the decimal the user wrote: clr is formed in double, as in PyTorch
    float clr = (float) (Hyper.decimal(lr) / (1.0 + (t - 1) * lrDecay));
    for (int i = 0; i < count; i++) {
      float g = grads[i];
      if (weightDecay != 0f) {
        g += weightDecay * params[i];
      }
      sum[i] += g * g;
      params[i] -= clr * g / ((float) Math.sqrt(sum[i]) + eps);
    }
  }
}
