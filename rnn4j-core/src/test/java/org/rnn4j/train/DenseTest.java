package org.rnn4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Dense (nn.Linear) forward and backward against naive double-precision loops. */
class DenseTest {

  private static float[] random(SplittableRandom r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextDouble(-1, 1);
    }
    return a;
  }

  private static void assertClose(float[] actual, double[] expected, int n, String what) {
    for (int i = 0; i < n; i++) {
      assertThat(Math.abs(actual[i] - expected[i])).as("%s[%d]: %s vs %s", what, i, actual[i], expected[i])
          .isLessThanOrEqualTo(2e-5 * Math.max(1, Math.abs(expected[i])));
    }
  }

  @Test
  void forwardAndBackwardMatchNaiveLoops() {
    SplittableRandom r = new SplittableRandom(21);
    int[][] sizes = {{1, 1, 1}, {4, 3, 2}, {7, 17, 5}, {33, 16, 31}, {5, 40, 1}};
    for (int[] s : sizes) {
      int rows = s[0];
      int in = s[1];
      int out = s[2];
      float[] x = random(r, rows * in);
      float[] w = random(r, out * in);
      float[] b = random(r, out);
      float[] dy = random(r, rows * out);
      String what = Arrays.toString(s);

      float[] y = new float[rows * out];
      Arrays.fill(y, Float.NaN); // y is written, not accumulated
      Dense.forward(x, rows, in, w, b, out, y);
      double[] yRef = new double[rows * out];
      for (int i = 0; i < rows; i++) {
        for (int o = 0; o < out; o++) {
          double acc = b[o];
          for (int k = 0; k < in; k++) {
            acc += (double) x[i * in + k] * w[o * in + k];
          }
          yRef[i * out + o] = acc;
        }
      }
      assertClose(y, yRef, rows * out, what + " y");

      float[] yNoBias = new float[rows * out];
      Arrays.fill(yNoBias, Float.NaN);
      Dense.forward(x, rows, in, w, null, out, yNoBias);
      for (int i = 0; i < rows; i++) {
        for (int o = 0; o < out; o++) {
          yRef[i * out + o] -= b[o];
        }
      }
      assertClose(yNoBias, yRef, rows * out, what + " y without bias");

      // backward: dx written (NaN before), dW and db accumulated onto what they held
      float[] dx = new float[rows * in];
      Arrays.fill(dx, Float.NaN);
      float[] dw = random(r, out * in);
      float[] db = random(r, out);
      double[] dwRef = new double[out * in];
      double[] dbRef = new double[out];
      for (int i = 0; i < dw.length; i++) {
        dwRef[i] = dw[i];
      }
      for (int i = 0; i < out; i++) {
        dbRef[i] = db[i];
      }
      double[] dxRef = new double[rows * in];
      for (int i = 0; i < rows; i++) {
        for (int o = 0; o < out; o++) {
          double g = dy[i * out + o];
          dbRef[o] += g;
          for (int k = 0; k < in; k++) {
            dxRef[i * in + k] += g * w[o * in + k];
            dwRef[o * in + k] += g * x[i * in + k];
          }
        }
      }
      Dense.backward(x, rows, in, w, out, dy, dx, dw, db);
      assertClose(dx, dxRef, rows * in, what + " dx");
      assertClose(dw, dwRef, out * in, what + " dW");
      assertClose(db, dbRef, out, what + " db");

      // without dx and db: dW accumulates once more, by the same product as from zero
      float[] dw2 = dw.clone();
      Dense.backward(x, rows, in, w, out, dy, null, dw2, null);
      float[] dwTwice = new float[out * in];
      Dense.backward(x, rows, in, w, out, dy, null, dwTwice, null);
      for (int i = 0; i < out * in; i++) {
        assertThat(dw2[i]).isCloseTo(dw[i] + dwTwice[i], org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  @Test
  void wrongSizesNameTheArrayAndBothSizes() {
    assertThatThrownBy(() -> Dense.forward(new float[5], 2, 3, new float[6], null, 2, new float[4]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Dense: expected x of at least 6 values [2, 3], got 5");
    assertThatThrownBy(() -> Dense.forward(new float[6], 2, 3, new float[6], new float[1], 2, new float[4]))
        .hasMessage("Dense: expected b of at least 2 values [1, 2], got 1");
    assertThatThrownBy(() -> Dense.backward(new float[6], 2, 3, new float[6], 2, new float[4], null, null, null))
        .hasMessage("Dense: expected dw [2, 3], got null");
    assertThatThrownBy(() -> Dense.forward(new float[6], 2, 0, new float[6], null, 2, new float[4]))
        .hasMessageContaining("expected rows >= 0, in >= 1, out >= 1, got rows 2, in 0, out 2");
  }
}
