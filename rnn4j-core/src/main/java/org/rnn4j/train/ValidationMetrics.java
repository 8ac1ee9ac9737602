package org.rnn4j.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnn4j.Model;
import org.rnn4j.data.Dataset;

/**
 * Computes the metrics named in {@link FitOptions#metrics()} on validation data, masking padded steps
 * of variable-length sequences. Stateless and thread-safe (the model is used by the calling thread).
 */
final class ValidationMetrics {
  static final List<String> NAMES =
      List.of("mae", "rmse", "mape", "smape", "accuracy", "top5", "macro_f1", "perplexity", "bpc");

  private ValidationMetrics() {
  }

  static Map<String, Double> compute(List<String> names, Model model, Dataset data, double meanLoss) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (names.isEmpty()) {
      return out;
    }
    float[] pred = model.predict(data).data();
    int u = model.outputFeatures();
    int steps = model.sequenceOutput() ? data.steps() : 1;
    int[] lengths = data.lengths();
    // rows (example, step) that count: valid steps only
    int rows = data.size() * steps;
    boolean[] valid = new boolean[rows];
    int count = 0;
    for (int e = 0; e < data.size(); e++) {
      for (int s = 0; s < steps; s++) {
        boolean ok = steps == 1 || lengths == null || s < lengths[e];
        valid[e * steps + s] = ok;
        count += ok ? 1 : 0;
      }
    }
    float[] p = new float[count * u];
    int k = 0;
    for (int r = 0; r < rows; r++) {
      if (valid[r]) {
        System.arraycopy(pred, r * u, p, k * u, u);
        k++;
      }
    }
    for (String n : names) {
      out.put(n, value(n, p, u, valid, data, meanLoss));
    }
    return out;
  }

  private static double value(String n, float[] p, int u, boolean[] valid, Dataset data, double meanLoss) {
    switch (n) {
      case "perplexity":
        return Metrics.perplexity(meanLoss);
      case "bpc":
        return Metrics.bitsPerCharacter(meanLoss);
      default:
        break;
    }
    boolean regression = n.equals("mae") || n.equals("rmse") || n.equals("mape") || n.equals("smape");
    if (regression) {
      if (data.targetArray() == null) {
        throw new IllegalArgumentException("metric '" + n + "': expected float targets, the data has class labels");
      }
      float[] t = select(data.targetArray(), u, valid);
      switch (n) {
        case "mae":
          return Metrics.mae(p, t);
        case "rmse":
          return Metrics.rmse(p, t);
        case "mape":
          return Metrics.mape(p, t);
        default:
          return Metrics.smape(p, t);
      }
    }
    if (data.classArray() == null) {
      throw new IllegalArgumentException("metric '" + n + "': expected class labels, the data has float targets");
    }
    int[] labels = new int[p.length / u];
    int k = 0;
    for (int r = 0; r < valid.length; r++) {
      if (valid[r]) {
        labels[k++] = data.classArray()[r];
      }
    }
    switch (n) {
      case "accuracy":
        return Metrics.accuracy(p, labels);
      case "top5":
        return Metrics.topK(p, labels, 5);
      default:
        return Metrics.macro(Metrics.confusion(p, labels))[2];
    }
  }

  private static float[] select(float[] all, int u, boolean[] valid) {
    int count = 0;
    for (boolean v : valid) {
      count += v ? 1 : 0;
    }
    float[] out = new float[count * u];
    int k = 0;
    for (int r = 0; r < valid.length; r++) {
      if (valid[r]) {
        System.arraycopy(all, r * u, out, k * u, u);
        k++;
      }
    }
    return out;
  }
}
