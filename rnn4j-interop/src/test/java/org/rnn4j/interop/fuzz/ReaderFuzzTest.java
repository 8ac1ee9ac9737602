package org.rnn4j.interop.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
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
  /** One load may allocate at most this much (the samples are a few kB). */
  private static final long MAX_ALLOCATED = 256L << 20;

  private static Fuzzing fuzzing;

  /** How a model file is read. */
  @FunctionalInterface
  interface Reader extends Fuzzing.Reader {
    @Override
    void read(Path file) throws IOException;
  }

  @BeforeAll
  static void start() {
    fuzzing = new Fuzzing(Fuzzing.namingTheFile(IOException.class), MAX_ALLOCATED);
  }

  @AfterAll
  static void stop() {
    fuzzing.close();
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
    fuzzing.fuzz(t.kind(), resource(t.sample()), t.reader(), t.seed(), tmp);
  }

  /** Every file under fuzz-regressions/&lt;reader&gt;/ once broke that reader; it must now load or be refused. */
  @Test
  void regressionsStayFixed() throws Exception {
    List<String> failures = fuzzing.replay(resource("fuzz-regressions"), kind -> targets().stream()
        .filter(t -> t.kind().equals(kind)).map(Target::reader).findFirst().orElse(null));
    assertThat(failures).as("regression inputs").isEmpty();
  }

  static Path resource(String name) {
    try {
      return Paths.get(ReaderFuzzTest.class.getResource("/" + name).toURI());
    } catch (Exception e) {
      throw new IllegalStateException("test resource " + name + " is missing", e);
    }
  }
}
