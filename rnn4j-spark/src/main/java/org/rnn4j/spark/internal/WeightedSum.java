package org.rnn4j.spark.internal;

import java.io.Serializable;

/**
 * What the partitions of one round send back and what {@code treeAggregate} combines: a weighted sum
 * of vectors (the gradient, or the parameters and optimizer state), the number of examples behind it,
 * the summed loss and the tasks' compute time.
 *
 * <p>One partition's contribution travels as the float vectors it computed (4 bytes a value) with its
 * example count as weight; merging two contributions switches to double sums of {@code weight *
 * value}. The double sums of float products are exact or nearly so, so the merge order Spark happens to
 * use (tasks finish in any order) practically never changes the float result, and a round served by
 * one partition returns that partition's floats bit for bit. Not thread-safe: Spark gives each task
 * and each merge its own copy.
 */
public final class WeightedSum implements Serializable {
  private static final long serialVersionUID = 1L;

  private long count;
  private double lossSum;
  private float[][] leaf; // one contribution: [V][P], weight = count
  private double[][] sum; // merged: sum of weight * value
  private long computeNanosMax;
  private long computeNanosSum;
  private int contributions;

  /** An empty sum (the zero of the aggregation). */
  public WeightedSum() {
  }

  /**
   * Adds one partition's result.
   *
   * @param examples examples behind the vectors (their weight), > 0
   * @param lossSum  the sum of the examples' losses
   * @param vectors  weighted-mean vectors (not copied: the caller hands them over)
   * @param nanos    compute time of the task
   */
  public WeightedSum add(long examples, double lossSum, float[][] vectors, long nanos) {
    WeightedSum one = new WeightedSum();
    one.count = examples;
    one.lossSum = lossSum;
    one.leaf = vectors;
    one.computeNanosMax = nanos;
    one.computeNanosSum = nanos;
    one.contributions = 1;
    return merge(one);
  }

  /** Merges {@code o} into this sum and returns this (o must not be used afterwards). */
  public WeightedSum merge(WeightedSum o) {
    if (o.count == 0) {
      return this;
    }
    if (count == 0) {
      count = o.count;
      lossSum = o.lossSum;
      leaf = o.leaf;
      sum = o.sum;
      computeNanosMax = o.computeNanosMax;
      computeNanosSum = o.computeNanosSum;
      contributions = o.contributions;
      return this;
    }
    toDouble();
    if (o.sum != null) {
      for (int v = 0; v < sum.length; v++) {
        double[] a = sum[v];
        double[] b = o.sum[v];
        for (int i = 0; i < a.length; i++) {
          a[i] += b[i];
        }
      }
    } else {
      double w = o.count;
      for (int v = 0; v < sum.length; v++) {
        double[] a = sum[v];
        float[] b = o.leaf[v];
        for (int i = 0; i < a.length; i++) {
          a[i] += w * b[i];
        }
      }
    }
    count += o.count;
    lossSum += o.lossSum;
    computeNanosMax = Math.max(computeNanosMax, o.computeNanosMax);
    computeNanosSum += o.computeNanosSum;
    contributions += o.contributions;
    return this;
  }

  private void toDouble() {
    if (sum != null) {
      return;
    }
    double w = count;
    sum = new double[leaf.length][];
    for (int v = 0; v < leaf.length; v++) {
      float[] a = leaf[v];
      double[] s = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        s[i] = w * a[i];
      }
      sum[v] = s;
    }
    leaf = null;
  }

  /** The weighted mean of vector {@code v} (the partition's floats as they are when there was one). */
  public float[] mean(int v) {
    if (count == 0) {
      throw new IllegalStateException("WeightedSum: expected at least one contribution, got none");
    }
    if (leaf != null) {
      return leaf[v];
    }
    double[] s = sum[v];
    float[] m = new float[s.length];
    double n = count;
    for (int i = 0; i < s.length; i++) {
      m[i] = (float) (s[i] / n);
    }
    return m;
  }

  public long count() {
    return count;
  }

  public double lossSum() {
    return lossSum;
  }

  /** The longest task's compute time. */
  public long computeNanosMax() {
    return computeNanosMax;
  }

  /** All tasks' compute time. */
  public long computeNanosSum() {
    return computeNanosSum;
  }

  /** Partitions that contributed. */
  public int contributions() {
    return contributions;
  }
}
