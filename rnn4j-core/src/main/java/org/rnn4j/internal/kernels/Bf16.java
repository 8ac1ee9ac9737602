package org.rnn4j.internal.kernels;

/**
 * bfloat16: the upper 16 bits of a float32 (sign, the same 8 exponent bits, 7 mantissa bits), the
 * storage of weights for an inference step that streams half the bytes. A bf16 value widens to the
 * float with those upper bits and zero lower bits, exactly. Stateless and thread-safe.
 */
public final class Bf16 {
  private Bf16() {
  }

  /** The nearest bf16 (ties to even) of a finite float; NaN stays NaN. */
  public static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x40); // quiet, whatever the lower bits held
    }
    int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
    return (short) (rounded >>> 16);
  }

  /** The float a bf16 value stands for (exact). */
  public static float toFloat(short b) {
    return Float.intBitsToFloat((b & 0xFFFF) << 16);
  }
}
