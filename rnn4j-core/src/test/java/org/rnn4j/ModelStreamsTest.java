package org.rnn4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rnn4j.data.Dataset;
import org.rnn4j.nn.DenseActivation;
import org.rnn4j.nn.Loss;
import org.rnn4j.nn.PoolingSpec;

/**
 * Streams stepped together give each stream, bit for bit, what {@code Model.predict} gives on that
 * stream's sequence so far, whatever subset and order are stepped and as streams come and go.
 */
class ModelStreamsTest {

  /** The model's output after the last step of one sequence (the last step's row for a sequence model). */
  private static float[] lastOutput(Model m, float[] out) {
    int u = m.outputFeatures();
    return Arrays.copyOfRange(out, out.length - u, out.length);
  }

  /**
   * Random rounds: a random subset of the open streams in a random order is stepped, and now and then
   * a stream is closed and another opened; every row is checked against predict on its history.
   */
  private static void checkAgainstPredict(Model m, boolean tokens, int vocab, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int f = m.spec().inputFeatures();
    ModelStreams streams = m.streams(2); // grows past 2 on the way
    Map<Integer, List<Float>> history = new HashMap<>();
    List<Integer> open = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int h = streams.open();
      open.add(h);
      history.put(h, new ArrayList<>());
    }
    int checked = 0;
    for (int round = 0; round < 14; round++) {
      if (round % 4 == 3) { // one leaves, one comes
        Integer gone = open.remove(r.nextInt(open.size()));
        streams.close(gone);
        history.remove(gone);
        int h = streams.open();
        open.add(h);
        history.put(h, new ArrayList<>());
      }
      List<Integer> order = new ArrayList<>(open);
      Collections.shuffle(order, new java.util.Random(r.nextLong()));
      int n = 1 + r.nextInt(order.size());
      int[] handles = order.stream().mapToInt(Integer::intValue).toArray();
      float[] x = new float[n * f];
      int[] ids = new int[n];
      for (int i = 0; i < n; i++) {
        List<Float> hist = history.get(handles[i]);
        if (tokens) {
          ids[i] = r.nextInt(vocab);
          hist.add((float) ids[i]);
        } else {
          for (int j = 0; j < f; j++) {
            x[i * f + j] = (float) r.nextDouble(-1, 1);
            hist.add(x[i * f + j]);
          }
        }
      }
      float[] out = tokens ? streams.step(handles, n, ids) : streams.step(handles, n, x);
      int u = streams.outputSize();
      assertThat(u).isEqualTo(m.outputFeatures());
      for (int i = 0; i < n; i++) {
        List<Float> hist = history.get(handles[i]);
        float[] expected;
        if (tokens) {
          int[] seq = hist.stream().mapToInt(Float::intValue).toArray();
          expected = lastOutput(m, m.predict(Dataset.ofTokens(seq, 1, seq.length, null, (int[]) null)).data());
        } else {
          float[] seq = new float[hist.size()];
          for (int j = 0; j < seq.length; j++) {
            seq[j] = hist.get(j);
          }
          expected = lastOutput(m, m.predict(new Tensor(seq, 1, seq.length / f, f)).data());
        }
        assertThat(Arrays.copyOfRange(out, i * u, (i + 1) * u))
            .as("round %d, stream %d (row %d of %d), after %d steps", round, handles[i], i, n,
                tokens ? hist.size() : hist.size() / f)
            .containsExactly(expected);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(30);
    assertThat(streams.size()).isEqualTo(6);
  }

  @Test
  void featureLstmStackWithProjectionEqualsPredictBitForBit() {
    Model m = Sequential.features(3).lstm(9, o -> o.numLayers(2).projSize(5).returnSequences(true))
        .dense(4, DenseActivation.TANH).build(11);
    checkAgainstPredict(m, false, 0, 1);
  }

  @Test
  void tokenGruLanguageModelEqualsPredictBitForBit() {
    Model m = Sequential.embedding(13, 6).gru(8, o -> o.returnSequences(true)).dropout(0.3f).dense(13)
        .loss(Loss.CROSS_ENTROPY).build(5);
    checkAgainstPredict(m, true, 13, 2);
  }

  @Test
  void finalStateAndPoolingModelsEqualPredictBitForBit() {
    // the rnn keeps its final state only: after step t a stream's output is predict on its first t steps
    checkAgainstPredict(Sequential.features(2).gru(6, o -> o.returnSequences(true)).rnn(5).dense(3).build(4),
        false, 0, 3);
    checkAgainstPredict(Sequential.features(4).lstm(7, o -> o.returnSequences(true))
        .pooling(PoolingSpec.Mode.MEAN).dense(2).build(8), false, 0, 4);
  }

  @Test
  void aStreamMatchesItsOwnSession() {
    Model m = Sequential.features(3).lstm(10).dense(2).build(3);
    ModelStreams streams = m.streams(4);
    int a = streams.open();
    int b = streams.open();
    ModelSession s = m.session();
    SplittableRandom r = new SplittableRandom(7);
    for (int t = 0; t < 20; t++) {
      float[] x = new float[6];
      for (int j = 0; j < 6; j++) {
        x[j] = (float) r.nextDouble(-1, 1);
      }
      float[] out = streams.step(new int[] {b, a}, 2, x);
      float[] one = s.step(Arrays.copyOfRange(x, 3, 6)); // stream a is row 1
      assertThat(out[2]).isCloseTo(one[0], org.assertj.core.data.Offset.offset(2e-5f));
      assertThat(out[3]).isCloseTo(one[1], org.assertj.core.data.Offset.offset(2e-5f));
    }
    streams.reset(a);
    s.reset();
    float[] x = {0.5f, -0.5f, 0.25f};
    assertThat(streams.step(new int[] {a}, 1, x)[0]).isCloseTo(s.step(x)[0],
        org.assertj.core.data.Offset.offset(2e-5f));
  }

  @Test
  void refusesWhatItCannotStep() {
    Model bi = Sequential.features(2).lstm(4, o -> o.bidirectional(true)).dense(2).build(0);
    assertThatThrownBy(() -> bi.streams(1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("layer 'lstm' reads the sequence backwards");
    ModelStreams f = Sequential.features(2).lstm(3).dense(1).build(0).streams(1);
    int a = f.open();
    int b = f.open();
    assertThatThrownBy(() -> f.step(new int[] {a, b, a}, 3, new float[6]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stream " + a + " is listed twice (at 0 and 2)");
    assertThatThrownBy(() -> f.step(new int[] {a, b}, 2, new float[3]))
        .hasMessageContaining("expected 2 x 2 = 4 input values, got 3");
    assertThatThrownBy(() -> f.step(new int[] {a}, 1, new int[] {0})).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("takes 2 features per step");
    f.close(b);
    assertThatThrownBy(() -> f.step(new int[] {b}, 1, new float[2]))
        .hasMessageContaining("step: expected an open stream's handle, got " + b + " (closed)");
    assertThatThrownBy(() -> f.close(b)).hasMessageContaining("close: expected an open stream's handle");
    assertThatThrownBy(() -> f.reset(99)).hasMessageContaining("got 99");
    assertThat(f.isOpen(a)).isTrue();
    assertThat(f.isOpen(b)).isFalse();
    assertThat(f.size()).isEqualTo(1);
    ModelStreams t = Sequential.embedding(5, 3).gru(4).dense(2).build(0).streams(0);
    int s = t.open();
    assertThatThrownBy(() -> t.step(new int[] {s}, 1, new int[] {5}))
        .hasMessageContaining("expected token ids in [0, 5), got 5 at 0");
    assertThatThrownBy(() -> t.step(new int[] {s}, 1, new float[3])).hasMessageContaining("takes token ids");
    assertThatThrownBy(() -> bi.streams(-1)).hasMessageContaining("expected a capacity >= 0, got -1");
  }

  @Test
  void closingMovesTheLastStreamWithItsState() {
    Model m = Sequential.features(1).gru(5).dense(1).build(2);
    ModelStreams streams = m.streams(3);
    int[] h = {streams.open(), streams.open(), streams.open()};
    float[] x = {0.1f, 0.2f, 0.3f};
    float[] first = streams.step(h, 3, x).clone();
    streams.close(h[0]); // the last stream (h[2]) takes row 0
    float[] second = streams.step(new int[] {h[2]}, 1, new float[] {0.3f}).clone();
    float[] expected = lastOutput(m, m.predict(new Tensor(new float[] {0.3f, 0.3f}, 1, 2, 1)).data());
    assertThat(second[0]).isEqualTo(expected[0]);
    assertThat(first[2]).isEqualTo(lastOutput(m, m.predict(new Tensor(new float[] {0.3f}, 1, 1, 1)).data())[0]);
    int again = streams.open(); // a closed handle may come back, at the zero state
    assertThat(again).isEqualTo(h[0]);
    assertThat(streams.step(new int[] {again}, 1, new float[] {0.3f})[0]).isEqualTo(first[2]);
  }
}
