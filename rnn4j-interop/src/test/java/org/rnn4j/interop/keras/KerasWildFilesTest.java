package org.rnn4j.interop.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnn4j.Tensor;
import org.rnn4j.interop.ImportException;

/**
 * Keras files found in the wild (src/test/resources/keras-wild, sources and licences in its
 * PROVENANCE.md): models Keras 1.2.2, 2.0.6, 2.0.8 and 2.1.3 saved, read through the importer and
 * compared with the outputs Keras itself recorded beside them. Nothing here computes an expected value.
 */
@Timeout(60)
class KerasWildFilesTest {
  /** float32 agreement: Keras ran on TensorFlow or Theano, rnn4j on its own kernels. */
  private static final double TOLERANCE = 1e-5;

  static Path wild(String name) throws Exception {
    return Path.of(KerasWildFilesTest.class.getResource("/keras-wild/" + name).toURI());
  }

  /**
   * DL4J's end-to-end files: {@code <name>_model.h5} and {@code <name>_inputs_and_outputs.h5}, whose
   * {@code /inputs/<input>} Keras fed to the model and whose {@code /activations/<layer>} and
   * {@code /predictions/<layer>} are what Keras's {@code predict} returned for them.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "simple_lstm_tf_keras_1, 1.2.2, lstm_input_1, LSTM Dense, lstm_1 dense_1",
      "simple_lstm_th_keras_1, 1.2.2, lstm_input_1, LSTM Dense, lstm_1 dense_1",
      "simple_rnn_tf_keras_2, 2.1.3, simple_rnn_1_input, SimpleRNN Dense, simple_rnn_1 dense_1",
      "simple_flatten_rnn_tf_keras_2, 2.1.3, simple_rnn_1_input, SimpleRNN Flatten Dense,"
          + " simple_rnn_1 flatten_1 dense_1",
  })
  void dl4jEndToEndFilesReproduceKerassRecordedActivations(String name, String version, String input,
      String classes, String recorded) throws Exception {
    KerasModel m = KerasModel.load(wild("dl4j/" + name + "_model.h5"));
    assertThat(m.kerasVersion()).isEqualTo(version);
    assertThat(m.layerClasses()).containsExactly(classes.split(" "));
    try (HdfFile io = new HdfFile(wild("dl4j/" + name + "_inputs_and_outputs.h5"))) {
      Tensor x = tensor(io, "/inputs/" + input);
      Map<String, Tensor> out = m.run(x);
      for (String layer : recorded.split(" ")) {
        assertNear(name + " layer " + layer, out.get(layer), tensor(io, "/activations/" + layer));
      }
      String last = m.layerNames().get(m.layerNames().size() - 1);
      assertNear(name + " predictions", out.get(last), tensor(io, "/predictions/" + last));
    }
  }

  /**
   * DL4J's "fullconfigs/lstm": a Keras 2.0.8 (Theano) model of two stacked LSTMs(96) and a sigmoid
   * Dense, saved as {@code to_json} + {@code save_weights}; Keras's predictions for 283 sequences of
   * 4 steps in predictions.npy (12 of the sequences are copied here, each a CSV whose first 12
   * columns are the input, as its predict.py reads them).
   */
  @Test
  void stackedLstmsFromJsonAndWeightsReproduceKerassPredictions() throws Exception {
    Path dir = wild("dl4j/fullconfigs_lstm");
    KerasModel m = KerasModel.load(dir.resolve("lstm_th_keras_2_config.json"), dir.resolve("lstm_th_keras_2_weights.h5"));
    assertThat(m.kerasVersion()).isEqualTo("2.0.8");
    assertThat(m.layerClasses()).containsExactly("LSTM", "LSTM", "Dense");
    float[] predictions = npyFloat32(dir.resolve("predictions.npy"));
    assertThat(predictions).hasSize(283);
    List<Integer> copied = List.of(0, 1, 2, 60, 121, 124, 127, 140, 153, 200, 250, 282);
    for (int i : copied) {
      Tensor y = m.predict(new Tensor(sequence(dir, i), 1, 4, 12));
      assertThat(y.shape()).containsExactly(1, 1);
      assertThat((double) y.data()[0]).as("sequence %d", i)
          .isCloseTo(predictions[i], org.assertj.core.data.Offset.offset(TOLERANCE));
    }
  }

  /**
   * The same files as rnn4j model files: {@link KerasModel#toModel()} saved and loaded again gives
   * Keras's recorded predictions through rnn4j's Model (the Flatten model is refused by name: a model
   * file has no Flatten layer).
   */
  @Test
  void asRnn4jModelFilesTheyStillGiveKerassPredictions(@TempDir Path tmp) throws Exception {
    for (String name : List.of("simple_lstm_tf_keras_1", "simple_lstm_th_keras_1", "simple_rnn_tf_keras_2")) {
      org.rnn4j.Model model = roundTrip(KerasModel.load(wild("dl4j/" + name + "_model.h5")), tmp.resolve(name));
      try (HdfFile io = new HdfFile(wild("dl4j/" + name + "_inputs_and_outputs.h5"))) {
        Tensor x = tensor(io, "/inputs/" + (name.startsWith("simple_lstm") ? "lstm_input_1" : "simple_rnn_1_input"));
        assertNear(name + " as an rnn4j model", model.predict(x), tensor(io, "/predictions/dense_1"));
      }
    }
    Path dir = wild("dl4j/fullconfigs_lstm");
    org.rnn4j.Model stacked = roundTrip(KerasModel.load(dir.resolve("lstm_th_keras_2_config.json"),
        dir.resolve("lstm_th_keras_2_weights.h5")), tmp.resolve("stacked"));
    float[] predictions = npyFloat32(dir.resolve("predictions.npy"));
    Tensor y = stacked.predict(new Tensor(sequence(dir, 121), 1, 4, 12));
    assertThat((double) y.data()[0]).isCloseTo(predictions[121], org.assertj.core.data.Offset.offset(TOLERANCE));

    KerasModel flatten = KerasModel.load(wild("dl4j/simple_flatten_rnn_tf_keras_2_model.h5"));
    assertThatThrownBy(flatten::toModel).isInstanceOf(ImportException.class)
        .hasMessageContaining("layer 'flatten_1' (Flatten): has no rnn4j model layer");
  }

  private static org.rnn4j.Model roundTrip(KerasModel k, Path file) throws Exception {
    org.rnn4j.io.ModelFiles.save(k.toModel(), file, Map.of());
    return org.rnn4j.io.ModelFiles.load(file).model();
  }

  /**
   * DL4J's weight-import files: real Keras 2.1.3 models with no recorded outputs (DL4J checks only
   * that they load), so this checks what the files themselves state: layer classes, Keras's parameter
   * count (from the weight shapes) and the output shape the config implies.
   */
  @Test
  void dl4jWeightFilesWithoutRecordedOutputsLoadWithTheirShapes() throws Exception {
    KerasModel bi = KerasModel.load(wild("dl4j/bidirectional_lstm_tensorflow_2.h5"));
    assertThat(bi.layerClasses()).containsExactly("Bidirectional");
    assertThat(bi.parameterCount()).isEqualTo(2 * (10 * 40 + 10 * 40 + 40));
    assertThat(bi.predict(KerasModelTest.random(new SplittableRandom(1), 3, 4, 10)).shape()).containsExactly(3, 4, 20);

    KerasModel emb = KerasModel.load(wild("dl4j/embedding_lstm_tensorflow_2.h5"));
    assertThat(emb.layerClasses()).containsExactly("Embedding", "LSTM");
    assertThat(emb.parameterCount()).isEqualTo(4 * 5 + 5 * 24 + 6 * 24 + 24);
    float[] ids = new float[2 * 10];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i % 4;
    }
    assertThat(emb.predict(new Tensor(ids, 2, 10)).shape()).containsExactly(2, 10, 6);
  }

  @Test
  void configAndWeightsFilesThatDoNotFitAreRefusedClearly(@TempDir Path tmp) throws Exception {
    Path dir = wild("dl4j/fullconfigs_lstm");
    Path config = dir.resolve("lstm_th_keras_2_config.json");
    assertThatThrownBy(() -> KerasModel.load(config, tmp.resolve("none.h5"))).isInstanceOf(ImportException.class)
        .hasMessageContaining("none.h5: no such file");
    // a whole-model file is not a weights file
    assertThatThrownBy(() -> KerasModel.load(config, wild("dl4j/simple_rnn_tf_keras_2_model.h5")))
        .isInstanceOf(ImportException.class).hasMessageContaining("not a Keras weights file");
    // the weights of another model: the first layer's group is missing
    Path other = wild("dl4j/fullconfigs_lstm/lstm_th_keras_2_weights.h5");
    Path rnnConfig = tmp.resolve("rnn.json");
    Files.writeString(rnnConfig, """
        {"class_name": "Sequential", "keras_version": "2.1.3", "config": [
         {"class_name": "SimpleRNN", "config": {"name": "simple_rnn_1", "units": 4}}]}
        """);
    assertThatThrownBy(() -> KerasModel.load(rnnConfig, other)).isInstanceOf(ImportException.class)
        .hasMessageContaining("no weight group").hasMessageContaining("'simple_rnn_1'");
  }

  // ---- helpers ------------------------------------------------------------------------------------

  /** Sequence i of fullconfigs_lstm: 4 rows, the first 12 of each row's ';'-separated columns. */
  private static float[] sequence(Path dir, int i) throws Exception {
    List<String> rows = Files.readAllLines(dir.resolve("sequences/" + i + ".csv"));
    assertThat(rows).hasSize(4);
    float[] x = new float[4 * 12];
    for (int t = 0; t < 4; t++) {
      String[] cells = rows.get(t).split(";");
      for (int j = 0; j < 12; j++) {
        x[t * 12 + j] = Float.parseFloat(cells[j]);
      }
    }
    return x;
  }

  private static Tensor tensor(HdfFile f, String path) {
    Dataset d = f.getDatasetByPath(path);
    Object flat = d.getDataFlat();
    float[] v;
    if (flat instanceof float[] a) {
      v = a;
    } else {
      double[] a = (double[]) flat;
      v = new float[a.length];
      for (int i = 0; i < a.length; i++) {
        v[i] = (float) a[i];
      }
    }
    return new Tensor(v, d.getDimensions());
  }

  /** Same number of values (a recorded [B, 1, F] is the same as [B, F]) and each within the tolerance. */
  private static void assertNear(String what, Tensor got, Tensor want) {
    assertThat(got).as(what + ": no output").isNotNull();
    assertThat(got.data().length).as(what + " size, got shape " + Arrays.toString(got.shape()) + ", recorded "
        + Arrays.toString(want.shape())).isEqualTo(want.data().length);
    // the conformance tolerance: |a - e| <= 1e-5*S + 1e-4*|e|, S = max(1, max|e|), in units of it
    double scale = 1;
    for (float e : want.data()) {
      scale = Math.max(scale, Math.abs(e));
    }
    double worst = 0;
    for (int i = 0; i < got.data().length; i++) {
      double tol = TOLERANCE * scale + 1e-4 * Math.abs(want.data()[i]);
      worst = Math.max(worst, Math.abs(got.data()[i] - want.data()[i]) / tol);
    }
    assertThat(worst).as(what + ": largest difference from Keras's recorded values, in tolerances")
        .isLessThanOrEqualTo(1.0);
  }

  /** A little-endian float32 .npy file (format version 1 or 2), one-dimensional or not. */
  private static float[] npyFloat32(Path p) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[6];
    b.get(magic);
    assertThat(new String(magic, 1, 5, StandardCharsets.ISO_8859_1)).isEqualTo("NUMPY");
    int major = b.get();
    b.get();
    int headerLength = major == 1 ? Short.toUnsignedInt(b.getShort()) : b.getInt();
    byte[] header = new byte[headerLength];
    b.get(header);
    String h = new String(header, StandardCharsets.ISO_8859_1);
    assertThat(h).contains("'descr': '<f4'").contains("'fortran_order': False");
    float[] v = new float[b.remaining() / 4];
    b.asFloatBuffer().get(v);
    return v;
  }
}
