package org.rnn4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rnn4j.Tensor;
import org.rnn4j.internal.kernels.KernelProvider;

/** Behaviour of the public recurrent stack: shapes, errors, layouts, lengths, sessions, providers. */
class RecurrentTest {

  private static Tensor random(SplittableRandom r, int... shape) {
    Tensor t = Tensor.zeros(shape);
    for (int i = 0; i < t.size(); i++) {
      t.data()[i] = (float) r.nextDouble(-1, 1);
    }
    return t;
  }

  private static RecurrentSpec.Builder lstm() {
    return RecurrentSpec.builder(CellType.LSTM, 3, 5);
  }

  @Test
  void wrongInputSizeNamesComponentAndBothSizes() {
    Recurrent r = new Recurrent(lstm().build(), 1);
    assertThatThrownBy(() -> r.forward(Tensor.zeros(4, 2, 7)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LSTM")
        .hasMessageContaining("expected input size 3")
        .hasMessageContaining("[4, 2, 7]");
  }

  @Test
  void wrongRankAndStateShapesAreRefused() {
    Recurrent r = new Recurrent(lstm().numLayers(2).build(), 1);
    assertThatThrownBy(() -> r.forward(Tensor.zeros(4, 3)))
        .hasMessageContaining("expected input of rank 3").hasMessageContaining("[4, 3]");
    assertThatThrownBy(() -> r.forward(Tensor.zeros(4, 2, 3), Tensor.zeros(1, 2, 5), null, null, false))
        .hasMessageContaining("expected h0 of shape [2, 2, 5]").hasMessageContaining("[1, 2, 5]");
    Recurrent gru = new Recurrent(RecurrentSpec.builder(CellType.GRU, 3, 5).build(), 1);
    assertThatThrownBy(() -> gru.forward(Tensor.zeros(4, 2, 3), null, Tensor.zeros(1, 2, 5), null, false))
        .hasMessageContaining("c0 is an LSTM state");
  }

  @Test
  void lengthsOutOfRangeAndNaNAreRefused() {
    Recurrent r = new Recurrent(lstm().build(), 1);
    Tensor x = Tensor.zeros(4, 2, 3);
    assertThatThrownBy(() -> r.forward(x, null, null, new int[] {4, 5}, false))
        .hasMessageContaining("expected each length in [1, 4]").hasMessageContaining("lengths[1] = 5");
    assertThatThrownBy(() -> r.forward(x, null, null, new int[] {4}, false))
        .hasMessageContaining("expected 2 lengths");
    x.data()[5] = Float.NaN;
    assertThatThrownBy(() -> r.forward(x)).hasMessageContaining("finite").hasMessageContaining("NaN");
  }

  @Test
  void specValidationNamesTheField() {
    assertThatThrownBy(() -> RecurrentSpec.builder(CellType.GRU, 3, 5).projSize(2).build())
        .hasMessageContaining("projSize is an LSTM option");
    assertThatThrownBy(() -> RecurrentSpec.builder(CellType.LSTM, 0, 5).build())
        .hasMessageContaining("expected inputSize >= 1, got 0");
    assertThatThrownBy(() -> CellType.parse("LTSM"))
        .hasMessageContaining("expected one of LSTM, GRU").hasMessageContaining("'LTSM'");
    assertThatThrownBy(() -> Activation.of("Swish")).hasMessageContaining("Softplus")
        .hasMessageContaining("'Swish'");
    assertThatThrownBy(() -> lstm().activations(java.util.List.of(Activation.TANH)).build())
        .hasMessageContaining("expected 3 activation functions, got 1");
  }

  @Test
  void batchFirstIsTheTransposeOfSeqFirst() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (CellType cell : CellType.values()) {
      RecurrentSpec seq = RecurrentSpec.builder(cell, 3, 4).numLayers(2).bidirectional(true).build();
      RecurrentSpec bf = RecurrentSpec.builder(cell, 3, 4).numLayers(2).bidirectional(true)
          .batchFirst(true).build();
      Recurrent a = new Recurrent(seq, 7);
      Recurrent b = new Recurrent(bf, 7);
      Tensor x = random(rnd, 5, 2, 3);
      Tensor xt = new Tensor(Recurrent.swapFirstTwo(x.data(), 5, 2, 3), 2, 5, 3);
      Recurrent.Output oa = a.forward(x, null, null, new int[] {5, 3}, false);
      Recurrent.Output ob = b.forward(xt, null, null, new int[] {5, 3}, false);
      assertThat(Recurrent.swapFirstTwo(ob.output().data(), 2, 5, 8)).containsExactly(oa.output().data());
      assertThat(ob.hN().data()).containsExactly(oa.hN().data());
    }
  }

  @Test
  void paddedStepsAreZeroAndAShortRowEqualsItsOwnRun() {
    SplittableRandom rnd = new SplittableRandom(4);
    for (CellType cell : CellType.values()) {
      RecurrentSpec spec = RecurrentSpec.builder(cell, 3, 4).bidirectional(true).build();
      Recurrent r = new Recurrent(spec, 5);
      Tensor x = random(rnd, 6, 2, 3);
      Recurrent.Output full = r.forward(x, null, null, new int[] {6, 2}, false);
      // row 1 alone, cut to its 2 steps
      float[] row = new float[2 * 3];
      for (int t = 0; t < 2; t++) {
        System.arraycopy(x.data(), (t * 2 + 1) * 3, row, t * 3, 3);
      }
      Recurrent.Output alone = r.forward(new Tensor(row, 2, 1, 3));
      for (int t = 0; t < 6; t++) {
        for (int j = 0; j < 8; j++) {
          float got = full.output().data()[(t * 2 + 1) * 8 + j];
          if (t >= 2) {
            assertThat(got).as("%s padded step %d", cell, t).isZero();
          } else {
            assertThat(got).as("%s step %d", cell, t).isEqualTo(alone.output().data()[t * 8 + j]);
          }
        }
      }
      for (int d = 0; d < 2; d++) {
        for (int j = 0; j < 4; j++) {
          assertThat(full.hN().data()[(d * 2 + 1) * 4 + j]).isEqualTo(alone.hN().data()[d * 4 + j]);
        }
      }
    }
  }

  @Test
  void sessionStepsEqualTheBatchForward() {
    SplittableRandom rnd = new SplittableRandom(5);
    RecurrentSpec[] specs = {
        RecurrentSpec.builder(CellType.LSTM, 3, 6).numLayers(2).projSize(4).build(),
        RecurrentSpec.builder(CellType.GRU, 3, 6).numLayers(2).build(),
        RecurrentSpec.builder(CellType.GRU, 3, 6).resetAfter(false).build(),
        RecurrentSpec.builder(CellType.RNN_RELU, 3, 6).build(),
        RecurrentSpec.builder(CellType.LSTM, 3, 6).peepholes(true).clip(0.8f).build(),
    };
    for (RecurrentSpec spec : specs) {
      Recurrent r = new Recurrent(spec, 9);
      Tensor x = random(rnd, 7, 1, 3);
      Recurrent.Output o = r.forward(x);
      Session s = r.session();
      int p = spec.outputHiddenSize();
      for (int t = 0; t < 7; t++) {
        float[] step = java.util.Arrays.copyOfRange(x.data(), t * 3, t * 3 + 3);
        float[] h = s.step(step);
        for (int j = 0; j < p; j++) {
          assertThat(h[j]).as("%s step %d", spec.cell(), t)
              .isCloseTo(o.output().data()[t * p + j], org.assertj.core.data.Offset.offset(1e-6f));
        }
      }
    }
  }

  @Test
  void manySessionsShareOneModelAcrossThreads() throws Exception {
    RecurrentSpec spec = RecurrentSpec.builder(CellType.LSTM, 4, 16).numLayers(2).build();
    Recurrent r = new Recurrent(spec, 12);
    int streams = 8;
    int steps = 50;
    SplittableRandom rnd = new SplittableRandom(13);
    float[][][] inputs = new float[streams][steps][4];
    for (float[][] s : inputs) {
      for (float[] x : s) {
        for (int j = 0; j < 4; j++) {
          x[j] = (float) rnd.nextDouble(-1, 1);
        }
      }
    }
    // expected: each stream alone, one after the other
    float[][] expected = new float[streams][];
    for (int s = 0; s < streams; s++) {
      Session one = r.session();
      float[] h = null;
      for (float[] x : inputs[s]) {
        h = one.step(x);
      }
      expected[s] = h.clone();
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<float[]>> results = new java.util.ArrayList<>();
      for (int s = 0; s < streams; s++) {
        final int stream = s;
        results.add(pool.submit(() -> {
          Session mine = r.session();
          float[] h = null;
          for (float[] x : inputs[stream]) {
            h = mine.step(x);
            Thread.yield(); // interleave the streams
          }
          return h.clone();
        }));
      }
      for (int s = 0; s < streams; s++) {
        assertThat(results.get(s).get()).as("stream %d", s).containsExactly(expected[s]);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aSessionStepAllocatesNothingOnceCompiled() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    for (CellType cell : new CellType[] {CellType.LSTM, CellType.GRU, CellType.RNN_TANH}) {
      Session s = new Recurrent(RecurrentSpec.builder(cell, 32, 32).numLayers(2).build(), 1).session();
      float[] x = new float[32];
      java.util.Arrays.fill(x, 0.25f);
      // Until the JIT has compiled the step (scalarising the vector objects) it allocates; on a busy
      // machine compilation may lag, so measure windows of 5,000 steps until one is clean or 20 s pass.
      long id = Thread.currentThread().getId();
      long deadline = System.nanoTime() + 20_000_000_000L;
      double perStep;
      do {
        long before = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < 5_000; i++) {
          s.step(x);
        }
        perStep = (mx.getThreadAllocatedBytes(id) - before) / 5_000.0;
      } while (perStep >= 1.0 && System.nanoTime() < deadline);
      assertThat(perStep).as("%s bytes allocated per step", cell).isLessThan(1.0);
    }
  }

  @Test
  void sessionRefusesAReverseDirection() {
    Recurrent r = new Recurrent(lstm().bidirectional(true).build(), 1);
    assertThatThrownBy(r::session).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("reverse direction");
  }

  /**
   * An inference forward (LSTM: a state-only step, no per-time caches) gives the training forward's
   * bits, for both providers, across workspace changes: inference, training on a longer batch, a
   * backward, then inference on a longer batch still (which drops the caches) and training again.
   */
  @Test
  void inferenceForwardGivesTheTrainingForwardsBits() {
    SplittableRandom rnd = new SplittableRandom(8);
    for (org.rnn4j.internal.kernels.Kernels provider : new org.rnn4j.internal.kernels.Kernels[] {
        KernelProvider.scalar(), KernelProvider.vector()}) {
      for (CellType cell : CellType.values()) {
        RecurrentSpec spec = RecurrentSpec.builder(cell, 7, 33).numLayers(2).bidirectional(true).build();
        Recurrent r = new Recurrent(spec, 12, provider);
        int[][] shapes = {{4, 3}, {9, 5}, {12, 5}, {12, 6}};
        for (int[] tb : shapes) {
          int t = tb[0];
          int b = tb[1];
          Tensor x = random(rnd, t, b, 7);
          Tensor h0 = random(rnd, 4, b, 33);
          Tensor c0 = cell == CellType.LSTM ? random(rnd, 4, b, 33) : null;
          int[] len = new int[b];
          for (int i = 0; i < b; i++) {
            len[i] = 1 + rnd.nextInt(t);
          }
          String what = provider + " " + cell + " T " + t + " B " + b;
          Recurrent.Output infer = r.forward(x, h0, c0, len, false);
          Recurrent.Output train = r.forward(x, h0, c0, len, true);
          assertThat(infer.output().data()).as(what + " output").containsExactly(train.output().data());
          assertThat(infer.hN().data()).as(what + " hN").containsExactly(train.hN().data());
          if (c0 != null) {
            assertThat(infer.cN().data()).as(what + " cN").containsExactly(train.cN().data());
          }
          r.backward(random(rnd, t, b, 66), null, null);
        }
      }
    }
  }

  @Test
  void scalarAndVectorProvidersAgree() {
    SplittableRandom rnd = new SplittableRandom(6);
    for (CellType cell : CellType.values()) {
      RecurrentSpec spec = RecurrentSpec.builder(cell, 19, 37).numLayers(2).bidirectional(true).build();
      Recurrent s = new Recurrent(spec, 11, KernelProvider.scalar());
      Recurrent v = new Recurrent(spec, 11, KernelProvider.vector());
      Tensor x = random(rnd, 9, 5, 19);
      int[] len = {9, 4, 1, 9, 6};
      Recurrent.Output os = s.forward(x, null, null, len, true);
      Recurrent.Output ov = v.forward(x, null, null, len, true);
      assertClose(ov.output().data(), os.output().data(), 2e-5f, cell + " output");
      Tensor g = random(rnd, 9, 5, 74);
      Recurrent.InputGradients gs = s.backward(g, null, null);
      Recurrent.InputGradients gv = v.backward(g, null, null);
      assertClose(gv.input().data(), gs.input().data(), 2e-5f, cell + " dInput");
      assertClose(v.parameterGradients(), s.parameterGradients(), 1e-4f, cell + " dParams");
    }
  }

  @Test
  void dropoutActsOnlyInTrainingAndIsSeeded() {
    RecurrentSpec spec = lstm().numLayers(2).dropout(0.5f).build();
    SplittableRandom rnd = new SplittableRandom(8);
    Tensor x = random(rnd, 4, 2, 3);
    Recurrent a = new Recurrent(spec, 3);
    Recurrent b = new Recurrent(spec, 3);
    Recurrent noDrop = new Recurrent(lstm().numLayers(2).build(), 3);
    assertThat(a.forward(x).output().data()).containsExactly(noDrop.forward(x).output().data());
    float[] ta = a.forward(x, null, null, null, true).output().data();
    float[] tb = b.forward(x, null, null, null, true).output().data();
    assertThat(ta).containsExactly(tb);
    assertThat(ta).isNotEqualTo(noDrop.forward(x).output().data());
  }

  private static void assertClose(float[] actual, float[] expected, float tol, String what) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.length; i++) {
      float scale = Math.max(1f, Math.abs(expected[i]));
      assertThat(Math.abs(actual[i] - expected[i])).as("%s [%d]: %s vs %s", what, i, actual[i], expected[i])
          .isLessThanOrEqualTo(tol * scale);
    }
  }
}
