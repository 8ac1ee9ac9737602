package org.rnn4j.data;

/**
 * How a series is cut into forecasting examples: each window has {@code lookback} consecutive input
 * rows and, right after its last input row, {@code horizon} target rows ({@code horizon = 1}: next-step
 * forecasting; {@code horizon = k}: the next k values, multi-step). Consecutive windows start {@code
 * stride} rows apart. Immutable and thread-safe.
 *
 * @param lookback input rows per window, >= 1
 * @param horizon  target rows per window, >= 1
 * @param stride   rows between the starts of consecutive windows, >= 1
 */
public record WindowSpec(int lookback, int horizon, int stride) {
  /** Validates the three sizes. */
  public WindowSpec {
    if (lookback < 1 || horizon < 1 || stride < 1) {
      throw new IllegalArgumentException("WindowSpec: expected lookback >= 1, horizon >= 1 and stride >= 1, got"
          + " lookback " + lookback + ", horizon " + horizon + ", stride " + stride);
    }
  }

  /** Next-step forecasting from the last {@code lookback} rows, a window ending at every row. */
  public static WindowSpec nextStep(int lookback) {
    return new WindowSpec(lookback, 1, 1);
  }

  /** Rows one window spans: {@code lookback + horizon}. */
  public int span() {
    return lookback + horizon;
  }
}
