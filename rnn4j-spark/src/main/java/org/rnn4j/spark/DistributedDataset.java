package org.rnn4j.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.rnn4j.data.Dataset;
import org.rnn4j.spark.internal.Shard;

/**
 * Training examples spread over a Spark cluster: an RDD of {@link Example}s, numbered 0..N-1 in the
 * RDD's order and packed once per partition into rnn4j's columnar layout (cached in executor memory;
 * Spark rebuilds a lost partition from its lineage). The numbering is what makes a distributed epoch
 * visit the same global batches as {@link org.rnn4j.train.Trainer} on the same examples in the same
 * order.
 *
 * <p>Thread-safety: immutable after construction; use it from the driver thread that runs the
 * training. Call {@link #unpersist()} when done.
 */
public final class DistributedDataset {
  private final JavaRDD<Shard> shards;
  private final Broadcast<List<Example>> source; // null unless made from a local dataset
  private final long size;
  private final int steps;
  private final int featureCount;
  private final boolean tokens;

  private DistributedDataset(JavaRDD<Shard> shards, Broadcast<List<Example>> source, long size, int steps,
      int featureCount, boolean tokens) {
    this.shards = shards;
    this.source = source;
    this.size = size;
    this.steps = steps;
    this.featureCount = featureCount;
    this.tokens = tokens;
  }

  /**
   * Numbers the examples in the RDD's order, packs each partition and caches the result (one Spark job
   * to number them, one to pack and count).
   *
   * @throws IllegalArgumentException when the RDD is empty, holds more than 2^31 - 1 examples, or its
   *     examples differ in layout (steps, features, targets)
   */
  public static DistributedDataset of(JavaRDD<Example> examples) {
    if (examples == null) {
      throw new IllegalArgumentException("distributed data: expected an RDD of examples, got null");
    }
    JavaRDD<Shard> shards = examples.zipWithIndex()
        .mapPartitions(it -> Collections.singletonList(Shard.of(it)).iterator());
    return packed(shards, null);
  }

  /** Caches the shards, checks they share one layout and counts the examples. */
  private static DistributedDataset packed(JavaRDD<Shard> unpersisted, Broadcast<List<Example>> source) {
    JavaRDD<Shard> shards = unpersisted.persist(StorageLevel.MEMORY_ONLY());
    List<long[]> info = shards.map(s -> new long[] {s.size(), s.steps(), s.featureCount(), s.isTokens() ? 1 : 0})
        .collect();
    long n = 0;
    long[] layout = null;
    for (long[] i : info) {
      n += i[0];
      if (i[0] > 0) {
        if (layout != null && (layout[1] != i[1] || layout[2] != i[2] || layout[3] != i[3])) {
          release(shards, source);
          throw new IllegalArgumentException("distributed data: expected one layout in every partition, got "
              + layout[1] + " steps x " + layout[2] + " features in one and " + i[1] + " x " + i[2] + " in another");
        }
        layout = i;
      }
    }
    if (n == 0) {
      release(shards, source);
      throw new IllegalArgumentException("distributed data: expected at least one example, got none");
    }
    if (n > Integer.MAX_VALUE) {
      release(shards, source);
      throw new IllegalArgumentException("distributed data: expected at most " + Integer.MAX_VALUE
          + " examples, got " + n);
    }
    return new DistributedDataset(shards, source, n, (int) layout[1], (int) layout[2], layout[3] == 1);
  }

  /**
   * Spreads a local {@link Dataset} over {@code partitions} partitions of contiguous examples, in its
   * order (example i of the dataset gets global index i): what tests and examples use to train the same
   * data on one machine and on the cluster. The examples travel once, as a broadcast (an RDD made with
   * {@code parallelize} would carry its data inside every task of every round); a lost partition is
   * rebuilt from the broadcast.
   */
  public static DistributedDataset of(JavaSparkContext sc, Dataset data, int partitions) {
    if (sc == null || data == null) {
      throw new IllegalArgumentException("distributed data: expected a Spark context and a dataset, got "
          + (sc == null ? "no context" : "no dataset"));
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("distributed data: expected partitions >= 1, got " + partitions);
    }
    List<Example> all = examples(data);
    Broadcast<List<Example>> b = sc.broadcast(all);
    int n = all.size();
    List<Integer> ids = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      ids.add(p);
    }
    JavaRDD<Shard> shards = sc.parallelize(ids, partitions).mapPartitions(it -> {
      List<scala.Tuple2<Example, Long>> slice = new ArrayList<>();
      List<Example> ex = b.value();
      while (it.hasNext()) {
        int p = it.next();
        int from = (int) ((long) p * n / partitions); // parallelize's contiguous slices
        int to = (int) ((long) (p + 1) * n / partitions);
        for (int i = from; i < to; i++) {
          slice.add(new scala.Tuple2<>(ex.get(i), (long) i));
        }
      }
      return Collections.singletonList(Shard.of(slice.iterator())).iterator();
    });
    return packed(shards, b);
  }

  private static void release(JavaRDD<Shard> shards, Broadcast<List<Example>> source) {
    shards.unpersist(false);
    if (source != null) {
      source.destroy();
    }
  }

  /** The examples of a local dataset, in its order. */
  public static List<Example> examples(Dataset data) {
    int n = data.size();
    int t = data.steps();
    int f = data.features();
    int[] lengths = data.lengths();
    int[] yShape = data.targetShape();
    int yw = 1;
    if (yShape != null) {
      for (int d : yShape) {
        yw *= d;
      }
    }
    int cw = data.classesPerExample();
    List<Example> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int len = lengths == null ? t : lengths[i];
      float[] y = data.targetArray() == null ? null
          : java.util.Arrays.copyOfRange(data.targetArray(), i * yw, (i + 1) * yw);
      int[] c = data.classArray() == null ? null
          : java.util.Arrays.copyOfRange(data.classArray(), i * cw, (i + 1) * cw);
      if (data.isTokens()) {
        int[] tok = java.util.Arrays.copyOfRange(data.tokenArray(), i * t, (i + 1) * t);
        out.add(new Example(t, null, tok, len, y, yShape, c));
      } else {
        float[] x = java.util.Arrays.copyOfRange(data.featureArray(), i * t * f, (i + 1) * t * f);
        out.add(new Example(t, x, null, len, y, yShape, c));
      }
    }
    return out;
  }

  /** Number of examples N. */
  public int size() {
    return (int) size;
  }

  /** Time steps per example. */
  public int steps() {
    return steps;
  }

  /** Features per step (0 for token input). */
  public int featureCount() {
    return featureCount;
  }

  public boolean isTokens() {
    return tokens;
  }

  /** Number of Spark partitions (shards). */
  public int partitions() {
    return shards.getNumPartitions();
  }

  /** The Spark context the data lives in. */
  public JavaSparkContext context() {
    return JavaSparkContext.fromSparkContext(shards.context());
  }

  /** Drops the cached shards from executor memory. */
  public void unpersist() {
    shards.unpersist(false);
    if (source != null) {
      source.destroy();
    }
  }

  /** The packed shards (one per partition): internal. */
  JavaRDD<Shard> shards() {
    return shards;
  }
}
