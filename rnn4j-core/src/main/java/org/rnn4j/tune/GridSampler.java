package org.rnn4j.tune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Grid search: trial {@code n} takes the {@code n}-th combination (mod the grid's size), the last
 * parameter varying fastest. A conditional parameter is part of every combination and is dropped
 * when inactive, so some combinations repeat settings. Stateless and thread-safe.
 */
final class GridSampler implements Sampler {
  private final int points;

  GridSampler(int points) {
    if (points < 2) {
      throw new IllegalArgumentException("grid sampler: expected at least 2 points per range, got " + points);
    }
    this.points = points;
  }

  /** The values the grid tries for {@code p}. */
  List<Object> values(Param p) {
    List<Object> out = new ArrayList<>();
    if (p instanceof Param.Choice c) {
      out.addAll(c.values());
    } else if (p instanceof Param.IntRange r) {
      if (r.high() - r.low() + 1 <= points) {
        for (int v = r.low(); v <= r.high(); v++) {
          out.add(v);
        }
      } else {
        for (int i = 0; i < points; i++) {
          int v = (int) Math.round(at(r.low(), r.high(), r.log(), i));
          if (!out.contains(v)) {
            out.add(v);
          }
        }
      }
    } else {
      Param.RealRange r = (Param.RealRange) p;
      for (int i = 0; i < points; i++) {
        out.add(at(r.low(), r.high(), r.log(), i));
      }
    }
    return out;
  }

  private double at(double lo, double hi, boolean log, int i) {
    double f = (double) i / (points - 1);
    double v = log ? Math.exp(Math.log(lo) + f * (Math.log(hi) - Math.log(lo))) : lo + f * (hi - lo);
    return i == points - 1 ? hi : i == 0 ? lo : v;
  }

  /** The number of combinations. */
  long size(SearchSpace space) {
    long n = 1;
    for (Param p : space.params()) {
      n = Math.multiplyExact(n, values(p).size());
    }
    return n;
  }

  @Override
  public Map<String, Object> sample(SearchSpace space, List<TrialRecord> trials, int number, Random random) {
    long index = Math.floorMod((long) number, size(space));
    List<List<Object>> axes = new ArrayList<>();
    for (Param p : space.params()) {
      axes.add(values(p));
    }
    Object[] pick = new Object[axes.size()];
    for (int i = axes.size() - 1; i >= 0; i--) {
      int k = axes.get(i).size();
      pick[i] = axes.get(i).get((int) (index % k));
      index /= k;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < pick.length; i++) {
      Param p = space.params().get(i);
      if (SearchSpace.active(p, out)) {
        out.put(p.name(), pick[i]);
      }
    }
    return out;
  }
}
