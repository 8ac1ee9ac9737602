package org.rnn4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rnn4j.data.Dataset;
import org.rnn4j.nn.Loss;

/**
 * The two directions of a bidirectional layer run on one core each when there are two: the outputs
 * and the gradients are the same bits as with one thread, for every cell, stacked, with lengths.
 */
class DirectionsInParallelTest {

  @Test
  void bidirectionalStacksGiveTheSameBitsAtOneAndTwoThreads() {
    int before = Engine.threads();
    try {
      for (String cell : new String[] {"lstm", "gru", "rnn"}) {
        Sequential s = switch (cell) {
          case "lstm" -> Sequential.features(5)
              .lstm(24, o -> o.numLayers(2).bidirectional(true).recurrentDropout(0.2f)).dense(3);
          case "gru" -> Sequential.features(5).gru(24, o -> o.numLayers(2).bidirectional(true).dropout(0.1f))
              .dense(3);
          default -> Sequential.features(5).recurrent(org.rnn4j.nn.CellType.RNN_TANH, 24,
              o -> o.bidirectional(true).returnSequences(true)).dense(3);
        };
        Model m = s.loss(Loss.MSE).build(7);
        SplittableRandom r = new SplittableRandom(1);
        int n = 6;
        int t = 40;
        float[] x = new float[n * t * 5];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) r.nextDouble(-1, 1);
        }
        int[] lengths = {40, 13, 1, 27, 40, 39};
        int out = m.sequenceOutput() ? t * 3 : 3;
        float[] y = new float[n * out];
        for (int i = 0; i < y.length; i++) {
          y[i] = (float) r.nextDouble(-1, 1);
        }
        Dataset d = Dataset.ofFeatures(new Tensor(x, n, t, 5), lengths,
            m.sequenceOutput() ? new Tensor(y, n, t, 3) : new Tensor(y, n, 3));
        int[] order = {0, 1, 2, 3, 4, 5};
        Engine.setThreads(1);
        float[] p1 = m.predict(d, n).data().clone();
        double l1 = m.computeGradients(d, order, 0, n, 3);
        float[] g1 = m.parameterGradients().clone();
        Engine.setThreads(Engine.maxThreads());
        float[] p2 = m.predict(d, n).data().clone();
        double l2 = m.computeGradients(d, order, 0, n, 3);
        float[] g2 = m.parameterGradients().clone();
        assertThat(p2).as(cell + " predict").containsExactly(p1);
        assertThat(l2).as(cell + " loss").isEqualTo(l1);
        assertThat(g2).as(cell + " gradients").containsExactly(g1);
      }
    } finally {
      Engine.setThreads(before);
    }
  }
}
