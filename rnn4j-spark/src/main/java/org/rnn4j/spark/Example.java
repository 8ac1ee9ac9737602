package org.rnn4j.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One training example as a Spark row of an RDD: a sequence of {@code steps} time steps (features
 * {@code [steps, F]} row-major, or token ids {@code [steps]}), its valid length, and a target (floats,
 * {@code [U]} per example or {@code [steps, U]} per step, or class indices, one per example or one per
 * step). The same layout as one row of an rnn4j {@link org.rnn4j.data.Dataset}.
 *
 * <p>Make one with {@link #ofFeatures}, {@link #ofFeaturesWithClasses} or {@link #ofTokens}. The arrays
 * are not copied: do not change them afterwards. Immutable once built, so thread-safe; serializable
 * for Spark.
 *
 * @param steps       T, the time steps
 * @param features    {@code [T * F]} feature values (null for token input)
 * @param tokens      {@code [T]} token ids (null for feature input)
 * @param length      valid steps, 1..T (steps past it are padding)
 * @param target      float targets (null with class targets)
 * @param targetShape per-example shape of the float targets ({@code [U]} or {@code [T, U]}), or null
 * @param classes     class indices, {@code [1]} or {@code [T]} (null with float targets)
 */
public record Example(int steps, float[] features, int[] tokens, int length, float[] target, int[] targetShape,
    int[] classes) implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Validates the layout.
   *
   * @throws IllegalArgumentException naming what was expected and what was received
   */
  public Example {
    if (steps < 1) {
      throw new IllegalArgumentException("Example: expected steps >= 1, got " + steps);
    }
    if ((features == null) == (tokens == null)) {
      throw new IllegalArgumentException("Example: expected either features or tokens, got "
          + (features == null ? "neither" : "both"));
    }
    if (features != null && (features.length == 0 || features.length % steps != 0)) {
      throw new IllegalArgumentException("Example: expected steps x features values (a multiple of " + steps
          + "), got " + features.length);
    }
    if (tokens != null && tokens.length != steps) {
      throw new IllegalArgumentException("Example: expected " + steps + " token ids, got " + tokens.length);
    }
    if (length < 1 || length > steps) {
      throw new IllegalArgumentException("Example: expected a length in [1, " + steps + "], got " + length);
    }
    if (target != null && classes != null) {
      throw new IllegalArgumentException("Example: expected float targets or class labels, got both");
    }
    if (target != null) {
      if (targetShape == null) {
        targetShape = new int[] {target.length};
      }
      long n = 1;
      for (int d : targetShape) {
        n *= d;
      }
      if (n != target.length || target.length == 0) {
        throw new IllegalArgumentException("Example: expected " + n + " target values for shape "
            + Arrays.toString(targetShape) + ", got " + target.length);
      }
    }
    if (classes != null && classes.length != 1 && classes.length != steps) {
      throw new IllegalArgumentException("Example: expected 1 class label (per example) or " + steps
          + " (per step), got " + classes.length);
    }
  }

  /** Features {@code [steps, F]} (all steps valid) with float targets {@code [U]}. */
  public static Example ofFeatures(int steps, float[] features, float[] target) {
    return new Example(steps, features, null, steps, target, null, null);
  }

  /** Features {@code [steps, F]} with {@code length} valid steps and float targets of the given shape. */
  public static Example ofFeatures(int steps, float[] features, int length, float[] target, int[] targetShape) {
    return new Example(steps, features, null, length, target, targetShape, null);
  }

  /** Features {@code [steps, F]} with {@code length} valid steps and class labels ({@code [1]} or {@code [T]}). */
  public static Example ofFeaturesWithClasses(int steps, float[] features, int length, int[] classes) {
    return new Example(steps, features, null, length, null, null, classes);
  }

  /** Token ids {@code [steps]} with {@code length} valid steps and class labels ({@code [1]} or {@code [T]}). */
  public static Example ofTokens(int[] tokens, int length, int[] classes) {
    return new Example(tokens.length, null, tokens, length, null, null, classes);
  }

  /** Features per step (F), 0 for token input. */
  public int featureCount() {
    return features == null ? 0 : features.length / steps;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Example e && steps == e.steps && length == e.length && Arrays.equals(features, e.features)
        && Arrays.equals(tokens, e.tokens) && Arrays.equals(target, e.target)
        && Arrays.equals(targetShape, e.targetShape) && Arrays.equals(classes, e.classes);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(features) + Arrays.hashCode(tokens)) + Arrays.hashCode(target)
        + Arrays.hashCode(classes) + steps * 7 + length;
  }

  @Override
  public String toString() {
    return "Example[steps=" + steps + ", features=" + featureCount() + ", length=" + length
        + (target != null ? ", target=" + Arrays.toString(targetShape) : "")
        + (classes != null ? ", classes=" + classes.length : "") + "]";
  }
}
