package org.rnn4j.train;

/**
 * Learning-rate schedules, PyTorch's {@code lr_scheduler} semantics, stepped once per epoch (warm-up
 * once per update). Immutable specs; thread-safe.
 */
public sealed interface LrSchedule {

  /** The learning rate for {@code epoch} (0-based) and update {@code step} (0-based, global). */
  float rate(float base, int epoch, long step);

  /** The base rate throughout. */
  record Constant() implements LrSchedule {
    @Override
    public float rate(float base, int epoch, long step) {
      return base;
    }
  }

  /** {@code base * gamma^(epoch / stepSize)} (StepLR). */
  record Step(int stepSize, float gamma) implements LrSchedule {
    public Step {
      if (stepSize < 1 || !(gamma > 0f)) {
        throw new IllegalArgumentException("StepLR: expected stepSize >= 1 and gamma > 0, got " + stepSize
            + ", " + gamma);
      }
    }

    @Override
    public float rate(float base, int epoch, long step) {
      return (float) (base * Math.pow(gamma, epoch / stepSize));
    }
  }

  /** {@code base * gamma^epoch} (ExponentialLR). */
  record Exponential(float gamma) implements LrSchedule {
    public Exponential {
      if (!(gamma > 0f)) {
        throw new IllegalArgumentException("ExponentialLR: expected gamma > 0, got " + gamma);
      }
    }

    @Override
    public float rate(float base, int epoch, long step) {
      return (float) (base * Math.pow(gamma, epoch));
    }
  }

  /** Cosine annealing from base to {@code minRate} over {@code epochs} (CosineAnnealingLR, closed form). */
  record Cosine(int epochs, float minRate) implements LrSchedule {
    public Cosine {
      if (epochs < 1 || minRate < 0f) {
        throw new IllegalArgumentException("CosineAnnealingLR: expected epochs >= 1 and minRate >= 0, got "
            + epochs + ", " + minRate);
      }
    }

    @Override
    public float rate(float base, int epoch, long step) {
      return (float) (minRate + (base - minRate) * (1 + Math.cos(Math.PI * Math.min(epoch, epochs) / epochs)) / 2);
    }
  }

  /** Linear warm-up over the first {@code steps} updates, then {@code after}. */
  record Warmup(long steps, LrSchedule after) implements LrSchedule {
    public Warmup {
      if (steps < 1 || after == null) {
        throw new IllegalArgumentException("warm-up: expected steps >= 1 and a schedule after it");
      }
    }

    @Override
    public float rate(float base, int epoch, long step) {
      float r = after.rate(base, epoch, step);
      return step < steps ? r * (step + 1) / steps : r;
    }
  }

  /**
   * ReduceLROnPlateau on the validation loss: after {@code patience} epochs without improvement the
   * rate is multiplied by {@code factor}, down to {@code minRate}. Its state lives in the trainer
   * (the reductions so far), so {@link #rate} gives the base rate here and the trainer applies the
   * factor.
   */
  record ReduceOnPlateau(float factor, int patience, float minRate) implements LrSchedule {
    public ReduceOnPlateau {
      if (!(factor > 0f && factor < 1f) || patience < 0 || minRate < 0f) {
        throw new IllegalArgumentException("ReduceLROnPlateau: expected 0 < factor < 1, patience >= 0,"
            + " minRate >= 0, got " + factor + ", " + patience + ", " + minRate);
      }
    }

    @Override
    public float rate(float base, int epoch, long step) {
      return base;
    }
  }
}
