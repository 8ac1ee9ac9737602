package org.rnn4j.interop.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.Tensor;
import org.rnn4j.data.Dataset;
import org.rnn4j.interop.ExportException;
import org.rnn4j.nn.Activation;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.DenseActivation;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.MergeMode;
import org.rnn4j.nn.RecurrentLayerSpec;
import org.rnn4j.nn.RecurrentSpec;

/**
 * {@link OnnxExport}: every exported model gives rnn4j's predictions in ONNX Runtime (the Java
 * package, test scope) and through rnn4j's own ONNX importer.
 */
class OnnxExportTest {
  private static final int N = 4;
  private static final int T = 6;
  private static final int F = 3;
  private static final int[] LENGTHS = {6, 2, 5, 1};

  static Stream<Arguments> models() {
    List<Arguments> a = new ArrayList<>();
    for (CellType cell : CellType.values()) {
      a.add(Arguments.of(cell + " final state, dense", build(s -> s.recurrent(cell, 5, o -> o.returnSequences(false))
          .dense(2))));
      a.add(Arguments.of(cell + " 2 layers bidirectional, every step", build(s -> s.recurrent(cell, 4,
          o -> o.numLayers(2).bidirectional(true).returnSequences(true)).dense(2, DenseActivation.SIGMOID))));
      a.add(Arguments.of(cell + " bidirectional final state", build(s -> s.recurrent(cell, 4,
          o -> o.bidirectional(true).returnSequences(false)).dense(3, DenseActivation.RELU))));
    }
    for (MergeMode m : MergeMode.values()) {
      a.add(Arguments.of("LSTM merge " + m + " every step", build(s -> s.lstm(4, o -> o.bidirectional(true)
          .mergeMode(m).returnSequences(true)).dense(2))));
      a.add(Arguments.of("GRU 2 layers merge " + m + " final state", build(s -> s.gru(4, o -> o.numLayers(2)
          .bidirectional(true).mergeMode(m).returnSequences(false)).dense(2, DenseActivation.TANH))));
    }
    a.add(Arguments.of("two recurrent layers, no dense", build(s -> s.gru(5, o -> o.bidirectional(true).returnSequences(true))
        .lstm(3, o -> o.returnSequences(false)))));
    a.add(Arguments.of("GRU reset before", build(s -> s.gru(5, o -> o.resetAfter(false).bidirectional(true).returnSequences(true))
        .dense(1))));
    a.add(Arguments.of("LSTM without bias, dropout", build(s -> s.lstm(5, o -> o.bias(false).numLayers(2)
        .dropout(0.3f).returnSequences(true)).dropout(0.2f).dense(1))));
    a.add(Arguments.of("LSTM peepholes, clip, input-forget", build(s -> s.add(new RecurrentLayerSpec("peep",
        RecurrentSpec.builder(CellType.LSTM, F, 4).peepholes(true).clip(1.5f).inputForget(true).bidirectional(true)
            .build(), false, MergeMode.CONCAT, Init.PYTORCH)).dense(2))));
    a.add(Arguments.of("RNN reverse with ONNX activations", build(s -> s.add(new RecurrentLayerSpec("rev",
        RecurrentSpec.builder(CellType.RNN_TANH, F, 4).reverse(true).activations(List.of(
            new Activation(Activation.Kind.SCALED_TANH, 0.8f, 1.2f))).build(), true, MergeMode.CONCAT,
        Init.PYTORCH)).dense(2))));
    a.add(Arguments.of("GRU with LeakyRelu/Softsign per direction", build(s -> s.add(new RecurrentLayerSpec("g",
        RecurrentSpec.builder(CellType.GRU, F, 4).bidirectional(true).activations(List.of(Activation.SIGMOID,
            Activation.of(Activation.Kind.SOFTSIGN), new Activation(Activation.Kind.HARD_SIGMOID, 0.3f, 0.4f),
            new Activation(Activation.Kind.LEAKY_RELU, 0.1f, 0f))).build(), false, MergeMode.SUM, Init.PYTORCH)))));
    return a.stream();
  }

  private static Model build(UnaryOperator<Sequential> layers) {
    return layers.apply(Sequential.features(F)).build(11);
  }

  private static float[] input() {
    SplittableRandom r = new SplittableRandom(5);
    float[] x = new float[N * T * F];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble(-2, 2);
    }
    return x;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void onnxRuntimeAndTheImporterGiveRnn4jsOutputs(String name, Model model, @TempDir Path tmp) throws Exception {
    float[] x = input();
    Path file = tmp.resolve("m.onnx");
    for (boolean lengths : new boolean[] {true, false}) {
      OnnxExport.write(model, lengths, file);
      Tensor expected = model.predict(Dataset.ofFeatures(new Tensor(x, N, T, F), lengths ? LENGTHS : null,
          (Tensor) null));
      float[] ort = runOrt(file, x, new long[] {N, T, F}, lengths);
      assertClose(name + " (ONNX Runtime, lengths " + lengths + ")", ort, expected.data());

      Map<String, OnnxTensor> feeds = new HashMap<>();
      feeds.put("input", OnnxTensor.ofFloats(x, N, T, F));
      if (lengths) {
        long[] l = new long[N];
        for (int i = 0; i < N; i++) {
          l[i] = LENGTHS[i];
        }
        feeds.put("lengths", OnnxTensor.ofLongs(OnnxTensor.INT32, l, N));
      }
      OnnxTensor back = OnnxModel.load(file).run(feeds).get("output");
      assertThat(back.shape()).containsExactly(expected.shape());
      assertClose(name + " (rnn4j's ONNX importer, lengths " + lengths + ")", back.floatData(), expected.data());
    }
  }

  @Test
  void tokenInputGoesThroughGather(@TempDir Path tmp) throws Exception {
    Model model = Sequential.embedding(20, 4, 0).lstm(5, o -> o.returnSequences(false)).dense(2).build(3);
    int[] tokens = new int[N * T];
    long[] ids = new long[N * T];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = (i * 7) % 20;
      ids[i] = tokens[i];
    }
    Path file = tmp.resolve("tok.onnx");
    OnnxExport.write(model, true, file);
    Tensor expected = model.predict(Dataset.ofTokens(tokens, N, T, LENGTHS, (int[]) null));
    try (OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions());
        ai.onnxruntime.OnnxTensor in = ai.onnxruntime.OnnxTensor.createTensor(env, LongBuffer.wrap(ids),
            new long[] {N, T});
        ai.onnxruntime.OnnxTensor len = ai.onnxruntime.OnnxTensor.createTensor(env, IntBuffer.wrap(LENGTHS),
            new long[] {N});
        OrtSession.Result r = s.run(Map.of("input", in, "lengths", len))) {
      assertClose("embedding", floats(r), expected.data());
    }
  }

  @Test
  void projectionIsRefusedAndNothingIsWritten(@TempDir Path tmp) {
    Model m = Sequential.features(F).lstm(5, o -> o.projSize(2)).build(1);
    Path out = tmp.resolve("p.onnx");
    assertThatThrownBy(() -> OnnxExport.write(m, true, out)).isInstanceOf(ExportException.class)
        .hasMessage("ONNX export: LSTM layer 'lstm': expected no projection, got projSize 2 (PyTorch proj_size);"
            + " ONNX's LSTM has no projection. Export to safetensors instead");
    assertThat(Files.exists(out)).isFalse();
  }

  @Test
  void graphHasOneNodePerLayerAndOpset14() throws Exception {
    Model m = Sequential.features(F).lstm(4, o -> o.numLayers(3).bidirectional(true)).dense(1).build(2);
    org.rnn4j.interop.onnx.proto.Onnx.ModelProto p = OnnxExport.of(m, true);
    assertThat(p.getOpsetImport(0).getVersion()).isEqualTo(14);
    assertThat(p.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("LSTM")).count()).isEqualTo(3);
    assertThat(p.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("LSTM"))
        .allMatch(n -> n.getInput(4).equals("lengths"))).isTrue();
    assertThat(p.getGraph().getNodeList().stream().flatMap(n -> n.getAttributeList().stream())
        .noneMatch(at -> at.getName().equals("layout"))).isTrue();
  }

  static float[] runOrt(Path file, float[] x, long[] shape, boolean lengths) throws Exception {
    try (OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions());
        ai.onnxruntime.OnnxTensor in = ai.onnxruntime.OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
        ai.onnxruntime.OnnxTensor len = ai.onnxruntime.OnnxTensor.createTensor(env, IntBuffer.wrap(LENGTHS),
            new long[] {N})) {
      Map<String, ai.onnxruntime.OnnxTensor> feeds = lengths ? Map.of("input", in, "lengths", len)
          : Map.of("input", in);
      try (OrtSession.Result r = s.run(feeds)) {
        return floats(r);
      }
    }
  }

  private static float[] floats(OrtSession.Result r) {
    FloatBuffer fb = ((ai.onnxruntime.OnnxTensor) r.get(0)).getFloatBuffer();
    float[] out = new float[fb.remaining()];
    fb.get(out);
    return out;
  }

  private static void assertClose(String what, float[] actual, float[] expected) {
    assertThat(actual).as(what + ": size").hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      float tol = 2e-5f + 2e-4f * Math.abs(expected[i]);
      assertThat(Math.abs(actual[i] - expected[i])).as(what + " at " + i + ": expected " + expected[i] + " got "
          + actual[i]).isLessThanOrEqualTo(tol);
    }
  }
}
