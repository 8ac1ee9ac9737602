package org.rnn4j.train;

/**
 * Adam (Kingma and Ba) with L2 weight decay added to the gradient: PyTorch's {@code torch.optim.Adam}.
 * Per element, step t = 1, 2, ...:
 *
 * <pre>
 *   g = grad + weightDecay * p
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   vHat = amsgrad ? (vMax = max(vMax, v)) : v
 *   p -= lr / (1 - beta1^t) * m / (sqrt(vHat) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * eps is added after sqrt(v) has been divided by its bias correction, as PyTorch does (not to
 * sqrt(v) itself, as the paper writes). Immutable and thread-safe; the optimizers it creates are not.
 *
 * @param lr          learning rate, {@code > 0}
 * @param beta1       decay of the first moment, in [0, 1)
 * @param beta2       decay of the second moment, in [0, 1)
 * @param eps         added to the denominator, {@code >= 0}
 * @param weightDecay L2 penalty added to the gradient, {@code >= 0}
 * @param amsgrad     use the maximum of all second-moment estimates (AMSGrad)
 */
public record Adam(float lr, float beta1, float beta2, float eps, float weightDecay, boolean amsgrad)
    implements OptimizerSpec {

  /**
   * Validates the arguments.
   *
   * @throws IllegalArgumentException naming the field, the accepted range and the value received
   */
  public Adam {
    Hyper.positive("Adam", "lr", lr);
    Hyper.unitOpen("Adam", "beta1", beta1);
    Hyper.unitOpen("Adam", "beta2", beta2);
    Hyper.nonNegative("Adam", "eps", eps);
    Hyper.nonNegative("Adam", "weightDecay", weightDecay);
  }

  /** PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay, no AMSGrad. */
  public static Adam defaults() {
    return of(1e-3f);
  }

  /** PyTorch's defaults with another learning rate. */
  public static Adam of(float lr) {
    return new Adam(lr, 0.9f, 0.999f, 1e-8f, 0f, false);
  }

  /** Same as {@link #of(float)}. */
  public static Adam withLr(float lr) {
    return of(lr);
  }

  @Override
  public Optimizer create(int parameterCount) {
    Hyper.checkCount("Adam", parameterCount);
    return new AdamOptimizer("Adam", parameterCount, lr, beta1, beta2, eps, weightDecay, false,
        amsgrad);
  }
}
