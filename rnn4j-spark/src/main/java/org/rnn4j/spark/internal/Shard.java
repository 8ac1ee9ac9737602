package org.rnn4j.spark.internal;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import org.rnn4j.Tensor;
import org.rnn4j.data.Dataset;
import org.rnn4j.spark.Example;
import scala.Tuple2;

/**
 * The examples of one Spark partition in rnn4j's columnar layout (one {@link Dataset}), with the
 * global index of each: what a task trains on. Built once per partition and cached by Spark; a lost
 * shard is rebuilt from its lineage. Immutable after construction; the dataset view is built lazily
 * and is safe to read from several threads.
 */
public final class Shard implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int size;
  private final int steps;
  private final int featureCount; // 0 for tokens
  private final int[] globalIndex; // [n]
  private final float[] x; // [n, T, F] or null
  private final int[] tokens; // [n, T] or null
  private final int[] lengths; // [n] or null (all steps valid)
  private final float[] y; // [n, ...] or null
  private final int[] yShape; // per-example target shape or null
  private final int[] classes; // [n] or [n, T] or null
  private transient volatile Dataset dataset;

  private Shard(int size, int steps, int featureCount, int[] globalIndex, float[] x, int[] tokens, int[] lengths,
      float[] y, int[] yShape, int[] classes) {
    this.size = size;
    this.steps = steps;
    this.featureCount = featureCount;
    this.globalIndex = globalIndex;
    this.x = x;
    this.tokens = tokens;
    this.lengths = lengths;
    this.y = y;
    this.yShape = yShape;
    this.classes = classes;
  }

  /**
   * Packs a partition's (example, global index) pairs.
   *
   * @throws IllegalArgumentException when the examples do not share one layout (steps, features,
   *     target kind and shape), naming the first that differs
   */
  public static Shard of(Iterator<Tuple2<Example, Long>> it) {
    java.util.List<Example> ex = new java.util.ArrayList<>();
    java.util.List<Long> idx = new java.util.ArrayList<>();
    while (it.hasNext()) {
      Tuple2<Example, Long> t = it.next();
      ex.add(t._1());
      idx.add(t._2());
    }
    int n = ex.size();
    if (n == 0) {
      return new Shard(0, 0, 0, new int[0], null, null, null, null, null, null);
    }
    Example first = ex.get(0);
    int steps = first.steps();
    int f = first.featureCount();
    boolean tokensIn = first.tokens() != null;
    boolean floatTargets = first.target() != null;
    boolean classTargets = first.classes() != null;
    int[] yShape = first.targetShape();
    int yWidth = floatTargets ? first.target().length : 0;
    int cWidth = classTargets ? first.classes().length : 0;
    int[] gi = new int[n];
    float[] x = tokensIn ? null : new float[n * steps * f];
    int[] tok = tokensIn ? new int[n * steps] : null;
    int[] len = new int[n];
    boolean padded = false;
    float[] y = floatTargets ? new float[n * yWidth] : null;
    int[] cl = classTargets ? new int[n * cWidth] : null;
    for (int i = 0; i < n; i++) {
      Example e = ex.get(i);
      long g = idx.get(i);
      if (g > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("distributed data: expected at most " + Integer.MAX_VALUE
            + " examples, got an example with index " + g);
      }
      gi[i] = (int) g;
      if (e.steps() != steps || e.featureCount() != f || (e.tokens() != null) != tokensIn
          || (e.target() != null) != floatTargets || (e.classes() != null) != classTargets
          || (floatTargets && !Arrays.equals(e.targetShape(), yShape))
          || (classTargets && e.classes().length != cWidth)) {
        throw new IllegalArgumentException("distributed data: expected every example shaped like the first ("
            + first + "), got " + e + " at index " + g);
      }
      if (tokensIn) {
        System.arraycopy(e.tokens(), 0, tok, i * steps, steps);
      } else {
        System.arraycopy(e.features(), 0, x, i * steps * f, steps * f);
      }
      len[i] = e.length();
      padded |= e.length() < steps;
      if (floatTargets) {
        System.arraycopy(e.target(), 0, y, i * yWidth, yWidth);
      }
      if (classTargets) {
        System.arraycopy(e.classes(), 0, cl, i * cWidth, cWidth);
      }
    }
    return new Shard(n, steps, f, gi, x, tok, padded ? len : null, y, floatTargets ? yShape : null, cl);
  }

  /** Examples in this shard. */
  public int size() {
    return size;
  }

  public int steps() {
    return steps;
  }

  public int featureCount() {
    return featureCount;
  }

  public boolean isTokens() {
    return tokens != null;
  }

  /** Global index of local example {@code i}. */
  public int globalIndex(int i) {
    return globalIndex[i];
  }

  /** The shard as an rnn4j dataset (built on first use). */
  public Dataset dataset() {
    Dataset d = dataset;
    if (d == null && size > 0) {
      d = build();
      dataset = d;
    }
    return d;
  }

  private Dataset build() {
    if (tokens != null) {
      if (y != null) {
        return Dataset.ofTokens(tokens, size, steps, lengths, new Tensor(y, withN(yShape)));
      }
      return Dataset.ofTokens(tokens, size, steps, lengths, classes);
    }
    Tensor xt = new Tensor(x, size, steps, featureCount);
    if (classes != null) {
      return Dataset.ofFeatures(xt, lengths, classes);
    }
    return Dataset.ofFeatures(xt, lengths, y == null ? null : new Tensor(y, withN(yShape)));
  }

  private int[] withN(int[] shape) {
    int[] s = new int[shape.length + 1];
    s[0] = size;
    System.arraycopy(shape, 0, s, 1, shape.length);
    return s;
  }

  /**
   * The local indices of the examples whose position in the epoch's order lies in {@code [from, to)},
   * sorted by that position (the order a single machine would batch them in).
   *
   * @param position [N] position of each global example in the epoch's order
   */
  public int[] select(int[] position, int from, int to) {
    int m = 0;
    long[] keyed = new long[size];
    for (int i = 0; i < size; i++) {
      int p = position[globalIndex[i]];
      if (p >= from && p < to) {
        keyed[m++] = ((long) p << 32) | i;
      }
    }
    Arrays.sort(keyed, 0, m);
    int[] local = new int[m];
    for (int j = 0; j < m; j++) {
      local[j] = (int) keyed[j];
    }
    return local;
  }
}
