package org.rnn4j.train;

/**
 * RMSprop (Hinton), optionally centered and with momentum: PyTorch's {@code torch.optim.RMSprop}.
 * Per element, step t = 1, 2, ..., all state starting at 0, no bias correction:
 *
 * <pre>
 *   g = grad + weightDecay * p
 *   sq = alpha * sq + (1 - alpha) * g^2
 *   centered:  ga = alpha * ga + (1 - alpha) * g;  avg = sqrt(sq - ga^2) + eps
 *   else:      avg = sqrt(sq) + eps
 *   momentum &gt; 0:  buf = momentum * buf + g / avg;  p -= lr * buf
 *   else:          p -= lr * g / avg
 * </pre>
 *
 * Immutable and thread-safe; the optimizers it creates are not.
 *
 * @param lr          learning rate, {@code > 0}
 * @param alpha       smoothing constant of the squared-gradient average, in [0, 1]
 * @param eps         added to the denominator, {@code >= 0}
 * @param weightDecay L2 penalty added to the gradient, {@code >= 0}
 * @param momentum    momentum factor, {@code >= 0}
 * @param centered    normalise by an estimate of the gradient's variance instead of its second moment
 */
public record RmsProp(float lr, float alpha, float eps, float weightDecay, float momentum, boolean centered)
    implements OptimizerSpec {

  /**
   * Validates the arguments.
   *
   * @throws IllegalArgumentException naming the field, the accepted range and the value received
   */
  public RmsProp {
    Hyper.positive("RMSprop", "lr", lr);
    Hyper.unitClosed("RMSprop", "alpha", alpha);
    Hyper.nonNegative("RMSprop", "eps", eps);
    Hyper.nonNegative("RMSprop", "weightDecay", weightDecay);
    Hyper.nonNegative("RMSprop", "momentum", momentum);
  }

  /** PyTorch's defaults: lr 1e-2, alpha 0.99, eps 1e-8, no weight decay, no momentum, not centered. */
  public static RmsProp defaults() {
    return of(1e-2f);
  }

  /** PyTorch's defaults with another learning rate. */
  public static RmsProp of(float lr) {
    return new RmsProp(lr, 0.99f, 1e-8f, 0f, 0f, false);
  }

  /** Same as {@link #of(float)}. */
  public static RmsProp withLr(float lr) {
    return of(lr);
  }

  @Override
  public Optimizer create(int parameterCount) {
    Hyper.checkCount("RMSprop", parameterCount);
    return new RmsPropOptimizer(this, parameterCount);
  }
}
