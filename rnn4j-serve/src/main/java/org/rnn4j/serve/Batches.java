package org.rnn4j.serve;

import java.util.List;
import org.rnn4j.Model;
import org.rnn4j.Tensor;
import org.rnn4j.data.Dataset;

/**
 * Assembles requests into one padded batch and cuts the batch's output back into each request's own,
 * for the request batcher (the stream batcher shares {@link #fail}). Rows keep their lengths, and the
 * model's products are batch-invariant, so a request's answer is, to the last bit, what {@code
 * Model.predict} gives on that request alone. Thread-safe: stateless.
 */
final class Batches {
  private Batches() {}

  /** The requests as one dataset of {@code sum(rows)} rows padded to the longest request's steps. */
  static Dataset assemble(Model model, List<Rows> jobs) {
    int n = 0;
    int t = 1;
    for (Rows j : jobs) {
      n += j.rows;
      t = Math.max(t, j.steps);
    }
    int[] lengths = new int[n];
    boolean tokens = model.spec().tokenInput();
    int f = model.spec().inputFeatures();
    float[] x = tokens ? null : new float[n * t * f];
    int[] ids = tokens ? new int[n * t] : null;
    int row = 0;
    for (Rows j : jobs) {
      for (int r = 0; r < j.rows; r++, row++) {
        lengths[row] = j.lengths[r];
        if (tokens) {
          System.arraycopy(j.tokens, r * j.steps, ids, row * t, j.steps);
        } else {
          System.arraycopy(j.features, r * j.steps * f, x, row * t * f, j.steps * f);
        }
      }
    }
    return tokens ? Dataset.ofTokens(ids, n, t, lengths, (int[]) null)
        : Dataset.ofFeatures(new Tensor(x, n, t, f), lengths, (Tensor) null);
  }

  /** Completes each request with its rows of the batch's output ({@code [N, U]} or {@code [N, T, U]}). */
  static void complete(Model model, List<Rows> jobs, Tensor out) {
    int u = model.outputFeatures();
    boolean seq = model.sequenceOutput();
    int t = seq ? out.dim(1) : 1;
    float[] all = out.data();
    int row = 0;
    for (Rows j : jobs) {
      if (seq) {
        float[] mine = new float[j.rows * j.steps * u];
        for (int r = 0; r < j.rows; r++) {
          System.arraycopy(all, (row + r) * t * u, mine, r * j.steps * u, j.steps * u);
        }
        j.result.complete(new Tensor(mine, j.rows, j.steps, u));
      } else {
        float[] mine = new float[j.rows * u];
        System.arraycopy(all, row * u, mine, 0, mine.length);
        j.result.complete(new Tensor(mine, j.rows, u));
      }
      row += j.rows;
    }
  }

  /** Completes every request of a batch that failed with the batch's error. */
  static void fail(List<Rows> jobs, RuntimeException e) {
    for (Rows j : jobs) {
      j.result.completeExceptionally(e);
    }
  }
}
