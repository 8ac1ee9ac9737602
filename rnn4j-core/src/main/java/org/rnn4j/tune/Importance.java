package org.rnn4j.tune;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How much each parameter alone explains of the scores: over the complete trials where it was
 * active, the share of the variance of the scores' ranks that lies between the groups of its values
 * (the correlation ratio, eta squared): a choice's values, a range's values cut into quartiles. 1 means
 * the parameter's value alone orders the trials, 0 that the trials score alike whatever its value.
 * Simpler than fANOVA: it sees one parameter at a time, so a parameter that matters only together
 * with another shows little, and with few trials small shares are noise. Stateless and thread-safe.
 */
public final class Importance {
  private Importance() {
  }

  /** Trials needed before a share is computed. */
  public static final int MIN_TRIALS = 4;

  /**
   * Each parameter's share, highest first; a parameter active in fewer than {@link #MIN_TRIALS}
   * complete trials, or taking one value only, is left out.
   */
  public static Map<String, Double> of(SearchSpace space, List<TrialRecord> trials) {
    List<Map.Entry<String, Double>> shares = new ArrayList<>();
    for (Param p : space.params()) {
      List<TrialRecord> used = new ArrayList<>();
      for (TrialRecord t : trials) {
        if (t.state() == TrialRecord.State.COMPLETE && t.params().containsKey(p.name())) {
          used.add(t);
        }
      }
      if (used.size() < MIN_TRIALS) {
        continue;
      }
      double[] rank = ranks(used);
      Map<Object, List<Double>> groups = groups(p, used, rank);
      if (groups.size() < 2) {
        continue;
      }
      double mean = 0;
      for (double r : rank) {
        mean += r;
      }
      mean /= rank.length;
      double total = 0;
      for (double r : rank) {
        total += (r - mean) * (r - mean);
      }
      double between = 0;
      for (List<Double> g : groups.values()) {
        double m = g.stream().mapToDouble(Double::doubleValue).average().orElse(mean);
        between += g.size() * (m - mean) * (m - mean);
      }
      shares.add(Map.entry(p.name(), total == 0 ? 0.0 : between / total));
    }
    shares.sort(Map.Entry.<String, Double>comparingByValue().reversed());
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : shares) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  /** The scores' ranks, ties sharing their mean rank. */
  static double[] ranks(List<TrialRecord> used) {
    int n = used.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, Comparator.comparingDouble(i -> used.get(i).value()));
    double[] rank = new double[n];
    for (int i = 0; i < n;) {
      int j = i;
      while (j + 1 < n && used.get(order[j + 1]).value() == used.get(order[i]).value()) {
        j++;
      }
      for (int k = i; k <= j; k++) {
        rank[order[k]] = (i + j) / 2.0;
      }
      i = j + 1;
    }
    return rank;
  }

  /** Ranks grouped by the parameter's value (choices) or by the quartile of its value (ranges). */
  private static Map<Object, List<Double>> groups(Param p, List<TrialRecord> used, double[] rank) {
    Map<Object, List<Double>> groups = new TreeMap<>(Comparator.comparing(String::valueOf));
    if (p instanceof Param.Choice) {
      for (int i = 0; i < used.size(); i++) {
        groups.computeIfAbsent(used.get(i).params().get(p.name()), k -> new ArrayList<>()).add(rank[i]);
      }
      return groups;
    }
    double[] v = new double[used.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = ((Number) used.get(i).params().get(p.name())).doubleValue();
    }
    double[] sorted = v.clone();
    java.util.Arrays.sort(sorted);
    for (int i = 0; i < v.length; i++) {
      // the quartile of the value's first position among the sorted values: equal values stay together
      int pos = java.util.Arrays.binarySearch(sorted, v[i]);
      while (pos > 0 && sorted[pos - 1] == v[i]) {
        pos--;
      }
      int quartile = Math.min(3, 4 * pos / v.length);
      groups.computeIfAbsent(quartile, k -> new ArrayList<>()).add(rank[i]);
    }
    return groups;
  }
}
