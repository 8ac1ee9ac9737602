package org.rnn4j.train;

/**
 * Validation and conversion of optimizer hyper-parameters, shared by the spec records. Stateless and
 * thread-safe.
 */
final class Hyper {
  private Hyper() {
  }

  /** Throws {@code "<who>: expected <field> <expected>, got <value>"} unless {@code ok}. */
  static void require(boolean ok, String who, String field, String expected, float got) {
    if (!ok) {
      throw new IllegalArgumentException(who + ": expected " + field + " " + expected + ", got " + got);
    }
  }

  /** {@code value > 0} and finite. */
  static void positive(String who, String field, float value) {
    require(value > 0f && Float.isFinite(value), who, field, "> 0 (finite)", value);
  }

  /** {@code value >= 0} and finite (rejects NaN). */
  static void nonNegative(String who, String field, float value) {
    require(value >= 0f && Float.isFinite(value), who, field, ">= 0 (finite)", value);
  }

  /** {@code 0 <= value < 1}: a decay rate such as Adam's betas. */
  static void unitOpen(String who, String field, float value) {
    require(value >= 0f && value < 1f, who, field, "in [0, 1)", value);
  }

  /** {@code 0 <= value <= 1}. */
  static void unitClosed(String who, String field, float value) {
    require(value >= 0f && value <= 1f, who, field, "in [0, 1]", value);
  }

  /**
   * The decimal a float hyper-parameter was written as, widened to double: {@code 0.999f} becomes
   * {@code 0.999}, not {@code 0.99900001287...}. PyTorch receives these numbers as Python doubles and
   * forms {@code 1 - beta2}, {@code 1 - beta2^t} in double precision; doing the same keeps our
   * coefficients equal to PyTorch's (with the float's binary value, {@code 1 - 0.999f} is off by
   * 5e-5 relative).
   */
  static double decimal(float value) {
    return Double.parseDouble(Float.toString(value));
  }

  /** Checks the arrays given to {@link Optimizer#step}: both present, both {@code count} long. */
  static void checkStep(String who, int count, float[] params, float[] grads) {
    if (params == null || grads == null) {
      throw new IllegalArgumentException(who + ": expected params and grads arrays, got "
          + (params == null ? "params null" : "grads null"));
    }
    if (params.length != count || grads.length != count) {
      throw new IllegalArgumentException(who + ": expected params and grads of " + count
          + " values (the parameterCount given to create), got " + params.length + " and "
          + grads.length);
    }
  }

  /** Checks the size given to {@link OptimizerSpec#create}. */
  static void checkCount(String who, int parameterCount) {
    if (parameterCount < 0) {
      throw new IllegalArgumentException(who + ": expected parameterCount >= 0, got " + parameterCount);
    }
  }
}
