package org.rnn4j.interop.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiPredicate;
import java.util.stream.Stream;

/**
 * The mutation-fuzzing harness every reader's fuzz test uses (model files here, the command line's
 * CSV and TSV readers through this module's test jar): seeded mutations of a valid sample, each read
 * on a worker thread within a time and allocation bound; a read must load or be refused clearly (the
 * caller's {@code refusal} rule: the expected exception type, with a message naming the file), and any
 * other outcome keeps the input under {@code target/fuzz-failures/}. Budgets: at most 2,000 mutants or
 * 5 s per reader by default; {@code -Drnn4j.fuzz.iterations=N -Drnn4j.fuzz.seconds=S
 * -Drnn4j.fuzz.seed=K} for longer campaigns. Not thread-safe (one test at a time uses an instance).
 */
public final class Fuzzing implements AutoCloseable {
  /** Wall-clock budget of one reader's run (the test stops mutating when it is spent). */
  private static final long BUDGET_NANOS = (long) (Double.parseDouble(System.getProperty("rnn4j.fuzz.seconds", "5"))
      * 1e9);
  private static final int MAX_ITERATIONS = Integer.getInteger("rnn4j.fuzz.iterations", 2_000);
  /** Added to every reader's seed: a longer campaign runs with other seeds ({@code -Drnn4j.fuzz.seed=N}). */
  private static final long SEED_OFFSET = Long.getLong("rnn4j.fuzz.seed", 0L);
  /** One load may take at most this long. */
  private static final long PER_INPUT_MILLIS = 3_000;
  /** What {@link #attempt} answers for a file that loaded (identity-compared). */
  public static final String LOADED = new String("loaded");

  /** Reads one file, throwing when it refuses it. */
  @FunctionalInterface
  public interface Reader {
    void read(Path file) throws Exception;
  }

  private final BiPredicate<Throwable, Path> refusal;
  private final long maxAllocated;
  private ExecutorService worker = newWorker();

  /**
   * @param refusal true for a clear refusal of the file (e.g. an IOException naming it)
   * @param maxAllocated bytes one read may allocate
   */
  public Fuzzing(BiPredicate<Throwable, Path> refusal, long maxAllocated) {
    this.refusal = refusal;
    this.maxAllocated = maxAllocated;
  }

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-reader");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }

  /** Fuzzes {@code reader} with mutants of {@code sample}, asserting that none fails. */
  public void fuzz(String kind, Path sample, Reader reader, long seed, Path tmp) throws Exception {
    String name = sample.getFileName().toString();
    String ext = name.contains(".") ? name.substring(name.lastIndexOf('.')) : "";
    byte[] valid = Files.readAllBytes(sample);
    assertThat(attempt(reader, sample)).as("the valid sample loads").isSameAs(LOADED);
    Mutator m = new Mutator(valid, seed + SEED_OFFSET);
    List<String> failures = new ArrayList<>();
    int loaded = 0;
    long start = System.nanoTime();
    int i = 0;
    for (; i < MAX_ITERATIONS && System.nanoTime() - start < BUDGET_NANOS; i++) {
      byte[] mutant = m.next();
      Path f = tmp.resolve(kind + "-" + seed + "-" + i + ext);
      Files.write(f, mutant);
      String problem = attempt(reader, f);
      if (problem == LOADED) {
        loaded++;
      } else if (problem != null) {
        Path keep = Paths.get("target", "fuzz-failures", kind, f.getFileName().toString());
        Files.createDirectories(keep.getParent());
        Files.write(keep, mutant);
        failures.add(f.getFileName() + ": " + problem);
        if (failures.size() >= 20) {
          break;
        }
      }
      Files.delete(f);
    }
    System.out.printf(Locale.ROOT, "fuzz %s: %d mutants in %.1f s, %d loaded, %d refused, %d failures%n", kind, i,
        (System.nanoTime() - start) / 1e9, loaded, i - loaded - failures.size(), failures.size());
    assertThat(i).as("mutants tried").isGreaterThan(20);
    assertThat(i - loaded).as("mutants refused").isPositive();
    assertThat(failures).as(kind + ": " + i + " mutants, inputs kept under target/fuzz-failures").isEmpty();
  }

  /**
   * Replays every file under {@code root}/&lt;kind&gt;/ with the reader of its kind.
   *
   * @return the files that neither loaded nor were refused clearly, with what happened
   */
  public List<String> replay(Path root, java.util.function.Function<String, Reader> readers) throws Exception {
    List<String> failures = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".md"))
          .sorted().toList()) {
        String kind = root.relativize(f).getName(0).toString();
        Reader r = readers.apply(kind);
        if (r == null) {
          throw new IllegalStateException(f + ": unknown reader folder '" + kind + "'");
        }
        String problem = attempt(r, f);
        if (problem != null && problem != LOADED) {
          failures.add(root.relativize(f) + ": " + problem);
        }
      }
    }
    return failures;
  }

  /** Runs one read: {@link #LOADED}, null when it was refused clearly, else what went wrong. */
  public String attempt(Reader reader, Path file) throws InterruptedException {
    Future<Object[]> result = worker.submit(() -> {
      com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long tid = Thread.currentThread().getId();
      long before = mx.getThreadAllocatedBytes(tid);
      Throwable thrown = null;
      try {
        reader.read(file);
      } catch (Throwable t) {
        thrown = t;
      }
      return new Object[] {thrown, mx.getThreadAllocatedBytes(tid) - before};
    });
    Object[] r;
    try {
      r = result.get(PER_INPUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      result.cancel(true);
      worker.shutdownNow();
      worker = newWorker();
      return "no answer within " + PER_INPUT_MILLIS + " ms";
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    Throwable t = (Throwable) r[0];
    long allocated = (Long) r[1];
    if (allocated > maxAllocated) {
      return String.format(Locale.ROOT, "allocated %,d bytes (more than %,d)", allocated, maxAllocated);
    }
    if (t == null) {
      return LOADED;
    }
    if (refusal.test(t, file)) {
      return null;
    }
    StackTraceElement top = t.getStackTrace().length > 0 ? t.getStackTrace()[0] : null;
    return t.getClass().getName() + ": " + t.getMessage() + (top == null ? "" : " at " + top);
  }

  /** True for an exception of {@code type} whose message names the file. */
  public static BiPredicate<Throwable, Path> namingTheFile(Class<? extends Throwable> type) {
    return (t, f) -> type.isInstance(t) && !(t instanceof java.io.UncheckedIOException) && t.getMessage() != null
        && t.getMessage().contains(f.getFileName().toString());
  }
}
