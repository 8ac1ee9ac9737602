package org.rnn4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnn4j.io.SafeTensors;

/** The end-of-epoch rules every training loop shares, on hand-made epochs. */
class EpochPolicyTest {
  private static final TrainingListener QUIET = new TrainingListener() { };

  private static History.Epoch epoch(int n, double train, double val) {
    return new History.Epoch(n, train, val, 0.01, 0.1);
  }

  @Test
  void earlyStoppingCountsEpochsSinceTheBestAndNamesIt() {
    EpochPolicy p = new EpochPolicy(FitOptions.builder().earlyStopping(2).build());
    float[] params = {1f};
    assertThat(p.epochFinished(epoch(1, 5, 1.0), params, QUIET)).isFalse();
    assertThat(p.epochFinished(epoch(2, 4, 0.8), params, QUIET)).isFalse();
    assertThat(p.epochFinished(epoch(3, 3, 0.9), params, QUIET)).isFalse();
    assertThat(p.badEpochs()).isEqualTo(1);
    // equal to the best is no improvement
    assertThat(p.epochFinished(epoch(4, 2, 0.8), params, QUIET)).isTrue();
    assertThat(p.bestEpoch()).isEqualTo(2);
    assertThat(p.best()).isEqualTo(0.8);
    assertThat(p.history().epochs()).hasSize(4);
    assertThat(p.history().stopReason()).isEqualTo("early stopping: no improvement for 2 epochs (best epoch 2)");
  }

  @Test
  void withoutValidationTheTrainingLossIsMonitored() {
    EpochPolicy p = new EpochPolicy(FitOptions.builder().earlyStopping(1).build());
    float[] params = {0f};
    p.epochFinished(epoch(1, 2.0, Double.NaN), params, QUIET);
    p.epochFinished(epoch(2, 1.5, Double.NaN), params, QUIET);
    assertThat(p.bestEpoch()).isEqualTo(2);
    assertThat(p.epochFinished(epoch(3, 1.6, Double.NaN), params, QUIET)).isTrue();
  }

  @Test
  void restoreBestCopiesBackTheBestEpochsParameters() {
    EpochPolicy p = new EpochPolicy(FitOptions.builder().restoreBest(true).build());
    float[] params = {1f, 2f};
    p.epochFinished(epoch(1, 1, 0.5), params, QUIET);
    params[0] = 7f; // the next epoch changes the parameters, and is worse
    p.epochFinished(epoch(2, 1, 0.6), params, QUIET);
    List<String> said = new ArrayList<>();
    p.finish(params, new TrainingListener() {
      @Override
      public void message(String text) {
        said.add(text);
      }
    });
    assertThat(params).containsExactly(1f, 2f);
    assertThat(said).containsExactly("restored the parameters of epoch 1");
  }

  @Test
  void withoutRestoreBestTheLastParametersStay() {
    EpochPolicy p = new EpochPolicy(FitOptions.builder().build());
    float[] params = {1f};
    p.epochFinished(epoch(1, 1, 0.5), params, QUIET);
    params[0] = 3f;
    p.epochFinished(epoch(2, 1, 0.6), params, QUIET);
    p.finish(params, QUIET);
    assertThat(params).containsExactly(3f);
  }

  @Test
  void aPlateauMultipliesTheRateByItsFactorAfterPatiencePlusOneBadEpochs() {
    // ReduceLROnPlateau(factor 0.5, patience 1, min 0.02): the rate halves after the 2nd and 4th bad epoch
    EpochPolicy p = new EpochPolicy(FitOptions.builder()
        .schedule(new LrSchedule.ReduceOnPlateau(0.5f, 1, 0.02f)).build());
    float[] params = {0f};
    p.epochFinished(epoch(1, 1, 1.0), params, QUIET);
    assertThat(p.learningRate(0.1f, 1, 10)).isEqualTo(0.1f);
    p.epochFinished(epoch(2, 1, 1.0), params, QUIET);
    assertThat(p.learningRate(0.1f, 2, 20)).isEqualTo(0.1f);
    p.epochFinished(epoch(3, 1, 1.0), params, QUIET);
    assertThat(p.plateauFactor()).isEqualTo(0.5f);
    assertThat(p.learningRate(0.1f, 3, 30)).isEqualTo(0.05f);
    p.epochFinished(epoch(4, 1, 1.0), params, QUIET);
    p.epochFinished(epoch(5, 1, 1.0), params, QUIET);
    // 0.1 x 0.25 = 0.025, above the minimum; one more halving would go below it
    assertThat(p.learningRate(0.1f, 5, 50)).isEqualTo(0.025f);
    p.epochFinished(epoch(6, 1, 1.0), params, QUIET);
    p.epochFinished(epoch(7, 1, 1.0), params, QUIET);
    assertThat(p.learningRate(0.1f, 7, 70)).isEqualTo(0.02f);
  }

  @Test
  void theScheduleGivesTheRateOfEachUpdate() {
    EpochPolicy p = new EpochPolicy(FitOptions.builder().schedule(new LrSchedule.Step(2, 0.1f)).build());
    assertThat(p.learningRate(1f, 0, 0)).isEqualTo(1f);
    assertThat(p.learningRate(1f, 2, 99)).isEqualTo(0.1f);
  }

  @Test
  void aListenersStopRequestEndsTheRunWithItsReason() {
    EpochPolicy p = new EpochPolicy(FitOptions.builder().build());
    TrainingListener stopper = new TrainingListener() {
      @Override
      public boolean stopRequested() {
        return true;
      }
    };
    assertThat(p.epochFinished(epoch(1, 1, 0.5), new float[1], stopper)).isTrue();
    assertThat(p.history().stopReason()).isEqualTo("stopped by the listener after epoch 1 (best epoch 1)");
  }

  @Test
  void aNonFiniteOrExplodingLossStopsTheRunWithWhereAndWhatToTry() {
    EpochPolicy p = new EpochPolicy(FitOptions.builder().explodeFactor(10f).build());
    p.checkLoss(2.0, 1, 1, "update", "batch", 0.1f);
    p.checkLoss(19.9, 1, 2, "update", "batch", 0.1f);
    assertThatThrownBy(() -> p.checkLoss(20.1, 1, 3, "update", "batch", 0.1f))
        .isInstanceOf(Trainer.TrainingStoppedException.class)
        .hasMessageStartingWith("training stopped: the loss is exploding (20.10 at epoch 1, update 3, 10x the first"
            + " batch's 2.000)")
        .hasMessageContaining("lower the learning rate (now 0.100)");
    assertThatThrownBy(() -> p.checkLoss(Double.NaN, 2, 1, "round", "round", 0.1f))
        .isInstanceOf(Trainer.TrainingStoppedException.class)
        .hasMessageStartingWith("training stopped: the loss is NaN at epoch 2, round 1; ");
  }

  @Test
  void aPolicyReadBackFromACheckpointDecidesAsTheOriginal() {
    FitOptions o = FitOptions.builder().earlyStopping(3).restoreBest(true)
        .schedule(new LrSchedule.ReduceOnPlateau(0.5f, 0, 0f)).explodeFactor(4f).build();
    EpochPolicy original = new EpochPolicy(o);
    float[] params = {1f, 2f};
    original.checkLoss(1.0, 1, 1, "update", "batch", 0.1f);
    original.epochFinished(epoch(1, 1, 0.7), params, QUIET);
    params[0] = 9f;
    original.epochFinished(epoch(2, 1, 0.9), params, QUIET);
    Map<String, String> meta = new LinkedHashMap<>();
    List<SafeTensors.Tensor> tensors = new ArrayList<>();
    original.writeState(meta, tensors);
    Map<String, SafeTensors.Tensor> byName = new LinkedHashMap<>();
    tensors.forEach(t -> byName.put(t.name(), t));
    EpochPolicy resumed = new EpochPolicy(o);
    resumed.readState(new SafeTensors.Contents(meta, byName));

    assertThat(resumed.bestEpoch()).isEqualTo(1);
    assertThat(resumed.plateauFactor()).isEqualTo(0.5f);
    assertThat(resumed.history().toCsv()).isEqualTo(original.history().toCsv());
    // the first loss survives: 4.1 explodes against it in both
    assertThatThrownBy(() -> resumed.checkLoss(4.1, 3, 1, "update", "batch", 0.1f))
        .isInstanceOf(Trainer.TrainingStoppedException.class);
    // two more bad epochs stop both, at the same epoch, and both restore epoch 1's parameters
    for (EpochPolicy p : List.of(original, resumed)) {
      assertThat(p.epochFinished(epoch(3, 1, 0.8), params, QUIET)).isFalse();
      assertThat(p.epochFinished(epoch(4, 1, 0.8), params, QUIET)).isTrue();
      float[] restored = params.clone();
      p.finish(restored, QUIET);
      assertThat(restored).containsExactly(1f, 2f);
    }
  }
}
