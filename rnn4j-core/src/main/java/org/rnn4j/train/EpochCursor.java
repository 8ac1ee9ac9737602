package org.rnn4j.train;

import java.util.Map;

/**
 * Where a training run is within its epochs: the epoch (0-based), the unit within it (an update for
 * {@link Trainer}, a round for a distributed trainer) and the epoch's running training-loss sum. A
 * checkpoint records it besides the parameters, the optimizer and the {@link EpochPolicy}; a resumed
 * run continues from it. Not thread-safe (one run's loop owns it).
 */
public final class EpochCursor {
  /** The epoch, 0-based. */
  public int epoch;
  /** Units (updates or rounds) done in this epoch. */
  public int inEpoch;
  /** The sum of loss x examples over this epoch's units. */
  public double lossSum;
  /** Examples seen in this epoch. */
  public long seen;

  private final String unitKey;

  /** @param unitKey the checkpoint's key for {@link #inEpoch} ("step_in_epoch", "round_in_epoch") */
  public EpochCursor(String unitKey) {
    this.unitKey = unitKey;
  }

  /** Moves to the start of the next epoch. */
  public void nextEpoch() {
    epoch++;
    inEpoch = 0;
    lossSum = 0;
    seen = 0;
  }

  /** Adds a unit's loss sum (mean loss x examples) and its examples. */
  public void add(double unitLossSum, long examples) {
    lossSum += unitLossSum;
    seen += examples;
  }

  /** The epoch's mean training loss so far (0 before any example). */
  public double meanLoss() {
    return lossSum / Math.max(1, seen);
  }

  /** Records the cursor as it will be after the current unit: a checkpoint taken mid-epoch. */
  public void writeAfterUnit(Map<String, String> meta) {
    write(meta, epoch, inEpoch + 1, lossSum, seen);
  }

  /** Records the start of the next epoch: a checkpoint taken at the end of this one. */
  public void writeAtNextEpoch(Map<String, String> meta) {
    write(meta, epoch + 1, 0, 0, 0);
  }

  private void write(Map<String, String> meta, int e, int unit, double loss, long examples) {
    meta.put("epoch", Integer.toString(e));
    meta.put(unitKey, Integer.toString(unit));
    meta.put("loss_sum", Double.toString(loss));
    meta.put("seen", Long.toString(examples));
  }

  /** Reads what {@link #writeAfterUnit} or {@link #writeAtNextEpoch} recorded. */
  public void read(Map<String, String> meta) {
    epoch = Integer.parseInt(meta.get("epoch"));
    inEpoch = Integer.parseInt(meta.get(unitKey));
    lossSum = Double.parseDouble(meta.get("loss_sum"));
    seen = Long.parseLong(meta.get("seen"));
  }
}
