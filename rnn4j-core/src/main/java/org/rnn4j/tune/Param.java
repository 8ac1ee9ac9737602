package org.rnn4j.tune;

import java.util.List;
import java.util.Locale;

/**
 * One named hyperparameter of a {@link SearchSpace}: a choice among words, a whole-number range or a
 * real range (either optionally on a log scale), optionally active only when an earlier choice took
 * one of some values (a condition, as Optuna's define-by-run {@code if} or Ray Tune's conditional
 * spaces). Values are {@code String} (choice), {@code Integer} (int range) and {@code Double} (real
 * range). Immutable and thread-safe.
 */
public sealed interface Param permits Param.Choice, Param.IntRange, Param.RealRange {

  /** The parameter's name (unique in its space). */
  String name();

  /** When it is active, or null: always. */
  Condition condition();

  /** This parameter, active only when {@code parent} (a choice) takes one of {@code values}. */
  Param when(String parent, String... values);

  /** Whether {@code value} is one this parameter can take. */
  boolean admits(Object value);

  /**
   * Active only when the choice {@code parent} took one of {@code values}.
   *
   * @param parent a {@link Choice} declared earlier in the space
   * @param values some of its values
   */
  record Condition(String parent, List<String> values) {
    /** Validates and copies. */
    public Condition {
      values = List.copyOf(values);
      if (values.isEmpty()) {
        throw new IllegalArgumentException("condition on '" + parent + "': expected at least one value");
      }
    }
  }

  /** A choice among {@code values} (words, at least one, distinct). */
  record Choice(String name, List<String> values, Condition condition) implements Param {
    /** Validates and copies. */
    public Choice {
      values = List.copyOf(values);
      checkName(name);
      if (values.isEmpty() || values.stream().distinct().count() != values.size()) {
        throw new IllegalArgumentException(name + ": expected one or more distinct choices, got " + values);
      }
    }

    @Override
    public Choice when(String parent, String... vs) {
      return new Choice(name, values, new Condition(parent, List.of(vs)));
    }

    @Override
    public boolean admits(Object value) {
      return value instanceof String s && values.contains(s);
    }
  }

  /** Whole numbers in [low, high], uniform or (log) uniform in the logarithm. */
  record IntRange(String name, int low, int high, boolean log, Condition condition) implements Param {
    /** Validates. */
    public IntRange {
      checkName(name);
      if (low > high || (log && low < 1)) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: expected low <= high%s, got [%d, %d]",
            name, log ? " and low >= 1 on a log scale" : "", low, high));
      }
    }

    @Override
    public IntRange when(String parent, String... vs) {
      return new IntRange(name, low, high, log, new Condition(parent, List.of(vs)));
    }

    @Override
    public boolean admits(Object value) {
      return value instanceof Integer i && i >= low && i <= high;
    }
  }

  /** Reals in [low, high], uniform or (log) uniform in the logarithm. */
  record RealRange(String name, double low, double high, boolean log, Condition condition) implements Param {
    /** Validates. */
    public RealRange {
      checkName(name);
      if (!(low <= high) || !Double.isFinite(low) || !Double.isFinite(high) || (log && !(low > 0))) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: expected finite low <= high%s, got [%s, %s]",
            name, log ? " and low > 0 on a log scale" : "", low, high));
      }
    }

    @Override
    public RealRange when(String parent, String... vs) {
      return new RealRange(name, low, high, log, new Condition(parent, List.of(vs)));
    }

    @Override
    public boolean admits(Object value) {
      return value instanceof Double d && d >= low && d <= high;
    }
  }

  /** A choice among {@code values}. */
  static Choice choice(String name, String... values) {
    return new Choice(name, List.of(values), null);
  }

  /** Whole numbers in [low, high], uniform. */
  static IntRange integer(String name, int low, int high) {
    return new IntRange(name, low, high, false, null);
  }

  /** Whole numbers in [low, high], uniform in the logarithm (as 16, 32, 64 ... are tried as often). */
  static IntRange logInteger(String name, int low, int high) {
    return new IntRange(name, low, high, true, null);
  }

  /** Reals in [low, high], uniform. */
  static RealRange real(String name, double low, double high) {
    return new RealRange(name, low, high, false, null);
  }

  /** Reals in [low, high], uniform in the logarithm (learning rates). */
  static RealRange logReal(String name, double low, double high) {
    return new RealRange(name, low, high, true, null);
  }

  private static void checkName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a search parameter needs a name, got '" + name + "'");
    }
  }
}
