package org.rnn4j.internal.kernels;

import java.lang.invoke.MethodHandles;
import java.util.Locale;

/**
 * Chooses the kernels once, at class initialisation, as Lucene's {@code VectorizationProvider} does:
 * the Vector API implementation when the {@code jdk.incubator.vector} module is readable, otherwise
 * the scalar one with a single log line saying why and how to enable the fast path.
 *
 * <p>{@code -Drnn4j.kernels=scalar|vector} forces one; forcing {@code vector} when it cannot load is
 * an error at start-up, not a silent fallback. Thread-safe (the choice is immutable).
 */
public final class KernelProvider {

  /** The system property that forces a provider. */
  public static final String PROPERTY = "rnn4j.kernels";

  private static final System.Logger LOG = System.getLogger("org.rnn4j.kernels");
  private static final Kernels INSTANCE = choose();

  private KernelProvider() {
  }

  /** The kernels chosen at start-up. */
  public static Kernels get() {
    return INSTANCE;
  }

  /** Always the scalar kernels (the reference twin), whatever was chosen. */
  public static Kernels scalar() {
    return ScalarHolder.SCALAR;
  }

  /**
   * The vector kernels, loading them if needed.
   *
   * @throws UnsupportedOperationException naming the reason when the Vector API is unavailable
   */
  public static Kernels vector() {
    String why = vectorUnavailableReason();
    if (why != null) {
      throw new UnsupportedOperationException("rnn4j kernels: the vector provider cannot load: " + why);
    }
    return loadVector();
  }

  private static final class ScalarHolder {
    static final Kernels SCALAR = new ScalarKernels();
  }

  private static Kernels choose() {
    String forced = System.getProperty(PROPERTY);
    if (forced != null) {
      switch (forced.trim().toLowerCase(Locale.ROOT)) {
        case "scalar":
          return scalar();
        case "vector":
          return vector();
        default:
          throw new IllegalArgumentException(
              PROPERTY + ": expected 'scalar' or 'vector', got '" + forced + "'");
      }
    }
    String why = vectorUnavailableReason();
    if (why != null) {
      LOG.log(System.Logger.Level.INFO,
          "rnn4j: using scalar kernels (" + why + "); run the JVM with --add-modules jdk.incubator.vector for the fast path");
      return scalar();
    }
    return loadVector();
  }

  /** Null when the vector provider can load, else the reason it cannot. */
  static String vectorUnavailableReason() {
    var module = ModuleLayer.boot().findModule("jdk.incubator.vector");
    if (module.isEmpty()) {
      return "the module jdk.incubator.vector is not in the boot layer";
    }
    if (!KernelProvider.class.getModule().canRead(module.get())) {
      return "the module jdk.incubator.vector is not readable";
    }
    return null;
  }

  private static Kernels loadVector() {
    try {
      Class<?> cls = Class.forName(KernelProvider.class.getPackageName() + ".VectorKernels");
      return (Kernels) MethodHandles.lookup().findConstructor(cls,
          java.lang.invoke.MethodType.methodType(void.class)).invoke();
    } catch (Throwable e) {
      throw new UnsupportedOperationException(
          "rnn4j kernels: the vector provider failed to load: " + e, e);
    }
  }
}
