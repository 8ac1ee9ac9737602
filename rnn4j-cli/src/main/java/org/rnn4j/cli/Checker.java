package org.rnn4j.cli;

import java.util.Arrays;

/**
 * Compares rnn4j's numbers with a case's expected values and remembers the worst offending element
 * over all tensors of the case. Tolerance per tensor, with {@code S = max(1, max|e|)}:
 * {@code |a - e| <= 1e-5*S + 1e-4*|e|} (the conformance README's float32 tolerance). Not thread-safe.
 */
final class Checker {
  static final double ABS = 1e-5;
  static final double REL = 1e-4;

  private String worst;
  private double worstRatio;
  private boolean shapeFailure;
  private int compared;

  /** Compares one tensor; shapes must be equal. */
  void compare(String tensor, int[] expectedShape, double[] expected, int[] actualShape, float[] actual) {
    compared++;
    if (!Arrays.equals(expectedShape, actualShape) || expected.length != actual.length) {
      if (!shapeFailure) {
        shapeFailure = true;
        worst = tensor + " shape expected " + CaseJson.shapeString(expectedShape) + " got "
            + CaseJson.shapeString(actualShape);
      }
      return;
    }
    double[] a = new double[actual.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = actual[i];
    }
    compare(tensor, expectedShape, expected, a, true);
  }

  void compare(String tensor, CaseJson.Tensor64 expected, int[] actualShape, float[] actual) {
    compare(tensor, expected.shape(), expected.data(), actualShape, actual);
  }

  void compare(String tensor, CaseJson.Tensor64 expected, org.rnn4j.Tensor actual) {
    compare(tensor, expected.shape(), expected.data(), actual.shape(), actual.data());
  }

  /** Compares values rnn4j computed in double (e.g. losses summed in double) as one tensor. */
  void compareDoubles(String tensor, double[] expected, double[] actual) {
    compared++;
    if (expected.length != actual.length) {
      if (!shapeFailure) {
        shapeFailure = true;
        worst = tensor + " shape expected [" + expected.length + "] got [" + actual.length + "]";
      }
      return;
    }
    compare(tensor, new int[] {expected.length}, expected, actual, false);
  }

  /** Compares a scalar (a tensor of one value, so S = max(1, |e|)). */
  void compareScalar(String tensor, double expected, double actual) {
    compared++;
    compare(tensor, new int[] {1}, new double[] {expected}, new double[] {actual}, false);
  }

  private void compare(String tensor, int[] shape, double[] e, double[] a, boolean fromFloat) {
    double s = 1.0;
    for (double v : e) {
      s = Math.max(s, Math.abs(v));
    }
    for (int i = 0; i < e.length; i++) {
      double tol = ABS * s + REL * Math.abs(e[i]);
      double diff = Math.abs(a[i] - e[i]);
      if (diff <= tol) {
        continue;
      }
      double ratio = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff / tol;
      if (!shapeFailure && (worst == null || ratio > worstRatio)) {
        worstRatio = ratio;
        worst = tensor + " " + index(shape, i) + " expected " + e[i] + " got "
            + (fromFloat ? Float.toString((float) a[i]) : Double.toString(a[i]));
      }
    }
  }

  /** {@code [i,j,k]} of flat index {@code flat} in a row-major tensor of this shape. */
  static String index(int[] shape, int flat) {
    if (shape.length == 0) {
      return "[]";
    }
    int[] idx = new int[shape.length];
    int rest = flat;
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = shape[d] == 0 ? 0 : rest % shape[d];
      rest = shape[d] == 0 ? 0 : rest / shape[d];
    }
    return CaseJson.shapeString(idx);
  }

  /** Null when everything compared so far is within tolerance, else the worst offence. */
  String failure() {
    return worst;
  }

  /** True when a tensor came back with another shape than expected. */
  boolean hasShapeFailure() {
    return shapeFailure;
  }

  /** How many tensors were compared (a case that compared nothing has not passed). */
  int compared() {
    return compared;
  }
}
