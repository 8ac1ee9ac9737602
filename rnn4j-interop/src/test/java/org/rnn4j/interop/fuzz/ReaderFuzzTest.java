package org.rnn4j.interop.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.interop.StateDict;
import org.rnn4j.interop.keras.KerasModel;
import org.rnn4j.interop.onnx.OnnxModel;
import org.rnn4j.interop.onnx.OnnxToModel;

/**
 * Fuzzes every reader with seeded mutations of the valid sample files: each outcome must be a
 * successful load or a clear refusal (an {@link IOException} whose message names the file), in
 * bounded time and allocation; anything else (another exception type, an {@link Error}) fails the
 * test and the input is kept under {@code target/fuzz-failures/} so it can join
 * {@code src/test/resources/fuzz-regressions/}, which {@link #regressionsStayFixed} replays. Each
 * reader gets at most 2,000 mutants or 5 s; longer campaigns: {@code -Drnn4j.fuzz.iterations=N
 * -Drnn4j.fuzz.seconds=S -Drnn4j.fuzz.seed=K}.
 */
class ReaderFuzzTest {
  /** Wall-clock budget of one reader's run (the test stops mutating when it is spent). */
  private static final long BUDGET_NANOS = (long) (Double.parseDouble(System.getProperty("rnn4j.fuzz.seconds", "5"))
      * 1e9);
  private static final int MAX_ITERATIONS = Integer.getInteger("rnn4j.fuzz.iterations", 2_000);
  /** Added to every reader's seed: a longer campaign runs with other seeds ({@code -Drnn4j.fuzz.seed=N}). */
  private static final long SEED_OFFSET = Long.getLong("rnn4j.fuzz.seed", 0L);
  /** One load may take at most this long. */
  private static final long PER_INPUT_MILLIS = 3_000;
  /** One load may allocate at most this much (the samples are a few kB). */
  private static final long MAX_ALLOCATED = 256L << 20;

  private static ExecutorService worker;
  /** What {@link #attempt} answers for a file that loaded (identity-compared). */
  private static final String LOADED = new String("loaded");

  @FunctionalInterface
  interface Reader {
    void read(Path file) throws IOException;
  }

  @BeforeAll
  static void start() {
    worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-reader");
      t.setDaemon(true);
      return t;
    });
  }

  @AfterAll
  static void stop() {
    worker.shutdownNow();
  }

  static Reader safetensors() {
    return StateDict::readSafeTensors;
  }

  static Reader torchSave() {
    return StateDict::readTorchSave;
  }

  static Reader onnx() {
    return f -> {
      OnnxModel m = OnnxModel.load(f);
      m.opTypes();
      m.unsupportedOperators();
      m.toString();
    };
  }

  static Reader keras() {
    return f -> KerasModel.load(f);
  }

  /** ONNX files through the converter to an rnn4j model (which also runs the graph once). */
  static Reader onnxToModel() {
    return f -> OnnxToModel.convert(OnnxModel.load(f));
  }

  /** A Keras to_json config read with the (valid) weights file of the sample pair. */
  static Reader kerasConfig() {
    return f -> KerasModel.load(f, resource(KERAS_PAIR + "lstm_th_keras_2_weights.h5"));
  }

  /** A Keras save_weights file read with the (valid) config of the sample pair. */
  static Reader kerasWeights() {
    return f -> KerasModel.load(resource(KERAS_PAIR + "lstm_th_keras_2_config.json"), f);
  }

  private static final String KERAS_PAIR = "keras-wild/dl4j/fullconfigs_lstm/";

  /** One reader under fuzzing: its regression folder, its valid sample, how it reads, its seed. */
  record Target(String kind, String sample, Reader reader, long seed) {
    @Override
    public String toString() {
      return kind;
    }
  }

  static List<Target> targets() {
    return List.of(
        new Target("safetensors", "torch/lstm_2layer.safetensors", safetensors(), 101),
        new Target("pt", "torch/lstm_bidir_state_dict.pt", torchSave(), 202),
        new Target("onnx", "onnx/lstm_1layer_bf_nostate_dynamic/model.onnx", onnx(), 303),
        new Target("keras", "keras/k3/model.keras", keras(), 404),
        new Target("h5", "keras/k2/simple_flatten_lstm_tf_keras_2_model.h5", keras(), 505),
        new Target("onnx-to-model", "onnx-export/gru_hn_linear_sigmoid/model.onnx", onnxToModel(), 606),
        new Target("h5-keras1", "keras-wild/dl4j/simple_lstm_tf_keras_1_model.h5", keras(), 707),
        new Target("keras-config", KERAS_PAIR + "lstm_th_keras_2_config.json", kerasConfig(), 808),
        new Target("keras-weights", KERAS_PAIR + "lstm_th_keras_2_weights.h5", kerasWeights(), 909));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void reader(Target t, @TempDir Path tmp) throws Exception {
    String ext = t.sample().substring(t.sample().lastIndexOf('.'));
    fuzz(t.kind(), resource(t.sample()), ext, t.reader(), t.seed(), tmp);
  }

  /** Every file under fuzz-regressions/&lt;reader&gt;/ once broke that reader; it must now load or be refused. */
  @Test
  void regressionsStayFixed() throws Exception {
    Path root = resource("fuzz-regressions");
    List<String> failures = new ArrayList<>();
    int count = 0;
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".md"))
          .sorted().toList()) {
        String kind = root.relativize(f).getName(0).toString();
        Reader r = targets().stream().filter(t -> t.kind().equals(kind)).map(Target::reader).findFirst()
            .orElseThrow(() -> new IllegalStateException(f + ": unknown reader folder '" + kind + "'"));
        count++;
        String problem = attempt(r, f);
        if (problem != null && problem != LOADED) {
          failures.add(root.relativize(f) + ": " + problem);
        }
      }
    }
    assertThat(failures).as("regression inputs (" + count + " files)").isEmpty();
  }

  private void fuzz(String kind, Path sample, String ext, Reader reader, long seed, Path tmp) throws Exception {
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

  /** Runs one read: {@link #LOADED}, null when it was refused clearly, else what went wrong. */
  private static String attempt(Reader reader, Path file) throws InterruptedException {
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
      worker = Executors.newSingleThreadExecutor();
      return "no answer within " + PER_INPUT_MILLIS + " ms";
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    Throwable t = (Throwable) r[0];
    long allocated = (Long) r[1];
    if (allocated > MAX_ALLOCATED) {
      return String.format(Locale.ROOT, "allocated %,d bytes (more than %,d)", allocated, MAX_ALLOCATED);
    }
    if (t == null) {
      return LOADED;
    }
    if (t instanceof IOException && !(t instanceof UncheckedIOException) && t.getMessage() != null
        && t.getMessage().contains(file.getFileName().toString())) {
      return null;
    }
    StackTraceElement top = t.getStackTrace().length > 0 ? t.getStackTrace()[0] : null;
    return t.getClass().getName() + ": " + t.getMessage() + (top == null ? "" : " at " + top);
  }

  static Path resource(String name) {
    try {
      return Paths.get(ReaderFuzzTest.class.getResource("/" + name).toURI());
    } catch (Exception e) {
      throw new IllegalStateException("test resource " + name + " is missing", e);
    }
  }
}
