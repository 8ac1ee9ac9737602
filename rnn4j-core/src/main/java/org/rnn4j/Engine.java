package org.rnn4j;

import org.rnn4j.internal.kernels.KernelProvider;
import org.rnn4j.internal.kernels.RowParallel;

/**
 * What a program may know and set of the engine under every model, without reaching into its
 * internals: which kernels were chosen at start-up, and how many threads split a product.
 *
 * <p>Thread-safe: the kernels are chosen once; the thread count is one setting of the process, read
 * by every later product (set it between runs, not during one).
 */
public final class Engine {
  private Engine() {
  }

  /** The kernels chosen at start-up: {@code "scalar"} or e.g. {@code "vector(512-bit, 16 lanes)"}. */
  public static String kernelName() {
    return KernelProvider.get().name();
  }

  /** The threads that take part in a split product, the caller included. */
  public static int threads() {
    return RowParallel.shared().threads();
  }

  /** The most threads {@link #setThreads} accepts: the pool's size ({@code -Drnn4j.threads=N}, or the cores). */
  public static int maxThreads() {
    return RowParallel.shared().poolSize();
  }

  /**
   * Lets later products split over {@code n} threads (1 .. {@link #maxThreads()}). Results do not
   * depend on it: rows are split, not sums.
   *
   * @throws IllegalArgumentException when {@code n} is outside 1 .. {@link #maxThreads()}
   */
  public static void setThreads(int n) {
    RowParallel.shared().setThreads(n);
  }
}
