package org.rnn4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.data.Dataset;
import org.rnn4j.io.ModelFiles;
import org.rnn4j.nn.Loss;
import org.rnn4j.nn.PoolingSpec;

/** Masked mean and max pooling over time: values, gradients, streaming, files, misuse. */
class PoolingTest {

  private static Tensor random(SplittableRandom r, int... shape) {
    Tensor t = Tensor.zeros(shape);
    for (int i = 0; i < t.size(); i++) {
      t.data()[i] = (float) r.nextDouble(-1, 1);
    }
    return t;
  }

  @Test
  void poolsOnlyTheValidStepsByHand() {
    // example 1 has 2 valid steps of 5: its pooled output equals that of the 2-step sequence alone
    SplittableRandom r = new SplittableRandom(1);
    Tensor x = random(r, 2, 5, 3);
    for (PoolingSpec.Mode mode : PoolingSpec.Mode.values()) {
      Model m = Sequential.features(3).gru(4, o -> o.returnSequences(true)).pooling(mode).dense(2).build(2);
      float[] padded = m.predict(Dataset.ofFeatures(x, new int[] {5, 2}, (Tensor) null)).data();
      float[] alone = m.predict(new Tensor(java.util.Arrays.copyOfRange(x.data(), 15, 15 + 2 * 3), 1, 2, 3)).data();
      assertThat(padded[2]).as("%s", mode).isCloseTo(alone[0], Offset.offset(1e-6f));
      assertThat(padded[3]).as("%s", mode).isCloseTo(alone[1], Offset.offset(1e-6f));
    }
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    SplittableRandom r = new SplittableRandom(3);
    Dataset d = Dataset.ofFeatures(random(r, 3, 4, 2), new int[] {4, 1, 3}, new int[] {0, 2, 1});
    for (PoolingSpec.Mode mode : PoolingSpec.Mode.values()) {
      Model m = Sequential.features(2).lstm(3, o -> o.bidirectional(true).returnSequences(true)).pooling(mode)
          .dense(3).loss(Loss.CROSS_ENTROPY).build(5);
      assertThat(ModelGradientCheckTest.worstError(m, d)).as("%s", mode).isLessThan(2e-3);
    }
  }

  @Test
  void streamsAsARunningMeanOrMax(@TempDir Path dir) throws Exception {
    for (PoolingSpec.Mode mode : PoolingSpec.Mode.values()) {
      Model m = Sequential.embedding(9, 4).lstm(5, o -> o.returnSequences(true)).pooling(mode).dense(3)
          .loss(Loss.CROSS_ENTROPY).build(7);
      int[] tokens = {3, 1, 4, 1, 5, 8, 2, 6};
      ModelSession s = m.session();
      for (int t = 0; t < tokens.length; t++) {
        float[] out = s.step(tokens[t]).clone();
        float[] batch = m.predict(Dataset.ofTokens(java.util.Arrays.copyOf(tokens, t + 1), 1, t + 1, null,
            (int[]) null)).data();
        for (int j = 0; j < 3; j++) {
          assertThat(out[j]).as("%s step %d", mode, t).isCloseTo(batch[j], Offset.offset(2e-5f));
        }
      }
      Path f = dir.resolve(mode + ".rnn4j");
      ModelFiles.save(m, f, Map.of());
      assertThat(ModelFiles.load(f).model().spec()).isEqualTo(m.spec());
    }
  }

  @Test
  void needsASequence() {
    assertThatThrownBy(() -> Sequential.features(2).lstm(3).pooling(PoolingSpec.Mode.MEAN).dense(1).build(0))
        .hasMessageContaining("pooling layer 'pooling' needs a sequence")
        .hasMessageContaining("returnSequences(true)");
    assertThatThrownBy(() -> PoolingSpec.Mode.parse("sum")).hasMessageContaining("expected mean or max, got 'sum'");
  }
}
