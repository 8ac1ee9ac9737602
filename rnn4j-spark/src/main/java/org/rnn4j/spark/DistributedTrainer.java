package org.rnn4j.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.rnn4j.Model;
import org.rnn4j.data.Dataset;
import org.rnn4j.io.ModelFiles;
import org.rnn4j.io.SafeTensors;
import org.rnn4j.spark.internal.OptimizerCodec;
import org.rnn4j.spark.internal.RoundTask;
import org.rnn4j.spark.internal.WeightedSum;
import org.rnn4j.train.EpochCursor;
import org.rnn4j.train.EpochPolicy;
import org.rnn4j.train.FitOptions;
import org.rnn4j.train.GradientClipping;
import org.rnn4j.train.History;
import org.rnn4j.train.Optimizer;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.TrainingCheckpoint;

/**
 * Data-parallel, synchronous training of any rnn4j {@link Model} on Apache Spark: the loop of
 * {@link Trainer#fit}, with each global batch spread over the partitions of a {@link DistributedDataset}.
 *
 * <p>One round, read top to bottom (gradient averaging, the default):
 * <ol>
 *   <li>the driver broadcasts the parameters;
 *   <li>every partition rebuilds the model from its config and the broadcast parameters (executors
 *       keep nothing between rounds), picks its examples of the global batch (the batch is cut from
 *       the epoch's order exactly as {@link Trainer} cuts it), and runs forward, loss and backward on
 *       them with rnn4j's engine;
 *   <li>{@code treeAggregate} combines the partitions' gradients weighted by their example counts, so
 *       the driver receives the mean gradient of the whole global batch;
 *   <li>the driver guards against NaN and exploding losses, clips, and applies the optimizer, whose
 *       state lives only on the driver.
 * </ol>
 * With the same global batch size, seed and optimizer, this is the same computation as
 * {@link Trainer#fit} up to float32 rounding (the batch's sum is split between partitions), and with a
 * single partition the very same floats. Models with dropout draw partition p's masks from (seed,
 * update, p), so with several partitions their masks differ from a single machine's.
 *
 * <p>Parameter averaging ({@link Builder#parameterAveraging(int)}): each round, every partition starts
 * from the broadcast parameters and optimizer state, takes up to k local steps (one per global batch of
 * the round, on its share of it, with clipping), and the driver replaces parameters and optimizer state
 * by their example-weighted averages. Fewer, larger messages; not equal to single-machine training
 * unless k = 1 with plain SGD and no clipping.
 *
 * <p>Fault tolerance is Spark's: a task that fails is run again (no state lives in executors, so the
 * retry computes the same contribution), and a lost cached partition is rebuilt from its lineage. The
 * driver checkpoints parameters, optimizer state and the run's position atomically (every
 * {@link FitOptions#checkpointEvery()} rounds and at each epoch's end) and a new fit with the same
 * checkpoint file resumes from it. {@link FitOptions#stateful()} and validation metrics are not
 * supported (rejected with a message).
 *
 * <p>Thread-safety: immutable and thread-safe; one {@code fit} at a time per model.
 */
public final class DistributedTrainer {
  private static final String CHECKPOINT_FORMAT = "rnn4j-spark-checkpoint";
  private static final int CHECKPOINT_VERSION = 1;

  /** How the partitions' work is combined. Immutable constants; thread-safe. */
  public enum Mode {
    /** Each round: one global batch, gradients averaged by treeAggregate, one optimizer step on the driver. */
    GRADIENT_AVERAGING,
    /** Each round: k local steps per partition, then parameters and optimizer state averaged. */
    PARAMETER_AVERAGING
  }

  private final FitOptions options;
  private final Mode mode;
  private final int localSteps;
  private final int treeDepth;
  private final long failRound;
  private final int failPartition;

  private DistributedTrainer(Builder b) {
    this.options = b.options;
    this.mode = b.mode;
    this.localSteps = b.localSteps;
    this.treeDepth = b.treeDepth;
    this.failRound = b.failRound;
    this.failPartition = b.failPartition;
  }

  /** A builder: gradient averaging, tree depth 2, {@link FitOptions#builder()}'s defaults. */
  public static Builder builder() {
    return new Builder();
  }

  public FitOptions options() {
    return options;
  }

  public Mode mode() {
    return mode;
  }

  /** Local steps per round: 1 for gradient averaging, k for parameter averaging. */
  public int localSteps() {
    return localSteps;
  }

  /**
   * Builds a {@link DistributedTrainer}; {@link #build()} validates and may be called twice. Not
   * thread-safe.
   */
  public static final class Builder {
    private FitOptions options = FitOptions.builder().build();
    private Mode mode = Mode.GRADIENT_AVERAGING;
    private int localSteps = 1;
    private int treeDepth = 2;
    private long failRound = -1;
    private int failPartition = -1;

    private Builder() {
    }

    /**
     * The training settings, as for {@link Trainer#fit}: {@code batchSize} is the global batch (over all
     * partitions), {@code checkpointEvery} counts rounds.
     */
    public Builder options(FitOptions o) {
      if (o == null) {
        throw new IllegalArgumentException("DistributedTrainer: expected fit options, got null");
      }
      this.options = o;
      return this;
    }

    /** Average gradients every round (the default): equal to single-machine training. */
    public Builder gradientAveraging() {
      this.mode = Mode.GRADIENT_AVERAGING;
      this.localSteps = 1;
      return this;
    }

    /** Average parameters (and optimizer state) after {@code k} local steps per partition. */
    public Builder parameterAveraging(int k) {
      if (k < 1) {
        throw new IllegalArgumentException("DistributedTrainer: expected local steps k >= 1, got " + k);
      }
      this.mode = Mode.PARAMETER_AVERAGING;
      this.localSteps = k;
      return this;
    }

    /** Depth of {@code treeAggregate} (2 by default; 1 = every partition sends to the driver). */
    public Builder treeDepth(int depth) {
      if (depth < 1) {
        throw new IllegalArgumentException("DistributedTrainer: expected tree depth >= 1, got " + depth);
      }
      this.treeDepth = depth;
      return this;
    }

    /**
     * A testing aid for fault tolerance: the first attempt of partition {@code partition}'s task in
     * global round {@code round} (0-based) throws, as a lost executor would make it fail. Spark retries
     * it when the task may fail more than once ({@code spark.task.maxFailures}, or {@code local[N,F]}
     * in local mode).
     */
    public Builder failFirstAttempt(long round, int partition) {
      if (round < 0 || partition < 0) {
        throw new IllegalArgumentException("DistributedTrainer: expected round and partition >= 0, got " + round
            + ", " + partition);
      }
      this.failRound = round;
      this.failPartition = partition;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException for settings the distributed loop cannot honour (stateful
     *     training, validation metrics)
     */
    public DistributedTrainer build() {
      if (options.stateful()) {
        throw new IllegalArgumentException("DistributedTrainer: expected stateful = false (state carried from"
            + " batch to batch needs the batches in one place), got true; train stateful models with Trainer");
      }
      if (!options.metrics().isEmpty()) {
        throw new IllegalArgumentException("DistributedTrainer: expected no validation metrics (the distributed"
            + " loop records the validation loss), got " + options.metrics()
            + "; compute metrics on the trained model afterwards");
      }
      return new DistributedTrainer(this);
    }
  }

  // ---- fit ----------------------------------------------------------------------------------------------

  /** Trains without validation data. */
  public History fit(Model model, DistributedDataset train, RoundListener listener) throws IOException {
    return fit(model, train, (Validation) null, listener);
  }

  /** Trains, validating after each epoch on a distributed dataset (evaluated on the cluster). */
  public History fit(Model model, DistributedDataset train, DistributedDataset validation, RoundListener listener)
      throws IOException {
    return fit(model, train, validation == null ? null : new Validation() {
      @Override
      public double loss(Model m, int batchSize) {
        return evaluateLoss(m, validation, batchSize);
      }
    }, listener);
  }

  /** Trains, validating after each epoch on a local dataset (evaluated on the driver). */
  public History fit(Model model, DistributedDataset train, Dataset validation, RoundListener listener)
      throws IOException {
    return fit(model, train, validation == null || validation.size() == 0 ? null : new Validation() {
      @Override
      public double loss(Model m, int batchSize) {
        return m.evaluateLoss(validation, batchSize);
      }
    }, listener);
  }

  private interface Validation {
    double loss(Model model, int batchSize);
  }

  /**
   * The mean inference-mode loss of {@code model} over a distributed dataset, each partition evaluated
   * by its executor in batches of {@code batchSize}.
   */
  public static double evaluateLoss(Model model, DistributedDataset data, int batchSize) {
    JavaSparkContext sc = data.context();
    Broadcast<float[]> params = sc.broadcast(model.parameterValues().clone());
    try {
      String spec = ModelFiles.specToJsonText(model.spec());
      long seed = model.seed();
      double[] sum = data.shards().map(s -> {
        if (s.size() == 0) {
          return new double[2];
        }
        Model m = RoundTask.rebuild(spec, seed, params.value());
        return new double[] {m.evaluateLoss(s.dataset(), batchSize) * s.size(), s.size()};
      }).reduce((a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
      return sum[0] / sum[1];
    } finally {
      params.destroy();
    }
  }

  private History fit(Model model, DistributedDataset train, Validation validation, RoundListener listener)
      throws IOException {
    if (model == null || train == null) {
      throw new IllegalArgumentException("DistributedTrainer.fit: expected a model and training data, got "
          + (model == null ? "no model" : "no data"));
    }
    // the same one-fit-at-a-time rule as Trainer: a local fit and a distributed one would otherwise both
    // write the parameters
    try (Model.TrainingClaim claim = model.claimTraining()) {
      return fitClaimed(model, train, validation, listener == null ? new RoundListener() { } : listener);
    }
  }

  private History fitClaimed(Model model, DistributedDataset train, Validation validation, RoundListener listener)
      throws IOException {
    checkLayout(model, train);
    JavaSparkContext sc = train.context();
    float[] params = model.parameterValues();
    Optimizer optimizer = options.optimizer().create(params.length);
    float baseRate = optimizer.learningRate();
    List<String> stateNames = new ArrayList<>(new java.util.TreeSet<>(optimizer.state().keySet()));
    Run run = new Run();
    EpochPolicy policy = new EpochPolicy(options);
    Path ckpt = options.checkpoint();
    if (ckpt != null && Files.exists(ckpt)) {
      loadCheckpoint(ckpt, model, optimizer, policy, run);
      listener.message(String.format(Locale.ROOT, "resumed from %s at epoch %d, round %d", ckpt, run.at.epoch + 1,
          run.at.inEpoch));
    }
    String specJson = ModelFiles.specToJsonText(model.spec());
    OptimizerCodec codec = mode == Mode.PARAMETER_AVERAGING ? OptimizerCodec.of(options.optimizer()) : null;
    int n = train.size();
    int bs = Math.min(options.batchSize(), n);
    int steps = (n + bs - 1) / bs;
    int k = localSteps;
    int rounds = (steps + k - 1) / k;
    int slots = Math.max(1, sc.defaultParallelism()); // tasks that can run at once
    long vectorBytes = 4L * params.length * (mode == Mode.PARAMETER_AVERAGING ? 1 + stateNames.size() : 1);
    // a run that stopped early is finished: resuming it trains no further
    boolean stop = !policy.history().stopReason().isEmpty();
    for (; !stop && run.at.epoch < options.epochs(); run.at.nextEpoch()) {
      long started = System.nanoTime();
      // the epoch's order, as each example's position in it (null: the identity)
      Broadcast<int[]> positions = options.shuffle()
          ? sc.broadcast(inverse(Trainer.epochOrder(n, options, run.at.epoch))) : null;
      listener.epochStarted(run.at.epoch + 1, options.epochs(), rounds - run.at.inEpoch);
      float rate = baseRate;
      try {
        for (; run.at.inEpoch < rounds; run.at.inEpoch++) {
          long roundStart = System.nanoTime();
          int firstBatch = run.at.inEpoch * k;
          int batches = Math.min(k, steps - firstBatch);
          rate = policy.learningRate(baseRate, run.at.epoch, run.globalUpdate);
          optimizer.setLearningRate(rate);
          // 1. broadcast the parameters (and, averaging parameters, the optimizer state)
          Broadcast<float[]> bParams = sc.broadcast(params.clone());
          Broadcast<float[][]> bState = null;
          if (mode == Mode.PARAMETER_AVERAGING) {
            float[][] st = new float[stateNames.size()][];
            for (int i = 0; i < st.length; i++) {
              st[i] = optimizer.state().get(stateNames.get(i)).clone();
            }
            bState = sc.broadcast(st);
          }
          RoundTask task = new RoundTask(specJson, model.seed(), options.seed(), bParams, positions, n,
              firstBatch * bs, bs, batches, run.globalUpdate, run.globalRound, codec, bState,
              optimizer.stepCount(), rate, options.clipNorm(), options.clipValue(), failRound, failPartition);
          // 2. + 3. every partition computes its share; the tree combines them, weighted by examples
          WeightedSum total;
          try {
            total = train.shards().treeAggregate(new WeightedSum(), task, WeightedSum::merge, treeDepth);
          } finally {
            bParams.destroy();
            if (bState != null) {
              bState.destroy();
            }
          }
          long driverStart = System.nanoTime();
          double loss = total.lossSum() / total.count();
          policy.checkLoss(loss, run.at.epoch + 1, run.at.inEpoch + 1, "round", "round", rate);
          // 4. the update, on the driver
          if (mode == Mode.GRADIENT_AVERAGING) {
            float[] grads = total.mean(0);
            if (options.clipNorm() > 0f) {
              GradientClipping.clipByGlobalNorm(grads, options.clipNorm());
            }
            if (options.clipValue() > 0f) {
              GradientClipping.clipByValue(grads, options.clipValue());
            }
            optimizer.step(params, grads);
          } else {
            System.arraycopy(total.mean(0), 0, params, 0, params.length);
            for (int i = 0; i < stateNames.size(); i++) {
              float[] avg = total.mean(1 + i);
              System.arraycopy(avg, 0, optimizer.state().get(stateNames.get(i)), 0, avg.length);
            }
            optimizer.setStepCount(optimizer.stepCount() + batches);
          }
          long roundEnd = System.nanoTime();
          run.at.add(total.lossSum(), total.count());
          run.globalRound++;
          run.globalUpdate += batches;
          double elapsed = (roundEnd - started) / 1e9;
          listener.batchFinished(run.at.epoch + 1, run.at.inEpoch + 1, rounds, run.at.lossSum / run.at.seen,
              elapsed > 0 ? run.at.seen / elapsed : 0);
          listener.roundFinished(new RoundStats(run.at.epoch + 1, run.at.inEpoch + 1, rounds, run.globalRound - 1,
              batches, total.count(), loss, total.contributions(), (roundEnd - roundStart) / 1e9,
              criticalCompute(total, slots) / 1e9, total.computeNanosSum() / 1e9, (roundEnd - driverStart) / 1e9,
              vectorBytes, vectorBytes * total.contributions()));
          if (ckpt != null && options.checkpointEvery() > 0 && run.globalRound % options.checkpointEvery() == 0
              && run.at.inEpoch + 1 < rounds) {
            saveCheckpoint(ckpt, model, optimizer, policy, run, true);
          }
        }
      } finally {
        if (positions != null) {
          positions.destroy();
        }
      }
      // validation, then the policy's bookkeeping (the same as Trainer's)
      double val = validation == null ? Double.NaN : validation.loss(model, bs);
      History.Epoch record = new History.Epoch(run.at.epoch + 1, run.at.meanLoss(), val, rate,
          (System.nanoTime() - started) / 1e9);
      stop = policy.epochFinished(record, params, listener);
      if (ckpt != null) {
        saveCheckpoint(ckpt, model, optimizer, policy, run, false);
      }
    }
    return policy.finish(params, listener);
  }

  private static void checkLayout(Model model, DistributedDataset train) {
    boolean tokenModel = model.spec().tokenInput();
    if (tokenModel != train.isTokens()) {
      throw new IllegalArgumentException("DistributedTrainer.fit: expected " + (tokenModel ? "token" : "feature")
          + " input for this model, got " + (train.isTokens() ? "token ids" : "features"));
    }
    if (!tokenModel && model.spec().inputFeatures() != train.featureCount()) {
      throw new IllegalArgumentException("DistributedTrainer.fit: expected " + model.spec().inputFeatures()
          + " features per step (the model's input size), got " + train.featureCount());
    }
  }

  /**
   * The compute on a round's critical path: the slowest task, or, when there are more tasks than task
   * slots, the tasks' total spread over the slots (queued tasks wait for a slot).
   */
  private static long criticalCompute(WeightedSum total, int slots) {
    int parallel = Math.max(1, Math.min(slots, total.contributions()));
    return Math.max(total.computeNanosMax(), total.computeNanosSum() / parallel);
  }

  /** position[example] = its index in {@code order}. */
  private static int[] inverse(int[] order) {
    int[] pos = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      pos[order[i]] = i;
    }
    return pos;
  }

  /** Where a run is: what a checkpoint holds besides parameters, optimizer and the epoch policy. */
  private static final class Run {
    final EpochCursor at = new EpochCursor("round_in_epoch");
    long globalRound;
    long globalUpdate;
  }

  // ---- checkpoints ----------------------------------------------------------------------------------------

  /** @param midEpoch after the current round, else at the next epoch's start */
  private void saveCheckpoint(Path file, Model model, Optimizer opt, EpochPolicy policy, Run run,
      boolean midEpoch) throws IOException {
    TrainingCheckpoint c = new TrainingCheckpoint(CHECKPOINT_FORMAT, CHECKPOINT_VERSION, model, opt, policy);
    c.meta().put("mode", mode.name());
    c.meta().put("local_steps", Integer.toString(localSteps));
    if (midEpoch) {
      run.at.writeAfterUnit(c.meta());
    } else {
      run.at.writeAtNextEpoch(c.meta());
    }
    c.meta().put("global_round", Long.toString(run.globalRound));
    c.meta().put("global_update", Long.toString(run.globalUpdate));
    c.write(file);
  }

  private void loadCheckpoint(Path file, Model model, Optimizer opt, EpochPolicy policy, Run run)
      throws IOException {
    SafeTensors.Contents c = SafeTensors.read(file);
    Map<String, String> m = c.metadata();
    // the mode is checked before anything is read into the model
    String how = mode.name() + " with " + localSteps + " local steps";
    String was = m.get("mode") + " with " + m.get("local_steps") + " local steps";
    if (CHECKPOINT_FORMAT.equals(m.get("format")) && !how.equals(was)) {
      throw new IOException(file + ": expected a checkpoint of " + how + ", got one of " + was
          + "; resume with the same settings or delete it");
    }
    TrainingCheckpoint.restore(file, c, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, model, opt, policy);
    run.at.read(m);
    run.globalRound = Long.parseLong(m.get("global_round"));
    run.globalUpdate = Long.parseLong(m.get("global_update"));
  }
}
