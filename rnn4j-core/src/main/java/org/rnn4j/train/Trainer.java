package org.rnn4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.rnn4j.Model;
import org.rnn4j.data.Dataset;
import org.rnn4j.io.SafeTensors;

/**
 * The training loop, read top to bottom: next batch -> forward -> loss -> backward -> clip -> update
 * -> log; then validation, early stopping, the learning-rate schedule and checkpoints.
 *
 * <p>Every random choice is a function of the seed and the position in the run (the epoch's shuffle
 * from (seed, epoch), dropout from (seed, update)), so a run resumed from a checkpoint repeats the
 * uninterrupted run bit for bit (same thread count). Checkpoints are written atomically; those of a
 * stateful run written mid-epoch also hold the carried recurrent state.
 *
 * <p>Stateful runs ({@link FitOptions#stateful()}, truncated BPTT over streams): batch k+1 continues
 * batch k example by example, the state is reset at each epoch, and validation is streamed the same
 * way (its consecutive batches carry the state, starting from zero), as char-rnn evaluates.
 *
 * <p>Not thread-safe: one fit at a time per model.
 */
public final class Trainer {
  private static final String CHECKPOINT_FORMAT = "rnn4j-checkpoint";
  private static final int CHECKPOINT_VERSION = 1;

  private Trainer() {
  }

  /** Raised when training must stop for a reason the user can act on (NaN loss, exploding loss). */
  public static final class TrainingStoppedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingStoppedException(String message) {
      super(message);
    }
  }

  /** Trains without validation data or listener. */
  public static History fit(Model model, Dataset train, FitOptions options) throws IOException {
    return fit(model, train, null, options, new TrainingListener() { });
  }

  /**
   * Trains {@code model} on {@code train}, validating on {@code validation} (may be null) after each
   * epoch. With a checkpoint file in the options, an existing checkpoint is resumed.
   *
   * @throws TrainingStoppedException when the loss becomes NaN or explodes (with what to try)
   * @throws IOException              when a checkpoint cannot be read or written
   * @throws IllegalStateException    when another fit is training {@code model} now
   */
  public static History fit(Model model, Dataset train, Dataset validation, FitOptions options,
      TrainingListener listener) throws IOException {
    try (Model.TrainingClaim claim = model.claimTraining()) {
      return fitClaimed(model, train, validation, options, listener);
    }
  }

  private static History fitClaimed(Model model, Dataset train, Dataset validation, FitOptions options,
      TrainingListener listener) throws IOException {
    if (train == null || train.size() == 0) {
      throw new IllegalArgumentException("fit: expected training examples, got none");
    }
    float[] params = model.parameterValues();
    float[] grads = model.parameterGradients();
    Optimizer optimizer = options.optimizer().create(params.length);
    float baseRate = optimizer.learningRate();
    Run run = new Run();
    EpochPolicy policy = new EpochPolicy(options);
    Path ckpt = options.checkpoint();
    if (ckpt != null && Files.exists(ckpt)) {
      loadCheckpoint(ckpt, model, optimizer, policy, run);
      listener.message(String.format(Locale.ROOT, "resumed from %s at epoch %d, update %d", ckpt,
          run.at.epoch + 1, run.at.inEpoch));
    }
    int n = train.size();
    int bs = Math.min(options.batchSize(), n);
    int steps = (n + bs - 1) / bs;
    model.setStateful(options.stateful());
    // a run that stopped early is finished: resuming it trains no further
    boolean stop = !policy.history().stopReason().isEmpty();
    for (; !stop && run.at.epoch < options.epochs(); run.at.nextEpoch()) {
      long started = System.nanoTime();
      int[] order = order(n, options, run.at.epoch);
      if (run.at.inEpoch > 0 && run.carried != null) {
        model.setCarriedState(run.carried); // resumed mid-epoch: the streams continue
      } else {
        model.resetState();
      }
      run.carried = null;
      listener.epochStarted(run.at.epoch + 1, options.epochs(), steps - run.at.inEpoch);
      float rate = baseRate;
      for (; run.at.inEpoch < steps; run.at.inEpoch++) {
        int from = run.at.inEpoch * bs;
        int count = Math.min(bs, n - from);
        rate = policy.learningRate(baseRate, run.at.epoch, run.globalStep);
        optimizer.setLearningRate(rate);
        // forward + loss + backward (gradients zeroed inside)
        double loss = model.computeGradients(train, order, from, count, mix(options.seed(), run.globalStep));
        policy.checkLoss(loss, run.at.epoch + 1, run.at.inEpoch + 1, "update", "batch", rate);
        if (options.clipNorm() > 0f) {
          GradientClipping.clipByGlobalNorm(grads, options.clipNorm());
        }
        if (options.clipValue() > 0f) {
          GradientClipping.clipByValue(grads, options.clipValue());
        }
        optimizer.step(params, grads);
        run.at.add(loss * count, count);
        run.globalStep++;
        double elapsed = (System.nanoTime() - started) / 1e9;
        listener.batchFinished(run.at.epoch + 1, run.at.inEpoch + 1, steps, run.at.lossSum / run.at.seen,
            elapsed > 0 ? run.at.seen / elapsed : 0);
        if (ckpt != null && options.checkpointEvery() > 0 && run.globalStep % options.checkpointEvery() == 0
            && run.at.inEpoch + 1 < steps) {
          saveCheckpoint(ckpt, model, optimizer, policy, run, true);
        }
      }
      // validation, then the policy's bookkeeping
      double val = Double.NaN;
      if (validation != null && validation.size() > 0) {
        if (options.stateful()) {
          // streamed as the training data: consecutive batches carry the state, from zero
          model.resetState();
          val = model.evaluateLoss(validation, bs);
          model.resetState();
        } else {
          val = model.evaluateLoss(validation, bs);
        }
      }
      Map<String, Double> metrics = Double.isNaN(val) ? Map.of()
          : ValidationMetrics.compute(options.metrics(), model, validation, val);
      History.Epoch record = new History.Epoch(run.at.epoch + 1, run.at.meanLoss(), val, rate,
          (System.nanoTime() - started) / 1e9, metrics);
      stop = policy.epochFinished(record, params, listener);
      if (ckpt != null) {
        saveCheckpoint(ckpt, model, optimizer, policy, run, false);
      }
    }
    History history = policy.finish(params, listener);
    model.setStateful(false);
    return history;
  }

  /** Where a run is: what a checkpoint holds besides parameters, optimizer and the epoch policy. */
  private static final class Run {
    final EpochCursor at = new EpochCursor("step_in_epoch");
    long globalStep;
    Map<String, float[]> carried; // stateful runs resumed mid-epoch: the state to continue from
  }

  /**
   * The order in which {@link #fit} visits the {@code n} training examples in {@code epoch} (0-based):
   * a permutation seeded by (options.seed, epoch), or the identity when not shuffling. Distributed
   * trainers use it to visit the same global batches as a single machine.
   */
  public static int[] epochOrder(int n, FitOptions options, int epoch) {
    if (n < 0 || options == null || epoch < 0) {
      throw new IllegalArgumentException("epochOrder: expected n >= 0, options and epoch >= 0, got " + n + ", "
          + options + ", " + epoch);
    }
    return order(n, options, epoch);
  }

  /**
   * The seed of the randomness (dropout) of global update {@code update} (0-based) of a run seeded with
   * {@code seed}: what {@link #fit} passes to {@link Model#computeGradients}.
   */
  public static long updateSeed(long seed, long update) {
    return mix(seed, update);
  }

  /** The epoch's example order: a seeded permutation, or the identity when not shuffling. */
  static int[] order(int n, FitOptions options, int epoch) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    if (options.shuffle() && !options.stateful()) {
      SplittableRandom r = new SplittableRandom(mix(options.seed(), 0x5EED_0000L + epoch));
      for (int i = n - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
      }
    }
    return idx;
  }

  /** A well-mixed 64-bit value from a seed and a position (SplitMix64's finaliser). */
  static long mix(long seed, long position) {
    long z = seed * 0x9E3779B97F4A7C15L + position + 0x632BE59BD9B4E019L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  // ---- checkpoints ---------------------------------------------------------------------------------

  /** @param midEpoch after the current update (its streams' state carried), else at the next epoch's start */
  private static void saveCheckpoint(Path file, Model model, Optimizer opt, EpochPolicy policy, Run run,
      boolean midEpoch) throws IOException {
    TrainingCheckpoint c = new TrainingCheckpoint(CHECKPOINT_FORMAT, CHECKPOINT_VERSION, model, opt, policy);
    c.meta().put("global_step", Long.toString(run.globalStep));
    if (midEpoch) {
      run.at.writeAfterUnit(c.meta());
      for (Map.Entry<String, float[]> e : model.carriedState().entrySet()) {
        c.tensors().add(new SafeTensors.Tensor("carried." + e.getKey(), new int[] {e.getValue().length},
            e.getValue()));
      }
    } else {
      run.at.writeAtNextEpoch(c.meta());
    }
    c.write(file);
  }

  private static void loadCheckpoint(Path file, Model model, Optimizer opt, EpochPolicy policy, Run run)
      throws IOException {
    SafeTensors.Contents c = TrainingCheckpoint.read(file, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, model, opt, policy);
    Map<String, String> m = c.metadata();
    run.at.read(m);
    run.globalStep = Long.parseLong(m.get("global_step"));
    Map<String, float[]> carried = new LinkedHashMap<>();
    for (Map.Entry<String, SafeTensors.Tensor> e : c.tensors().entrySet()) {
      if (e.getKey().startsWith("carried.")) {
        carried.put(e.getKey().substring("carried.".length()), e.getValue().data());
      }
    }
    run.carried = carried.isEmpty() ? null : carried;
  }
}
