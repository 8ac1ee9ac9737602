package org.rnn4j.train;

/**
 * The state and update of {@link Sgd}: PyTorch 1.13 {@code _single_tensor_sgd}. Not thread-safe.
 */
final class SgdOptimizer extends BaseOptimizer {
  private final int count;
  private final float momentum;
  private final float keep; // 1 - dampening
  private final float weightDecay;
  private final boolean nesterov;
  private final float[] buf; // [N] momentum buffer, null without momentum

  SgdOptimizer(Sgd spec, int count) {
    super(spec.lr());
    this.count = count;
    this.momentum = spec.momentum();
    this.keep = (float) (1.0 - Hyper.decimal(spec.dampening()));
    this.weightDecay = spec.weightDecay();
    this.nesterov = spec.nesterov();
    this.buf = spec.momentum() != 0f ? buffer("momentum_buffer", count) : null;
  }

  @Override
  public void step(float[] params, float[] grads) {
    Hyper.checkStep("SGD", count, params, grads);
    t++;
    for (int i = 0; i < count; i++) {
      float g = grads[i];
      if (weightDecay != 0f) {
        g += weightDecay * params[i];
      }
      if (buf != null) {
        // PyTorch clones the first gradient into the buffer: no dampening at t = 1.
        buf[i] = t == 1 ? g : momentum * buf[i] + keep * g;
        g = nesterov ? g + momentum * buf[i] : buf[i];
      }
      params[i] -= lr * g;
    }
  }
}
