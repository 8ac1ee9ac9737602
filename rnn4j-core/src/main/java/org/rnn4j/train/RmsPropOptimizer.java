package org.rnn4j.train;

/**
 * The state and update of {@link RmsProp}: PyTorch 1.13 {@code _single_tensor_rmsprop}. Not
 * thread-safe.
 */
final class RmsPropOptimizer extends BaseOptimizer {
  private final int count;
  private final float alpha;
  private final float oneMinusAlpha;
  private final float eps;
  private final float weightDecay;
  private final float momentum;
  private final float[] sq; // [N] running average of g^2
  private final float[] ga; // [N] running average of g (centered), else null
  private final float[] buf; // [N] momentum buffer (momentum > 0), else null

  RmsPropOptimizer(RmsProp spec, int count) {
    super(spec.lr());
    this.count = count;
    this.alpha = spec.alpha();
    this.oneMinusAlpha = (float) (1.0 - Hyper.decimal(spec.alpha()));
    this.eps = spec.eps();
    this.weightDecay = spec.weightDecay();
    this.momentum = spec.momentum();
    this.sq = buffer("square_avg", count);
    this.ga = spec.centered() ? buffer("grad_avg", count) : null;
    this.buf = spec.momentum() > 0f ? buffer("momentum_buffer", count) : null;
  }

  @Override
  public void step(float[] params, float[] grads) {
    Hyper.checkStep("RMSprop", count, params, grads);
    t++;
    for (int i = 0; i < count; i++) {
      float g = grads[i];
      if (weightDecay != 0f) {
        g += weightDecay * params[i];
      }
      sq[i] = alpha * sq[i] + oneMinusAlpha * g * g;
      float var = sq[i];
      if (ga != null) {
        ga[i] = alpha * ga[i] + oneMinusAlpha * g;
        var = sq[i] - ga[i] * ga[i]; // E[g^2] - E[g]^2 (PyTorch: square_avg.addcmul(ga, ga, value=-1))
      }
      float avg = (float) Math.sqrt(var) + eps;
      if (buf != null) {
        buf[i] = momentum * buf[i] + g / avg;
        params[i] -= lr * buf[i];
      } else {
        params[i] -= lr * g / avg;
      }
    }
  }
}
