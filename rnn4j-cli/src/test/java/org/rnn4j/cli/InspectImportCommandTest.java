package org.rnn4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rnn4j.cli.ConformanceCommandTest.rnn4j;
import static org.rnn4j.cli.ConformanceCommandTest.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rnn4j import} and {@code rnn4j inspect} run in-process on the sample's model files. */
class InspectImportCommandTest {

  @Test
  void importsAStateDictAndInspectsTheModelFile(@TempDir Path tmp) throws Exception {
    Path pt = tmp.resolve("lstm_bidir_state_dict.pt");
    Files.copy(sample().resolve("import/torch_pt/lstm_bidir_state_dict.pt"), pt);
    ConformanceCommandTest.Run imp = rnn4j("import", pt.toString());
    assertThat(imp.exit()).isZero();
    assertThat(imp.out().get(0)).startsWith("wrote " + tmp.resolve("lstm_bidir_state_dict.rnn4j") + " (288 parameters");
    ConformanceCommandTest.Run insp = rnn4j("inspect", tmp.resolve("lstm_bidir_state_dict.rnn4j").toString());
    assertThat(insp.exit()).isZero();
    String all = String.join("\n", insp.out());
    assertThat(all).contains("rnn4j model file, format rnn4j-model version 1")
        .contains("LSTM bidirectional(concat)").contains("Total params: 288")
        .contains("imported_from: lstm_bidir_state_dict.pt");
  }

  @Test
  void importsAKerasModelAndInspectsEveryKindOfFile(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("k3.rnn4j");
    ConformanceCommandTest.Run imp = rnn4j("import", sample().resolve("import/keras/k3_lstm_seq_dense/model.keras")
        .toString(), "-o", out.toString());
    assertThat(imp.exit()).isZero();
    assertThat(Files.exists(out)).isTrue();
    assertThat(String.join("\n", rnn4j("inspect", out.toString()).out())).contains("keras_version: 3.15.1")
        .contains("dense            Dense");
    assertThat(String.join("\n", rnn4j("inspect", sample().resolve("import/safetensors/lstm_2layer.safetensors")
        .toString()).out())).contains("reads as: LSTM(input_size=3, hidden_size=5, num_layers=2)");
    assertThat(String.join("\n", rnn4j("inspect", sample().resolve(
        "import/onnx_export/lstm_1layer_bf_nostate_dynamic/model.onnx").toString()).out()))
        .contains("ONNX model, ir_version 7, opset 14, producer pytorch 1.13.0")
        .contains("every operator runs in rnn4j's ONNX importer");
    assertThat(String.join("\n", rnn4j("inspect", sample().resolve(
        "import/keras/dl4j_lstm_keras2/simple_flatten_lstm_tf_keras_2_model.h5").toString()).out()))
        .contains("keras_version 2.1.3").contains("lstm_1 (LSTM)");
  }

  @Test
  void importsATorchOnnxExportPrintingTheMapping(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("lstm.rnn4j");
    ConformanceCommandTest.Run imp = rnn4j("import", sample().resolve(
        "import/onnx_export/lstm_1layer_bf_nostate_dynamic/model.onnx").toString(), "-o", out.toString());
    assertThat(imp.exit()).isZero();
    String all = String.join("\n", imp.out());
    assertThat(all).containsPattern("graph input 'x' \\[\\w+, \\w+, 3\\] is batch-first")
        .containsPattern("node '.*' \\(LSTM\\) -> layer 'lstm': 3 -> 4, every step's output \\(Y\\)")
        .contains("layout only (no parameters): ").contains("not kept: [h_n, c_n]")
        .contains("checked: graph and model agree").contains("wrote " + out);
    assertThat(String.join("\n", rnn4j("inspect", out.toString()).out())).contains("imported_kind: ONNX model")
        .contains("onnx_producer: pytorch 1.13.0");
  }

  @Test
  void importsAKerasJsonConfigWithItsWeightsFile(@TempDir Path tmp) throws Exception {
    // a Keras 2.0.8 to_json + save_weights pair from DL4J's test resources (see rnn4j-interop's keras-wild)
    Path dir = Path.of("..", "rnn4j-interop", "src", "test", "resources", "keras-wild", "dl4j", "fullconfigs_lstm");
    Path out = tmp.resolve("stacked.rnn4j");
    ConformanceCommandTest.Run imp = rnn4j("import", dir.resolve("lstm_th_keras_2_config.json").toString(),
        "--weights", dir.resolve("lstm_th_keras_2_weights.h5").toString(), "-o", out.toString());
    assertThat(imp.exit()).as(String.join("\n", imp.err())).isZero();
    assertThat(String.join("\n", rnn4j("inspect", out.toString()).out())).contains("keras_version: 2.0.8")
        .contains("lstm_1").contains("lstm_2").contains("dense_1");
    ConformanceCommandTest.Run wrong = rnn4j("import", dir.resolve("lstm_th_keras_2_config.json").toString(),
        "--weights", dir.resolve("lstm_th_keras_2_config.json").toString(), "-o", tmp.resolve("x.rnn4j").toString());
    assertThat(wrong.exit()).isEqualTo(2);
    assertThat(wrong.err()).hasSize(1);
    assertThat(wrong.err().get(0)).contains("lstm_th_keras_2_config.json");
    assertThat(Files.exists(tmp.resolve("x.rnn4j"))).isFalse();
  }

  @Test
  void badFilesAreOneLineAndExit2(@TempDir Path tmp) throws Exception {
    ConformanceCommandTest.Run missing = rnn4j("inspect", tmp.resolve("nothing.rnn4j").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).hasSize(1);
    assertThat(missing.err().get(0)).startsWith("rnn4j inspect: FILE: no such file: ");

    Path cut = tmp.resolve("cut.pt");
    byte[] b = Files.readAllBytes(sample().resolve("import/torch_pt/lstm_bidir_state_dict.pt"));
    Files.write(cut, Arrays.copyOf(b, b.length / 2));
    ConformanceCommandTest.Run imp = rnn4j("import", cut.toString());
    assertThat(imp.exit()).isEqualTo(2);
    assertThat(imp.err()).hasSize(1);
    assertThat(imp.err().get(0)).startsWith("rnn4j import: ").contains("cut.pt");

    // an ONNX graph of the backend-test layout (weights are graph inputs): refused, nothing written
    Path single = sample().resolve("onnx/test_lstm_defaults/model.onnx");
    ConformanceCommandTest.Run onnx = rnn4j("import", single.toString(), "-o", tmp.resolve("x.rnn4j").toString());
    assertThat(onnx.exit()).isEqualTo(2);
    assertThat(onnx.err()).hasSize(1);
    assertThat(onnx.err().get(0)).startsWith("rnn4j import: ").contains("test_lstm_defaults")
        .contains("graph inputs [X, W, R]: an rnn4j model takes one input");
    assertThat(Files.exists(tmp.resolve("x.rnn4j"))).isFalse();

    Path text = tmp.resolve("notes.txt");
    Files.writeString(text, "hello");
    ConformanceCommandTest.Run unknown = rnn4j("inspect", text.toString());
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err().get(0)).contains("not a model file rnn4j knows");
  }
}
