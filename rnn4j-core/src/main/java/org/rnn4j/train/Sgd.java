package org.rnn4j.train;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight
 * decay: PyTorch's {@code torch.optim.SGD}. Per element, step t = 1, 2, ...:
 *
 * <pre>
 *   g = grad + weightDecay * p
 *   if momentum != 0:
 *     buf = g                                          at t = 1
 *     buf = momentum * buf + (1 - dampening) * g       at t &gt; 1
 *     g = nesterov ? g + momentum * buf : buf
 *   p -= lr * g
 * </pre>
 *
 * <p>As PyTorch's constructor, Nesterov momentum requires {@code momentum > 0} and
 * {@code dampening == 0}. Immutable and thread-safe; the optimizers it creates are not.
 *
 * @param lr          learning rate, {@code > 0}
 * @param momentum    momentum factor, {@code >= 0} (0 = plain SGD)
 * @param dampening   dampening of the momentum, in [0, 1]
 * @param weightDecay L2 penalty added to the gradient, {@code >= 0}
 * @param nesterov    use Nesterov momentum
 */
public record Sgd(float lr, float momentum, float dampening, float weightDecay, boolean nesterov)
    implements OptimizerSpec {

  /**
   * Validates the arguments.
   *
   * @throws IllegalArgumentException naming the field, the accepted range and the value received
   */
  public Sgd {
    Hyper.positive("SGD", "lr", lr);
    Hyper.nonNegative("SGD", "momentum", momentum);
    Hyper.unitClosed("SGD", "dampening", dampening);
    Hyper.nonNegative("SGD", "weightDecay", weightDecay);
    if (nesterov && (momentum <= 0f || dampening != 0f)) {
      throw new IllegalArgumentException("SGD: expected momentum > 0 and dampening 0 with nesterov"
          + " (as torch.optim.SGD), got momentum " + momentum + ", dampening " + dampening);
    }
  }

  /** Plain SGD with PyTorch's defaults (no momentum, no dampening, no weight decay). */
  public static Sgd of(float lr) {
    return new Sgd(lr, 0f, 0f, 0f, false);
  }

  /** Same as {@link #of(float)}. */
  public static Sgd withLr(float lr) {
    return of(lr);
  }

  /** SGD with classical momentum, no dampening, no weight decay. */
  public static Sgd withMomentum(float lr, float momentum) {
    return new Sgd(lr, momentum, 0f, 0f, false);
  }

  @Override
  public Optimizer create(int parameterCount) {
    Hyper.checkCount("SGD", parameterCount);
    return new SgdOptimizer(this, parameterCount);
  }
}
