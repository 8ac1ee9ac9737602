package org.rnn4j.spark.internal;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.rnn4j.Model;
import org.rnn4j.io.ModelFiles;
import org.rnn4j.train.GradientClipping;
import org.rnn4j.train.Optimizer;
import org.rnn4j.train.Trainer;

/**
 * The work of one partition in one round, run on an executor as the {@code seqOp} of
 * {@code treeAggregate}: rebuild the model from its config and the broadcast parameters, pick the
 * partition's examples of the round's global batch (or batches), and return either their mean gradient
 * (gradient averaging) or the parameters and optimizer state after one local step per batch (parameter
 * averaging; state buffers in the order of their names), weighted by the examples used.
 *
 * <p>Nothing survives the task: a retried task recomputes the same contribution. Immutable and
 * serializable; Spark runs each copy on one thread.
 */
public final class RoundTask implements Function2<WeightedSum, Shard, WeightedSum> {
  private static final long serialVersionUID = 1L;

  private final String specJson;
  private final long modelSeed;
  private final long fitSeed;
  private final Broadcast<float[]> params;
  private final Broadcast<int[]> positions; // null: identity order
  private final int n;
  private final int from;
  private final int batchSize;
  private final int batches;
  private final long firstUpdate;
  private final long round;
  private final OptimizerCodec optimizer; // null: gradient averaging
  private final Broadcast<float[][]> state;
  private final long stepCount;
  private final float rate;
  private final float clipNorm;
  private final float clipValue;
  private final long failRound;
  private final int failPartition;

  /**
   * A round's task.
   *
   * @param from       position (in the epoch's order) of the round's first example
   * @param batches    global batches in the round (1 for gradient averaging)
   * @param optimizer  the optimizer for local steps, or null for gradient averaging
   */
  public RoundTask(String specJson, long modelSeed, long fitSeed, Broadcast<float[]> params,
      Broadcast<int[]> positions, int n, int from, int batchSize, int batches, long firstUpdate, long round,
      OptimizerCodec optimizer, Broadcast<float[][]> state, long stepCount, float rate, float clipNorm,
      float clipValue, long failRound, int failPartition) {
    this.specJson = specJson;
    this.modelSeed = modelSeed;
    this.fitSeed = fitSeed;
    this.params = params;
    this.positions = positions;
    this.n = n;
    this.from = from;
    this.batchSize = batchSize;
    this.batches = batches;
    this.firstUpdate = firstUpdate;
    this.round = round;
    this.optimizer = optimizer;
    this.state = state;
    this.stepCount = stepCount;
    this.rate = rate;
    this.clipNorm = clipNorm;
    this.clipValue = clipValue;
    this.failRound = failRound;
    this.failPartition = failPartition;
  }

  /** A model of the given config with the given parameters (the seed only names it). */
  public static Model rebuild(String specJson, long seed, float[] values) {
    Model m = Model.create(ModelFiles.specFromJsonText(specJson), seed);
    float[] p = m.parameterValues();
    if (p.length != values.length) {
      throw new IllegalStateException("distributed training: expected " + p.length + " parameters for the"
          + " model config, got " + values.length);
    }
    System.arraycopy(values, 0, p, 0, p.length);
    return m;
  }

  /**
   * The randomness of partition {@code partition} in global update {@code update}: partition 0 uses the
   * single-machine seed, so a one-partition run repeats {@link Trainer#fit}.
   */
  public static long updateSeed(long seed, long update, int partition) {
    long s = Trainer.updateSeed(seed, update);
    return partition == 0 ? s : Trainer.updateSeed(s, partition);
  }

  @Override
  public WeightedSum call(WeightedSum acc, Shard shard) {
    TaskContext ctx = TaskContext.get();
    int partition = ctx == null ? 0 : ctx.partitionId();
    if (round == failRound && partition == failPartition && ctx != null && ctx.attemptNumber() == 0) {
      throw new IllegalStateException("injected failure: first attempt of partition " + partition + " in round "
          + round + " (DistributedTrainer.Builder.failFirstAttempt)");
    }
    if (shard.size() == 0) {
      return acc;
    }
    long t0 = System.nanoTime();
    int[] pos = positions == null ? null : positions.value();
    if (optimizer == null) {
      int[] local = select(shard, pos, from, Math.min(from + batchSize, n));
      if (local.length == 0) {
        return acc;
      }
      Model model = rebuild(specJson, modelSeed, params.value());
      double loss = model.computeGradients(shard.dataset(), local, 0, local.length,
          updateSeed(fitSeed, firstUpdate, partition));
      return acc.add(local.length, loss * local.length, new float[][] {model.parameterGradients()},
          System.nanoTime() - t0);
    }
    Model model = null;
    Optimizer opt = null;
    long used = 0;
    double lossSum = 0;
    for (int b = 0; b < batches; b++) {
      int lo = from + b * batchSize;
      if (lo >= n) {
        break;
      }
      int[] local = select(shard, pos, lo, Math.min(lo + batchSize, n));
      if (local.length == 0) {
        continue;
      }
      if (model == null) {
        model = rebuild(specJson, modelSeed, params.value());
        opt = optimizer.decode().create(model.parameterCount());
        float[][] st = state.value();
        int i = 0;
        for (float[] buffer : new java.util.TreeMap<>(opt.state()).values()) {
          System.arraycopy(st[i++], 0, buffer, 0, buffer.length);
        }
        opt.setStepCount(stepCount);
        opt.setLearningRate(rate);
      }
      double loss = model.computeGradients(shard.dataset(), local, 0, local.length,
          updateSeed(fitSeed, firstUpdate + b, partition));
      float[] grads = model.parameterGradients();
      if (clipNorm > 0f) {
        GradientClipping.clipByGlobalNorm(grads, clipNorm);
      }
      if (clipValue > 0f) {
        GradientClipping.clipByValue(grads, clipValue);
      }
      opt.step(model.parameterValues(), grads);
      lossSum += loss * local.length;
      used += local.length;
    }
    if (model == null) {
      return acc;
    }
    float[][] out = new float[1 + opt.state().size()][];
    out[0] = model.parameterValues();
    int i = 1;
    for (float[] buffer : new java.util.TreeMap<>(opt.state()).values()) {
      out[i++] = buffer;
    }
    return acc.add(used, lossSum, out, System.nanoTime() - t0);
  }

  private static int[] select(Shard shard, int[] pos, int lo, int hi) {
    if (pos != null) {
      return shard.select(pos, lo, hi);
    }
    // identity order: the examples whose global index is in [lo, hi), in index order
    int m = 0;
    int[] tmp = new int[shard.size()];
    for (int i = 0; i < shard.size(); i++) {
      int g = shard.globalIndex(i);
      if (g >= lo && g < hi) {
        tmp[m++] = i;
      }
    }
    return java.util.Arrays.copyOf(tmp, m);
  }
}
