package org.rnn4j.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnn4j.testing.MiniJson;

/**
 * Replays the optimizer updates PyTorch recorded in {@code conformance/torch/train_lstm_linear_sgd_adam.json}
 * (format {@code rnn-holdout-torch-training/1}): starting from {@code initial_parameters}, our optimizer
 * is fed each step's recorded gradient and must reproduce each step's {@code params_after}. This
 * isolates the update rule from the model's forward and backward.
 */
class TorchOptimizerConformanceTest {

  private static final String CASE = "/conformance/torch/train_lstm_linear_sgd_adam.json";
  private static final Object ROOT = MiniJson.resource(CASE);

  @Test
  void sgdReproducesPyTorchFloat64() {
    // measured: worst error 0.12% of the tolerance
    assertThat(replay("sgd", "float64", Sgd.of(0.1f), 0)).isLessThanOrEqualTo(1);
  }

  @Test
  void adamReproducesPyTorchFloat64() {
    // measured: worst error 0.11% of the tolerance
    assertThat(replay("adam", "float64", new Adam(0.01f, 0.9f, 0.999f, 1e-8f, 0f, false), 0))
        .isLessThanOrEqualTo(1);
  }

  @Test
  void sgdAndAdamReproducePyTorchFloat32WithinAFewUlps() {
    // The float32 runs used float32 gradients and float32 arithmetic, as we do: after five steps
    // every parameter is within 4 float ulps (at its tensor's scale) of PyTorch's. Measured: 2 ulps
    // at most for both (PyTorch's vectorised loops fuse some multiply-adds; we do not).
    assertThat(replay("sgd", "float32", Sgd.of(0.1f), 4)).isLessThanOrEqualTo(1);
    assertThat(replay("adam", "float32", Adam.of(0.01f), 4)).isLessThanOrEqualTo(1);
  }

  @Test
  void theFileDescribesTheOptimizersWeReplay() {
    assertThat((Double) MiniJson.at(ROOT, "optimizers", "sgd", "lr")).isEqualTo(0.1);
    assertThat((Double) MiniJson.at(ROOT, "optimizers", "sgd", "momentum")).isEqualTo(0.0);
    assertThat((Double) MiniJson.at(ROOT, "optimizers", "adam", "lr")).isEqualTo(0.01);
    assertThat(MiniJson.doubles(MiniJson.at(ROOT, "optimizers", "adam", "betas")))
        .containsExactly(0.9, 0.999);
    assertThat((Double) MiniJson.at(ROOT, "optimizers", "adam", "eps")).isEqualTo(1e-8);
  }

  /**
   * Replays one run; {@code ulps == 0} selects the general tolerance, else {@code ulps} float ulps
   * (see {@link #compare}). Returns the worst error as a fraction of the tolerance (asserted <= 1).
   */
  @SuppressWarnings("unchecked")
  private static double replay(String run, String dtype, OptimizerSpec spec, int ulps) {
    List<Object> initial = (List<Object>) MiniJson.at(ROOT, "initial_parameters");
    List<String> names = new ArrayList<>();
    List<float[]> params = new ArrayList<>();
    for (Object o : initial) {
      names.add((String) ((Map<String, Object>) o).get("name"));
      params.add(toFloats(MiniJson.doubles(o)));
    }
    List<Optimizer> opts = new ArrayList<>();
    for (float[] p : params) {
      opts.add(spec.create(p.length)); // PyTorch keeps per-tensor state: one optimizer per tensor
    }
    List<Object> steps = (List<Object>) MiniJson.at(ROOT, "runs", run, dtype, "steps");
    assertThat(steps).hasSize(5);
    double worst = 0;
    for (int k = 0; k < steps.size(); k++) {
      Object step = steps.get(k);
      for (int j = 0; j < names.size(); j++) {
        String name = names.get(j);
        float[] grad = toFloats(MiniJson.doubles(MiniJson.at(step, "grad", name)));
        opts.get(j).step(params.get(j), grad);
        double[] expected = MiniJson.doubles(MiniJson.at(step, "params_after", name));
        String what = run + "/" + dtype + " step " + (k + 1) + " " + name;
        worst = Math.max(worst, compare(params.get(j), expected, what, ulps));
      }
    }
    return worst;
  }

  /**
   * Tolerance 1e-5 * max(1, max|e|) + 1e-4 * |e| per element, max over the tensor; or, when
   * {@code ulps} is positive, {@code ulps} float ulps of the tensor's largest |e| (an update rounds at
   * the scale of the parameters it moves, so a parameter near 0 is judged at that scale). Returns
   * the worst error / tolerance.
   */
  private static double compare(float[] actual, double[] expected, String what, int ulps) {
    assertThat(actual).as(what).hasSize(expected.length);
    double maxAbsRaw = 0;
    for (double e : expected) {
      maxAbsRaw = Math.max(maxAbsRaw, Math.abs(e));
    }
    double maxAbs = Math.max(1, maxAbsRaw);
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      double tol = ulps > 0 ? ulps * Math.ulp((float) maxAbsRaw) : 1e-5 * maxAbs + 1e-4 * Math.abs(expected[i]);
      double err = Math.abs(actual[i] - expected[i]);
      assertThat(err).as("%s [%d]: got %s, PyTorch %s", what, i, actual[i], expected[i]).isLessThanOrEqualTo(tol);
      worst = Math.max(worst, err / tol);
    }
    return worst;
  }

  private static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }
}
