package org.rnn4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rnn4j.cli.ConformanceCommandTest.rnn4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.interop.onnx.OnnxModel;
import org.rnn4j.io.ModelFiles;
import org.rnn4j.io.SafeTensors;

/** {@code rnn4j export} run in-process on model files written by the library. */
class ExportCommandTest {

  @Test
  void exportsSafetensorsWithARecipeAndOnnx(@TempDir Path tmp) throws Exception {
    Model m = Sequential.features(3).lstm(4, o -> o.bidirectional(true)).dense(1).build(5);
    Path file = tmp.resolve("m.rnn4j");
    ModelFiles.save(m, file, Map.of());

    ConformanceCommandTest.Run st = rnn4j("export", file.toString(), "--format", "safetensors");
    assertThat(st.exit()).isZero();
    assertThat(st.out().get(0)).startsWith("wrote " + tmp.resolve("m.safetensors") + " (PyTorch state dict, 297");
    assertThat(String.join("\n", st.out())).contains("self.lstm = nn.LSTM(3, 4, batch_first=True, bidirectional=True)")
        .contains("load_file(\"m.safetensors\"), strict=True");
    assertThat(SafeTensors.read(tmp.resolve("m.safetensors")).tensors().keySet())
        .containsExactlyElementsOf(m.parameterNames());

    Path onnx = tmp.resolve("out.onnx");
    ConformanceCommandTest.Run ox = rnn4j("export", file.toString(), "--format", "onnx", "-o", onnx.toString());
    assertThat(ox.exit()).isZero();
    assertThat(ox.out().get(0)).startsWith("wrote " + onnx + " (ONNX opset 14");
    assertThat(OnnxModel.load(onnx).inputNames()).containsExactly("input", "lengths");
  }

  @Test
  void refusalsAreOneLineExit2AndWriteNothing(@TempDir Path tmp) throws Exception {
    Model m = Sequential.features(3).gru(4, o -> o.resetAfter(false)).dense(1).build(5);
    Path file = tmp.resolve("g.rnn4j");
    ModelFiles.save(m, file, Map.of());
    ConformanceCommandTest.Run st = rnn4j("export", file.toString(), "--format", "safetensors");
    assertThat(st.exit()).isEqualTo(2);
    assertThat(st.err()).hasSize(1);
    assertThat(st.err().get(0)).startsWith("rnn4j export: PyTorch export: GRU layer 'gru': expected resetAfter=true");
    assertThat(Files.exists(tmp.resolve("g.safetensors"))).isFalse();

    // ONNX's LSTM has no projection: refused, naming the layer; PyTorch takes it (proj_size)
    Model p = Sequential.features(3).lstm(5, o -> o.projSize(2).name("encoder")).dense(1).build(5);
    Path pfile = tmp.resolve("p.rnn4j");
    ModelFiles.save(p, pfile, Map.of());
    ConformanceCommandTest.Run ox = rnn4j("export", pfile.toString(), "--format", "onnx");
    assertThat(ox.exit()).isEqualTo(2);
    assertThat(ox.err()).hasSize(1);
    assertThat(ox.err().get(0)).startsWith("rnn4j export: ONNX export: LSTM layer 'encoder': expected no projection,"
        + " got projSize 2");
    assertThat(Files.exists(tmp.resolve("p.onnx"))).isFalse();
    assertThat(rnn4j("export", pfile.toString(), "--format", "safetensors").exit()).isZero();

    ConformanceCommandTest.Run bad = rnn4j("export", file.toString(), "--format", "tflite");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err().get(0)).contains("--format: expected safetensors or onnx, received 'tflite'");
  }
}
