package org.rnn4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.Tensor;
import org.rnn4j.data.Dataset;
import org.rnn4j.nn.Loss;

/** The training loop: it learns, it resumes exactly, it stops with advice, it stops early. */
class TrainerTest {

  /** Target: the mean of the first feature over the sequence (learnable by a small LSTM). */
  static Dataset meanTask(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int t = 6;
    Tensor x = Tensor.zeros(n, t, 2);
    Tensor y = Tensor.zeros(n, 1);
    for (int i = 0; i < n; i++) {
      float s = 0;
      for (int k = 0; k < t; k++) {
        float v = (float) r.nextDouble(-1, 1);
        x.data()[(i * t + k) * 2] = v;
        x.data()[(i * t + k) * 2 + 1] = (float) r.nextDouble(-1, 1);
        s += v;
      }
      y.data()[i] = s / t;
    }
    return Dataset.ofFeatures(x, null, y);
  }

  static Model model() {
    return Sequential.features(2).lstm(8, o -> o.numLayers(2).dropout(0.1f)).dropout(0.1f).dense(1)
        .loss(Loss.MSE).build(3);
  }

  @Test
  void learnsASimpleTask() throws Exception {
    Dataset train = meanTask(200, 1);
    Dataset val = meanTask(50, 2);
    Model m = model();
    double before = m.evaluateLoss(val, 50);
    History h = Trainer.fit(m, train, val, FitOptions.builder().epochs(15).batchSize(16)
        .optimizer(Adam.of(0.01f)).seed(5).build(), new TrainingListener() { });
    assertThat(h.epochs()).hasSize(15);
    assertThat(m.evaluateLoss(val, 50)).isLessThan(before * 0.2);
    assertThat(h.toCsv()).startsWith("epoch,train_loss,val_loss,lr,seconds\n1,");
  }

  @Test
  void aListenerCanStopTrainingAfterAnEpochAndTheBestEpochIsRestored() throws Exception {
    Dataset train = meanTask(64, 21);
    Dataset val = meanTask(16, 22);
    Model m = Sequential.features(2).gru(4).dense(1).loss(Loss.MSE).build(1);
    History h = Trainer.fit(m, train, val, FitOptions.builder().epochs(10).batchSize(16).restoreBest(true).build(),
        new TrainingListener() {
          int seen;

          @Override
          public void epochFinished(History.Epoch epoch) {
            seen++;
          }

          @Override
          public boolean stopRequested() {
            return seen >= 3;
          }
        });
    assertThat(h.epochs()).hasSize(3);
    assertThat(h.stopReason()).startsWith("stopped by the listener after epoch 3");
    double best = h.epochs().stream().mapToDouble(History.Epoch::validationLoss).min().orElseThrow();
    assertThat(m.evaluateLoss(val, 16)).isCloseTo(best, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void resumingARunThatStoppedEarlyTrainsNoFurther(@TempDir Path dir) throws Exception {
    Dataset train = meanTask(64, 31);
    Dataset val = meanTask(16, 32);
    FitOptions o = FitOptions.builder().epochs(10).batchSize(16).checkpoint(dir.resolve("run.ckpt")).build();
    Model m = Sequential.features(2).gru(4).dense(1).loss(Loss.MSE).build(1);
    History stopped = Trainer.fit(m, train, val, o, new TrainingListener() {
      @Override
      public boolean stopRequested() {
        return true;
      }
    });
    assertThat(stopped.epochs()).hasSize(1);
    Model again = Sequential.features(2).gru(4).dense(1).loss(Loss.MSE).build(1);
    History resumed = Trainer.fit(again, train, val, o, new TrainingListener() { });
    assertThat(resumed.epochs()).hasSize(1);
    assertThat(resumed.stopReason()).isEqualTo(stopped.stopReason());
    assertThat(again.parameterValues()).containsExactly(m.parameterValues());
  }

  @Test
  void validationMetricsAreRecordedAndSurviveTheCsvRoundTrip() throws Exception {
    Dataset train = meanTask(64, 11);
    Dataset val = meanTask(16, 12);
    Model m = Sequential.features(2).gru(4).dense(1).loss(Loss.MSE).build(1);
    History h = Trainer.fit(m, train, val, FitOptions.builder().epochs(2).batchSize(16)
        .metrics("mae", "rmse").build(), new TrainingListener() { });
    History.Epoch last = h.epochs().get(1);
    assertThat(last.metrics()).containsOnlyKeys("mae", "rmse");
    float[] pred = m.predict(val).data();
    assertThat(last.metrics().get("mae")).isCloseTo(Metrics.mae(pred, val.targetArray()),
        org.assertj.core.data.Offset.offset(1e-12));
    String csv = h.toCsv();
    assertThat(csv).startsWith("epoch,train_loss,val_loss,lr,seconds,val_mae,val_rmse\n");
    assertThat(History.fromCsv(csv).epochs().get(1).metrics()).isEqualTo(last.metrics());
    assertThatThrownBy(() -> FitOptions.builder().metrics("f2").build()).hasMessageContaining("'f2'");
  }

  @Test
  void aKilledRunResumesToTheSameParameters(@TempDir Path dir) throws Exception {
    Dataset train = meanTask(100, 3);
    Dataset val = meanTask(20, 4);
    FitOptions.Builder b = FitOptions.builder().epochs(4).batchSize(16).optimizer(Adam.of(0.01f)).seed(7)
        .schedule(new LrSchedule.Step(2, 0.5f)).clipNorm(1f);
    Model whole = model();
    Trainer.fit(whole, train, val, b.build(), new TrainingListener() { });

    Path ckpt = dir.resolve("run.ckpt");
    Model killed = model();
    // "kill" the run in the middle of epoch 3, after the checkpoint of update 15 (every 5 updates)
    TrainingListener crash = new TrainingListener() {
      @Override
      public void batchFinished(int epoch, int step, int steps, double loss, double rate) {
        if (epoch == 3 && step == 4) {
          throw new IllegalStateException("simulated kill");
        }
      }
    };
    FitOptions withCkpt = b.checkpoint(ckpt).checkpointEvery(5).build();
    assertThatThrownBy(() -> Trainer.fit(killed, train, val, withCkpt, crash))
        .hasMessage("simulated kill");
    assertThat(Files.exists(ckpt)).isTrue();
    Model resumed = model(); // a fresh process: new model, same seed
    StringBuilder said = new StringBuilder();
    History h = Trainer.fit(resumed, train, val, withCkpt, new TrainingListener() {
      @Override
      public void message(String text) {
        said.append(text);
      }
    });
    assertThat(said.toString()).contains("resumed from");
    assertThat(resumed.parameterValues()).containsExactly(whole.parameterValues());
    assertThat(h.epochs()).hasSize(4);
  }

  @Test
  void aDivergingRunStopsWithAdvice() {
    Dataset train = meanTask(64, 5);
    Model m = Sequential.features(2).rnn(4).dense(1).loss(Loss.MSE).build(1);
    FitOptions huge = FitOptions.builder().epochs(50).batchSize(8).optimizer(Sgd.of(1e4f)).build();
    assertThatThrownBy(() -> Trainer.fit(m, train, huge))
        .isInstanceOf(Trainer.TrainingStoppedException.class)
        .hasMessageContaining("learning rate").hasMessageContaining("clip");
  }

  @Test
  void earlyStoppingRestoresTheBestEpoch() throws Exception {
    Dataset train = meanTask(64, 6);
    Dataset val = meanTask(32, 7);
    Model m = Sequential.features(2).gru(6).dense(1).loss(Loss.MSE).build(2);
    History h = Trainer.fit(m, train, val, FitOptions.builder().epochs(40).batchSize(8)
        .optimizer(Adam.of(0.05f)).earlyStopping(2).restoreBest(true).build(), new TrainingListener() { });
    double best = h.epochs().stream().mapToDouble(History.Epoch::validationLoss).min().orElseThrow();
    if (!h.stopReason().isEmpty()) {
      assertThat(h.stopReason()).contains("early stopping");
      assertThat(h.epochs().size()).isLessThan(40);
    }
    assertThat(m.evaluateLoss(val, 32)).isCloseTo(best, org.assertj.core.data.Offset.offset(1e-6));
  }
}
