package org.rnn4j.tune;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The tree-structured Parzen estimator (Bergstra et al. 2011) as Optuna's default sampler runs it,
 * one parameter at a time: the finished trials are split into the best {@code gamma(n) = min(ceil(0.1
 * n), 25)} ("below") and the rest ("above"); each group's values of a parameter make a Parzen density
 * (truncated Gaussians at the observations plus a wide prior, in the log for log scales; weighted
 * counts plus a prior for choices), and of 24 candidates drawn from the "below" density the one with
 * the highest {@code l(x) / g(x)} is taken. Pruned trials count as worse than every complete one
 * (the further they got, the better among themselves); failed trials are ignored. The first 10
 * trials are random. A conditional parameter learns only from trials where it was active. Stateless
 * and thread-safe.
 */
final class TpeSampler implements Sampler {
  private static final double PRIOR_WEIGHT = 1.0;

  private final int startupTrials;
  private final int candidates;

  TpeSampler(int startupTrials, int candidates) {
    this.startupTrials = startupTrials;
    this.candidates = candidates;
  }

  @Override
  public Map<String, Object> sample(SearchSpace space, List<TrialRecord> trials, int number, Random random) {
    List<TrialRecord> ranked = ranked(trials);
    Map<String, Object> out = new LinkedHashMap<>();
    for (Param p : space.params()) {
      if (!SearchSpace.active(p, out)) {
        continue;
      }
      List<TrialRecord> seen = new ArrayList<>();
      for (TrialRecord t : ranked) {
        if (p.admits(t.params().get(p.name()))) {
          seen.add(t);
        }
      }
      out.put(p.name(), seen.size() < startupTrials ? Sampler.uniform(p, random) : one(p, seen, random));
    }
    return out;
  }

  /** Complete trials by value, then pruned ones by the step reached (further first) and their last value. */
  static List<TrialRecord> ranked(List<TrialRecord> trials) {
    List<TrialRecord> complete = new ArrayList<>();
    List<TrialRecord> pruned = new ArrayList<>();
    for (TrialRecord t : trials) {
      if (t.state() == TrialRecord.State.COMPLETE) {
        complete.add(t);
      } else if (t.state() == TrialRecord.State.PRUNED) {
        pruned.add(t);
      }
    }
    complete.sort(Comparator.comparingDouble(TrialRecord::value).thenComparingInt(TrialRecord::number));
    pruned.sort(Comparator.comparingInt(TrialRecord::lastStep).reversed()
        .thenComparingDouble(t -> Double.isNaN(t.lastIntermediate()) ? Double.MAX_VALUE : t.lastIntermediate())
        .thenComparingInt(TrialRecord::number));
    complete.addAll(pruned);
    return complete;
  }

  /** Optuna's default gamma. */
  static int below(int n) {
    return Math.max(1, Math.min((int) Math.ceil(0.1 * n), 25));
  }

  /** Optuna's default weights, over a group in trial order: older trials fade once there are 25. */
  static double[] weights(List<TrialRecord> group) {
    List<TrialRecord> byAge = new ArrayList<>(group);
    byAge.sort(Comparator.comparingInt(TrialRecord::number));
    int n = byAge.size();
    Map<Integer, Double> w = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      double v = 1.0;
      if (n >= 25 && i < n - 25) {
        int ramp = n - 25;
        v = ramp == 1 ? 1.0 / n : 1.0 / n + (1.0 - 1.0 / n) * i / (ramp - 1);
      }
      w.put(byAge.get(i).number(), v);
    }
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = w.get(group.get(i).number());
    }
    return out;
  }

  private Object one(Param p, List<TrialRecord> seen, Random random) {
    int nb = below(seen.size());
    List<TrialRecord> lo = seen.subList(0, nb);
    List<TrialRecord> hi = seen.subList(nb, seen.size());
    if (p instanceof Param.Choice c) {
      double[] l = categorical(c, lo);
      double[] g = categorical(c, hi);
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < candidates; k++) {
        int x = draw(l, random);
        double score = Math.log(l[x]) - Math.log(g[x]);
        if (score > bestScore) {
          bestScore = score;
          best = x;
        }
      }
      return c.values().get(best);
    }
    boolean isInt = p instanceof Param.IntRange;
    boolean log = isInt ? ((Param.IntRange) p).log() : ((Param.RealRange) p).log();
    double low = isInt ? ((Param.IntRange) p).low() - 0.5 : ((Param.RealRange) p).low();
    double high = isInt ? ((Param.IntRange) p).high() + 0.5 : ((Param.RealRange) p).high();
    double a = log ? Math.log(low) : low;
    double b = log ? Math.log(high) : high;
    if (!(b > a)) {
      return Sampler.uniform(p, random); // a one-value range
    }
    Parzen l = new Parzen(values(p, lo, log), weights(lo), a, b);
    Parzen g = new Parzen(values(p, hi, log), weights(hi), a, b);
    double best = Double.NaN;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < candidates; k++) {
      double x = l.draw(random);
      double score = l.logDensity(x) - g.logDensity(x);
      if (score > bestScore || Double.isNaN(best)) {
        bestScore = score;
        best = x;
      }
    }
    double v = log ? Math.exp(best) : best;
    if (isInt) {
      Param.IntRange r = (Param.IntRange) p;
      return (int) Math.max(r.low(), Math.min(r.high(), Math.round(v)));
    }
    Param.RealRange r = (Param.RealRange) p;
    return Math.max(r.low(), Math.min(r.high(), v));
  }

  private static double[] values(Param p, List<TrialRecord> group, boolean log) {
    double[] out = new double[group.size()];
    for (int i = 0; i < out.length; i++) {
      double v = ((Number) group.get(i).params().get(p.name())).doubleValue();
      out[i] = log ? Math.log(v) : v;
    }
    return out;
  }

  private static double[] categorical(Param.Choice c, List<TrialRecord> group) {
    int k = c.values().size();
    double[] w = new double[k];
    java.util.Arrays.fill(w, PRIOR_WEIGHT / k);
    double[] ws = weights(group);
    for (int i = 0; i < group.size(); i++) {
      w[c.values().indexOf((String) group.get(i).params().get(c.name()))] += ws[i];
    }
    double sum = 0;
    for (double x : w) {
      sum += x;
    }
    for (int i = 0; i < k; i++) {
      w[i] /= sum;
    }
    return w;
  }

  private static int draw(double[] p, Random random) {
    double u = random.nextDouble();
    double acc = 0;
    for (int i = 0; i < p.length; i++) {
      acc += p[i];
      if (u < acc) {
        return i;
      }
    }
    return p.length - 1;
  }

  /**
   * A mixture of Gaussians truncated to [a, b]: one at each observation and a prior at the middle
   * with the range's width; an observation's width is the larger gap to its neighbours (the prior
   * among them), clipped to [(b - a) / min(100, 1 + n), b - a].
   */
  static final class Parzen {
    final double[] mu;
    final double[] sigma;
    final double[] weight;
    final double a;
    final double b;

    Parzen(double[] observations, double[] obsWeights, double a, double b) {
      int n = observations.length;
      this.a = a;
      this.b = b;
      mu = new double[n + 1];
      weight = new double[n + 1];
      sigma = new double[n + 1];
      double sum = PRIOR_WEIGHT;
      for (int i = 0; i < n; i++) {
        mu[i] = observations[i];
        weight[i] = obsWeights[i];
        sum += obsWeights[i];
      }
      mu[n] = 0.5 * (a + b);
      weight[n] = PRIOR_WEIGHT;
      for (int i = 0; i <= n; i++) {
        weight[i] /= sum;
      }
      Integer[] order = new Integer[n + 1];
      for (int i = 0; i <= n; i++) {
        order[i] = i;
      }
      java.util.Arrays.sort(order, Comparator.comparingDouble(i -> mu[i]));
      double range = b - a;
      double minSigma = range / Math.min(100.0, 1.0 + n);
      for (int r = 0; r <= n; r++) {
        int i = order[r];
        double left = mu[i] - (r == 0 ? a : mu[order[r - 1]]);
        double right = (r == n ? b : mu[order[r + 1]]) - mu[i];
        sigma[i] = Math.max(minSigma, Math.min(range, Math.max(left, right)));
      }
      sigma[n] = range; // the prior stays wide
    }

    double draw(Random random) {
      int k = TpeSampler.draw(weight, random);
      for (int tries = 0; tries < 100; tries++) {
        double x = mu[k] + sigma[k] * random.nextGaussian();
        if (x >= a && x <= b) {
          return x;
        }
      }
      return Math.max(a, Math.min(b, mu[k]));
    }

    double logDensity(double x) {
      double p = 0;
      for (int i = 0; i < mu.length; i++) {
        double z = (x - mu[i]) / sigma[i];
        double mass = phi((b - mu[i]) / sigma[i]) - phi((a - mu[i]) / sigma[i]);
        p += weight[i] * Math.exp(-0.5 * z * z) / (sigma[i] * Math.sqrt(2 * Math.PI) * Math.max(mass, 1e-12));
      }
      return Math.log(Math.max(p, 1e-300));
    }

    /** The standard normal distribution function (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
    static double phi(double z) {
      double x = Math.abs(z) / Math.sqrt(2);
      double t = 1 / (1 + 0.3275911 * x);
      double erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
          + t * 1.061405429)))) * Math.exp(-x * x);
      return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
  }
}
