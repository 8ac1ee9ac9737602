package org.rnn4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.data.Dataset;
import org.rnn4j.io.ModelFiles;
import org.rnn4j.nn.Loss;

/** The model API: summary counts, predictions, save/load, errors. */
class ModelTest {

  @Test
  void summaryCountsEqualPyTorchs() {
    Model m = Sequential.features(7).lstm(64, o -> o.numLayers(2)).dropout(0.2f).dense(1).build(0);
    // PyTorch: nn.LSTM(7, 64, 2) has 4*(64*7 + 64*64 + 2*64) + 4*(64*64 + 64*64 + 2*64) parameters,
    // nn.Linear(64, 1) has 64 + 1.
    int lstm = 4 * (64 * 7 + 64 * 64 + 2 * 64) + 4 * (64 * 64 + 64 * 64 + 2 * 64);
    assertThat(m.parameterCount()).isEqualTo(lstm + 65);
    String s = m.summary();
    assertThat(s).contains("lstm").contains("(batch, 64)").contains(String.format("%,d", lstm))
        .contains("dense").contains("(batch, 1)").contains(String.format("%,d", lstm + 65));
    Model g = Sequential.embedding(65, 16).gru(32, o -> o.bidirectional(true).returnSequences(true))
        .dense(65).build(0);
    // nn.Embedding(65, 16) + nn.GRU(16, 32, bidirectional) + nn.Linear(64, 65)
    assertThat(g.parameterCount()).isEqualTo(65 * 16 + 2 * 3 * (32 * 16 + 32 * 32 + 2 * 32) + 64 * 65 + 65);
    assertThat(g.summary()).contains("(batch, steps, 64)").contains("bidirectional(concat)");
  }

  @Test
  void predictionsFollowWeightsWrittenBetweenCalls() {
    // Inference keeps the weights it packed last time; any change, by setParameter or by a direct
    // write into the live buffer, must show in the next prediction as in a model built with them.
    SplittableRandom r = new SplittableRandom(4);
    Tensor x = Tensor.zeros(3, 5, 4);
    for (int i = 0; i < x.size(); i++) {
      x.data()[i] = (float) r.nextDouble(-1, 1);
    }
    Model m = Sequential.features(4).lstm(24, o -> o.numLayers(2).projSize(8)).dense(2).build(1);
    Model twin = Sequential.features(4).lstm(24, o -> o.numLayers(2).projSize(8)).dense(2).build(2);
    float[] before = m.predict(x).data();
    assertThat(m.predict(x).data()).as("unchanged weights").containsExactly(before);
    for (String name : new String[] {"lstm.weight_ih_l0", "lstm.weight_hh_l1", "lstm.weight_hr_l0"}) {
      String key = m.parameterNames().stream().filter(n -> n.endsWith(name.substring(5))).findFirst()
          .orElseThrow();
      float[] live = m.parameterValues();
      int offset = 0;
      for (String n : m.parameterNames()) {
        if (n.equals(key)) {
          break;
        }
        offset += m.parameter(n).length;
      }
      live[offset + 3] += 0.75f; // a direct write, as an optimizer does
      System.arraycopy(live, 0, twin.parameterValues(), 0, live.length);
      float[] after = m.predict(x).data();
      assertThat(after).as(key).isNotEqualTo(before);
      assertThat(after).as(key).containsExactly(twin.predict(x).data());
      before = after;
    }
  }

  @Test
  void savedAndReloadedModelPredictsIdentically(@TempDir Path dir) throws Exception {
    SplittableRandom r = new SplittableRandom(1);
    Tensor x = Tensor.zeros(5, 6, 3);
    for (int i = 0; i < x.size(); i++) {
      x.data()[i] = (float) r.nextDouble(-1, 1);
    }
    Model m = Sequential.features(3).gru(8, o -> o.bidirectional(true).resetAfter(false)).dense(2)
        .loss(Loss.huber(0.5f)).build(9);
    Path f = dir.resolve("m.rnn4j");
    ModelFiles.save(m, f, Map.of("note", "hello"));
    ModelFiles.Loaded back = ModelFiles.load(f);
    assertThat(back.metadata()).containsEntry("note", "hello");
    assertThat(back.model().spec()).isEqualTo(m.spec());
    assertThat(back.model().predict(x).data()).containsExactly(m.predict(x).data());
    assertThat(Files.list(dir).count()).as("no temp files left").isEqualTo(1);
  }

  @Test
  void loadingRefusesWrongFilesWithClearMessages(@TempDir Path dir) throws Exception {
    Path junk = dir.resolve("junk.bin");
    Files.write(junk, new byte[] {1, 2, 3});
    assertThatThrownBy(() -> ModelFiles.load(junk)).hasMessageContaining("junk.bin")
        .hasMessageContaining("not a safetensors file");
    Model m = Sequential.features(2).lstm(3).dense(1).build(0);
    Path f = dir.resolve("m.rnn4j");
    ModelFiles.save(m, f, Map.of());
    byte[] bytes = Files.readAllBytes(f);
    Path cut = dir.resolve("cut.rnn4j");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 10));
    assertThatThrownBy(() -> ModelFiles.load(cut)).hasMessageContaining("cut.rnn4j")
        .hasMessageContaining("outside");
  }

  @Test
  void dataThatDoesNotFitTheModelIsRefused() {
    Model m = Sequential.features(3).lstm(4).dense(2).build(0);
    Dataset wrongFeatures = Dataset.ofFeatures(Tensor.zeros(2, 5, 4), null, Tensor.zeros(2, 2));
    assertThatThrownBy(() -> m.predict(wrongFeatures)).hasMessageContaining("expected 3 input features")
        .hasMessageContaining("got 4");
    Dataset wrongTargets = Dataset.ofFeatures(Tensor.zeros(2, 5, 3), null, Tensor.zeros(2, 3));
    assertThatThrownBy(() -> m.evaluateLoss(wrongTargets, 2)).hasMessageContaining("expected targets of shape [N, 2]");
    assertThatThrownBy(() -> Sequential.features(3).lstm(4).lstm(4).build(0))
        .hasMessageContaining("returnSequences");
  }
}
