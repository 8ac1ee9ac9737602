package org.rnn4j.nn;

import java.util.List;

import java.util.Locale;

/**
 * The training objective of a model, mean-reduced over every valid target element (padded steps of a
 * variable-length batch are masked out). Immutable and thread-safe.
 *
 * <ul>
 *   <li>{@link Kind#MSE}, {@link Kind#MAE}, {@link Kind#HUBER} (PyTorch's {@code HuberLoss(delta)}):
 *       float targets shaped like the output;
 *   <li>{@link Kind#BCE_WITH_LOGITS}: float targets in [0, 1], outputs are logits;
 *   <li>{@link Kind#CROSS_ENTROPY}: integer class indices (one per output vector), outputs are logits
 *       over the classes (PyTorch's {@code cross_entropy});
 *   <li>{@link Kind#CROSS_ENTROPY_ONE_HOT}: the same with one-hot (or soft) float targets;
 *   <li>{@link Kind#QUANTILE}: the pinball (quantile) loss of Koenker and Bassett for the levels in
 *       {@code quantiles}: output column {@code j} forecasts quantile {@code quantiles[j % Q]} of its
 *       target ({@code (1 - q)(f - y)} when it is above the target, {@code q (y - f)} when below), so a
 *       model forecasting Q quantiles of H steps has {@code H * Q} outputs, step-major, and targets
 *       repeated Q times per step.
 * </ul>
 *
 * @param kind      the function
 * @param delta     Huber's threshold (ignored otherwise)
 * @param quantiles the quantile levels of {@link Kind#QUANTILE}, each in (0, 1) (empty otherwise)
 */
public record Loss(Kind kind, float delta, List<Float> quantiles) {

  /** The loss functions. */
  public enum Kind {
    MSE, MAE, HUBER, BCE_WITH_LOGITS, CROSS_ENTROPY, CROSS_ENTROPY_ONE_HOT, QUANTILE
  }

  public static final Loss MSE = new Loss(Kind.MSE, 1f);
  public static final Loss MAE = new Loss(Kind.MAE, 1f);
  public static final Loss BCE_WITH_LOGITS = new Loss(Kind.BCE_WITH_LOGITS, 1f);
  public static final Loss CROSS_ENTROPY = new Loss(Kind.CROSS_ENTROPY, 1f);
  public static final Loss CROSS_ENTROPY_ONE_HOT = new Loss(Kind.CROSS_ENTROPY_ONE_HOT, 1f);

  public Loss {
    Specs.require(kind != null, "loss: kind is null");
    Specs.require(delta > 0f && Float.isFinite(delta), "loss: expected Huber delta > 0, got " + delta);
    quantiles = quantiles == null ? List.of() : List.copyOf(quantiles);
    Specs.require(kind != Kind.QUANTILE || !quantiles.isEmpty(), "loss: expected quantile levels, got none");
    for (float q : quantiles) {
      Specs.require(q > 0f && q < 1f, "loss: expected quantile levels in (0, 1), got " + q);
    }
  }

  /** A loss without quantile levels. */
  public Loss(Kind kind, float delta) {
    this(kind, delta, List.of());
  }

  /** The pinball loss for these quantile levels, each in (0, 1). */
  public static Loss quantile(List<Float> levels) {
    return new Loss(Kind.QUANTILE, 1f, levels);
  }

  /** Huber loss with threshold {@code delta}. */
  public static Loss huber(float delta) {
    return new Loss(Kind.HUBER, delta);
  }

  /** True when targets are class indices rather than floats. */
  public boolean usesClassIndices() {
    return kind == Kind.CROSS_ENTROPY;
  }

  /**
   * Parses {@code mse, mae, huber, bce, cross_entropy, cross_entropy_one_hot} (any case).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Loss parse(String s) {
    switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
      case "mse":
        return MSE;
      case "mae":
      case "l1":
        return MAE;
      case "huber":
        return huber(1f);
      case "bce":
      case "bce_with_logits":
        return BCE_WITH_LOGITS;
      case "cross_entropy":
      case "ce":
        return CROSS_ENTROPY;
      case "cross_entropy_one_hot":
        return CROSS_ENTROPY_ONE_HOT;
      default:
        throw new IllegalArgumentException("loss: expected one of mse, mae, huber, bce, cross_entropy,"
            + " cross_entropy_one_hot, got '" + s + "'");
    }
  }
}
