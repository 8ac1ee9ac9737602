package org.rnn4j.tune;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a study knows of one trial: its settings, its state, the metric it reported after each step
 * (epoch) and its final value (lower is better). Immutable and thread-safe: a study replaces a
 * trial's record instead of changing it. Serializable, for a trial that runs on another machine.
 *
 * @param number       0-based, in the order trials were asked
 * @param params       the active parameters' values ({@code String}, {@code Integer} or {@code Double})
 * @param state        where the trial is
 * @param value        the final value (complete trials), else NaN
 * @param intermediate the metric after each reported step, by step
 * @param seconds      wall-clock time from ask to tell (0 while running)
 * @param note         why a trial failed or was pruned, else empty
 */
public record TrialRecord(int number, Map<String, Object> params, State state, double value,
    SortedMap<Integer, Double> intermediate, double seconds, String note) implements java.io.Serializable {

  /** A trial's state. */
  public enum State {
    /** Asked, not yet told. */
    RUNNING,
    /** Finished with a value. */
    COMPLETE,
    /** Stopped early by the pruner (its last intermediate value stands for it). */
    PRUNED,
    /** The objective threw or returned a non-finite value. */
    FAILED
  }

  /** Copies. */
  public TrialRecord {
    params = Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    intermediate = Collections.unmodifiableSortedMap(new TreeMap<>(intermediate));
    note = note == null ? "" : note;
  }

  /** Whether the trial has finished (complete, pruned or failed). */
  public boolean finished() {
    return state != State.RUNNING;
  }

  /** The last step reported, or 0. */
  public int lastStep() {
    return intermediate.isEmpty() ? 0 : intermediate.lastKey();
  }

  /** The value at the last reported step, or NaN. */
  public double lastIntermediate() {
    return intermediate.isEmpty() ? Double.NaN : intermediate.get(intermediate.lastKey());
  }

  TrialRecord withIntermediate(int step, double v) {
    TreeMap<Integer, Double> m = new TreeMap<>(intermediate);
    m.put(step, v);
    return new TrialRecord(number, params, state, value, m, seconds, note);
  }

  TrialRecord finish(State s, double v, double secs, String why) {
    return new TrialRecord(number, params, s, v, intermediate, secs, why);
  }
}
