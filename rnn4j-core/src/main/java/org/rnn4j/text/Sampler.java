package org.rnn4j.text;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Draws the next token from a model's output scores (logits): softmax at a temperature, optionally
 * restricted to the {@code k} most likely tokens (top-k) and/or to the smallest set of most likely
 * tokens whose probabilities add up to at least {@code p} (top-p, nucleus sampling); the kept
 * probabilities are renormalized and one token is drawn. Top-k applies first, then top-p on what is
 * left. Ties are broken towards the lower id, so everything is a function of the logits and the seed:
 * the same seed gives the same draws.
 *
 * <ul>
 *   <li>temperature: > 0; below 1 sharpens (0.01 is nearly greedy), above 1 flattens; default 1;
 *   <li>topK: 0 = off (default), or >= 1 ({@code topK(1)} is greedy decoding);
 *   <li>topP: in (0, 1]; 1 = off (default).
 * </ul>
 *
 * <p>Not thread-safe: it holds its random generator and a scratch buffer; use one per thread.
 */
public final class Sampler {
  /** The largest vocabulary a sampler draws from (ids are packed into 20 bits while sorting). */
  public static final int MAX_TOKENS = 1 << 20;

  private final float temperature;
  private final int topK;
  private final float topP;
  private final long seed;
  private final SplittableRandom random;
  private double[] probs = new double[0];
  private long[] order = new long[0];

  private Sampler(float temperature, int topK, float topP, long seed) {
    if (!(temperature > 0f) || !Float.isFinite(temperature)) {
      throw new IllegalArgumentException("sampler: expected a temperature > 0, got " + temperature
          + " (for nearly greedy choices use a small temperature such as 0.05, or top-k 1)");
    }
    if (topK < 0) {
      throw new IllegalArgumentException("sampler: expected top-k >= 1, or 0 for off, got " + topK);
    }
    if (!(topP > 0f && topP <= 1f)) {
      throw new IllegalArgumentException("sampler: expected top-p in (0, 1] (1 = off), got " + topP);
    }
    this.temperature = temperature;
    this.topK = topK;
    this.topP = topP;
    this.seed = seed;
    this.random = new SplittableRandom(seed);
  }

  /** A builder: temperature 1, top-k off, top-p off, seed 0. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Sampler}; values are checked by {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private float temperature = 1f;
    private int topK;
    private float topP = 1f;
    private long seed;

    private Builder() {
    }

    public Builder temperature(float v) {
      temperature = v;
      return this;
    }

    public Builder topK(int v) {
      topK = v;
      return this;
    }

    public Builder topP(float v) {
      topP = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /**
     * A new sampler (with a fresh random generator from the seed).
     *
     * @throws IllegalArgumentException for temperature <= 0, top-k < 0 or top-p outside (0, 1]
     */
    public Sampler build() {
      return new Sampler(temperature, topK, topP, seed);
    }
  }

  public float temperature() {
    return temperature;
  }

  public int topK() {
    return topK;
  }

  public float topP() {
    return topP;
  }

  public long seed() {
    return seed;
  }

  /**
   * Draws one id in [0, logits.length).
   *
   * @param logits scores, one per token (read, not kept)
   * @throws IllegalArgumentException for no logits or a non-finite one
   */
  public int sample(float[] logits) {
    int n = logits == null ? 0 : logits.length;
    if (n == 0) {
      throw new IllegalArgumentException("sampler: expected at least one logit, got none");
    }
    if (n > MAX_TOKENS) {
      throw new IllegalArgumentException("sampler: expected at most " + MAX_TOKENS + " logits, got " + n);
    }
    if (probs.length != n) {
      probs = new double[n];
      order = new long[n];
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      if (!Float.isFinite(logits[i])) {
        throw new IllegalArgumentException("sampler: expected finite logits, got " + logits[i] + " at " + i);
      }
      max = Math.max(max, logits[i]);
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      probs[i] = Math.exp((logits[i] - max) / temperature);
      sum += probs[i];
    }
    int keep = n;
    if ((topK > 0 && topK < n) || topP < 1f) {
      // ids by decreasing probability, ties to the lower id: sort keys (probability bits, n-1-id)
      for (int i = 0; i < n; i++) {
        // a probability >= 0 has its sign bit clear, so its top 43 bits order like its value
        long bits = Double.doubleToLongBits(probs[i] / sum) >>> 20;
        order[i] = (bits << 20) | (n - 1 - i);
      }
      Arrays.sort(order, 0, n);
      if (topK > 0) {
        keep = Math.min(keep, topK);
      }
      double kept = 0;
      for (int k = 0; k < keep; k++) {
        kept += probs[id(n - 1 - k, n)];
      }
      if (topP < 1f) {
        double cum = 0;
        int k = 0;
        while (k < keep) {
          cum += probs[id(n - 1 - k, n)] / kept;
          k++;
          if (cum >= topP) {
            break;
          }
        }
        keep = k;
        kept = 0;
        for (int j = 0; j < keep; j++) {
          kept += probs[id(n - 1 - j, n)];
        }
      }
      // draw among the kept ids, walked in decreasing probability
      double u = random.nextDouble() * kept;
      for (int k = 0; k < keep; k++) {
        int id = id(n - 1 - k, n);
        u -= probs[id];
        if (u < 0) {
          return id;
        }
      }
      return id(n - keep, n);
    }
    double u = random.nextDouble() * sum;
    for (int i = 0; i < n; i++) {
      u -= probs[i];
      if (u < 0) {
        return i;
      }
    }
    for (int i = n - 1; i >= 0; i--) { // rounding left u >= 0: the last id with weight
      if (probs[i] > 0) {
        return i;
      }
    }
    return n - 1;
  }

  private int id(int sortedIndex, int n) {
    return n - 1 - (int) (order[sortedIndex] & 0xFFFFF);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "Sampler(temperature %s, top-k %s, top-p %s, seed %d)", temperature,
        topK == 0 ? "off" : Integer.toString(topK), topP == 1f ? "off" : Float.toString(topP), seed);
  }
}
