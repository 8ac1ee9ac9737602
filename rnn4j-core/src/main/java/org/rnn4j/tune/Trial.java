package org.rnn4j.tune;

import java.util.Map;

/**
 * A running trial as its objective sees it: the settings to try and a way to report the metric
 * after each step, which asks the study's pruner whether to go on. One objective call owns a trial;
 * its methods may be called from that thread while other trials run (the study is thread-safe).
 */
public final class Trial {

  /** Thrown by an objective (or {@link #reportOrStop}) to end a trial that the pruner stopped. */
  public static final class Pruned extends RuntimeException {
    /** Stopped at {@code step}. */
    public Pruned(int step) {
      super("pruned at step " + step, null, false, false);
    }
  }

  private final Study study;
  private final int number;
  private final Map<String, Object> params;
  final long startedNanos = System.nanoTime();

  Trial(Study study, int number, Map<String, Object> params) {
    this.study = study;
    this.number = number;
    this.params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
  }

  /** 0-based, in the order trials were asked. */
  public int number() {
    return number;
  }

  /** The active parameters' values. */
  public Map<String, Object> params() {
    return params;
  }

  /** Whether {@code name} is active in this trial. */
  public boolean has(String name) {
    return params.containsKey(name);
  }

  /** A choice's value. */
  public String choice(String name) {
    return (String) require(name);
  }

  /** A whole-number parameter's value. */
  public int integer(String name) {
    return (Integer) require(name);
  }

  /** A real parameter's value. */
  public double real(String name) {
    return (Double) require(name);
  }

  private Object require(String name) {
    Object v = params.get(name);
    if (v == null) {
      throw new IllegalArgumentException("trial " + number + ": no active parameter '" + name + "'; it has "
          + params.keySet());
    }
    return v;
  }

  /**
   * Records the metric after {@code step} (1-based: an epoch) and returns whether the pruner wants
   * the trial stopped.
   */
  public boolean report(int step, double value) {
    return study.report(this, step, value);
  }

  /** As {@link #report}, throwing {@link Pruned} when the trial is to stop. */
  public void reportOrStop(int step, double value) {
    if (report(step, value)) {
      throw new Pruned(step);
    }
  }

  /** Every trial of its study as the study knows them now (this one included), in the order asked. */
  public java.util.List<TrialRecord> studyTrials() {
    return study.trials();
  }

  /**
   * Takes the outcome of this trial run elsewhere ({@link Study#runElsewhere}): its reports are
   * recorded (and journaled) in order, then its end is returned as an objective ends: the value of a
   * complete trial, {@link Pruned} for a pruned one, an exception with the note for a failed one.
   * The study's pruner is not asked again: the replica's decision stands.
   *
   * @throws IllegalArgumentException when {@code done} is another trial's or has not finished
   */
  public double replay(TrialRecord done) {
    if (done.number() != number || !done.finished()) {
      throw new IllegalArgumentException("replay: expected the finished record of trial " + number + ", got trial "
          + done.number() + " " + done.state());
    }
    for (Map.Entry<Integer, Double> e : done.intermediate().entrySet()) {
      study.report(this, e.getKey(), e.getValue());
    }
    return switch (done.state()) {
      case COMPLETE -> done.value();
      case PRUNED -> throw new Pruned(done.lastStep());
      default -> throw new IllegalStateException(done.note());
    };
  }

  @Override
  public String toString() {
    return "trial " + number + " " + params;
  }
}
