package org.rnn4j.tune;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Chooses the settings of the next trial from the space and the trials so far. Implementations are
 * stateless (all they know comes in the arguments), hence thread-safe; the study calls them under
 * its lock.
 */
public interface Sampler {

  /**
   * The next trial's settings: a value for every active parameter.
   *
   * @param number the trial's number (a grid's position)
   * @param trials every trial so far, finished or not
   * @param random this trial's random source (seeded by the study and the number)
   */
  Map<String, Object> sample(SearchSpace space, List<TrialRecord> trials, int number, Random random);

  /** Uniform sampling (log-uniform for log-scale ranges). */
  static Sampler random() {
    return (space, trials, number, random) -> {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Param p : space.params()) {
        if (SearchSpace.active(p, out)) {
          out.put(p.name(), uniform(p, random));
        }
      }
      return out;
    };
  }

  /** The tree-structured Parzen estimator with Optuna's defaults (10 random start-up trials). */
  static Sampler tpe() {
    return new TpeSampler(10, 24);
  }

  /**
   * Every combination in turn: all choices, whole-number ranges of at most {@code points} values in
   * full (else {@code points} values spread over the range), real ranges at {@code points} values
   * (log-spaced on a log scale). After the last combination it starts again.
   */
  static Sampler grid(int points) {
    return new GridSampler(points);
  }

  /** One value of {@code p}, uniform over its range (in the logarithm for log scales). */
  static Object uniform(Param p, Random random) {
    if (p instanceof Param.Choice c) {
      return c.values().get(random.nextInt(c.values().size()));
    }
    if (p instanceof Param.IntRange r) {
      if (r.log()) {
        double lo = Math.log(r.low() - 0.5);
        double hi = Math.log(r.high() + 0.5);
        long v = Math.round(Math.exp(lo + (hi - lo) * random.nextDouble()));
        return (int) Math.max(r.low(), Math.min(r.high(), v));
      }
      return r.low() + random.nextInt(r.high() - r.low() + 1);
    }
    Param.RealRange r = (Param.RealRange) p;
    if (r.log()) {
      double lo = Math.log(r.low());
      double hi = Math.log(r.high());
      return Math.min(r.high(), Math.max(r.low(), Math.exp(lo + (hi - lo) * random.nextDouble())));
    }
    return r.low() + (r.high() - r.low()) * random.nextDouble();
  }
}
