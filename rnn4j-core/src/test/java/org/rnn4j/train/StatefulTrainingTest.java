package org.rnn4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.data.Dataset;
import org.rnn4j.nn.Loss;
import org.rnn4j.text.TextStreams;

/** Stateful (truncated BPTT) training: streamed validation, and exact resume with the carried state. */
class StatefulTrainingTest {

  static int[] sequence(int n, int vocab, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] ids = new int[n];
    for (int i = 1; i < n; i++) {
      ids[i] = (ids[i - 1] + 1 + r.nextInt(2)) % vocab; // a learnable walk
    }
    return ids;
  }

  static Model model() {
    return Sequential.embedding(7, 5).lstm(9, o -> o.numLayers(2).returnSequences(true)).dense(7)
        .loss(Loss.CROSS_ENTROPY).build(4);
  }

  @Test
  void validationIsStreamedWithTheStateCarried() throws Exception {
    Dataset train = TextStreams.of(sequence(400, 7, 1), 3, 6);
    Dataset val = TextStreams.of(sequence(200, 7, 2), 3, 6);
    Model m = model();
    History h = Trainer.fit(m, train, val, FitOptions.builder().epochs(2).batchSize(3).optimizer(Adam.of(0.01f))
        .stateful(true).build(), new TrainingListener() { });
    // the same number by hand: consecutive batches of 3 carry the state, from zero
    m.setStateful(true);
    m.resetState();
    double streamed = m.evaluateLoss(val, 3);
    m.setStateful(false);
    double fresh = m.evaluateLoss(val, 3);
    assertThat(h.epochs().get(1).validationLoss()).isEqualTo(streamed);
    assertThat(streamed).isNotEqualTo(fresh);
  }

  @Test
  void aRunKilledMidEpochResumesItsStreamsExactly(@TempDir Path dir) throws Exception {
    Dataset train = TextStreams.of(sequence(600, 7, 3), 3, 6); // 33 updates per epoch
    Dataset val = TextStreams.of(sequence(120, 7, 4), 3, 6);
    FitOptions.Builder b = FitOptions.builder().epochs(2).batchSize(3).optimizer(Adam.of(0.01f)).clipNorm(5f)
        .stateful(true).seed(2);
    Model whole = model();
    History wh = Trainer.fit(whole, train, val, b.build(), new TrainingListener() { });

    Path ckpt = dir.resolve("lm.ckpt");
    Model killed = model();
    TrainingListener crash = new TrainingListener() {
      @Override
      public void batchFinished(int epoch, int step, int steps, double loss, double rate) {
        if (epoch == 1 && step == 23) {
          throw new IllegalStateException("simulated kill");
        }
      }
    };
    FitOptions withCkpt = b.checkpoint(ckpt).checkpointEvery(10).build(); // the last checkpoint: update 20
    assertThatThrownBy(() -> Trainer.fit(killed, train, val, withCkpt, crash)).hasMessage("simulated kill");
    Model resumed = model();
    History rh = Trainer.fit(resumed, train, val, withCkpt, new TrainingListener() { });
    assertThat(resumed.parameterValues()).containsExactly(whole.parameterValues());
    assertThat(rh.epochs().get(1).validationLoss()).isEqualTo(wh.epochs().get(1).validationLoss());
  }
}
