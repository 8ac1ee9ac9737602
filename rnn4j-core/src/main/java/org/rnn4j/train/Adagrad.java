package org.rnn4j.train;

/**
 * Adagrad (Duchi et al.) with learning-rate decay: PyTorch's {@code torch.optim.Adagrad}. Per
 * element, step t = 1, 2, ...:
 *
 * <pre>
 *   g = grad + weightDecay * p
 *   clr = lr / (1 + (t - 1) * lrDecay)
 *   sum += g^2                                         (sum starts at initialAccumulatorValue)
 *   p -= clr * g / (sqrt(sum) + eps)
 * </pre>
 *
 * Immutable and thread-safe; the optimizers it creates are not.
 *
 * @param lr                      learning rate, {@code > 0}
 * @param lrDecay                 learning-rate decay per step, {@code >= 0}
 * @param weightDecay             L2 penalty added to the gradient, {@code >= 0}
 * @param initialAccumulatorValue starting value of the squared-gradient sum, {@code >= 0}
 * @param eps                     added to the denominator, {@code >= 0} (PyTorch's default 1e-10)
 */
public record Adagrad(float lr, float lrDecay, float weightDecay, float initialAccumulatorValue, float eps)
    implements OptimizerSpec {

  /**
   * Validates the arguments.
   *
   * @throws IllegalArgumentException naming the field, the accepted range and the value received
   */
  public Adagrad {
    Hyper.positive("Adagrad", "lr", lr);
    Hyper.nonNegative("Adagrad", "lrDecay", lrDecay);
    Hyper.nonNegative("Adagrad", "weightDecay", weightDecay);
    Hyper.nonNegative("Adagrad", "initialAccumulatorValue", initialAccumulatorValue);
    Hyper.nonNegative("Adagrad", "eps", eps);
  }

  /** PyTorch's defaults: lr 1e-2, no lr decay, no weight decay, accumulator 0, eps 1e-10. */
  public static Adagrad defaults() {
    return of(1e-2f);
  }

  /** PyTorch's defaults with another learning rate. */
  public static Adagrad of(float lr) {
    return new Adagrad(lr, 0f, 0f, 0f, 1e-10f);
  }

  /** Same as {@link #of(float)}. */
  public static Adagrad withLr(float lr) {
    return of(lr);
  }

  @Override
  public Optimizer create(int parameterCount) {
    Hyper.checkCount("Adagrad", parameterCount);
    return new AdagradOptimizer(this, parameterCount);
  }
}
