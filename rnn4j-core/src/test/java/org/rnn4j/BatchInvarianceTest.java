package org.rnn4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rnn4j.data.Dataset;

/**
 * A row's prediction does not depend on the other rows of its batch, to the last bit: predicting 37
 * padded sequences of different lengths at once gives, for each, exactly what predicting it alone,
 * unpadded, gives (what a server batching requests relies on). Exact equality, not a tolerance: the
 * single-row answers come from separate one-row batches, which take other kernel paths when a product
 * is not batch-invariant (the dense head once took dot products below four rows).
 */
class BatchInvarianceTest {
  private static final int B = 37;
  private static final int T = 20;

  @Test
  void finalStateRowsEqualTheirOneRowPredictions() {
    Model m = Sequential.features(8).lstm(64, o -> o.numLayers(2)).dense(5).build(3);
    SplittableRandom r = new SplittableRandom(1);
    float[] x = new float[B * T * 8];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble(-2, 2);
    }
    int[] len = lengths(r);
    float[] all = m.predict(Dataset.ofFeatures(new Tensor(x, B, T, 8), len, (Tensor) null)).data();
    for (int i = 0; i < B; i++) {
      float[] xi = Arrays.copyOfRange(x, i * T * 8, (i * T + len[i]) * 8);
      float[] one = m.predict(new Tensor(xi, 1, len[i], 8)).data();
      assertThat(Arrays.copyOfRange(all, i * 5, i * 5 + 5)).as("row %d (length %d)", i, len[i]).containsExactly(one);
    }
  }

  @Test
  void sequenceOutputsOfABidirectionalTokenModelEqualTheirOneRowPredictions() {
    Model m = Sequential.embedding(30, 16).gru(32, o -> o.returnSequences(true).bidirectional(true)).dense(30).build(2);
    SplittableRandom r = new SplittableRandom(2);
    int[] tokens = new int[B * T];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = r.nextInt(30);
    }
    int[] len = lengths(r);
    float[] all = m.predict(Dataset.ofTokens(tokens, B, T, len, (int[]) null)).data();
    for (int i = 0; i < B; i++) {
      int[] ti = Arrays.copyOfRange(tokens, i * T, i * T + len[i]);
      float[] one = m.predict(Dataset.ofTokens(ti, 1, len[i], null, (int[]) null)).data();
      assertThat(Arrays.copyOfRange(all, i * T * 30, (i * T + len[i]) * 30)).as("row %d (length %d)", i, len[i])
          .containsExactly(one);
    }
  }

  private static int[] lengths(SplittableRandom r) {
    int[] len = new int[B];
    for (int i = 0; i < B; i++) {
      len[i] = 1 + r.nextInt(T);
    }
    len[0] = T;
    return len;
  }
}
