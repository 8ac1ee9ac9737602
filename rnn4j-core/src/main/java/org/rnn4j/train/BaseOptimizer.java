package org.rnn4j.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every optimizer shares: the current learning rate (schedules change it between steps), the
 * step count, and named state buffers that mirror the parameters (checkpoints save and restore them).
 * Not thread-safe.
 */
abstract class BaseOptimizer implements Optimizer {
  /** The current learning rate. */
  protected float lr;
  /** Updates done so far (PyTorch's {@code state['step']}). */
  protected long t;
  private final Map<String, float[]> state = new LinkedHashMap<>();

  protected BaseOptimizer(float lr) {
    this.lr = lr;
  }

  /** Registers a state buffer of {@code n} values under {@code name} (PyTorch's state key). */
  protected final float[] buffer(String name, int n) {
    float[] b = new float[n];
    state.put(name, b);
    return b;
  }

  @Override
  public float learningRate() {
    return lr;
  }

  @Override
  public void setLearningRate(float rate) {
    if (!(rate >= 0f) || !Float.isFinite(rate)) {
      throw new IllegalArgumentException("optimizer: expected a learning rate >= 0, got " + rate);
    }
    lr = rate;
  }

  @Override
  public long stepCount() {
    return t;
  }

  @Override
  public void setStepCount(long steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("optimizer: expected a step count >= 0, got " + steps);
    }
    t = steps;
  }

  @Override
  public Map<String, float[]> state() {
    return Collections.unmodifiableMap(state);
  }
}
