package org.rnn4j.interop.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Tensor;
import org.rnn4j.interop.ImportException;

/**
 * The Keras importer: the real files Keras 2.1.3 and Keras 3.15.1 wrote, legacy HDF5 models written
 * here with jhdf and checked against a plain double-precision implementation of Keras's equations
 * (conformance README section 4.3: gate orders, reset_after, go_backwards, Bidirectional merging,
 * masking, Keras 2 vs 3 hard_sigmoid), and broken files.
 */
@Timeout(60)
class KerasModelTest {

  static Path resource(String name) throws Exception {
    return Path.of(KerasModelTest.class.getResource("/keras/" + name).toURI());
  }

  // ---- real files ---------------------------------------------------------------------------------

  @Test
  void theKeras3ZipAndItsLegacyH5GiveTheSameNumbers() throws Exception {
    KerasModel zip = KerasModel.load(resource("k3/model.keras"));
    KerasModel h5 = KerasModel.load(resource("k3/model.h5"));
    assertThat(zip.kerasVersion()).isEqualTo("3.15.1");
    assertThat(zip.isKeras3()).isTrue();
    assertThat(h5.backend()).isEqualTo("numpy");
    assertThat(zip.layerNames()).containsExactly("input_layer_8", "lstm", "dense").isEqualTo(h5.layerNames());
    assertThat(zip.parameterCount()).isEqualTo(3 * 20 + 5 * 20 + 20 + 5 * 2 + 2).isEqualTo(h5.parameterCount());
    Tensor x = random(new SplittableRandom(3), 2, 6, 3);
    Map<String, Tensor> a = zip.run(x);
    Map<String, Tensor> b = h5.run(x);
    assertThat(a.get("dense").shape()).containsExactly(2, 6, 2);
    assertThat(a.get("dense").data()).isEqualTo(b.get("dense").data());
    assertThatThrownBy(() -> zip.run(random(new SplittableRandom(1), 2, 6, 4))).isInstanceOf(ImportException.class)
        .hasMessageContaining("layer 'input_layer_8' (InputLayer): expected 3 features per step, got input of shape"
            + " [2, 6, 4]");
  }

  @Test
  void theKeras2FileOfDl4jsTestResources() throws Exception {
    KerasModel m = KerasModel.load(resource("k2/simple_flatten_lstm_tf_keras_2_model.h5"));
    assertThat(m.kerasVersion()).isEqualTo("2.1.3");
    assertThat(m.isKeras3()).isFalse();
    assertThat(m.layerClasses()).containsExactly("LSTM", "Dense");
    assertThat(m.parameterCount()).isEqualTo(200 + 50 * 200 + 200 + 50 + 1);
    assertThat(m.predict(random(new SplittableRandom(2), 3, 6, 1)).shape()).containsExactly(3, 1);
  }

  // ---- written here, checked against Keras's equations ----------------------------------------------

  @Test
  void embeddingMaskBidirectionalGruSumGoBackwardsGruAndSoftmax(@TempDir Path tmp) throws Exception {
    SplittableRandom r = new SplittableRandom(5);
    float[][] emb = w(r, 6, 3);
    float[][][] fw = {w(r, 3, 12), w(r, 4, 12), w(r, 12)};
    float[][][] bw = {w(r, 3, 12), w(r, 4, 12), w(r, 12)};
    float[][][] g2 = {w(r, 4, 9), w(r, 3, 9), w(r, 2, 9)};
    float[][][] d = {w(r, 3, 2), w(r, 2)};
    String config = """
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
         {"class_name": "Embedding", "config": {"name": "emb", "input_dim": 6, "output_dim": 3, "mask_zero": true,
          "batch_input_shape": [null, 5]}},
         {"class_name": "Bidirectional", "config": {"name": "bi", "merge_mode": "sum", "layer": {"class_name": "GRU",
          "config": {"name": "g1", "units": 4, "return_sequences": true, "reset_after": false,
          "activation": "tanh", "recurrent_activation": "sigmoid", "use_bias": true}}}},
         {"class_name": "GRU", "config": {"name": "g2", "units": 3, "go_backwards": true, "reset_after": true,
          "activation": "tanh", "recurrent_activation": "sigmoid", "use_bias": true}},
         {"class_name": "Dense", "config": {"name": "out", "units": 2, "activation": "softmax", "use_bias": true}}]}}
        """;
    Map<String, Object> weights = new LinkedHashMap<>();
    weights.put("emb/emb/embeddings:0", emb);
    weights.put("bi/bi/forward_g1/kernel:0", fw[0]);
    weights.put("bi/bi/forward_g1/recurrent_kernel:0", fw[1]);
    weights.put("bi/bi/forward_g1/bias:0", fw[2][0]);
    weights.put("bi/bi/backward_g1/kernel:0", bw[0]);
    weights.put("bi/bi/backward_g1/recurrent_kernel:0", bw[1]);
    weights.put("bi/bi/backward_g1/bias:0", bw[2][0]);
    weights.put("g2/g2/kernel:0", g2[0]);
    weights.put("g2/g2/recurrent_kernel:0", g2[1]);
    weights.put("g2/g2/bias:0", g2[2]);
    weights.put("out/out/kernel:0", d[0]);
    weights.put("out/out/bias:0", d[1][0]);
    Path f = tmp.resolve("m.h5");
    writeLegacy(f, config, "2.4.0", weights);
    KerasModel m = KerasModel.load(f);

    float[] ids = {1, 4, 2, 0, 0, 3, 0, 5, 5, 1, 2, 2, 2, 2, 2};
    Map<String, Tensor> out = m.run(new Tensor(ids, 3, 5));
    // reference, one sequence at a time
    int b = 3;
    int t = 5;
    double[][][] biRef = new double[b][][];
    double[][] g2Ref = new double[b][];
    for (int i = 0; i < b; i++) {
      double[][] x = new double[t][];
      boolean[] mask = new boolean[t];
      for (int q = 0; q < t; q++) {
        int id = (int) ids[i * t + q];
        x[q] = toDouble(Arrays.copyOfRange(flat(emb), id * 3, id * 3 + 3));
        mask[q] = id != 0;
      }
      double[][] f1 = rnn("GRU", x, mask, fw, 4, false, Math::tanh, KerasModelTest::sigmoid, false, true)[0];
      double[][] b1 = rnn("GRU", x, mask, bw, 4, false, Math::tanh, KerasModelTest::sigmoid, true, true)[0];
      biRef[i] = new double[t][4];
      for (int q = 0; q < t; q++) {
        for (int j = 0; j < 4; j++) {
          biRef[i][q][j] = f1[q][j] + b1[t - 1 - q][j];
        }
      }
      g2Ref[i] = rnn("GRU", biRef[i], mask, g2, 3, true, Math::tanh, KerasModelTest::sigmoid, true, false)[1][0];
    }
    assertClose(out.get("bi"), flat3(biRef));
    assertClose(out.get("g2"), flat2(g2Ref));
    float[] probs = out.get("out").data();
    assertThat(probs[0] + probs[1]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-6f));
  }

  @Test
  void maskingSimpleRnnReluAndTimeDistributedDense(@TempDir Path tmp) throws Exception {
    SplittableRandom r = new SplittableRandom(9);
    float[][][] s = {w(r, 2, 3), w(r, 3, 3), w(r, 3)};
    float[][][] d = {w(r, 3, 2), w(r, 2)};
    String config = """
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
         {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [null, 4, 2]}},
         {"class_name": "Masking", "config": {"name": "mask", "mask_value": 0.0}},
         {"class_name": "SimpleRNN", "config": {"name": "rnn", "units": 3, "activation": "relu",
          "return_sequences": true, "use_bias": true}},
         {"class_name": "TimeDistributed", "config": {"name": "td", "layer": {"class_name": "Dense",
          "config": {"name": "dd", "units": 2, "activation": "tanh", "use_bias": true}}}}]}}
        """;
    Map<String, Object> weights = new LinkedHashMap<>();
    weights.put("rnn/rnn/kernel:0", s[0]);
    weights.put("rnn/rnn/recurrent_kernel:0", s[1]);
    weights.put("rnn/rnn/bias:0", s[2][0]);
    weights.put("td/td/kernel:0", d[0]);
    weights.put("td/td/bias:0", d[1][0]);
    Path f = tmp.resolve("m.h5");
    writeLegacy(f, config, "3.3.3", weights);
    KerasModel m = KerasModel.load(f);
    Tensor x = random(new SplittableRandom(4), 2, 4, 2);
    x.data()[2] = 0f; // sequence 0, step 1 masked
    x.data()[3] = 0f;
    Map<String, Tensor> out = m.run(x);
    double[][][] ref = new double[2][][];
    for (int i = 0; i < 2; i++) {
      double[][] xs = new double[4][];
      boolean[] mask = new boolean[4];
      for (int q = 0; q < 4; q++) {
        xs[q] = toDouble(Arrays.copyOfRange(x.data(), (i * 4 + q) * 2, (i * 4 + q) * 2 + 2));
        mask[q] = xs[q][0] != 0 || xs[q][1] != 0;
      }
      ref[i] = rnn("SimpleRNN", xs, mask, s, 3, false, v -> Math.max(v, 0), null, false, false)[0];
    }
    assertClose(out.get("rnn"), flat3(ref));
    assertThat(Arrays.copyOfRange(out.get("rnn").data(), 3, 6)).as("a masked step repeats the previous output")
        .containsExactly(Arrays.copyOfRange(out.get("rnn").data(), 0, 3));
    assertThat(out.get("td").shape()).containsExactly(2, 4, 2);
  }

  @Test
  void hardSigmoidFollowsTheKerasVersionOfTheFile(@TempDir Path tmp) throws Exception {
    SplittableRandom r = new SplittableRandom(13);
    float[][][] l = {w(r, 2, 12), w(r, 3, 12), w(r, 12)};
    float[][][] lb = {w(r, 2, 12), w(r, 3, 12), w(r, 12)};
    for (int i = 0; i < l[0][0].length; i++) {
      l[0][0][i] *= 4; // pre-activations beyond +-2.5, where the two definitions differ most
      lb[0][0][i] *= 4;
    }
    String config = """
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
         {"class_name": "Bidirectional", "config": {"name": "bi", "merge_mode": "concat", "layer": {"class_name": "LSTM",
          "config": {"name": "l", "units": 3, "recurrent_activation": "hard_sigmoid", "activation": "tanh",
          "use_bias": true, "return_sequences": false}}}}]}}
        """;
    Map<String, Object> weights = new LinkedHashMap<>();
    for (String dir : List.of("backward_l", "forward_l")) { // a writer's order must not matter
      float[][][] src = dir.startsWith("forward") ? l : lb;
      weights.put("bi/bi/" + dir + "/kernel:0", src[0]);
      weights.put("bi/bi/" + dir + "/recurrent_kernel:0", src[1]);
      weights.put("bi/bi/" + dir + "/bias:0", src[2][0]);
    }
    Tensor x = random(new SplittableRandom(8), 2, 5, 2);
    Map<String, float[]> byVersion = new HashMap<>();
    for (String version : List.of("2.2.4", "3.0.1")) {
      Path f = tmp.resolve("m" + version + ".h5");
      writeLegacy(f, config, version, weights);
      KerasModel m = KerasModel.load(f);
      DoubleUnaryOperator hs = version.startsWith("3") ? v -> Math.min(1, Math.max(0, v / 6 + 0.5))
          : v -> Math.min(1, Math.max(0, 0.2 * v + 0.5));
      double[][] ref = new double[2][6];
      for (int i = 0; i < 2; i++) {
        double[][] xs = new double[5][];
        for (int q = 0; q < 5; q++) {
          xs[q] = toDouble(Arrays.copyOfRange(x.data(), (i * 5 + q) * 2, (i * 5 + q) * 2 + 2));
        }
        double[] f1 = rnn("LSTM", xs, null, l, 3, false, Math::tanh, hs, false, false)[1][0];
        double[] b1 = rnn("LSTM", xs, null, lb, 3, false, Math::tanh, hs, true, false)[1][0];
        System.arraycopy(f1, 0, ref[i], 0, 3);
        System.arraycopy(b1, 0, ref[i], 3, 3);
      }
      Tensor got = m.run(x).get("bi");
      assertClose(got, flat2(ref));
      byVersion.put(version, got.data());
    }
    assertThat(byVersion.get("2.2.4")).isNotEqualTo(byVersion.get("3.0.1"));
  }

  // ---- refusals ------------------------------------------------------------------------------------

  @Test
  void unsupportedLayersWrongWeightsAndBrokenFilesAreRefusedClearly(@TempDir Path tmp) throws Exception {
    String conv = """
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
         {"class_name": "Conv1D", "config": {"name": "conv", "filters": 2}}]}}
        """;
    Path f = tmp.resolve("conv.h5");
    writeLegacy(f, conv, "2.4.0", Map.of());
    assertThatThrownBy(() -> KerasModel.load(f)).isInstanceOf(ImportException.class)
        .hasMessageContaining("conv.h5: layer 'conv' (Conv1D): layer class 'Conv1D' is not supported");

    String lstm = """
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
         {"class_name": "LSTM", "config": {"name": "l", "units": 3, "use_bias": true}}]}}
        """;
    SplittableRandom r = new SplittableRandom(1);
    Map<String, Object> wrong = new LinkedHashMap<>();
    wrong.put("l/l/kernel:0", w(r, 2, 12));
    wrong.put("l/l/recurrent_kernel:0", w(r, 3, 9));
    wrong.put("l/l/bias:0", w(r, 12)[0]);
    Path g = tmp.resolve("wrong.h5");
    writeLegacy(g, lstm, "2.4.0", wrong);
    assertThatThrownBy(() -> KerasModel.load(g)).hasMessageContaining("layer 'l' (LSTM)")
        .hasMessageContaining("recurrent_kernel has shape [3, 9], expected [3, 12]");

    byte[] good = Files.readAllBytes(resource("k3/model.h5"));
    for (int cut : new int[] {4, 100, 2000, good.length / 2, good.length - 100}) {
      Path c = tmp.resolve("cut" + cut + ".h5");
      Files.write(c, Arrays.copyOf(good, cut));
      try {
        KerasModel.load(c).run(random(new SplittableRandom(1), 1, 6, 3));
      } catch (ImportException e) {
        assertThat(e.getMessage()).contains(c.toString());
      }
    }
    Path zip = tmp.resolve("noweights.keras");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
      z.putNextEntry(new ZipEntry("config.json"));
      z.write("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    assertThatThrownBy(() -> KerasModel.load(zip)).hasMessageContaining("has no model.weights.h5 entry");
    Path text = tmp.resolve("notes.h5");
    Files.writeString(text, "hello");
    assertThatThrownBy(() -> KerasModel.load(text)).hasMessageContaining("neither a .keras zip nor an HDF5");
  }

  // ---- Keras's equations in double (conformance README 4.3) -----------------------------------------

  static double sigmoid(double v) {
    return 1 / (1 + Math.exp(-v));
  }

  /**
   * One sequence through a Keras layer: returns {outputs in processing order [T][U], {final h}}. Masked
   * steps keep the state and repeat the previous output (zeros with zeroOut).
   */
  static double[][][] rnn(String cls, double[][] x, boolean[] mask, float[][][] wts, int u, boolean resetAfter,
      DoubleUnaryOperator act, DoubleUnaryOperator rec, boolean backwards, boolean zeroOut) {
    int t = x.length;
    int in = x[0].length;
    int g = cls.equals("LSTM") ? 4 : cls.equals("GRU") ? 3 : 1;
    float[] k = flat(wts[0]);
    float[] rk = flat(wts[1]);
    float[] b = flat(wts[2]);
    double[] h = new double[u];
    double[] c = new double[u];
    double[] prev = new double[u];
    double[][] out = new double[t][u];
    for (int s = 0; s < t; s++) {
      int q = backwards ? t - 1 - s : s;
      if (mask != null && !mask[q]) {
        out[s] = zeroOut ? new double[u] : prev.clone();
        continue;
      }
      double[] xk = new double[g * u];
      double[] hr = new double[g * u];
      for (int j = 0; j < g * u; j++) {
        for (int p = 0; p < in; p++) {
          xk[j] += x[q][p] * k[p * g * u + j];
        }
        for (int p = 0; p < u; p++) {
          hr[j] += h[p] * rk[p * g * u + j];
        }
        xk[j] += b[j];
        if (resetAfter) {
          hr[j] += b[g * u + j];
        }
      }
      double[] nh = new double[u];
      for (int j = 0; j < u; j++) {
        if (cls.equals("SimpleRNN")) {
          nh[j] = act.applyAsDouble(xk[j] + hr[j]);
        } else if (cls.equals("LSTM")) {
          double i = rec.applyAsDouble(xk[j] + hr[j]);
          double f = rec.applyAsDouble(xk[u + j] + hr[u + j]);
          c[j] = f * c[j] + i * act.applyAsDouble(xk[2 * u + j] + hr[2 * u + j]);
          double o = rec.applyAsDouble(xk[3 * u + j] + hr[3 * u + j]);
          nh[j] = o * act.applyAsDouble(c[j]);
        } else {
          double z = rec.applyAsDouble(xk[j] + hr[j]);
          double r = rec.applyAsDouble(xk[u + j] + hr[u + j]);
          double hh;
          if (resetAfter) {
            hh = act.applyAsDouble(xk[2 * u + j] + r * hr[2 * u + j]);
          } else {
            double rh = 0;
            for (int p = 0; p < u; p++) {
              rh += r(rec, xk, hr, u, p) * h[p] * rk[p * g * u + 2 * u + j];
            }
            hh = act.applyAsDouble(xk[2 * u + j] + rh);
          }
          nh[j] = z * h[j] + (1 - z) * hh;
        }
      }
      h = nh;
      prev = nh.clone();
      out[s] = nh.clone();
    }
    return new double[][][] {out, {h}};
  }

  /** The reset gate of unit p (reset-before GRU: r multiplies h before the recurrent product). */
  private static double r(DoubleUnaryOperator rec, double[] xk, double[] hr, int u, int p) {
    return rec.applyAsDouble(xk[u + p] + hr[u + p]);
  }

  // ---- helpers ---------------------------------------------------------------------------------------

  /** A weight [rows, cols] (or [n] as one row) uniform in +-0.6. */
  static float[][] w(SplittableRandom r, int... shape) {
    int rows = shape.length == 1 ? 1 : shape[0];
    int cols = shape.length == 1 ? shape[0] : shape[1];
    float[][] m = new float[rows][cols];
    for (float[] row : m) {
      for (int j = 0; j < cols; j++) {
        row[j] = (float) (r.nextDouble() * 1.2 - 0.6);
      }
    }
    return m;
  }

  static Tensor random(SplittableRandom r, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return new Tensor(v, shape);
  }

  static float[] flat(float[][] m) {
    float[] f = new float[m.length * m[0].length];
    for (int i = 0; i < m.length; i++) {
      System.arraycopy(m[i], 0, f, i * m[0].length, m[0].length);
    }
    return f;
  }

  static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  static double[] flat2(double[][] m) {
    return Arrays.stream(m).flatMapToDouble(Arrays::stream).toArray();
  }

  static double[] flat3(double[][][] m) {
    return Arrays.stream(m).flatMap(Arrays::stream).flatMapToDouble(Arrays::stream).toArray();
  }

  static void assertClose(Tensor got, double[] want) {
    assertThat(got.size()).isEqualTo(want.length);
    for (int i = 0; i < want.length; i++) {
      assertThat((double) got.data()[i]).as("element " + i).isCloseTo(want[i],
          org.assertj.core.data.Offset.offset(2e-5 + 1e-4 * Math.abs(want[i])));
    }
  }

  /**
   * A legacy Keras HDF5 model: root attributes keras_version, backend, model_config, and weights under
   * /model_weights/<layer>/<weight name> with each layer's weight_names in the given order.
   */
  static void writeLegacy(Path f, String config, String version, Map<String, Object> weights) throws Exception {
    try (WritableHdfFile h = HdfFile.write(f)) {
      h.putAttribute("keras_version", version);
      h.putAttribute("backend", "tensorflow");
      h.putAttribute("model_config", config);
      WritableGroup mw = h.putGroup("model_weights");
      Map<String, List<String>> names = new LinkedHashMap<>();
      Map<String, WritableGroup> groups = new HashMap<>();
      for (Map.Entry<String, Object> e : weights.entrySet()) {
        String[] parts = e.getKey().split("/");
        String layer = parts[0];
        names.computeIfAbsent(layer, k -> new ArrayList<>())
            .add(e.getKey().substring(layer.length() + 1));
        String path = "";
        WritableGroup g = mw;
        for (int i = 0; i < parts.length - 1; i++) {
          path += "/" + parts[i];
          WritableGroup parent = g;
          String part = parts[i];
          g = groups.computeIfAbsent(path, k -> parent.putGroup(part));
        }
        g.putDataset(parts[parts.length - 1], e.getValue());
      }
      for (Map.Entry<String, List<String>> e : names.entrySet()) {
        groups.get("/" + e.getKey()).putAttribute("weight_names", e.getValue().toArray(new String[0]));
      }
      if (!names.isEmpty()) {
        mw.putAttribute("layer_names", names.keySet().toArray(new String[0]));
      }
    }
  }
}
