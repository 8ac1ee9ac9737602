package org.rnn4j.spark.internal;

import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import org.rnn4j.train.OptimizerSpec;

/**
 * An {@link OptimizerSpec} in a serializable form (its record class and component values), so that
 * executors can create the optimizer for local steps. Immutable and thread-safe.
 */
public final class OptimizerCodec implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String className;
  private final Object[] values;

  private OptimizerCodec(String className, Object[] values) {
    this.className = className;
    this.values = values;
  }

  /**
   * Encodes a spec.
   *
   * @throws IllegalArgumentException when the spec is not a record of serializable values
   */
  public static OptimizerCodec of(OptimizerSpec spec) {
    Class<?> c = spec.getClass();
    if (!c.isRecord()) {
      throw new IllegalArgumentException("optimizer: expected a record OptimizerSpec, got " + c.getName());
    }
    RecordComponent[] rc = c.getRecordComponents();
    Object[] v = new Object[rc.length];
    try {
      for (int i = 0; i < rc.length; i++) {
        v[i] = rc[i].getAccessor().invoke(spec);
        if (v[i] != null && !(v[i] instanceof Serializable)) {
          throw new IllegalArgumentException("optimizer: expected serializable settings, got "
              + rc[i].getName() + " of " + v[i].getClass().getName());
        }
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("optimizer: cannot read the settings of " + c.getName(), e);
    }
    return new OptimizerCodec(c.getName(), v);
  }

  /** The spec again. */
  public OptimizerSpec decode() {
    try {
      Class<?> c = Class.forName(className);
      RecordComponent[] rc = c.getRecordComponents();
      Class<?>[] types = new Class<?>[rc.length];
      for (int i = 0; i < rc.length; i++) {
        types[i] = rc[i].getType();
      }
      Constructor<?> k = c.getDeclaredConstructor(types);
      return (OptimizerSpec) k.newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("optimizer: cannot rebuild " + className + " on this JVM", e);
    }
  }
}
