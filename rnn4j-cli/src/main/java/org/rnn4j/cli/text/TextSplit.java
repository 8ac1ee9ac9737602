package org.rnn4j.cli.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Splits labelled rows into train, validation and test parts, seeded. By group (e.g. the UDHR article
 * number): the distinct groups are shuffled and whole groups go to test until it holds at least the
 * test fraction of the rows, then to validation likewise, the rest to train, so no group is in two
 * parts (a translated paragraph cannot leak from train into test). Without groups: stratified, each
 * class's rows shuffled and split by the fractions (at least one row of every class in train and in
 * test). Stateless and thread-safe.
 */
public final class TextSplit {
  /** Part of a row. */
  public static final int TRAIN = 0;
  public static final int VALIDATION = 1;
  public static final int TEST = 2;

  private TextSplit() {
  }

  /**
   * The part of each row, by whole groups.
   *
   * @return for each row TRAIN, VALIDATION or TEST
   */
  public static int[] byGroup(List<String> groups, double testFraction, double validationFraction, long seed) {
    Map<String, List<Integer>> rows = new LinkedHashMap<>();
    for (int i = 0; i < groups.size(); i++) {
      rows.computeIfAbsent(groups.get(i), g -> new ArrayList<>()).add(i);
    }
    List<String> order = new ArrayList<>(rows.keySet());
    shuffle(order, seed);
    int[] part = new int[groups.size()];
    int n = groups.size();
    int test = 0;
    int val = 0;
    for (String g : order) {
      List<Integer> r = rows.get(g);
      int p;
      if (test < testFraction * n) {
        p = TEST;
        test += r.size();
      } else if (val < validationFraction * n) {
        p = VALIDATION;
        val += r.size();
      } else {
        p = TRAIN;
      }
      for (int i : r) {
        part[i] = p;
      }
    }
    return part;
  }

  /**
   * The part of each row, stratified by label: of a class's rows (shuffled), {@code round(n *
   * testFraction)} go to test (at least 1), {@code round(n * validationFraction)} to validation, the
   * rest (at least 1) to train. Classes need two rows or more.
   */
  public static int[] stratified(List<String> labels, double testFraction, double validationFraction, long seed) {
    Map<String, List<Integer>> rows = new LinkedHashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      rows.computeIfAbsent(labels.get(i), g -> new ArrayList<>()).add(i);
    }
    int[] part = new int[labels.size()];
    long s = seed;
    for (List<Integer> r : rows.values()) {
      List<Integer> shuffled = new ArrayList<>(r);
      shuffle(shuffled, s++);
      int n = shuffled.size();
      int test = Math.max(1, (int) Math.round(n * testFraction));
      int val = (int) Math.round(n * validationFraction);
      test = Math.min(test, n - 1);
      val = Math.max(0, Math.min(val, n - 1 - test));
      for (int k = 0; k < n; k++) {
        part[shuffled.get(k)] = k < test ? TEST : k < test + val ? VALIDATION : TRAIN;
      }
    }
    return part;
  }

  private static <T> void shuffle(List<T> list, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = list.size() - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      T t = list.get(i);
      list.set(i, list.get(j));
      list.set(j, t);
    }
  }
}
