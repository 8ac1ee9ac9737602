package org.rnn4j.interop.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.rnn4j.Tensor;
import org.rnn4j.interop.ImportException;
import org.rnn4j.interop.onnx.proto.Onnx;

/**
 * A value flowing through an ONNX graph: a shape and either float values (FLOAT, DOUBLE, FLOAT16,
 * BFLOAT16 elements, computed in float32) or integer values (INT64, INT32, ..., BOOL, kept as long).
 * The element type is the ONNX {@code TensorProto.DataType} number. Arrays are not copied: treat
 * them as read-only. Immutable by convention and safe to share between threads once built.
 */
public final class OnnxTensor {
  public static final int FLOAT = 1;
  public static final int UINT8 = 2;
  public static final int INT8 = 3;
  public static final int UINT16 = 4;
  public static final int INT16 = 5;
  public static final int INT32 = 6;
  public static final int INT64 = 7;
  public static final int STRING = 8;
  public static final int BOOL = 9;
  public static final int FLOAT16 = 10;
  public static final int DOUBLE = 11;
  public static final int UINT32 = 12;
  public static final int UINT64 = 13;
  public static final int BFLOAT16 = 16;

  /** Largest element count accepted for one tensor (1 GiB of float32). */
  public static final long MAX_ELEMENTS = 1L << 28;

  private final int dataType;
  private final int[] shape;
  private final float[] floats;
  private final long[] longs;

  private OnnxTensor(int dataType, int[] shape, float[] floats, long[] longs) {
    this.dataType = dataType;
    this.shape = shape;
    this.floats = floats;
    this.longs = longs;
    long n = numel(shape);
    int len = floats != null ? floats.length : longs.length;
    if (n != len) {
      throw new IllegalArgumentException("ONNX tensor: shape " + Arrays.toString(shape) + " holds " + n
          + " values, got " + len);
    }
  }

  /** A float32 tensor. */
  public static OnnxTensor ofFloats(float[] data, int... shape) {
    return new OnnxTensor(FLOAT, shape.clone(), data, null);
  }

  /** An integer tensor of the given ONNX integer type (INT64, INT32, BOOL, ...). */
  public static OnnxTensor ofLongs(int dataType, long[] data, int... shape) {
    if (isFloat(dataType)) {
      throw new IllegalArgumentException("ONNX tensor: type " + typeName(dataType) + " is not an integer type");
    }
    return new OnnxTensor(dataType, shape.clone(), null, data);
  }

  /** A float tensor of an rnn4j {@link Tensor} (shares its array). */
  public static OnnxTensor of(Tensor t) {
    return ofFloats(t.data(), t.shape());
  }

  static OnnxTensor floats(int dataType, int[] shape, float[] data) {
    return new OnnxTensor(dataType, shape, data, null);
  }

  static OnnxTensor longs(int dataType, int[] shape, long[] data) {
    return new OnnxTensor(dataType, shape, null, data);
  }

  /** The ONNX element type number. */
  public int dataType() {
    return dataType;
  }

  /** True for float element types (values in {@link #floatData()}). */
  public boolean isFloat() {
    return floats != null;
  }

  public int[] shape() {
    return shape.clone();
  }

  int[] shapeRef() {
    return shape;
  }

  public int rank() {
    return shape.length;
  }

  /** Number of elements. */
  public int size() {
    return floats != null ? floats.length : longs.length;
  }

  /** The float values (live array), or null for an integer tensor. */
  public float[] floatData() {
    return floats;
  }

  /** The integer values (live array), or null for a float tensor. */
  public long[] longData() {
    return longs;
  }

  /** The value at flat index i as a double, whatever the type. */
  double get(int i) {
    return floats != null ? floats[i] : longs[i];
  }

  /** The values as an rnn4j float tensor (integers converted). */
  public Tensor toTensor() {
    if (floats != null) {
      return new Tensor(floats, shape);
    }
    float[] f = new float[longs.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = longs[i];
    }
    return new Tensor(f, shape);
  }

  /** {@code FLOAT[3,4]}, for messages. */
  public String describe() {
    return typeName(dataType) + Arrays.toString(shape).replace(" ", "");
  }

  @Override
  public String toString() {
    return "OnnxTensor " + describe();
  }

  static boolean isFloat(int dataType) {
    return dataType == FLOAT || dataType == DOUBLE || dataType == FLOAT16 || dataType == BFLOAT16;
  }

  static String typeName(int t) {
    switch (t) {
      case FLOAT: return "FLOAT";
      case UINT8: return "UINT8";
      case INT8: return "INT8";
      case UINT16: return "UINT16";
      case INT16: return "INT16";
      case INT32: return "INT32";
      case INT64: return "INT64";
      case STRING: return "STRING";
      case BOOL: return "BOOL";
      case FLOAT16: return "FLOAT16";
      case DOUBLE: return "DOUBLE";
      case UINT32: return "UINT32";
      case UINT64: return "UINT64";
      case BFLOAT16: return "BFLOAT16";
      default: return "type " + t;
    }
  }

  /** The element count of a shape, or -1 if it exceeds {@link #MAX_ELEMENTS} or has a negative dimension. */
  static long numel(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        return -1;
      }
      n *= d;
      if (n > MAX_ELEMENTS) {
        return -1;
      }
    }
    return n;
  }

  private static int elementSize(int t) {
    switch (t) {
      case FLOAT:
      case INT32:
      case UINT32:
        return 4;
      case DOUBLE:
      case INT64:
      case UINT64:
        return 8;
      case FLOAT16:
      case BFLOAT16:
      case INT16:
      case UINT16:
        return 2;
      case INT8:
      case UINT8:
      case BOOL:
        return 1;
      default:
        return -1;
    }
  }

  /**
   * Decodes a TensorProto, checking its dimensions and data length before allocating anything.
   *
   * @param where the file and the tensor's role, for messages
   * @throws ImportException for an unsupported type, external or segmented data, absurd dimensions,
   *     or data whose length does not match the dimensions
   */
  static OnnxTensor fromProto(Onnx.TensorProto p, String where) throws ImportException {
    String name = p.getName().isEmpty() ? where : where + " '" + p.getName() + "'";
    int type = p.getDataType();
    int es = elementSize(type);
    if (es < 0) {
      throw new ImportException(name + ": element type " + typeName(type) + " is not supported (rnn4j reads"
          + " float, double, float16, bfloat16, integer and bool tensors)");
    }
    if (p.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL || p.getExternalDataCount() > 0) {
      throw new ImportException(name + ": its data lives in an external file; rnn4j reads models with the data"
          + " inside the .onnx file only (save with save_as_external_data=False)");
    }
    if (p.hasSegment()) {
      throw new ImportException(name + ": segmented tensors are not supported");
    }
    int[] shape = new int[p.getDimsCount()];
    long n = 1;
    for (int i = 0; i < shape.length; i++) {
      long d = p.getDims(i);
      if (d < 0 || d > Integer.MAX_VALUE) {
        throw new ImportException(name + ": dimension " + i + " is " + d + " in " + p.getDimsList());
      }
      n *= d;
      if (n > MAX_ELEMENTS) {
        throw new ImportException(name + ": dims " + p.getDimsList() + " hold more than " + MAX_ELEMENTS
            + " values, the most rnn4j accepts for one tensor");
      }
      shape[i] = (int) d;
    }
    int count = (int) n;
    boolean isF = isFloat(type);
    if (p.hasRawData()) {
      long bytes = p.getRawData().size();
      if (bytes != (long) count * es) {
        throw new ImportException(name + ": raw_data has " + bytes + " bytes, expected " + (long) count * es
            + " for dims " + p.getDimsList() + " of " + typeName(type));
      }
      ByteBuffer b = p.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      if (isF) {
        float[] f = new float[count];
        for (int i = 0; i < count; i++) {
          switch (type) {
            case FLOAT: f[i] = b.getFloat(i * 4); break;
            case DOUBLE: f[i] = (float) b.getDouble(i * 8); break;
            case FLOAT16: f[i] = org.rnn4j.io.Float16.toFloat(b.getShort(i * 2)); break;
            default: f[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
          }
        }
        return floats(type, shape, f);
      }
      long[] l = new long[count];
      for (int i = 0; i < count; i++) {
        switch (es) {
          case 8: l[i] = b.getLong(i * 8); break;
          case 4: l[i] = type == UINT32 ? b.getInt(i * 4) & 0xffffffffL : b.getInt(i * 4); break;
          case 2: l[i] = type == UINT16 ? b.getShort(i * 2) & 0xffff : b.getShort(i * 2); break;
          default: l[i] = type == INT8 ? b.get(i) : b.get(i) & 0xff;
        }
      }
      return longs(type, shape, l);
    }
    int have;
    String field;
    switch (type) {
      case FLOAT: have = p.getFloatDataCount(); field = "float_data"; break;
      case DOUBLE: have = p.getDoubleDataCount(); field = "double_data"; break;
      case INT64: have = p.getInt64DataCount(); field = "int64_data"; break;
      case UINT32: case UINT64: have = p.getUint64DataCount(); field = "uint64_data"; break;
      default: have = p.getInt32DataCount(); field = "int32_data";
    }
    if (have != count) {
      throw new ImportException(name + ": " + field + " has " + have + " values, expected " + count + " for dims "
          + p.getDimsList() + " of " + typeName(type));
    }
    if (isF) {
      float[] f = new float[count];
      for (int i = 0; i < count; i++) {
        switch (type) {
          case FLOAT: f[i] = p.getFloatData(i); break;
          case DOUBLE: f[i] = (float) p.getDoubleData(i); break;
          case FLOAT16: f[i] = org.rnn4j.io.Float16.toFloat((short) p.getInt32Data(i)); break;
          default: f[i] = Float.intBitsToFloat((p.getInt32Data(i) & 0xffff) << 16);
        }
      }
      return floats(type, shape, f);
    }
    long[] l = new long[count];
    for (int i = 0; i < count; i++) {
      switch (type) {
        case INT64: l[i] = p.getInt64Data(i); break;
        case UINT32: case UINT64: l[i] = p.getUint64Data(i); break;
        default: l[i] = p.getInt32Data(i);
      }
    }
    return longs(type, shape, l);
  }

}
