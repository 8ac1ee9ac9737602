package org.rnn4j.train;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rnn4j.io.SafeTensors;

/**
 * The bookkeeping a training loop does between its updates, written once for every loop (the local
 * {@link Trainer}, the Spark module's distributed trainer, a search's trials): the learning rate of each
 * update (schedule times plateau factor), the loss guard (NaN, exploding), and at each epoch's end the
 * history row, the best epoch, the plateau factor ({@link LrSchedule.ReduceOnPlateau}), early stopping
 * ({@link FitOptions#patience()}), a listener's stop request, and at the end the best epoch's parameters
 * restored ({@link FitOptions#restoreBest()}).
 *
 * <p>The loop calls, in order: {@link #learningRate} and {@link #checkLoss} per update,
 * {@link #epochFinished} per epoch (stop when it returns true), {@link #finish} once. What the policy
 * knows is saved into a checkpoint by {@link #writeState} and read back by {@link #readState}, so a
 * resumed run decides exactly as the uninterrupted one.
 *
 * <p>The monitored value is the validation loss, or the training loss without validation data; lower is
 * better.
 *
 * <p>Not thread-safe: one training loop owns one policy.
 */
public final class EpochPolicy {
  private final FitOptions options;
  private double best = Double.POSITIVE_INFINITY;
  private int bestEpoch;
  private int badEpochs;
  private float plateauFactor = 1f;
  private double firstLoss = Double.NaN;
  private float[] bestParams;
  private History history = new History();

  /** A policy for a run with these settings (schedule, patience, explode factor, restore best). */
  public EpochPolicy(FitOptions options) {
    if (options == null) {
      throw new IllegalArgumentException("EpochPolicy: expected fit options, got null");
    }
    this.options = options;
  }

  /**
   * The learning rate of an update: the schedule's rate at (0-based {@code epoch}, 0-based global
   * {@code update}) times the plateau factor, and not below a plateau schedule's minimum.
   */
  public float learningRate(float baseRate, int epoch, long update) {
    float r = options.schedule().rate(baseRate, epoch, update) * plateauFactor;
    if (options.schedule() instanceof LrSchedule.ReduceOnPlateau p) {
      r = Math.max(r, p.minRate());
    }
    return r;
  }

  /**
   * Stops the run when an update's loss is not finite, or exceeds {@link FitOptions#explodeFactor()}
   * times the first update's loss. The message says where ("epoch 3, update 7": 1-based {@code epoch},
   * {@code stepName} and 1-based {@code step}), what the first update was called ({@code firstName}:
   * "batch", "round") and what to try; it is built only when the run stops.
   *
   * @throws Trainer.TrainingStoppedException when the loss is NaN, infinite or exploding
   */
  public void checkLoss(double loss, int epoch, int step, String stepName, String firstName, float rate) {
    if (Double.isFinite(loss)) {
      if (Double.isNaN(firstLoss)) {
        firstLoss = loss;
        return;
      }
      if (!(options.explodeFactor() > 0 && firstLoss > 0 && loss > options.explodeFactor() * firstLoss)) {
        return;
      }
    }
    String where = String.format(Locale.ROOT, "epoch %d, %s %d", epoch, stepName, step);
    String advice = String.format(Locale.ROOT, "lower the learning rate (now %.3g), turn on gradient clipping"
        + " (clipNorm, e.g. 1.0), or check the data for extreme or unscaled values", rate);
    if (!Double.isFinite(loss)) {
      throw new Trainer.TrainingStoppedException("training stopped: the loss is " + loss + " at " + where + "; "
          + advice);
    }
    throw new Trainer.TrainingStoppedException(String.format(Locale.ROOT,
        "training stopped: the loss is exploding (%.4g at %s, %.0fx the first %s's %.4g); %s", loss, where,
        loss / firstLoss, firstName, firstLoss, advice));
  }

  /**
   * Records an epoch and decides what follows: a new best keeps a copy of {@code params}; an epoch
   * without improvement counts towards the plateau factor and early stopping. Tells the listener of the
   * epoch (and of a plateau or a stop), then asks it whether to stop.
   *
   * @param record the epoch's row (its validation loss NaN without validation data)
   * @param params the model's parameters after the epoch (copied when they are the best so far)
   * @return true when training should stop after this epoch (the reason is in the history)
   */
  public boolean epochFinished(History.Epoch record, float[] params, TrainingListener listener) {
    history.add(record);
    listener.epochFinished(record);
    double monitored = Double.isNaN(record.validationLoss()) ? record.trainLoss() : record.validationLoss();
    if (monitored < best) {
      best = monitored;
      bestEpoch = record.epoch();
      badEpochs = 0;
      bestParams = params.clone();
    } else {
      badEpochs++;
      if (options.schedule() instanceof LrSchedule.ReduceOnPlateau p && badEpochs % (p.patience() + 1) == 0) {
        plateauFactor *= p.factor();
        listener.message(String.format(Locale.ROOT, "no improvement for %d epochs: learning rate x%.3g",
            badEpochs, p.factor()));
      }
    }
    if (options.patience() > 0 && badEpochs >= options.patience()) {
      history.stopReason(String.format(Locale.ROOT,
          "early stopping: no improvement for %d epochs (best epoch %d)", badEpochs, bestEpoch));
    } else if (listener.stopRequested()) {
      history.stopReason(String.format(Locale.ROOT, "stopped by the listener after epoch %d (best epoch %d)",
          record.epoch(), bestEpoch));
    } else {
      return false;
    }
    listener.message(history.stopReason());
    return true;
  }

  /**
   * Ends the run: with {@link FitOptions#restoreBest()}, copies the best epoch's parameters into
   * {@code params} (and says so to the listener).
   *
   * @return the run's history
   */
  public History finish(float[] params, TrainingListener listener) {
    if (options.restoreBest() && bestParams != null) {
      System.arraycopy(bestParams, 0, params, 0, params.length);
      listener.message("restored the parameters of epoch " + bestEpoch);
    }
    return history;
  }

  /** The run's history so far. */
  public History history() {
    return history;
  }

  /** The best epoch so far (1-based; 0 before the first epoch ends). */
  public int bestEpoch() {
    return bestEpoch;
  }

  /** The best monitored value so far (+infinity before the first epoch ends). */
  public double best() {
    return best;
  }

  /** Epochs since the best one. */
  public int badEpochs() {
    return badEpochs;
  }

  /** The factor a plateau schedule has applied to the learning rate so far (1 without one). */
  public float plateauFactor() {
    return plateauFactor;
  }

  /** Adds what the policy knows to a checkpoint's metadata and tensors. */
  public void writeState(Map<String, String> meta, List<SafeTensors.Tensor> tensors) {
    meta.put("best", Double.toString(best));
    meta.put("best_epoch", Integer.toString(bestEpoch));
    meta.put("bad_epochs", Integer.toString(badEpochs));
    meta.put("plateau_factor", Float.toString(plateauFactor));
    meta.put("first_loss", Double.toString(firstLoss));
    meta.put("stop_reason", history.stopReason());
    meta.put("history", history.toCsv());
    if (bestParams != null) {
      tensors.add(new SafeTensors.Tensor("best_params", new int[] {bestParams.length}, bestParams.clone()));
    }
  }

  /** Reads back what {@link #writeState} saved (checkpoints without a stop reason read as not stopped). */
  public void readState(SafeTensors.Contents checkpoint) {
    Map<String, String> m = checkpoint.metadata();
    best = Double.parseDouble(m.get("best"));
    bestEpoch = Integer.parseInt(m.get("best_epoch"));
    badEpochs = Integer.parseInt(m.get("bad_epochs"));
    plateauFactor = Float.parseFloat(m.get("plateau_factor"));
    firstLoss = Double.parseDouble(m.get("first_loss"));
    history = History.fromCsv(m.get("history"));
    history.stopReason(m.getOrDefault("stop_reason", ""));
    SafeTensors.Tensor saved = checkpoint.tensors().get("best_params");
    bestParams = saved == null ? null : Arrays.copyOf(saved.data(), saved.data().length);
  }
}
