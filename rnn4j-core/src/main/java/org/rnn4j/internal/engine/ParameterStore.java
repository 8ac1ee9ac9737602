package org.rnn4j.internal.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All parameters of a model in one flat float buffer, with a table of named slices; gradients mirror
 * it, so zeroing, clipping and optimizer steps are single loops over flat arrays.
 *
 * <p>Slices are registered first, then {@link #allocate()} creates the buffers. Not thread-safe:
 * training is single-writer; concurrent readers are safe once no one writes.
 */
public final class ParameterStore {

  /** One named parameter: {@code values()[offset .. offset + size)} with a row-major shape. */
  public record Slice(String name, int offset, int[] shape) {
    public int size() {
      int n = 1;
      for (int d : shape) {
        n *= d;
      }
      return n;
    }

    public String shapeString() {
      return Arrays.toString(shape);
    }
  }

  private final Map<String, Slice> slices = new LinkedHashMap<>();
  private int size;
  private float[] values;
  private float[] grads;

  /** Registers a parameter; returns its slice. */
  public Slice register(String name, int... shape) {
    if (values != null) {
      throw new IllegalStateException("ParameterStore: cannot register '" + name + "' after allocate()");
    }
    if (slices.containsKey(name)) {
      throw new IllegalStateException("ParameterStore: parameter '" + name + "' registered twice");
    }
    Slice s = new Slice(name, size, shape.clone());
    slices.put(name, s);
    size += s.size();
    return s;
  }

  /** Creates the value and gradient buffers (zeros). */
  public void allocate() {
    if (values == null) {
      values = new float[size];
      grads = new float[size];
    }
  }

  public boolean isAllocated() {
    return values != null;
  }

  /** Total number of parameters. */
  public int size() {
    return size;
  }

  /** The live value buffer. */
  public float[] values() {
    return values;
  }

  /** The live gradient buffer. */
  public float[] grads() {
    return grads;
  }

  public List<Slice> slices() {
    return Collections.unmodifiableList(new ArrayList<>(slices.values()));
  }

  public List<String> names() {
    return List.copyOf(slices.keySet());
  }

  /**
   * The slice with this name.
   *
   * @throws IllegalArgumentException naming the known parameters
   */
  public Slice slice(String name) {
    Slice s = slices.get(name);
    if (s == null) {
      throw new IllegalArgumentException("parameter '" + name + "': no such parameter; expected one of "
          + slices.keySet());
    }
    return s;
  }

  public boolean contains(String name) {
    return slices.containsKey(name);
  }

  /** A copy of a parameter's values. */
  public float[] get(String name) {
    Slice s = slice(name);
    return Arrays.copyOfRange(values, s.offset(), s.offset() + s.size());
  }

  /** A copy of a parameter's gradient. */
  public float[] gradient(String name) {
    Slice s = slice(name);
    return Arrays.copyOfRange(grads, s.offset(), s.offset() + s.size());
  }

  /**
   * Sets a parameter's values (copied).
   *
   * @throws IllegalArgumentException naming the parameter, the expected and the received size
   */
  public void set(String name, float[] data) {
    Slice s = slice(name);
    if (data.length != s.size()) {
      throw new IllegalArgumentException("parameter '" + name + "': expected " + s.size()
          + " values for shape " + s.shapeString() + ", got " + data.length);
    }
    System.arraycopy(data, 0, values, s.offset(), data.length);
  }

  public void zeroGradients() {
    Arrays.fill(grads, 0f);
  }
}
