package org.rnn4j.internal.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed pool that splits a range of rows between the caller and {@code threads - 1} daemon
 * workers, without allocating per call (the hot loops call it once per time step).
 *
 * <p>Rows are cut into contiguous, equal chunks, so each output row is computed by exactly one thread
 * with the same arithmetic whatever the thread count: results do not depend on the split. Only one
 * split runs at a time; a caller that finds the pool busy runs its rows itself ({@link #tryRun}
 * returns false), which keeps concurrent callers correct. Thread-safe.
 */
public final class RowParallel {

  /** A body over a range of rows. Implementations are reused, mutable task objects. */
  public interface RowTask {
    void run(int rowStart, int rowEnd);
  }

  /** Spins before a waiting thread parks (a step's split comes microseconds after the last). */
  private static final int SPINS = 2000;
  private static final RowParallel SHARED = new RowParallel(configuredThreads());

  private final int threads;
  private volatile int active;
  private final ReentrantLock lock = new ReentrantLock();
  private final Thread[] workers;
  private final AtomicInteger pending = new AtomicInteger();
  private volatile int generation;
  private volatile RowTask task;
  private volatile int rows;
  private volatile Thread caller;
  private volatile int participants;

  private RowParallel(int threads) {
    this.threads = Math.max(1, threads);
    this.active = this.threads;
    this.workers = new Thread[this.threads - 1];
    for (int w = 0; w < workers.length; w++) {
      final int slot = w + 1;
      Thread t = new Thread(() -> workLoop(slot), "rnn4j-kernel-" + slot);
      t.setDaemon(true);
      workers[w] = t;
      t.start();
    }
  }

  /** The pool used by the kernels, sized by {@code -Drnn4j.threads=N} (default: available cores). */
  public static RowParallel shared() {
    return SHARED;
  }

  /** The pool's size: the most threads {@link #setThreads} accepts. */
  public int poolSize() {
    return threads;
  }

  /** Number of threads that take part in a split, the caller included. */
  public int threads() {
    return active;
  }

  /**
   * Limits the threads that take part in later splits to {@code n} (1 .. the pool size): benchmarks
   * measure 1 and 2 threads in one JVM. Results do not depend on it (rows are split, not sums).
   */
  public void setThreads(int n) {
    if (n < 1 || n > threads) {
      throw new IllegalArgumentException("rnn4j threads: expected 1.." + threads + ", got " + n);
    }
    active = n;
  }

  private static int configuredThreads() {
    String p = System.getProperty("rnn4j.threads");
    if (p != null) {
      try {
        int n = Integer.parseInt(p.trim());
        if (n >= 1) {
          return n;
        }
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
      throw new IllegalArgumentException(
          "rnn4j.threads: expected a whole number >= 1, got '" + p + "'");
    }
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * Runs {@code body} over rows [0, totalRows) split between the threads, or returns false at once
   * (running nothing) when the pool has one thread or is busy with another caller, the calling
   * thread's own split included (a body that splits again runs its inner rows itself).
   */
  public boolean tryRun(RowTask body, int totalRows) {
    int use = active;
    if (use == 1 || totalRows < use || lock.isHeldByCurrentThread() || !lock.tryLock()) {
      return false;
    }
    try {
      task = body;
      rows = totalRows;
      participants = use;
      caller = Thread.currentThread();
      pending.set(use - 1);
      generation = generation + 1;
      for (int w = 0; w < use - 1; w++) {
        LockSupport.unpark(workers[w]);
      }
      runSlice(body, 0, totalRows);
      int spins = 0;
      while (pending.get() > 0) {
        if (++spins < SPINS) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      task = null;
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void runSlice(RowTask body, int slot, int totalRows) {
    int n = participants;
    int start = (int) ((long) totalRows * slot / n);
    int end = (int) ((long) totalRows * (slot + 1) / n);
    if (start < end) {
      body.run(start, end);
    }
  }

  private void workLoop(int slot) {
    int seen = 0;
    while (true) {
      int spins = 0;
      while (generation == seen) {
        if (++spins < SPINS) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      seen = generation;
      if (slot >= participants) {
        continue; // not needed in this split
      }
      try {
        runSlice(task, slot, rows);
      } finally {
        if (pending.decrementAndGet() == 0) {
          LockSupport.unpark(caller);
        }
      }
    }
  }
}
