package org.rnn4j.io;

/**
 * IEEE 754 binary16 (half precision) to float32, for the readers of files that store halves
 * (safetensors F16, torch HalfStorage, ONNX FLOAT16); {@code Float.float16ToFloat} came after Java 17.
 * Stateless and thread-safe.
 */
public final class Float16 {
  private Float16() {
  }

  /** The float value of the half whose 16 bits are {@code bits}. */
  public static float toFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      // subnormal half: value = mant * 2^-24
      float v = mant * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }
}
