package org.rnn4j.train;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter): PyTorch's {@code torch.optim.AdamW}.
 * Per element, step t = 1, 2, ...:
 *
 * <pre>
 *   p *= 1 - lr * weightDecay                          (first, on the old parameter)
 *   then the {@link Adam} update with g = grad (no weight-decay term in the gradient)
 * </pre>
 *
 * Immutable and thread-safe; the optimizers it creates are not.
 *
 * @param lr          learning rate, {@code > 0}
 * @param beta1       decay of the first moment, in [0, 1)
 * @param beta2       decay of the second moment, in [0, 1)
 * @param eps         added to the denominator, {@code >= 0}
 * @param weightDecay decoupled decay rate, {@code >= 0} (PyTorch's default 1e-2)
 * @param amsgrad     use the maximum of all second-moment estimates (AMSGrad)
 */
public record AdamW(float lr, float beta1, float beta2, float eps, float weightDecay, boolean amsgrad)
    implements OptimizerSpec {

  /**
   * Validates the arguments.
   *
   * @throws IllegalArgumentException naming the field, the accepted range and the value received
   */
  public AdamW {
    Hyper.positive("AdamW", "lr", lr);
    Hyper.unitOpen("AdamW", "beta1", beta1);
    Hyper.unitOpen("AdamW", "beta2", beta2);
    Hyper.nonNegative("AdamW", "eps", eps);
    Hyper.nonNegative("AdamW", "weightDecay", weightDecay);
  }

  /** PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 1e-2, no AMSGrad. */
  public static AdamW defaults() {
    return of(1e-3f);
  }

  /** PyTorch's defaults with another learning rate. */
  public static AdamW of(float lr) {
    return new AdamW(lr, 0.9f, 0.999f, 1e-8f, 1e-2f, false);
  }

  /** Same as {@link #of(float)}. */
  public static AdamW withLr(float lr) {
    return of(lr);
  }

  @Override
  public Optimizer create(int parameterCount) {
    Hyper.checkCount("AdamW", parameterCount);
    return new AdamOptimizer("AdamW", parameterCount, lr, beta1, beta2, eps, weightDecay, true,
        amsgrad);
  }
}
