package org.rnn4j.train;

/**
 * The state and update of {@link Adam} and {@link AdamW}: PyTorch 1.13 {@code _single_tensor_adam}
 * and {@code _single_tensor_adamw}, which differ only in where the weight decay goes. Not thread-safe.
 */
final class AdamOptimizer extends BaseOptimizer {
  private final String who;
  private final int count;
  private final double beta1; // as the decimal the user wrote, for the bias corrections
  private final double beta2;
  private final float b1;
  private final float b2;
  private final float oneMinusB1;
  private final float oneMinusB2;
  private final float eps;
  private final float weightDecay;
  private final boolean decoupled;
  private final float[] m; // [N] first moment
  private final float[] v; // [N] second moment
  private final float[] vMax; // [N] AMSGrad running maximum of v, else null

  AdamOptimizer(String who, int count, float lr, float beta1, float beta2, float eps, float weightDecay,
      boolean decoupled, boolean amsgrad) {
    super(lr);
    this.who = who;
    this.count = count;
    this.beta1 = Hyper.decimal(beta1);
    this.beta2 = Hyper.decimal(beta2);
    this.b1 = beta1;
    this.b2 = beta2;
    this.oneMinusB1 = (float) (1.0 - this.beta1);
    this.oneMinusB2 = (float) (1.0 - this.beta2);
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.decoupled = decoupled;
    this.m = buffer("exp_avg", count);
    this.v = buffer("exp_avg_sq", count);
    this.vMax = amsgrad ? buffer("max_exp_avg_sq", count) : null;
  }

  @Override
  public void step(float[] params, float[] grads) {
    Hyper.checkStep(who, count, params, grads);
    t++;
    // Scalars in double, as PyTorch computes them in Python, then used as float factors.
    double bc1 = 1.0 - Math.pow(beta1, t);
    double bc2 = 1.0 - Math.pow(beta2, t);
    float stepSize = (float) (Hyper.decimal(lr) / bc1);
    float bc2Sqrt = (float) Math.sqrt(bc2);
    float decay = decoupled ? (float) (1.0 - Hyper.decimal(lr) * Hyper.decimal(weightDecay)) : 1f;
    for (int i = 0; i < count; i++) {
      float g = grads[i];
      if (weightDecay != 0f) {
        if (decoupled) {
          params[i] *= decay; // AdamW: shrink the old parameter before the Adam step
        } else {
          g += weightDecay * params[i]; // Adam: L2 term in the gradient
        }
      }
      m[i] = b1 * m[i] + oneMinusB1 * g;
      v[i] = b2 * v[i] + oneMinusB2 * g * g;
      float vHat = v[i];
      if (vMax != null) {
        vMax[i] = Math.max(vMax[i], v[i]);
        vHat = vMax[i];
      }
      float denom = (float) Math.sqrt(vHat) / bc2Sqrt + eps;
      params[i] -= stepSize * m[i] / denom;
    }
  }
}
