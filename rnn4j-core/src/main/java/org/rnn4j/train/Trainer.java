package org.rnn4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
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
    Path ckpt = options.checkpoint();
    if (ckpt != null && Files.exists(ckpt)) {
      loadCheckpoint(ckpt, model, optimizer, run);
      listener.message(String.format(Locale.ROOT, "resumed from %s at epoch %d, update %d", ckpt,
          run.epoch + 1, run.stepInEpoch));
    }
    int n = train.size();
    int bs = Math.min(options.batchSize(), n);
    int steps = (n + bs - 1) / bs;
    model.setStateful(options.stateful());
    for (; run.epoch < options.epochs(); run.epoch++, run.stepInEpoch = 0, run.lossSum = 0, run.seen = 0) {
      long started = System.nanoTime();
      int[] order = order(n, options, run.epoch);
      if (run.stepInEpoch > 0 && run.carried != null) {
        model.setCarriedState(run.carried); // resumed mid-epoch: the streams continue
      } else {
        model.resetState();
      }
      run.carried = null;
      listener.epochStarted(run.epoch + 1, options.epochs(), steps - run.stepInEpoch);
      float rate = baseRate;
      for (; run.stepInEpoch < steps; run.stepInEpoch++) {
        int from = run.stepInEpoch * bs;
        int count = Math.min(bs, n - from);
        rate = learningRate(options, baseRate, run);
        optimizer.setLearningRate(rate);
        // forward + loss + backward (gradients zeroed inside)
        double loss = model.computeGradients(train, order, from, count, mix(options.seed(), run.globalStep));
        guard(loss, run, rate, options);
        if (options.clipNorm() > 0f) {
          GradientClipping.clipByGlobalNorm(grads, options.clipNorm());
        }
        if (options.clipValue() > 0f) {
          GradientClipping.clipByValue(grads, options.clipValue());
        }
        optimizer.step(params, grads);
        run.lossSum += loss * count;
        run.seen += count;
        run.globalStep++;
        double elapsed = (System.nanoTime() - started) / 1e9;
        listener.batchFinished(run.epoch + 1, run.stepInEpoch + 1, steps, run.lossSum / run.seen,
            elapsed > 0 ? run.seen / elapsed : 0);
        if (ckpt != null && options.checkpointEvery() > 0 && run.globalStep % options.checkpointEvery() == 0
            && run.stepInEpoch + 1 < steps) {
          run.stepInEpoch++;
          saveCheckpoint(ckpt, model, optimizer, run);
          run.stepInEpoch--;
        }
      }
      // validation, bookkeeping
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
      History.Epoch record = new History.Epoch(run.epoch + 1, run.lossSum / Math.max(1, run.seen), val, rate,
          (System.nanoTime() - started) / 1e9 + run.carriedSeconds, metrics);
      run.carriedSeconds = 0;
      run.history.add(record);
      listener.epochFinished(record);
      double monitored = Double.isNaN(val) ? record.trainLoss() : val;
      if (monitored < run.best) {
        run.best = monitored;
        run.bestEpoch = run.epoch + 1;
        run.bad = 0;
        run.bestParams = params.clone();
      } else {
        run.bad++;
        if (options.schedule() instanceof LrSchedule.ReduceOnPlateau p && run.bad % (p.patience() + 1) == 0) {
          run.plateauFactor *= p.factor();
          listener.message(String.format(Locale.ROOT, "no improvement for %d epochs: learning rate x%.3g",
              run.bad, p.factor()));
        }
      }
      boolean stop = options.patience() > 0 && run.bad >= options.patience();
      if (stop) {
        run.history.stopReason(String.format(Locale.ROOT,
            "early stopping: no improvement for %d epochs (best epoch %d)", run.bad, run.bestEpoch));
        listener.message(run.history.stopReason());
      } else if (listener.stopRequested()) {
        stop = true;
        run.history.stopReason(String.format(Locale.ROOT, "stopped by the listener after epoch %d (best epoch %d)",
            run.epoch + 1, run.bestEpoch));
        listener.message(run.history.stopReason());
      }
      if (ckpt != null) {
        run.epoch++;
        run.stepInEpoch = 0;
        run.lossSum = 0;
        run.seen = 0;
        saveCheckpoint(ckpt, model, optimizer, run);
        run.epoch--;
      }
      if (stop) {
        break;
      }
    }
    if (options.restoreBest() && run.bestParams != null) {
      System.arraycopy(run.bestParams, 0, params, 0, params.length);
      listener.message("restored the parameters of epoch " + run.bestEpoch);
    }
    model.setStateful(false);
    return run.history;
  }

  /** The state of a run: what a checkpoint holds besides parameters and optimizer. */
  private static final class Run {
    int epoch;
    int stepInEpoch;
    long globalStep;
    double lossSum;
    long seen;
    double best = Double.POSITIVE_INFINITY;
    int bestEpoch;
    int bad;
    float plateauFactor = 1f;
    double firstLoss = Double.NaN;
    float[] bestParams;
    Map<String, float[]> carried; // stateful runs resumed mid-epoch: the state to continue from
    double carriedSeconds;
    History history = new History();
  }

  private static float learningRate(FitOptions options, float base, Run run) {
    float r = options.schedule().rate(base, run.epoch, run.globalStep) * run.plateauFactor;
    if (options.schedule() instanceof LrSchedule.ReduceOnPlateau p) {
      r = Math.max(r, p.minRate());
    }
    return r;
  }

  private static void guard(double loss, Run run, float rate, FitOptions options) {
    String where = String.format(Locale.ROOT, "epoch %d, update %d", run.epoch + 1, run.stepInEpoch + 1);
    String advice = String.format(Locale.ROOT, "lower the learning rate (now %.3g), turn on gradient clipping"
        + " (clipNorm, e.g. 1.0), or check the data for extreme or unscaled values", rate);
    if (!Double.isFinite(loss)) {
      throw new TrainingStoppedException("training stopped: the loss is " + loss + " at " + where + "; "
          + advice);
    }
    if (Double.isNaN(run.firstLoss)) {
      run.firstLoss = loss;
    } else if (options.explodeFactor() > 0 && run.firstLoss > 0 && loss > options.explodeFactor() * run.firstLoss) {
      throw new TrainingStoppedException(String.format(Locale.ROOT,
          "training stopped: the loss is exploding (%.4g at %s, %.0fx the first batch's %.4g); %s", loss, where,
          loss / run.firstLoss, run.firstLoss, advice));
    }
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

  private static void saveCheckpoint(Path file, Model model, Optimizer opt, Run run) throws IOException {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", CHECKPOINT_FORMAT);
    meta.put("format_version", Integer.toString(CHECKPOINT_VERSION));
    meta.put("parameter_names", String.join(",", model.parameterNames()));
    meta.put("epoch", Integer.toString(run.epoch));
    meta.put("step_in_epoch", Integer.toString(run.stepInEpoch));
    meta.put("global_step", Long.toString(run.globalStep));
    meta.put("loss_sum", Double.toString(run.lossSum));
    meta.put("seen", Long.toString(run.seen));
    meta.put("best", Double.toString(run.best));
    meta.put("best_epoch", Integer.toString(run.bestEpoch));
    meta.put("bad_epochs", Integer.toString(run.bad));
    meta.put("plateau_factor", Float.toString(run.plateauFactor));
    meta.put("first_loss", Double.toString(run.firstLoss));
    meta.put("optimizer_steps", Long.toString(opt.stepCount()));
    meta.put("history", run.history.toCsv());
    List<SafeTensors.Tensor> tensors = new ArrayList<>();
    float[] p = model.parameterValues();
    tensors.add(new SafeTensors.Tensor("params", new int[] {p.length}, p.clone()));
    for (Map.Entry<String, float[]> e : opt.state().entrySet()) {
      tensors.add(new SafeTensors.Tensor("optimizer." + e.getKey(), new int[] {e.getValue().length},
          e.getValue().clone()));
    }
    if (run.bestParams != null) {
      tensors.add(new SafeTensors.Tensor("best_params", new int[] {p.length}, run.bestParams.clone()));
    }
    if (run.stepInEpoch > 0) {
      for (Map.Entry<String, float[]> e : model.carriedState().entrySet()) {
        tensors.add(new SafeTensors.Tensor("carried." + e.getKey(), new int[] {e.getValue().length},
            e.getValue()));
      }
    }
    SafeTensors.write(file, meta, tensors);
  }

  private static void loadCheckpoint(Path file, Model model, Optimizer opt, Run run) throws IOException {
    SafeTensors.Contents c = SafeTensors.read(file);
    Map<String, String> m = c.metadata();
    if (!CHECKPOINT_FORMAT.equals(m.get("format"))) {
      throw new IOException(file + ": not an rnn4j checkpoint (format " + m.get("format") + ")");
    }
    if (!Integer.toString(CHECKPOINT_VERSION).equals(m.get("format_version"))) {
      throw new IOException(file + ": checkpoint format version " + m.get("format_version")
          + ", this rnn4j reads version " + CHECKPOINT_VERSION);
    }
    String names = String.join(",", model.parameterNames());
    SafeTensors.Tensor params = c.tensors().get("params");
    if (!names.equals(m.get("parameter_names")) || params == null
        || params.data().length != model.parameterValues().length) {
      throw new IOException(file + ": the checkpoint belongs to another model (its parameters differ from"
          + " this model's " + model.parameterCount() + "); delete it or choose another checkpoint file");
    }
    System.arraycopy(params.data(), 0, model.parameterValues(), 0, params.data().length);
    Map<String, float[]> state = opt.state();
    for (Map.Entry<String, float[]> e : state.entrySet()) {
      SafeTensors.Tensor t = c.tensors().get("optimizer." + e.getKey());
      if (t == null || t.data().length != e.getValue().length) {
        throw new IOException(file + ": the checkpoint's optimizer state '" + e.getKey()
            + "' is missing or has another size: was it written with another optimizer?");
      }
      System.arraycopy(t.data(), 0, e.getValue(), 0, t.data().length);
    }
    opt.setStepCount(Long.parseLong(m.get("optimizer_steps")));
    run.epoch = Integer.parseInt(m.get("epoch"));
    run.stepInEpoch = Integer.parseInt(m.get("step_in_epoch"));
    run.globalStep = Long.parseLong(m.get("global_step"));
    run.lossSum = Double.parseDouble(m.get("loss_sum"));
    run.seen = Long.parseLong(m.get("seen"));
    run.best = Double.parseDouble(m.get("best"));
    run.bestEpoch = Integer.parseInt(m.get("best_epoch"));
    run.bad = Integer.parseInt(m.get("bad_epochs"));
    run.plateauFactor = Float.parseFloat(m.get("plateau_factor"));
    run.firstLoss = Double.parseDouble(m.get("first_loss"));
    run.history = History.fromCsv(m.get("history"));
    SafeTensors.Tensor best = c.tensors().get("best_params");
    run.bestParams = best == null ? null : Arrays.copyOf(best.data(), best.data().length);
    Map<String, float[]> carried = new LinkedHashMap<>();
    for (Map.Entry<String, SafeTensors.Tensor> e : c.tensors().entrySet()) {
      if (e.getKey().startsWith("carried.")) {
        carried.put(e.getKey().substring("carried.".length()), e.getValue().data());
      }
    }
    run.carried = carried.isEmpty() ? null : carried;
  }
}
