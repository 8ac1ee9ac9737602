package org.rnn4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.rnn4j.data.Dataset;
import org.rnn4j.nn.DenseActivation;
import org.rnn4j.nn.Loss;

/** A model's streaming session gives, step by step, what the batch forward gives. */
class ModelSessionTest {
  private static final Offset<Float> TOL = Offset.offset(2e-5f);

  private static int[] randomTokens(int n, int vocab, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = r.nextInt(vocab);
    }
    return t;
  }

  @Test
  void tokenLanguageModelMatchesTheBatchForwardAtEveryStep() {
    Model m = Sequential.embedding(11, 5).lstm(7, o -> o.numLayers(2).returnSequences(true)).dropout(0.5f)
        .dense(11).loss(Loss.CROSS_ENTROPY).build(3);
    int t = 13;
    int[] tokens = randomTokens(2 * t, 11, 1);
    float[] batch = m.predict(Dataset.ofTokens(tokens, 2, t, null, (int[]) null)).data(); // [2, T, 11]
    ModelSession s = m.session();
    assertThat(s.outputSize()).isEqualTo(11);
    for (int ex = 0; ex < 2; ex++) {
      s.reset();
      for (int step = 0; step < t; step++) {
        float[] out = s.step(tokens[ex * t + step]);
        for (int j = 0; j < 11; j++) {
          assertThat(out[j]).as("example %d step %d unit %d", ex, step, j)
              .isCloseTo(batch[(ex * t + step) * 11 + j], TOL);
        }
      }
    }
  }

  @Test
  void featureModelWithGruAndActivationMatches() {
    Model m = Sequential.features(3).gru(6, o -> o.returnSequences(true)).rnn(4).dense(2, DenseActivation.TANH)
        .build(9);
    // rnn(4) keeps the final state only: after step t the session gives the model's output for steps 0..t
    int t = 6;
    SplittableRandom r = new SplittableRandom(2);
    float[] x = new float[t * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble(-1, 1);
    }
    ModelSession s = m.session();
    for (int step = 0; step < t; step++) {
      float[] out = s.step(java.util.Arrays.copyOfRange(x, step * 3, step * 3 + 3)).clone();
      float[] prefix = m.predict(new Tensor(java.util.Arrays.copyOf(x, (step + 1) * 3), 1, step + 1, 3)).data();
      assertThat(out[0]).isCloseTo(prefix[0], TOL);
      assertThat(out[1]).isCloseTo(prefix[1], TOL);
    }
  }

  @Test
  void aStepAllocatesNothing() {
    Model m = Sequential.embedding(40, 16).lstm(32, o -> o.numLayers(2).returnSequences(true)).dense(40).build(1);
    ModelSession s = m.session();
    for (int i = 0; i < 20_000; i++) { // let the JIT compile the step
      s.step(i % 40);
    }
    com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    // Steady state is what is claimed: on a loaded machine the optimizing compiler may not have replaced the
    // first-tier code (whose temporaries are allocated) by the end of the warm-up, so the least of several
    // rounds counts. A step that allocates even 1 byte makes every round of 1000 steps reach 1000.
    long least = Long.MAX_VALUE;
    for (int round = 0; round < 20 && least >= 1_000; round++) {
      long before = bean.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < 1_000; i++) {
        s.step(i % 40);
      }
      least = Math.min(least, bean.getCurrentThreadAllocatedBytes() - before);
    }
    assertThat(least).as("bytes allocated by 1000 steps (the least of up to 20 rounds)").isLessThan(1_000);
  }

  /**
   * A bf16 session equals a float32 session of the same model with W_ih and W_hh rounded to bf16 (to
   * float32 rounding: only the products' storage differs), and differs from the unrounded model's.
   */
  @Test
  void bf16WeightsEqualFloat32WeightsRoundedToBf16() {
    java.util.List<Model> models = java.util.List.of(
        Sequential.embedding(30, 16).lstm(40, o -> o.numLayers(2).returnSequences(true)).dense(30).build(1),
        Sequential.embedding(30, 16).lstm(40, o -> o.projSize(12).returnSequences(true)).dense(30).build(2),
        Sequential.embedding(30, 16).gru(33, o -> o.resetAfter(false).returnSequences(true)).dense(30).build(3),
        Sequential.embedding(30, 16).gru(33, o -> o.returnSequences(true)).rnn(20).dense(30).build(4));
    for (Model m : models) {
      Model rounded = Model.create(m.spec(), m.seed());
      for (String p : m.parameterNames()) {
        float[] v = m.parameter(p);
        if (p.contains("weight_ih") || p.contains("weight_hh")) {
          for (int i = 0; i < v.length; i++) {
            v[i] = org.rnn4j.internal.kernels.Bf16.toFloat(org.rnn4j.internal.kernels.Bf16.fromFloat(v[i]));
          }
        }
        rounded.setParameter(p, v);
      }
      ModelSession bf16 = m.session(org.rnn4j.nn.WeightPrecision.BFLOAT16);
      ModelSession exact = rounded.session();
      ModelSession full = m.session();
      int[] tokens = randomTokens(40, 30, 5);
      double furthest = 0;
      for (int step = 0; step < tokens.length; step++) {
        float[] a = bf16.step(tokens[step]).clone();
        float[] b = exact.step(tokens[step]);
        float[] c = full.step(tokens[step]);
        for (int j = 0; j < a.length; j++) {
          assertThat(a[j]).as("%s step %d unit %d", m.spec().layers().get(1), step, j).isCloseTo(b[j], TOL);
          furthest = Math.max(furthest, Math.abs(a[j] - c[j]));
        }
      }
      assertThat(furthest).as("bf16 rounding must show against the float32 weights").isGreaterThan(1e-5);
    }
    assertThatThrownBy(() -> models.get(0).session(null)).hasMessageContaining("expected a weight precision");
  }

  @Test
  void refusesWhatItCannotStream() {
    Model bi = Sequential.embedding(5, 3).lstm(4, o -> o.bidirectional(true)).dense(2).build(0);
    assertThatThrownBy(bi::session).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("layer 'lstm' reads the sequence backwards");
    Model m = Sequential.embedding(5, 3).gru(4).dense(2).build(0);
    ModelSession s = m.session();
    assertThatThrownBy(() -> s.step(5)).hasMessageContaining("expected a token id in [0, 5), got 5");
    assertThatThrownBy(() -> s.step(new float[3])).hasMessageContaining("takes token ids");
    ModelSession f = Sequential.features(2).lstm(3).dense(1).build(0).session();
    assertThatThrownBy(() -> f.step(new float[3])).hasMessageContaining("expected a step of 2 features, got 3");
    assertThatThrownBy(() -> f.step(1)).hasMessageContaining("takes 2 features per step");
  }
}
