package org.rnn4j;

import java.util.Arrays;

/**
 * A row-major float32 array with an immutable shape: the unit in which rnn4j takes and returns data.
 *
 * <p>The data array is shared, not copied: {@link #data()} returns the live array, so a caller that
 * keeps writing into it changes the tensor. Not thread-safe for concurrent writes; safe to share once
 * no one writes.
 */
public final class Tensor {
  private final float[] data;
  private final int[] shape;

  /**
   * Wraps {@code data} (not copied) with the given shape.
   *
   * @throws IllegalArgumentException if a dimension is negative or the product of the shape differs
   *     from {@code data.length}
   */
  public Tensor(float[] data, int... shape) {
    if (data == null) {
      throw new IllegalArgumentException("Tensor: data is null");
    }
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("Tensor: expected non-negative dimensions, got shape "
            + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException("Tensor: shape " + Arrays.toString(shape) + " holds " + n
          + " values, got an array of " + data.length);
    }
    this.data = data;
    this.shape = shape.clone();
  }

  /** A new tensor of zeros. */
  public static Tensor zeros(int... shape) {
    long n = 1;
    for (int d : shape) {
      n *= Math.max(d, 0);
    }
    return new Tensor(new float[Math.toIntExact(n)], shape);
  }

  /**
   * A new tensor with the first two axes swapped, {@code [A, B, ...] -> [B, A, ...]}: batch-first to
   * time-major and back.
   *
   * @throws IllegalArgumentException for a tensor of rank below 2
   */
  public Tensor swapFirstTwoAxes() {
    if (shape.length < 2) {
      throw new IllegalArgumentException("Tensor: expected rank 2 or more to swap the first two axes, got shape "
          + Arrays.toString(shape));
    }
    int a = shape[0];
    int b = shape[1];
    int f = a == 0 || b == 0 ? 0 : data.length / (a * b);
    float[] out = new float[data.length];
    for (int i = 0; i < a; i++) {
      for (int j = 0; j < b; j++) {
        System.arraycopy(data, (i * b + j) * f, out, (j * a + i) * f, f);
      }
    }
    int[] s = shape.clone();
    s[0] = b;
    s[1] = a;
    return new Tensor(out, s);
  }

  /** The live data array, row-major. */
  public float[] data() {
    return data;
  }

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  /** Size of dimension {@code i}. */
  public int dim(int i) {
    return shape[i];
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** Number of values. */
  public int size() {
    return data.length;
  }

  /** The shape as text, e.g. {@code [5, 3, 10]}. */
  public String shapeString() {
    return Arrays.toString(shape);
  }

  @Override
  public String toString() {
    return "Tensor" + shapeString();
  }
}
