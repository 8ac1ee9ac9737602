package org.rnn4j.tune;

import java.util.List;

/**
 * Decides, after a trial reports its metric at a step, whether to stop it. Implementations are
 * stateless (what they know comes in the arguments), hence thread-safe; the study calls them under
 * its lock.
 */
public interface Pruner {

  /**
   * Whether to stop {@code trial}, which has just reported {@code value} at {@code step}.
   *
   * @param trials every trial so far, {@code trial} among them with this report recorded
   */
  boolean prune(TrialRecord trial, int step, double value, List<TrialRecord> trials);

  /** Never stops a trial. */
  static Pruner none() {
    return (trial, step, value, trials) -> false;
  }

  /**
   * Asynchronous successive halving (Li et al. 2020) as Ray Tune's {@code ASHAScheduler}: rungs at
   * {@code gracePeriod * reductionFactor^k} steps below {@code maxSteps}; a trial reaching a rung goes
   * on only if its value is within the best {@code 1 / reductionFactor} of the values recorded there
   * by the trials before it (the first to reach a rung always goes on). Ray Tune's defaults are
   * {@code gracePeriod} 1 and {@code reductionFactor} 4.
   */
  static Pruner asha(int gracePeriod, int reductionFactor, int maxSteps) {
    return new SuccessiveHalving(gracePeriod, reductionFactor, maxSteps, 1);
  }

  /**
   * Hyperband (Li et al. 2018) on asynchronous successive halving: {@code floor(log_f(maxSteps /
   * minSteps)) + 1} brackets, bracket {@code b} with grace period {@code minSteps * f^b}, the trials
   * dealt to the brackets in turn by number, each compared only within its bracket (as Optuna's
   * {@code HyperbandPruner}; its default factor is 3).
   */
  static Pruner hyperband(int minSteps, int reductionFactor, int maxSteps) {
    int brackets = 1;
    for (long r = (long) minSteps * reductionFactor; r <= maxSteps; r *= reductionFactor) {
      brackets++;
    }
    return new SuccessiveHalving(minSteps, reductionFactor, maxSteps, brackets);
  }
}
