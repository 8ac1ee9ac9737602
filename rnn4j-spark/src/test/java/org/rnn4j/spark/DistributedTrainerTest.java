package org.rnn4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.Tensor;
import org.rnn4j.data.Dataset;
import org.rnn4j.nn.Loss;
import org.rnn4j.train.Adam;
import org.rnn4j.train.FitOptions;
import org.rnn4j.train.GradientClipping;
import org.rnn4j.train.History;
import org.rnn4j.train.Optimizer;
import org.rnn4j.train.Sgd;
import org.rnn4j.train.Trainer;

class DistributedTrainerTest {
  static final int N = 90;
  static final int T = 6;
  static final int F = 3;
  static Dataset data;
  static DistributedDataset three;
  static DistributedDataset one;

  @BeforeAll
  static void setUp() {
    data = synthetic(N, T, F, 11);
    three = DistributedDataset.of(TestSpark.context(), data, 3);
    one = DistributedDataset.of(TestSpark.context(), data, 1);
  }

  @AfterAll
  static void tearDown() {
    three.unpersist();
    one.unpersist();
  }

  /** y = mean of the last step's features plus a little of the first: learnable, not trivial. */
  static Dataset synthetic(int n, int t, int f, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * t * f];
    float[] y = new float[n];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextDouble() * 2 - 1);
    }
    for (int e = 0; e < n; e++) {
      double s = 0;
      for (int k = 0; k < f; k++) {
        s += x[(e * t + t - 1) * f + k] / f + 0.3 * x[(e * t) * f + k];
      }
      y[e] = (float) s;
    }
    return Dataset.ofFeatures(new Tensor(x, n, t, f), null, new Tensor(y, n, 1));
  }

  static Model model(float dropout) {
    return Sequential.features(F).lstm(8).dropout(dropout).dense(1).loss(Loss.MSE).build(7);
  }

  static FitOptions.Builder options() {
    return FitOptions.builder().epochs(3).batchSize(16).optimizer(Adam.of(0.01f)).clipNorm(1f).seed(5);
  }

  static float maxAbsDiff(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    float m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  @Test
  void gradientAveragingOnThreePartitionsEqualsTrainerWithinFloat32Tolerance() throws Exception {
    FitOptions o = options().build();
    Model single = model(0f);
    History h1 = Trainer.fit(single, data, o);
    Model dist = model(0f);
    History h2 = DistributedTrainer.builder().options(o).build().fit(dist, three, (RoundListener) null);
    assertThat(h2.epochs()).hasSameSizeAs(h1.epochs());
    for (int e = 0; e < h1.epochs().size(); e++) {
      assertThat(h2.epochs().get(e).trainLoss()).isCloseTo(h1.epochs().get(e).trainLoss(),
          org.assertj.core.data.Offset.offset(1e-5 * Math.max(1, h1.epochs().get(e).trainLoss())));
    }
    // 18 Adam updates: the parameters agree to float32 rounding, not bit for bit (the batch sums differ)
    assertThat(maxAbsDiff(dist.parameterValues(), single.parameterValues())).isLessThan(2e-5f);
  }

  @Test
  void onePartitionRepeatsTrainerBitForBitEvenWithDropout() throws Exception {
    FitOptions o = options().build();
    Model single = model(0.3f);
    Trainer.fit(single, data, o);
    Model dist = model(0.3f);
    DistributedTrainer.builder().options(o).build().fit(dist, one, (RoundListener) null);
    assertThat(dist.parameterValues()).containsExactly(single.parameterValues());
  }

  @Test
  void roundGradientIsTheMeanOverTheGlobalBatch() throws Exception {
    // one SGD round on the whole data as one batch: the update equals the single-machine mean gradient
    FitOptions o = FitOptions.builder().epochs(1).batchSize(N).optimizer(Sgd.of(0.1f)).shuffle(false).build();
    Model ref = model(0f);
    float[] before = ref.parameterValues().clone();
    int[] idx = new int[N];
    for (int i = 0; i < N; i++) {
      idx[i] = i;
    }
    ref.computeGradients(data, idx, 0, N, 0);
    float[] grads = ref.parameterGradients().clone();
    Model dist = model(0f);
    DistributedTrainer.builder().options(o).build().fit(dist, three, (RoundListener) null);
    float[] delta = new float[before.length];
    for (int i = 0; i < before.length; i++) {
      delta[i] = (before[i] - dist.parameterValues()[i]) / 0.1f;
    }
    assertThat(maxAbsDiff(delta, grads)).isLessThan(1e-5f);
  }

  @Test
  void aTaskThatFailsOnceDoesNotChangeTheResult() throws Exception {
    FitOptions o = options().epochs(1).build();
    Model clean = model(0f);
    DistributedTrainer.builder().options(o).build().fit(clean, three, (RoundListener) null);
    Model retried = model(0f);
    List<Integer> partitionsPerRound = new ArrayList<>();
    DistributedTrainer.builder().options(o).failFirstAttempt(2, 1).build().fit(retried, three, new RoundListener() {
      @Override
      public void roundFinished(RoundStats s) {
        partitionsPerRound.add(s.partitions());
      }
    });
    assertThat(partitionsPerRound).hasSize(6).contains(3);
    assertThat(retried.parameterValues()).containsExactly(clean.parameterValues());
  }

  @Test
  void aModelAnotherFitHoldsIsRefusedAndLeftAsItWas() {
    Model m = model(0f);
    float[] before = m.parameterValues().clone();
    try (Model.TrainingClaim claim = m.claimTraining()) {
      assertThatThrownBy(() -> DistributedTrainer.builder().options(options().build()).build().fit(m, three,
          (RoundListener) null)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already being trained");
    }
    assertThat(m.parameterValues()).containsExactly(before);
  }

  @Test
  void aModelOfAnotherInputSizeIsRejected() {
    Model m = Sequential.features(F + 1).lstm(4).dense(1).loss(Loss.MSE).build(1);
    assertThatThrownBy(() -> DistributedTrainer.builder().options(options().build()).build().fit(m, three,
        (RoundListener) null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 4 features per step").hasMessageContaining("got 3");
  }

  @Test
  void checkpointedRunResumesToTheSameParameters(@TempDir Path dir) throws Exception {
    Path ckpt = dir.resolve("run.ckpt");
    FitOptions o = options().checkpoint(ckpt).checkpointEvery(4).build();
    Model full = model(0f);
    DistributedTrainer.builder().options(options().checkpoint(dir.resolve("other.ckpt")).checkpointEvery(4).build())
        .build()
        .fit(full, three, (RoundListener) null);
    Model crashed = model(0f);
    assertThatThrownBy(() -> DistributedTrainer.builder().options(o).build().fit(crashed, three,
        new RoundListener() {
          @Override
          public void roundFinished(RoundStats s) {
            if (s.globalRound() == 9) {
              throw new IllegalStateException("driver lost");
            }
          }
        })).hasMessage("driver lost");
    assertThat(Files.exists(ckpt)).isTrue();
    Model resumed = model(0f);
    List<String> messages = new ArrayList<>();
    History h = DistributedTrainer.builder().options(o).build().fit(resumed, three, new RoundListener() {
      @Override
      public void message(String text) {
        messages.add(text);
      }
    });
    assertThat(messages.get(0)).startsWith("resumed from").contains("epoch 2, round 2");
    assertThat(h.epochs()).hasSize(3);
    assertThat(resumed.parameterValues()).containsExactly(full.parameterValues());
  }

  @Test
  void parameterAveragingWithOneSgdStepEqualsGradientAveraging() throws Exception {
    FitOptions o = options().optimizer(Sgd.of(0.2f)).clipNorm(0f).epochs(2).build();
    Model grad = model(0f);
    DistributedTrainer.builder().options(o).build().fit(grad, three, (RoundListener) null);
    Model avg = model(0f);
    DistributedTrainer.builder().options(o).parameterAveraging(1).build().fit(avg, three, (RoundListener) null);
    assertThat(maxAbsDiff(avg.parameterValues(), grad.parameterValues())).isLessThan(1e-5f);
  }

  @Test
  void parameterAveragingWithLocalStepsLearnsMorePerRound() throws Exception {
    // six rounds each: one epoch of gradient averaging, three epochs of 3 local steps per round
    Model grad = model(0f);
    DistributedTrainer.builder().options(options().epochs(1).build()).build().fit(grad, three, (RoundListener) null);
    Model avg = model(0f);
    List<RoundStats> rounds = new ArrayList<>();
    History h = DistributedTrainer.builder().options(options().epochs(3).build()).parameterAveraging(3).build()
        .fit(avg, three, new RoundListener() {
          @Override
          public void roundFinished(RoundStats s) {
            rounds.add(s);
          }
        });
    assertThat(rounds).hasSize(3 * 2); // 6 batches per epoch, 3 per round
    assertThat(rounds.get(0).updates()).isEqualTo(3);
    assertThat(rounds.get(0).broadcastBytes()).isEqualTo(4L * avg.parameterCount() * 3); // params + 2 Adam moments
    assertThat(h.epochs()).hasSize(3);
    assertThat(avg.evaluateLoss(data, 64)).isLessThan(grad.evaluateLoss(data, 64));
  }

  @Test
  void distributedValidationEqualsLocalValidation() throws Exception {
    Dataset val = synthetic(40, T, F, 99);
    DistributedDataset dval = DistributedDataset.of(TestSpark.context(), val, 3);
    try {
      Model m = model(0f);
      assertThat(DistributedTrainer.evaluateLoss(m, dval, 7)).isCloseTo(m.evaluateLoss(val, 7),
          org.assertj.core.data.Offset.offset(1e-6));
      FitOptions o = options().epochs(2).build();
      Model a = model(0f);
      History ha = DistributedTrainer.builder().options(o).build().fit(a, three, val, null);
      Model b = model(0f);
      History hb = DistributedTrainer.builder().options(o).build().fit(b, three, dval, null);
      assertThat(hb.epochs().get(1).validationLoss()).isCloseTo(ha.epochs().get(1).validationLoss(),
          org.assertj.core.data.Offset.offset(1e-6));
    } finally {
      dval.unpersist();
    }
  }

  @Test
  void roundStatsSplitTheTime() throws Exception {
    List<RoundStats> rounds = new ArrayList<>();
    Model m = model(0f);
    DistributedTrainer.builder().options(options().epochs(1).build()).build().fit(m, three, new RoundListener() {
      @Override
      public void roundFinished(RoundStats s) {
        rounds.add(s);
      }
    });
    assertThat(rounds).hasSize(6);
    RoundStats s = rounds.get(1);
    assertThat(s.examples()).isEqualTo(16);
    assertThat(s.computeSeconds()).isPositive().isLessThanOrEqualTo(s.seconds());
    assertThat(s.taskSeconds()).isGreaterThanOrEqualTo(s.computeSeconds());
    assertThat(s.communicationSeconds()).isGreaterThanOrEqualTo(0);
    assertThat(s.broadcastBytes()).isEqualTo(4L * m.parameterCount());
    assertThat(s.resultBytes()).isEqualTo(4L * m.parameterCount() * s.partitions());
    assertThat(rounds.get(5).examples()).isEqualTo(N - 5 * 16);
  }

  @Test
  void settingsTheDistributedLoopCannotHonourAreRejected() {
    assertThatThrownBy(() -> DistributedTrainer.builder().options(options().stateful(true).build()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected stateful = false");
    assertThatThrownBy(() -> DistributedTrainer.builder().options(options().metrics("mae").build()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got [mae]");
    assertThatThrownBy(() -> DistributedTrainer.builder().parameterAveraging(0))
        .hasMessage("DistributedTrainer: expected local steps k >= 1, got 0");
  }

  /** The driver's loop, written out by hand: what "same global batch, same optimizer" means. */
  @Test
  void manualSingleMachineLoopOverTheSameGlobalBatchesAgrees() throws Exception {
    FitOptions o = options().epochs(2).build();
    Model ref = model(0f);
    Optimizer opt = o.optimizer().create(ref.parameterCount());
    long update = 0;
    for (int epoch = 0; epoch < 2; epoch++) {
      int[] order = Trainer.epochOrder(N, o, epoch);
      for (int from = 0; from < N; from += 16) {
        ref.computeGradients(data, order, from, Math.min(16, N - from), Trainer.updateSeed(o.seed(), update++));
        GradientClipping.clipByGlobalNorm(ref.parameterGradients(), 1f);
        opt.step(ref.parameterValues(), ref.parameterGradients());
      }
    }
    Model dist = model(0f);
    DistributedTrainer.builder().options(o).build().fit(dist, three, (RoundListener) null);
    assertThat(maxAbsDiff(dist.parameterValues(), ref.parameterValues())).isLessThan(2e-5f);
  }
}
