package org.rnn4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rnn4j.data.Dataset;
import org.rnn4j.nn.DenseActivation;
import org.rnn4j.nn.Loss;
import org.rnn4j.nn.MergeMode;

/**
 * Numerical gradient checks of whole models: Dense (every activation), Embedding, Dropout (training
 * mode with the step's fixed mask), every loss, merge modes, final-state heads, masks. The model computes in float32, so the
 * numerical gradient uses a fourth-order central stencil with the loss summed in double.
 */
class ModelGradientCheckTest {

  /** Max relative error between analytic and numerical gradients over every parameter. */
  static double worstError(Model m, Dataset d) {
    int[] idx = new int[d.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    m.computeGradients(d, idx, 0, d.size(), 1);
    float[] analytic = m.parameterGradients().clone();
    float[] p = m.parameterValues();
    double worst = 0;
    for (int i = 0; i < p.length; i++) {
      float orig = p[i];
      float e = 1e-2f;
      double[] f = new double[4];
      float[] at = {orig - 2 * e, orig - e, orig + e, orig + 2 * e};
      for (int s = 0; s < 4; s++) {
        p[i] = at[s];
        f[s] = m.computeLoss(d, idx, 0, d.size(), 1);
      }
      p[i] = orig;
      double numeric = (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12.0 * e);
      double err = Math.abs(analytic[i] - numeric) / Math.max(Math.abs(analytic[i]) + Math.abs(numeric), 1e-2);
      worst = Math.max(worst, err);
    }
    return worst;
  }

  private static Tensor random(SplittableRandom r, int... shape) {
    Tensor t = Tensor.zeros(shape);
    for (int i = 0; i < t.size(); i++) {
      t.data()[i] = (float) r.nextDouble(-1, 1);
    }
    return t;
  }

  @Test
  void denseActivationsAndRegressionLossesOnFinalStates() {
    SplittableRandom r = new SplittableRandom(1);
    Dataset d = Dataset.ofFeatures(random(r, 4, 5, 3), new int[] {5, 2, 4, 1}, random(r, 4, 2));
    for (Loss loss : new Loss[] {Loss.MSE, Loss.MAE, Loss.huber(0.3f), Loss.quantile(java.util.List.of(0.1f, 0.9f))}) {
      for (DenseActivation a : DenseActivation.values()) {
        if (a == DenseActivation.RELU && loss != Loss.MSE) {
          // Two kinks (ReLU's and |x|'s) within the stencil's reach make finite differences
          // meaningless for a few elements; ReLU is checked with the smooth MSE.
          continue;
        }
        Model m = Sequential.features(3).lstm(4, o -> o.bidirectional(true)).dropout(0.5f)
            .dense(3, a).dense(2).loss(loss).build(7);
        assertThat(worstError(m, d)).as("%s %s", loss.kind(), a).isLessThan(2e-3);
      }
    }
  }

  @Test
  void quantileLossIsThePinballLossOfThePredictions() {
    SplittableRandom r = new SplittableRandom(3);
    Dataset d = Dataset.ofFeatures(random(r, 5, 4, 2), null, random(r, 5, 3));
    java.util.List<Float> levels = java.util.List.of(0.1f, 0.5f, 0.9f);
    Model m = Sequential.features(2).gru(4).dense(3).loss(Loss.quantile(levels)).build(11);
    float[] f = m.predict(d).data();
    float[] y = d.targetArray();
    double want = 0;
    for (int i = 0; i < y.length; i++) {
      double q = levels.get(i % 3);
      double e = y[i] - f[i]; // under-forecast costs q per unit, over-forecast 1 - q
      want += e >= 0 ? q * e : (q - 1) * e;
    }
    int[] idx = {0, 1, 2, 3, 4};
    assertThat(m.computeLoss(d, idx, 0, 5, 1)).isCloseTo(want / y.length, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(worstError(m, d)).isLessThan(2e-3);
  }

  @Test
  void mergeModesAndSequenceOutputsWithMasks() {
    SplittableRandom r = new SplittableRandom(2);
    Dataset d = Dataset.ofFeatures(random(r, 3, 4, 2), new int[] {4, 1, 3}, random(r, 3, 4, 2));
    for (MergeMode mode : MergeMode.values()) {
      Model m = Sequential.features(2).gru(3, o -> o.bidirectional(true).mergeMode(mode).returnSequences(true))
          .lstm(3, o -> o.returnSequences(true)).dense(2).loss(Loss.MSE).build(3);
      assertThat(worstError(m, d)).as("%s", mode).isLessThan(2e-3);
    }
  }

  @Test
  void recurrentDropoutWithItsFixedMasks() {
    SplittableRandom r = new SplittableRandom(9);
    Dataset d = Dataset.ofFeatures(random(r, 3, 5, 2), new int[] {5, 2, 4}, random(r, 3, 2));
    Model lstm = Sequential.features(2).lstm(4, o -> o.recurrentDropout(0.4f).numLayers(2)).dense(2)
        .loss(Loss.MSE).build(4);
    Model gruAfter = Sequential.features(2).gru(4, o -> o.recurrentDropout(0.4f).bidirectional(true))
        .dense(2).loss(Loss.MSE).build(4);
    Model gruBefore = Sequential.features(2).gru(4, o -> o.recurrentDropout(0.4f).resetAfter(false))
        .dense(2).loss(Loss.MSE).build(4);
    Model rnn = Sequential.features(2).rnn(4).dense(2).loss(Loss.MSE).build(4);
    assertThat(worstError(lstm, d)).as("lstm").isLessThan(2e-3);
    assertThat(worstError(gruAfter, d)).as("gru reset after").isLessThan(2e-3);
    assertThat(worstError(gruBefore, d)).as("gru reset before").isLessThan(2e-3);
    assertThat(worstError(rnn, d)).as("rnn").isLessThan(2e-3);
    // the mask really acts in training and not at inference
    int[] idx = {0, 1, 2};
    assertThat(lstm.computeLoss(d, idx, 0, 3, 1)).isNotEqualTo(lstm.evaluateLoss(d, 3));
  }

  @Test
  void embeddingWithClassificationLosses() {
    SplittableRandom r = new SplittableRandom(3);
    int[] tokens = new int[4 * 5];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = r.nextInt(6);
    }
    Dataset perExample = Dataset.ofTokens(tokens, 4, 5, new int[] {5, 3, 2, 5}, new int[] {0, 2, 1, 2});
    Model m = Sequential.embedding(6, 3).lstm(4).dense(3).loss(Loss.CROSS_ENTROPY).build(5);
    assertThat(worstError(m, perExample)).isLessThan(2e-3);
    int[] perStep = new int[20];
    for (int i = 0; i < perStep.length; i++) {
      perStep[i] = r.nextInt(3);
    }
    Dataset stepLabels = Dataset.ofTokens(tokens, 4, 5, new int[] {5, 3, 2, 5}, perStep);
    Model lm = Sequential.embedding(6, 3).rnn(4).dense(3).loss(Loss.CROSS_ENTROPY).build(5);
    // rnn(4) has returnSequences=false: build a per-step model instead
    Model seq = Sequential.embedding(6, 3).lstm(4, o -> o.returnSequences(true)).dense(3)
        .loss(Loss.CROSS_ENTROPY).build(5);
    assertThat(worstError(seq, stepLabels)).isLessThan(2e-3);
    assertThat(lm.sequenceOutput()).isFalse();
  }

  @Test
  void bceAndOneHotCrossEntropy() {
    SplittableRandom r = new SplittableRandom(4);
    Tensor probs = Tensor.zeros(3, 2);
    for (int i = 0; i < probs.size(); i++) {
      probs.data()[i] = (float) r.nextDouble();
    }
    Dataset d = Dataset.ofFeatures(random(r, 3, 4, 2), null, probs);
    Model bce = Sequential.features(2).rnn(3).dense(2).loss(Loss.BCE_WITH_LOGITS).build(2);
    assertThat(worstError(bce, d)).isLessThan(2e-3);
    Tensor onehot = new Tensor(new float[] {1, 0, 0, 1, 0.3f, 0.7f}, 3, 2);
    Dataset d2 = Dataset.ofFeatures(random(r, 3, 4, 2), null, onehot);
    Model ce = Sequential.features(2).gru(3, o -> o.resetAfter(false)).dense(2)
        .loss(Loss.CROSS_ENTROPY_ONE_HOT).build(2);
    assertThat(worstError(ce, d2)).isLessThan(2e-3);
  }

  @Test
  void paddingRowGetsNoGradientAndStaysZero() {
    int[] tokens = {0, 1, 2, 0, 3, 0};
    Dataset d = Dataset.ofTokens(tokens, 2, 3, null, new int[] {1, 0});
    Model m = Sequential.embedding(4, 2, 0).lstm(3).dense(2).loss(Loss.CROSS_ENTROPY).build(1);
    assertThat(m.parameter("embedding.weight")[0]).isZero();
    m.computeGradients(d, new int[] {0, 1}, 0, 2, 1);
    assertThat(m.parameterGradients()[0]).isZero();
    assertThat(m.parameterGradients()[1]).isZero();
    assertThat(m.parameterGradients()[2]).isNotZero();
  }

  @Test
  void theCheckCanFail() {
    // A model whose analytic gradient is deliberately wrong must be caught: scale one gradient.
    SplittableRandom r = new SplittableRandom(5);
    Dataset d = Dataset.ofFeatures(random(r, 2, 3, 2), null, random(r, 2, 1));
    Model m = Sequential.features(2).lstm(3).dense(1).loss(Loss.MSE).build(1);
    int[] idx = {0, 1};
    m.computeGradients(d, idx, 0, 2, 1);
    float analytic = m.parameterGradients()[0] * 1.5f + 0.1f;
    float[] p = m.parameterValues();
    float orig = p[0];
    p[0] = orig + 1e-2f;
    double up = m.evaluateLoss(d, 2);
    p[0] = orig - 1e-2f;
    double down = m.evaluateLoss(d, 2);
    p[0] = orig;
    double numeric = (up - down) / 2e-2;
    assertThat(Math.abs(analytic - numeric) / (Math.abs(analytic) + Math.abs(numeric))).isGreaterThan(2e-3);
  }
}
