package org.rnn4j.interop.onnx;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rnn4j.Tensor;
import org.rnn4j.interop.ImportException;
import org.rnn4j.interop.onnx.proto.Onnx;

/**
 * The operators of rnn4j's ONNX interpreter, each a function from input tensors and attributes to
 * output tensors, with numpy broadcasting where ONNX has it. Errors are
 * {@link IllegalArgumentException}s naming the input or attribute and the expected and received
 * values; {@link OnnxModel} adds the node. Every shape computed from data (Reshape, Expand,
 * ConstantOfShape) is bounded by {@link OnnxTensor#MAX_ELEMENTS} before allocation. Stateless.
 */
final class OnnxOps {
  static final Set<String> SUPPORTED = Set.of("Transpose", "Squeeze", "Unsqueeze", "Reshape", "Slice", "Gather",
      "Concat", "Shape", "Constant", "ConstantOfShape", "Expand", "Cast", "Identity", "Dropout", "MatMul", "Gemm",
      "Add", "Sub", "Mul", "Div", "Relu", "Tanh", "Sigmoid", "Softmax", "LogSoftmax", "LSTM", "GRU", "RNN");

  private OnnxOps() {
  }

  /** A node's attributes by name. */
  private static final class Attrs {
    final Map<String, Onnx.AttributeProto> map = new HashMap<>();

    Attrs(Onnx.NodeProto node) {
      for (Onnx.AttributeProto a : node.getAttributeList()) {
        map.put(a.getName(), a);
      }
    }

    boolean has(String n) {
      return map.containsKey(n);
    }

    long i(String n, long dflt) {
      Onnx.AttributeProto a = map.get(n);
      return a == null ? dflt : a.getI();
    }

    Float f(String n) {
      Onnx.AttributeProto a = map.get(n);
      return a == null ? null : a.getF();
    }

    String s(String n, String dflt) {
      Onnx.AttributeProto a = map.get(n);
      return a == null ? dflt : a.getS().toString(StandardCharsets.UTF_8);
    }

    long[] ints(String n) {
      Onnx.AttributeProto a = map.get(n);
      if (a == null) {
        return null;
      }
      long[] v = new long[a.getIntsCount()];
      for (int k = 0; k < v.length; k++) {
        v[k] = a.getInts(k);
      }
      return v;
    }

    List<Float> floats(String n) {
      Onnx.AttributeProto a = map.get(n);
      return a == null ? List.of() : a.getFloatsList();
    }

    List<String> strings(String n) {
      Onnx.AttributeProto a = map.get(n);
      List<String> l = new ArrayList<>();
      if (a != null) {
        for (int k = 0; k < a.getStringsCount(); k++) {
          l.add(a.getStrings(k).toString(StandardCharsets.UTF_8));
        }
      }
      return l;
    }
  }

  static OnnxTensor[] run(Onnx.NodeProto node, long opset, List<OnnxTensor> in) throws ImportException {
    Attrs a = new Attrs(node);
    String op = node.getOpType();
    switch (op) {
      case "Identity":
        return one(arg(in, 0, "input"));
      case "Dropout":
        return new OnnxTensor[] {arg(in, 0, "data"), null};
      case "Transpose":
        return one(transpose(arg(in, 0, "data"), a.ints("perm")));
      case "Squeeze":
        return one(squeeze(arg(in, 0, "data"), opset >= 13 ? optInts(in, 1) : a.ints("axes")));
      case "Unsqueeze":
        return one(unsqueeze(arg(in, 0, "data"), opset >= 13 ? ints(arg(in, 1, "axes")) : a.ints("axes")));
      case "Reshape":
        return one(reshape(arg(in, 0, "data"), ints(arg(in, 1, "shape")), a.i("allowzero", 0) != 0));
      case "Slice":
        if (opset >= 10) {
          return one(slice(arg(in, 0, "data"), ints(arg(in, 1, "starts")), ints(arg(in, 2, "ends")), optInts(in, 3),
              optInts(in, 4)));
        }
        return one(slice(arg(in, 0, "data"), a.ints("starts"), a.ints("ends"), a.ints("axes"), null));
      case "Gather":
        return one(gather(arg(in, 0, "data"), arg(in, 1, "indices"), (int) a.i("axis", 0)));
      case "Concat":
        return one(concat(in, (int) a.i("axis", 0)));
      case "Shape":
        return one(shape(arg(in, 0, "data"), a.has("start") ? a.i("start", 0) : null, a.has("end") ? a.i("end", 0)
            : null));
      case "Constant":
        return one(constant(a));
      case "ConstantOfShape":
        return one(constantOfShape(ints(arg(in, 0, "input")), a));
      case "Expand":
        return one(expand(arg(in, 0, "input"), ints(arg(in, 1, "shape"))));
      case "Cast":
        return one(cast(arg(in, 0, "input"), (int) a.i("to", -1)));
      case "MatMul":
        return one(matmul(floatArg(in, 0, "A"), floatArg(in, 1, "B")));
      case "Gemm":
        return one(gemm(floatArg(in, 0, "A"), floatArg(in, 1, "B"), in.size() > 2 ? in.get(2) : null,
            a.f("alpha") == null ? 1f : a.f("alpha"), a.f("beta") == null ? 1f : a.f("beta"),
            a.i("transA", 0) != 0, a.i("transB", 0) != 0));
      case "Add":
      case "Sub":
      case "Mul":
      case "Div":
        return one(binary(op, arg(in, 0, "A"), arg(in, 1, "B")));
      case "Relu":
      case "Tanh":
      case "Sigmoid":
        return one(unary(op, floatArg(in, 0, "X")));
      case "Softmax":
      case "LogSoftmax":
        return one(softmax(floatArg(in, 0, "input"), (int) a.i("axis", opset >= 13 ? -1 : 1), opset >= 13,
            op.equals("LogSoftmax")));
      case "LSTM":
      case "GRU":
      case "RNN":
        return recurrent(op, a, in);
      default:
        throw new IllegalArgumentException("operator " + op + " is not supported by rnn4j's ONNX importer (it runs "
            + String.join(", ", new java.util.TreeSet<>(SUPPORTED)) + ")");
    }
  }

  // ---- arguments -------------------------------------------------------------------------------------

  private static OnnxTensor[] one(OnnxTensor t) {
    return new OnnxTensor[] {t};
  }

  private static OnnxTensor arg(List<OnnxTensor> in, int i, String what) {
    if (i >= in.size() || in.get(i) == null) {
      throw new IllegalArgumentException("input " + i + " (" + what + ") is missing");
    }
    return in.get(i);
  }

  private static OnnxTensor floatArg(List<OnnxTensor> in, int i, String what) {
    OnnxTensor t = arg(in, i, what);
    if (!t.isFloat()) {
      throw new IllegalArgumentException("input " + i + " (" + what + ") is " + t.describe() + ", expected a float tensor");
    }
    return t;
  }

  private static long[] optInts(List<OnnxTensor> in, int i) {
    return i < in.size() && in.get(i) != null ? ints(in.get(i)) : null;
  }

  private static long[] ints(OnnxTensor t) {
    if (t.isFloat()) {
      throw new IllegalArgumentException("expected an integer tensor, got " + t.describe());
    }
    return t.longData();
  }

  private static int axis(long axis, int rank, String what) {
    long a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw new IllegalArgumentException(what + " " + axis + " is out of range for rank " + rank);
    }
    return (int) a;
  }

  private static int[] checkedShape(long[] dims, String what) {
    int[] s = new int[dims.length];
    for (int i = 0; i < s.length; i++) {
      if (dims[i] < 0 || dims[i] > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(what + " " + Arrays.toString(dims) + " has a negative or huge dimension");
      }
      s[i] = (int) dims[i];
    }
    if (OnnxTensor.numel(s) < 0) {
      throw new IllegalArgumentException(what + " " + Arrays.toString(dims) + " holds more than "
          + OnnxTensor.MAX_ELEMENTS + " values, the most rnn4j accepts");
    }
    return s;
  }

  private static int[] strides(int[] shape) {
    int[] st = new int[shape.length];
    int s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      st[i] = s;
      s *= shape[i];
    }
    return st;
  }

  /** A tensor of the same element kind as {@code like}, with values gathered from it at {@code src[i]}. */
  private static OnnxTensor gatherFlat(OnnxTensor like, int[] shape, int[] src) {
    if (like.isFloat()) {
      float[] f = new float[src.length];
      float[] from = like.floatData();
      for (int i = 0; i < src.length; i++) {
        f[i] = from[src[i]];
      }
      return OnnxTensor.floats(like.dataType(), shape, f);
    }
    long[] l = new long[src.length];
    long[] from = like.longData();
    for (int i = 0; i < src.length; i++) {
      l[i] = from[src[i]];
    }
    return OnnxTensor.longs(like.dataType(), shape, l);
  }

  private static OnnxTensor withShape(OnnxTensor t, int[] shape) {
    return t.isFloat() ? OnnxTensor.floats(t.dataType(), shape, t.floatData())
        : OnnxTensor.longs(t.dataType(), shape, t.longData());
  }

  // ---- shape operators -------------------------------------------------------------------------------

  static OnnxTensor transpose(OnnxTensor x, long[] permIn) {
    int r = x.rank();
    int[] perm = new int[r];
    if (permIn == null) {
      for (int i = 0; i < r; i++) {
        perm[i] = r - 1 - i;
      }
    } else {
      if (permIn.length != r) {
        throw new IllegalArgumentException("perm " + Arrays.toString(permIn) + " has " + permIn.length
            + " entries for an input of rank " + r);
      }
      boolean[] seen = new boolean[r];
      for (int i = 0; i < r; i++) {
        perm[i] = axis(permIn[i], r, "perm entry");
        if (seen[perm[i]]) {
          throw new IllegalArgumentException("perm " + Arrays.toString(permIn) + " is not a permutation");
        }
        seen[perm[i]] = true;
      }
    }
    int[] in = x.shapeRef();
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      out[i] = in[perm[i]];
    }
    int[] inSt = strides(in);
    int[] step = new int[r];
    for (int i = 0; i < r; i++) {
      step[i] = inSt[perm[i]];
    }
    return gatherFlat(x, out, stridedIndex(out, 0, step));
  }

  static OnnxTensor squeeze(OnnxTensor x, long[] axes) {
    int[] s = x.shapeRef();
    boolean[] drop = new boolean[s.length];
    if (axes == null) {
      for (int i = 0; i < s.length; i++) {
        drop[i] = s[i] == 1;
      }
    } else {
      for (long a : axes) {
        int ax = axis(a, s.length, "axis");
        if (s[ax] != 1) {
          throw new IllegalArgumentException("cannot squeeze axis " + a + " of shape " + Arrays.toString(s)
              + ": its size is " + s[ax] + ", expected 1");
        }
        drop[ax] = true;
      }
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < s.length; i++) {
      if (!drop[i]) {
        out.add(s[i]);
      }
    }
    return withShape(x, out.stream().mapToInt(Integer::intValue).toArray());
  }

  static OnnxTensor unsqueeze(OnnxTensor x, long[] axes) {
    if (axes == null) {
      throw new IllegalArgumentException("axes are required");
    }
    int r = x.rank() + axes.length;
    boolean[] ins = new boolean[r];
    for (long a : axes) {
      int ax = axis(a, r, "axis");
      if (ins[ax]) {
        throw new IllegalArgumentException("axes " + Arrays.toString(axes) + " repeat an axis");
      }
      ins[ax] = true;
    }
    int[] out = new int[r];
    int j = 0;
    for (int i = 0; i < r; i++) {
      out[i] = ins[i] ? 1 : x.shapeRef()[j++];
    }
    return withShape(x, out);
  }

  static OnnxTensor reshape(OnnxTensor x, long[] shape, boolean allowZero) {
    long[] s = shape.clone();
    int infer = -1;
    long known = 1;
    for (int i = 0; i < s.length; i++) {
      if (s[i] == 0 && !allowZero) {
        if (i >= x.rank()) {
          throw new IllegalArgumentException("shape " + Arrays.toString(shape) + ": 0 at position " + i
              + " copies a dimension the input " + Arrays.toString(x.shapeRef()) + " does not have");
        }
        s[i] = x.shapeRef()[i];
      }
      if (s[i] == -1) {
        if (infer >= 0) {
          throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has two -1 entries");
        }
        infer = i;
      } else if (s[i] < 0) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative dimension");
      } else {
        known *= s[i];
        if (known > OnnxTensor.MAX_ELEMENTS) {
          throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large");
        }
      }
    }
    if (infer >= 0) {
      if (known == 0 || x.size() % known != 0) {
        throw new IllegalArgumentException("cannot reshape " + Arrays.toString(x.shapeRef()) + " (" + x.size()
            + " values) to " + Arrays.toString(shape));
      }
      s[infer] = x.size() / known;
    }
    int[] out = checkedShape(s, "shape");
    if (OnnxTensor.numel(out) != x.size()) {
      throw new IllegalArgumentException("cannot reshape " + Arrays.toString(x.shapeRef()) + " (" + x.size()
          + " values) to " + Arrays.toString(shape) + " (" + OnnxTensor.numel(out) + " values)");
    }
    return withShape(x, out);
  }

  static OnnxTensor slice(OnnxTensor x, long[] starts, long[] ends, long[] axes, long[] steps) {
    int r = x.rank();
    int[] in = x.shapeRef();
    if (starts == null || ends == null || starts.length != ends.length) {
      throw new IllegalArgumentException("starts and ends must be given with the same length");
    }
    int[] st = new int[r];
    int[] step = new int[r];
    int[] out = in.clone();
    Arrays.fill(step, 1);
    for (int k = 0; k < starts.length; k++) {
      int ax = axes == null ? k : axis(axes[k], r, "axis");
      long sp = steps == null ? 1 : steps[k];
      if (sp == 0) {
        throw new IllegalArgumentException("step 0 on axis " + ax);
      }
      long d = in[ax];
      long s = starts[k] < 0 ? starts[k] + d : starts[k];
      long e = ends[k] < 0 ? ends[k] + d : ends[k];
      if (sp > 0) {
        s = Math.max(0, Math.min(s, d));
        e = Math.max(0, Math.min(e, d));
        out[ax] = (int) Math.max(0, (e - s + sp - 1) / sp);
      } else {
        s = Math.max(-1, Math.min(s, d - 1));
        e = Math.max(-1, Math.min(e, d - 1));
        out[ax] = (int) Math.max(0, (s - e + (-sp) - 1) / (-sp));
      }
      st[ax] = (int) s;
      step[ax] = (int) Math.max(Math.min(sp, Integer.MAX_VALUE), Integer.MIN_VALUE + 1);
    }
    int[] inSt = strides(in);
    int base = 0;
    int[] flatStep = new int[r];
    for (int i = 0; i < r; i++) {
      base += st[i] * inSt[i];
      // an axis of one output element never moves, whatever its (clamped) step
      flatStep[i] = out[i] > 1 ? step[i] * inSt[i] : 0;
    }
    return gatherFlat(x, out, stridedIndex(out, base, flatStep));
  }

  static OnnxTensor gather(OnnxTensor x, OnnxTensor indices, int axisIn) {
    int[] in = x.shapeRef();
    int ax = axis(axisIn, in.length, "axis");
    long[] ind = ints(indices);
    int[] iShape = indices.shapeRef();
    int outer = 1;
    for (int i = 0; i < ax; i++) {
      outer *= in[i];
    }
    int inner = 1;
    for (int i = ax + 1; i < in.length; i++) {
      inner *= in[i];
    }
    int[] out = new int[in.length - 1 + iShape.length];
    System.arraycopy(in, 0, out, 0, ax);
    System.arraycopy(iShape, 0, out, ax, iShape.length);
    System.arraycopy(in, ax + 1, out, ax + iShape.length, in.length - ax - 1);
    int[] src = new int[outer * ind.length * inner];
    int k = 0;
    for (int o = 0; o < outer; o++) {
      for (long idx : ind) {
        long j = idx < 0 ? idx + in[ax] : idx;
        if (j < 0 || j >= in[ax]) {
          throw new IllegalArgumentException("index " + idx + " out of range for axis " + ax + " of size " + in[ax]);
        }
        for (int q = 0; q < inner; q++) {
          src[k++] = (int) ((o * (long) in[ax] + j) * inner + q);
        }
      }
    }
    return gatherFlat(x, out, src);
  }

  static OnnxTensor concat(List<OnnxTensor> in, int axisIn) {
    List<OnnxTensor> parts = new ArrayList<>();
    for (OnnxTensor t : in) {
      if (t != null) {
        parts.add(t);
      }
    }
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("no inputs");
    }
    OnnxTensor first = parts.get(0);
    int r = first.rank();
    int ax = axis(axisIn, r, "axis");
    int[] out = first.shape();
    out[ax] = 0;
    for (OnnxTensor t : parts) {
      if (t.rank() != r || t.isFloat() != first.isFloat()) {
        throw new IllegalArgumentException("inputs " + first.describe() + " and " + t.describe() + " cannot be joined");
      }
      for (int i = 0; i < r; i++) {
        if (i != ax && t.shapeRef()[i] != first.shapeRef()[i]) {
          throw new IllegalArgumentException("inputs " + first.describe() + " and " + t.describe()
              + " differ outside axis " + ax);
        }
      }
      out[ax] += t.shapeRef()[ax];
    }
    int outer = 1;
    for (int i = 0; i < ax; i++) {
      outer *= out[i];
    }
    int n = (int) OnnxTensor.numel(out);
    float[] f = first.isFloat() ? new float[n] : null;
    long[] l = first.isFloat() ? null : new long[n];
    int pos = 0;
    for (int o = 0; o < outer; o++) {
      for (OnnxTensor t : parts) {
        int block = t.size() / Math.max(outer, 1);
        if (f != null) {
          System.arraycopy(t.floatData(), o * block, f, pos, block);
        } else {
          System.arraycopy(t.longData(), o * block, l, pos, block);
        }
        pos += block;
      }
    }
    return f != null ? OnnxTensor.floats(first.dataType(), out, f) : OnnxTensor.longs(first.dataType(), out, l);
  }

  static OnnxTensor shape(OnnxTensor x, Long start, Long end) {
    int r = x.rank();
    int s = start == null ? 0 : (int) Math.max(0, Math.min(r, start < 0 ? start + r : start));
    int e = end == null ? r : (int) Math.max(0, Math.min(r, end < 0 ? end + r : end));
    long[] v = new long[Math.max(0, e - s)];
    for (int i = 0; i < v.length; i++) {
      v[i] = x.shapeRef()[s + i];
    }
    return OnnxTensor.longs(OnnxTensor.INT64, new int[] {v.length}, v);
  }

  static OnnxTensor constant(Attrs a) throws ImportException {
    if (a.has("value")) {
      return OnnxTensor.fromProto(a.map.get("value").getT(), "Constant value");
    }
    if (a.has("value_float")) {
      return OnnxTensor.floats(OnnxTensor.FLOAT, new int[0], new float[] {a.f("value_float")});
    }
    if (a.has("value_int")) {
      return OnnxTensor.longs(OnnxTensor.INT64, new int[0], new long[] {a.i("value_int", 0)});
    }
    if (a.has("value_floats")) {
      List<Float> v = a.floats("value_floats");
      float[] f = new float[v.size()];
      for (int i = 0; i < f.length; i++) {
        f[i] = v.get(i);
      }
      return OnnxTensor.floats(OnnxTensor.FLOAT, new int[] {f.length}, f);
    }
    if (a.has("value_ints")) {
      long[] v = a.ints("value_ints");
      return OnnxTensor.longs(OnnxTensor.INT64, new int[] {v.length}, v);
    }
    throw new IllegalArgumentException("a Constant needs one of value, value_float(s), value_int(s); got "
        + a.map.keySet());
  }

  static OnnxTensor constantOfShape(long[] dims, Attrs a) throws ImportException {
    int[] s = checkedShape(dims, "shape");
    int n = (int) OnnxTensor.numel(s);
    if (!a.has("value")) {
      return OnnxTensor.floats(OnnxTensor.FLOAT, s, new float[n]);
    }
    OnnxTensor v = OnnxTensor.fromProto(a.map.get("value").getT(), "ConstantOfShape value");
    if (v.size() != 1) {
      throw new IllegalArgumentException("value has " + v.size() + " elements, expected 1");
    }
    if (v.isFloat()) {
      float[] f = new float[n];
      Arrays.fill(f, v.floatData()[0]);
      return OnnxTensor.floats(v.dataType(), s, f);
    }
    long[] l = new long[n];
    Arrays.fill(l, v.longData()[0]);
    return OnnxTensor.longs(v.dataType(), s, l);
  }

  static OnnxTensor expand(OnnxTensor x, long[] shape) {
    int[] target = checkedShape(shape, "shape");
    int[] out = broadcast(x.shapeRef(), target);
    return broadcastTo(x, out);
  }

  static OnnxTensor cast(OnnxTensor x, int to) {
    if (to == OnnxTensor.STRING || to < 1 || to > 16) {
      throw new IllegalArgumentException("cast to " + OnnxTensor.typeName(to) + " is not supported");
    }
    if (OnnxTensor.isFloat(to)) {
      float[] f = new float[x.size()];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) x.get(i);
      }
      return OnnxTensor.floats(to, x.shapeRef(), f);
    }
    long[] l = new long[x.size()];
    for (int i = 0; i < l.length; i++) {
      double v = x.get(i);
      l[i] = to == OnnxTensor.BOOL ? (v != 0 ? 1 : 0) : x.isFloat() ? (long) v : x.longData()[i];
    }
    return OnnxTensor.longs(to, x.shapeRef(), l);
  }

  // ---- arithmetic ------------------------------------------------------------------------------------

  static int[] broadcast(int[] a, int[] b) {
    int r = Math.max(a.length, b.length);
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
      int db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
            + " do not broadcast");
      }
      out[i] = da == 1 ? db : da;
    }
    if (OnnxTensor.numel(out) < 0) {
      throw new IllegalArgumentException("broadcast shape " + Arrays.toString(out) + " is too large");
    }
    return out;
  }

  /** Source flat index in a tensor of shape {@code in} for each element of the broadcast shape {@code out}. */
  private static int[] broadcastIndex(int[] in, int[] out) {
    int r = out.length;
    int[] inSt = new int[r];
    int[] st = strides(in);
    for (int i = 0; i < r; i++) {
      int j = i - (r - in.length);
      inSt[i] = j >= 0 && in[j] != 1 ? st[j] : 0;
    }
    return stridedIndex(out, 0, inSt);
  }

  /**
   * The flat source index of each element of shape {@code out}, in row-major order: {@code base} + the sum
   * over axes of index x {@code step[axis]} (a transpose, a slice and a broadcast are each such a walk).
   */
  private static int[] stridedIndex(int[] out, int base, int[] step) {
    int r = out.length;
    int n = (int) OnnxTensor.numel(out);
    int[] src = new int[n];
    int[] idx = new int[r];
    for (int k = 0; k < n; k++) {
      int off = base;
      for (int i = 0; i < r; i++) {
        off += idx[i] * step[i];
      }
      src[k] = off;
      for (int i = r - 1; i >= 0; i--) {
        if (++idx[i] < out[i]) {
          break;
        }
        idx[i] = 0;
      }
    }
    return src;
  }

  private static OnnxTensor broadcastTo(OnnxTensor x, int[] out) {
    return gatherFlat(x, out, broadcastIndex(x.shapeRef(), out));
  }

  static OnnxTensor binary(String op, OnnxTensor x, OnnxTensor y) {
    if (x.isFloat() != y.isFloat()) {
      throw new IllegalArgumentException("inputs " + x.describe() + " and " + y.describe() + " have different types");
    }
    int[] out = broadcast(x.shapeRef(), y.shapeRef());
    int[] ia = broadcastIndex(x.shapeRef(), out);
    int[] ib = broadcastIndex(y.shapeRef(), out);
    int n = ia.length;
    if (x.isFloat()) {
      float[] a = x.floatData();
      float[] b = y.floatData();
      float[] f = new float[n];
      for (int i = 0; i < n; i++) {
        float u = a[ia[i]];
        float v = b[ib[i]];
        f[i] = op.equals("Add") ? u + v : op.equals("Sub") ? u - v : op.equals("Mul") ? u * v : u / v;
      }
      return OnnxTensor.floats(x.dataType(), out, f);
    }
    long[] a = x.longData();
    long[] b = y.longData();
    long[] l = new long[n];
    for (int i = 0; i < n; i++) {
      long u = a[ia[i]];
      long v = b[ib[i]];
      if (op.equals("Div") && v == 0) {
        throw new IllegalArgumentException("integer division by zero");
      }
      l[i] = op.equals("Add") ? u + v : op.equals("Sub") ? u - v : op.equals("Mul") ? u * v : u / v;
    }
    return OnnxTensor.longs(x.dataType(), out, l);
  }

  static OnnxTensor unary(String op, OnnxTensor x) {
    float[] a = x.floatData();
    float[] f = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      float v = a[i];
      switch (op) {
        case "Relu":
          f[i] = v > 0f ? v : 0f;
          break;
        case "Tanh":
          f[i] = (float) Math.tanh(v);
          break;
        default:
          f[i] = (float) (1.0 / (1.0 + Math.exp(-v)));
      }
    }
    return OnnxTensor.floats(x.dataType(), x.shapeRef(), f);
  }

  static OnnxTensor softmax(OnnxTensor x, int axisIn, boolean perAxis, boolean log) {
    int[] s = x.shapeRef();
    int ax = axis(axisIn, s.length, "axis");
    int outer = 1;
    for (int i = 0; i < ax; i++) {
      outer *= s[i];
    }
    int len;
    int inner;
    if (perAxis) {
      len = s[ax];
      inner = 1;
      for (int i = ax + 1; i < s.length; i++) {
        inner *= s[i];
      }
    } else { // opset < 13: flatten to [outer, rest]
      len = x.size() / Math.max(outer, 1);
      inner = 1;
    }
    float[] a = x.floatData();
    float[] f = new float[a.length];
    for (int o = 0; o < outer; o++) {
      for (int q = 0; q < inner; q++) {
        int base = o * len * inner + q;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < len; k++) {
          max = Math.max(max, a[base + k * inner]);
        }
        double sum = 0;
        for (int k = 0; k < len; k++) {
          sum += Math.exp(a[base + k * inner] - max);
        }
        for (int k = 0; k < len; k++) {
          double z = a[base + k * inner] - max;
          f[base + k * inner] = (float) (log ? z - Math.log(sum) : Math.exp(z) / sum);
        }
      }
    }
    return OnnxTensor.floats(x.dataType(), s, f);
  }

  static OnnxTensor matmul(OnnxTensor x, OnnxTensor y) {
    int[] as = x.shapeRef();
    int[] bs = y.shapeRef();
    if (as.length == 0 || bs.length == 0) {
      throw new IllegalArgumentException("MatMul of a scalar");
    }
    int[] a2 = as.length == 1 ? new int[] {1, as[0]} : as;
    int[] b2 = bs.length == 1 ? new int[] {bs[0], 1} : bs;
    int m = a2[a2.length - 2];
    int k = a2[a2.length - 1];
    int n = b2[b2.length - 1];
    if (b2[b2.length - 2] != k) {
      throw new IllegalArgumentException("inner dimensions differ: A " + Arrays.toString(as) + ", B "
          + Arrays.toString(bs));
    }
    int[] batchA = Arrays.copyOf(a2, a2.length - 2);
    int[] batchB = Arrays.copyOf(b2, b2.length - 2);
    int[] batch = broadcast(batchA, batchB);
    int[] ia = broadcastIndex(batchA, batch);
    int[] ib = broadcastIndex(batchB, batch);
    int nb = ia.length;
    if ((long) nb * m * n > OnnxTensor.MAX_ELEMENTS) {
      throw new IllegalArgumentException("result too large");
    }
    float[] a = x.floatData();
    float[] b = y.floatData();
    float[] c = new float[nb * m * n];
    for (int q = 0; q < nb; q++) {
      int ao = ia[q] * m * k;
      int bo = ib[q] * k * n;
      int co = q * m * n;
      for (int i = 0; i < m; i++) {
        for (int p = 0; p < k; p++) {
          float av = a[ao + i * k + p];
          for (int j = 0; j < n; j++) {
            c[co + i * n + j] += av * b[bo + p * n + j];
          }
        }
      }
    }
    List<Integer> out = new ArrayList<>();
    for (int d : batch) {
      out.add(d);
    }
    if (as.length > 1) {
      out.add(m);
    }
    if (bs.length > 1) {
      out.add(n);
    }
    return OnnxTensor.floats(OnnxTensor.FLOAT, out.stream().mapToInt(Integer::intValue).toArray(), c);
  }

  static OnnxTensor gemm(OnnxTensor x, OnnxTensor y, OnnxTensor cIn, float alpha, float beta, boolean ta,
      boolean tb) {
    if (x.rank() != 2 || y.rank() != 2) {
      throw new IllegalArgumentException("expected 2-D A and B, got " + x.describe() + " and " + y.describe());
    }
    OnnxTensor a = ta ? transpose(x, null) : x;
    OnnxTensor b = tb ? transpose(y, null) : y;
    OnnxTensor ab = matmul(a, b);
    float[] r = ab.floatData();
    int m = ab.shapeRef()[0];
    int n = ab.shapeRef()[1];
    float[] out = new float[r.length];
    float[] c = null;
    if (cIn != null) {
      if (!cIn.isFloat()) {
        throw new IllegalArgumentException("C is " + cIn.describe() + ", expected a float tensor");
      }
      c = broadcastTo(cIn, broadcast(cIn.shapeRef(), new int[] {m, n})).floatData();
      if (c.length != r.length) {
        throw new IllegalArgumentException("C " + cIn.describe() + " does not broadcast to [" + m + ", " + n + "]");
      }
    }
    for (int i = 0; i < r.length; i++) {
      out[i] = alpha * r[i] + (c == null ? 0f : beta * c[i]);
    }
    return OnnxTensor.floats(OnnxTensor.FLOAT, new int[] {m, n}, out);
  }

  // ---- recurrent operators ---------------------------------------------------------------------------

  /**
   * The attributes of an LSTM, GRU or RNN node.
   *
   * @throws IllegalArgumentException for an attribute the operator does not take
   */
  static OnnxRnn.Attributes rnnAttributes(Onnx.NodeProto node) {
    return rnnAttributes(node.getOpType(), new Attrs(node));
  }

  private static OnnxRnn.Attributes rnnAttributes(String op, Attrs a) {
    OnnxRnn.checkAttributeNames(op, a.map.keySet());
    return new OnnxRnn.Attributes(
        a.has("hidden_size") ? (int) a.i("hidden_size", 0) : null,
        a.s("direction", "forward"), (int) a.i("layout", 0), a.strings("activations"),
        a.floats("activation_alpha"), a.floats("activation_beta"), a.f("clip"),
        a.i("linear_before_reset", 0) != 0, a.i("input_forget", 0) != 0);
  }

  /** A node's float attribute, or {@code dflt} when it has none. */
  static float floatAttribute(Onnx.NodeProto node, String name, float dflt) {
    Float f = new Attrs(node).f(name);
    return f == null ? dflt : f;
  }

  /** A node's int attribute, or {@code dflt} when it has none. */
  static long intAttribute(Onnx.NodeProto node, String name, long dflt) {
    return new Attrs(node).i(name, dflt);
  }

  /** A node's ints attribute, or null when it has none. */
  static long[] intsAttribute(Onnx.NodeProto node, String name) {
    return new Attrs(node).ints(name);
  }

  static OnnxTensor[] recurrent(String op, Attrs a, List<OnnxTensor> in) {
    OnnxRnn.Attributes attrs = rnnAttributes(op, a);
    String[] slots = {"X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P"};
    OnnxTensor[] t = new OnnxTensor[slots.length];
    for (int i = 0; i < in.size() && i < slots.length; i++) {
      t[i] = in.get(i);
      if (t[i] != null && i != 4 && !t[i].isFloat()) {
        throw new IllegalArgumentException("input " + slots[i] + " is " + t[i].describe() + ", expected float");
      }
    }
    if (in.size() > slots.length) {
      throw new IllegalArgumentException(in.size() + " inputs, at most " + slots.length + " expected");
    }
    int[] lengths = null;
    if (t[4] != null) {
      long[] l = ints(t[4]);
      lengths = new int[l.length];
      for (int i = 0; i < l.length; i++) {
        lengths[i] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, l[i]));
      }
    }
    OnnxRnn.Result r = OnnxRnn.run(op, attrs, tensor(t[0]), tensor(t[1]), tensor(t[2]), tensor(t[3]), lengths,
        tensor(t[5]), tensor(t[6]), tensor(t[7]));
    return new OnnxTensor[] {OnnxTensor.of(r.y()), OnnxTensor.of(r.yH()), r.yC() == null ? null
        : OnnxTensor.of(r.yC())};
  }

  private static Tensor tensor(OnnxTensor t) {
    return t == null ? null : t.toTensor();
  }
}
