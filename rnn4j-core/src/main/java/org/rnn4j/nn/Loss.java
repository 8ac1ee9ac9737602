package org.rnn4j.nn;

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
 *   <li>{@link Kind#CROSS_ENTROPY_ONE_HOT}: the same with one-hot (or soft) float targets.
 * </ul>
 *
 * @param kind  the function
 * @param delta Huber's threshold (ignored otherwise)
 */
public record Loss(Kind kind, float delta) {

  /** The loss functions. */
  public enum Kind {
    MSE, MAE, HUBER, BCE_WITH_LOGITS, CROSS_ENTROPY, CROSS_ENTROPY_ONE_HOT
  }

  public static final Loss MSE = new Loss(Kind.MSE, 1f);
  public static final Loss MAE = new Loss(Kind.MAE, 1f);
  public static final Loss BCE_WITH_LOGITS = new Loss(Kind.BCE_WITH_LOGITS, 1f);
  public static final Loss CROSS_ENTROPY = new Loss(Kind.CROSS_ENTROPY, 1f);
  public static final Loss CROSS_ENTROPY_ONE_HOT = new Loss(Kind.CROSS_ENTROPY_ONE_HOT, 1f);

  public Loss {
    Specs.require(kind != null, "loss: kind is null");
    Specs.require(delta > 0f && Float.isFinite(delta), "loss: expected Huber delta > 0, got " + delta);
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
