package org.rnn4j.interop;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A restricted unpickler for the {@code data.pkl} of a {@code torch.save} state dict. It is a data
 * reader, not an interpreter: it knows the opcodes a state dict uses (protocols 2 to 4), builds plain
 * Java values from them, and accepts exactly these globals:
 * {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2},
 * {@code torch._utils._rebuild_parameter} and the typed storages {@code torch.FloatStorage},
 * {@code DoubleStorage}, {@code HalfStorage}, {@code BFloat16Storage}, {@code LongStorage},
 * {@code IntStorage}. Any other global ({@code os.system}, {@code builtins.eval}, ...) or opcode
 * ({@code INST}, {@code OBJ}, {@code NEWOBJ}, extensions, ...) is refused with its name and byte
 * position. Nothing is ever executed: REDUCE of an allowed global builds a record describing the call.
 *
 * <p>Values: {@code String}, {@code Long}, {@code Double}, {@code Boolean}, {@code null} (None),
 * {@link Tuple}, {@code List<Object>}, {@code Map<Object, Object>} (dicts and OrderedDicts, in
 * insertion order), {@link Storage}, {@link TensorRef}. Instances are single-use and not thread-safe.
 */
final class TorchPickle {
  /** An immutable Python tuple. */
  record Tuple(List<Object> items) {
  }

  /** A global the pickle names (only allowed ones are ever created). */
  record Global(String module, String name) {
    String qualified() {
      return module + "." + name;
    }
  }

  /** A persistent id {@code ('storage', torch.XStorage, key, location, numel)}. */
  record Storage(String dtype, int elementSize, String key, String location, long numel) {
  }

  /** {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)}, not yet materialised. */
  record TensorRef(Storage storage, long offset, long[] size, long[] stride) {
  }

  static final Set<String> ALLOWED_GLOBALS = Set.of("collections.OrderedDict",
      "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter", "torch.FloatStorage",
      "torch.DoubleStorage", "torch.HalfStorage", "torch.BFloat16Storage", "torch.LongStorage",
      "torch.IntStorage");

  private static final Object MARK = new Object() {
    @Override
    public String toString() {
      return "MARK";
    }
  };

  /** Largest memo index accepted (a state dict uses one entry per object). */
  private static final int MAX_MEMO = 1 << 24;

  private final byte[] b;
  private final String where;
  private int pos;
  private final List<Object> stack = new ArrayList<>();
  private final Map<Integer, Object> memo = new HashMap<>();

  private TorchPickle(byte[] bytes, String where) {
    this.b = bytes;
    this.where = where;
  }

  /**
   * Reads the pickle to its STOP opcode and returns the top value.
   *
   * @param where the file and entry, for messages ({@code model.pt: archive/data.pkl})
   * @throws ImportException for a truncated or corrupted pickle, a refused opcode or global
   */
  static Object load(byte[] bytes, String where) throws ImportException {
    return new TorchPickle(bytes, where).run();
  }

  private ImportException error(int at, String what) {
    return new ImportException(where + ": pickle byte " + at + ": " + what);
  }

  private Object run() throws ImportException {
    while (true) {
      if (pos >= b.length) {
        throw error(pos, "ended without a STOP opcode (truncated file?)");
      }
      int at = pos;
      int op = b[pos++] & 0xff;
      switch (op) {
        case 0x80: // PROTO
          int proto = u8();
          if (proto < 2 || proto > 5) {
            throw error(at, "expected pickle protocol 2 to 5, got " + proto);
          }
          break;
        case 0x95: // FRAME (protocol 4): an 8-byte length, the frame content follows inline
          skip(8);
          break;
        case '.': // STOP
          if (stack.size() != 1) {
            throw error(at, "STOP with " + stack.size() + " values on the stack, expected 1");
          }
          return stack.get(0);
        case '}': // EMPTY_DICT
          push(new LinkedHashMap<Object, Object>());
          break;
        case ']': // EMPTY_LIST
          push(new ArrayList<Object>());
          break;
        case ')': // EMPTY_TUPLE
          push(new Tuple(List.of()));
          break;
        case '(': // MARK
          stack.add(MARK);
          break;
        case 'X': // BINUNICODE
          push(utf8(len(u32(), at), at));
          break;
        case 0x8c: // SHORT_BINUNICODE
          push(utf8(u8(), at));
          break;
        case 0x8d: // BINUNICODE8
          push(utf8(len(u64(at), at), at));
          break;
        case 'q': // BINPUT
          put(u8(), at);
          break;
        case 'r': // LONG_BINPUT
          put(u32(), at);
          break;
        case 0x94: // MEMOIZE
          put(memo.size(), at);
          break;
        case 'h': // BINGET
          get(u8(), at);
          break;
        case 'j': // LONG_BINGET
          get(u32(), at);
          break;
        case 'c': { // GLOBAL module\nname\n
          String module = line(at);
          String name = line(at);
          push(global(module, name, at));
          break;
        }
        case 0x93: { // STACK_GLOBAL
          Object name = pop(at);
          Object module = pop(at);
          if (!(module instanceof String m) || !(name instanceof String n)) {
            throw error(at, "STACK_GLOBAL needs two strings, got " + describe(module) + " and " + describe(name));
          }
          push(global(m, n, at));
          break;
        }
        case 't': // TUPLE
          push(new Tuple(popToMark(at)));
          break;
        case 0x85: // TUPLE1
          push(new Tuple(popN(1, at)));
          break;
        case 0x86: // TUPLE2
          push(new Tuple(popN(2, at)));
          break;
        case 0x87: // TUPLE3
          push(new Tuple(popN(3, at)));
          break;
        case 'J': // BININT: 4-byte signed
          push((long) u32raw());
          break;
        case 'K': // BININT1
          push((long) u8());
          break;
        case 'M': // BININT2
          push((long) (u8() | (u8() << 8)));
          break;
        case 0x8a: { // LONG1: n-byte two's complement, little-endian
          int n = u8();
          if (n > 8) {
            throw error(at, "LONG1 of " + n + " bytes: integers beyond 64 bits are not expected in a state dict");
          }
          long v = 0;
          need(n, at);
          for (int i = 0; i < n; i++) {
            v |= (long) (b[pos + i] & 0xff) << (8 * i);
          }
          if (n > 0 && n < 8 && (b[pos + n - 1] & 0x80) != 0) {
            v |= -1L << (8 * n);
          }
          pos += n;
          push(v);
          break;
        }
        case 'G': { // BINFLOAT: 8-byte big-endian double
          need(8, at);
          long bits = 0;
          for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (b[pos + i] & 0xff);
          }
          pos += 8;
          push(Double.longBitsToDouble(bits));
          break;
        }
        case 0x88: // NEWTRUE
          push(Boolean.TRUE);
          break;
        case 0x89: // NEWFALSE
          push(Boolean.FALSE);
          break;
        case 'N': // NONE
          push(null);
          break;
        case 'Q': // BINPERSID
          push(persistent(pop(at), at));
          break;
        case 'R': { // REDUCE
          Object args = pop(at);
          Object callable = pop(at);
          push(reduce(callable, args, at));
          break;
        }
        case 'b': { // BUILD: set the state of the object below; only a dict's attributes (torch's _metadata)
          Object state = pop(at);
          Object obj = peek(at);
          if (!(obj instanceof Map) && !(obj instanceof TensorRef)) {
            throw error(at, "BUILD on " + describe(obj) + " is not allowed (a state dict only sets attributes"
                + " of its OrderedDict)");
          }
          if (state != null && !(state instanceof Map) && !(state instanceof Tuple)) {
            throw error(at, "BUILD with state " + describe(state) + " is not allowed");
          }
          break; // attributes such as _metadata carry no tensor: ignored
        }
        case 's': { // SETITEM
          Object value = pop(at);
          Object key = pop(at);
          dict(peek(at), at).put(key(key, at), value);
          break;
        }
        case 'u': { // SETITEMS
          List<Object> items = popToMark(at);
          if (items.size() % 2 != 0) {
            throw error(at, "SETITEMS with an odd number (" + items.size() + ") of keys and values");
          }
          Map<Object, Object> d = dict(peek(at), at);
          for (int i = 0; i < items.size(); i += 2) {
            d.put(key(items.get(i), at), items.get(i + 1));
          }
          break;
        }
        case 'a': { // APPEND
          Object v = pop(at);
          list(peek(at), at).add(v);
          break;
        }
        case 'e': { // APPENDS
          List<Object> items = popToMark(at);
          list(peek(at), at).addAll(items);
          break;
        }
        default:
          throw error(at, "opcode " + opcodeName(op) + " is not allowed (rnn4j reads only the opcodes a"
              + " state dict uses and never runs code from a pickle)");
      }
    }
  }

  private Object global(String module, String name, int at) throws ImportException {
    String q = module + "." + name;
    if (!ALLOWED_GLOBALS.contains(q)) {
      throw error(at, "global '" + q + "' is not allowed: a state dict needs only " + String.join(", ",
          new java.util.TreeSet<>(ALLOWED_GLOBALS)) + " (rnn4j never imports or runs code from a pickle; a file of"
          + " torch.save(model) pickles the model's classes: save model.state_dict() instead)");
    }
    return new Global(module, name);
  }

  private Object persistent(Object pid, int at) throws ImportException {
    if (!(pid instanceof Tuple t) || t.items().size() != 5 || !"storage".equals(t.items().get(0))) {
      throw error(at, "expected a persistent id ('storage', type, key, location, numel), got " + describe(pid));
    }
    List<Object> it = t.items();
    if (!(it.get(1) instanceof Global g) || !(it.get(2) instanceof String key) || !(it.get(4) instanceof Long numel)) {
      throw error(at, "malformed storage id " + describe(pid));
    }
    String dtype;
    int size;
    switch (g.name()) {
      case "FloatStorage":
        dtype = "float32";
        size = 4;
        break;
      case "DoubleStorage":
        dtype = "float64";
        size = 8;
        break;
      case "HalfStorage":
        dtype = "float16";
        size = 2;
        break;
      case "BFloat16Storage":
        dtype = "bfloat16";
        size = 2;
        break;
      case "LongStorage":
        dtype = "int64";
        size = 8;
        break;
      case "IntStorage":
        dtype = "int32";
        size = 4;
        break;
      default:
        throw error(at, "storage type '" + g.qualified() + "' is not a storage");
    }
    if (numel < 0) {
      throw error(at, "storage '" + key + "' has a negative size " + numel);
    }
    Object location = it.get(3);
    return new Storage(dtype, size, key, location instanceof String s ? s : String.valueOf(location), numel);
  }

  private Object reduce(Object callable, Object args, int at) throws ImportException {
    if (!(callable instanceof Global g)) {
      throw error(at, "REDUCE of " + describe(callable) + " is not allowed");
    }
    if (!(args instanceof Tuple t)) {
      throw error(at, "REDUCE of " + g.qualified() + " with arguments " + describe(args) + ", expected a tuple");
    }
    List<Object> a = t.items();
    switch (g.qualified()) {
      case "collections.OrderedDict":
        if (!a.isEmpty()) {
          throw error(at, "collections.OrderedDict called with arguments; a state dict creates it empty");
        }
        return new LinkedHashMap<Object, Object>();
      case "torch._utils._rebuild_tensor_v2": {
        if (a.size() < 4 || !(a.get(0) instanceof Storage s) || !(a.get(1) instanceof Long off)
            || !(a.get(2) instanceof Tuple size) || !(a.get(3) instanceof Tuple stride)) {
          throw error(at, "_rebuild_tensor_v2 expects (storage, offset, size, stride, ...), got " + describe(args));
        }
        return new TensorRef(s, off, longs(size, "size", at), longs(stride, "stride", at));
      }
      case "torch._utils._rebuild_parameter":
        if (a.isEmpty() || !(a.get(0) instanceof TensorRef tr)) {
          throw error(at, "_rebuild_parameter expects (tensor, requires_grad, hooks), got " + describe(args));
        }
        return tr;
      default:
        throw error(at, "REDUCE of '" + g.qualified() + "' is not allowed (only OrderedDict and tensor rebuilds)");
    }
  }

  private long[] longs(Tuple t, String what, int at) throws ImportException {
    long[] v = new long[t.items().size()];
    for (int i = 0; i < v.length; i++) {
      if (!(t.items().get(i) instanceof Long l)) {
        throw error(at, "tensor " + what + " holds " + describe(t.items().get(i)) + ", expected integers");
      }
      v[i] = l;
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  private Map<Object, Object> dict(Object o, int at) throws ImportException {
    if (!(o instanceof Map)) {
      throw error(at, "SETITEM(S) on " + describe(o) + ", expected a dict");
    }
    return (Map<Object, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private List<Object> list(Object o, int at) throws ImportException {
    if (!(o instanceof List) || o instanceof Tuple) {
      throw error(at, "APPEND(S) on " + describe(o) + ", expected a list");
    }
    return (List<Object>) o;
  }

  private Object key(Object k, int at) throws ImportException {
    if (k == null || k instanceof String || k instanceof Long || k instanceof Boolean || k instanceof Double) {
      return k;
    }
    if (k instanceof Tuple t) {
      for (Object o : t.items()) {
        if (!(o == null || o instanceof String || o instanceof Long || o instanceof Boolean || o instanceof Double)) {
          throw error(at, "dict key: a tuple holding " + describe(o) + " is not a plain value");
        }
      }
      return k;
    }
    throw error(at, "dict key " + describe(k) + " is not a plain value");
  }

  private void push(Object o) {
    stack.add(o);
  }

  private Object pop(int at) throws ImportException {
    if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
      throw error(at, "stack underflow (corrupted pickle)");
    }
    return stack.remove(stack.size() - 1);
  }

  private Object peek(int at) throws ImportException {
    if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
      throw error(at, "stack underflow (corrupted pickle)");
    }
    return stack.get(stack.size() - 1);
  }

  private List<Object> popN(int n, int at) throws ImportException {
    Object[] items = new Object[n];
    for (int i = n - 1; i >= 0; i--) {
      items[i] = pop(at);
    }
    return java.util.Arrays.asList(items);
  }

  private List<Object> popToMark(int at) throws ImportException {
    int m = stack.lastIndexOf(MARK);
    if (m < 0) {
      throw error(at, "no MARK on the stack (corrupted pickle)");
    }
    List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
    stack.subList(m, stack.size()).clear();
    return items;
  }

  private void put(long index, int at) throws ImportException {
    if (index < 0 || index > MAX_MEMO) {
      throw error(at, "memo index " + index + " out of range [0, " + MAX_MEMO + "]");
    }
    memo.put((int) index, peek(at));
  }

  private void get(long index, int at) throws ImportException {
    if (!memo.containsKey((int) index) || index < 0 || index > MAX_MEMO) {
      throw error(at, "memo index " + index + " was never stored (corrupted pickle)");
    }
    push(memo.get((int) index));
  }

  private void need(long n, int at) throws ImportException {
    if (n > b.length - pos) {
      throw error(at, "needs " + n + " more bytes, only " + (b.length - pos) + " left (truncated file?)");
    }
  }

  private void skip(int n) throws ImportException {
    need(n, pos - 1);
    pos += n;
  }

  private int u8() throws ImportException {
    need(1, pos - 1);
    return b[pos++] & 0xff;
  }

  private int u32raw() throws ImportException {
    need(4, pos - 1);
    int v = (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8 | (b[pos + 2] & 0xff) << 16 | (b[pos + 3] & 0xff) << 24;
    pos += 4;
    return v;
  }

  private long u32() throws ImportException {
    return u32raw() & 0xffffffffL;
  }

  private long u64(int at) throws ImportException {
    long lo = u32();
    long hi = u32();
    if (hi != 0) {
      throw error(at, "length beyond 4 GiB");
    }
    return lo;
  }

  private int len(long n, int at) throws ImportException {
    need(n, at);
    return (int) n;
  }

  private String utf8(int n, int at) throws ImportException {
    need(n, at);
    String s;
    try {
      s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(b, pos, n)).toString();
    } catch (CharacterCodingException e) {
      throw error(at, "a string that is not valid UTF-8 (corrupted pickle)");
    }
    pos += n;
    return s;
  }

  private String line(int at) throws ImportException {
    int start = pos;
    while (pos < b.length && b[pos] != '\n') {
      if (pos - start > 256) {
        throw error(at, "GLOBAL name longer than 256 bytes");
      }
      pos++;
    }
    if (pos >= b.length) {
      throw error(at, "GLOBAL name without its newline (truncated file?)");
    }
    String s = new String(b, start, pos - start, StandardCharsets.UTF_8);
    pos++;
    return s;
  }

  private static String describe(Object o) {
    if (o == null) {
      return "None";
    }
    if (o instanceof String s) {
      return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
    }
    if (o instanceof Tuple t) {
      return "a tuple of " + t.items().size();
    }
    if (o instanceof Global g) {
      return g.qualified();
    }
    if (o instanceof Map) {
      return "a dict";
    }
    if (o instanceof List) {
      return "a list";
    }
    return o.getClass().getSimpleName() + " " + o;
  }

  /** The name of a pickle opcode (for refusals), e.g. {@code INST (0x69 'i')}. */
  static String opcodeName(int op) {
    String name;
    switch (op) {
      case 'i': name = "INST"; break;
      case 'o': name = "OBJ"; break;
      case 0x81: name = "NEWOBJ"; break;
      case 0x92: name = "NEWOBJ_EX"; break;
      case 0x82: name = "EXT1"; break;
      case 0x83: name = "EXT2"; break;
      case 0x84: name = "EXT4"; break;
      case 'P': name = "PERSID"; break;
      case 'I': name = "INT"; break;
      case 'L': name = "LONG"; break;
      case 'F': name = "FLOAT"; break;
      case 'S': name = "STRING"; break;
      case 'V': name = "UNICODE"; break;
      case 'T': name = "BINSTRING"; break;
      case 'U': name = "SHORT_BINSTRING"; break;
      case 'B': name = "BINBYTES"; break;
      case 'C': name = "SHORT_BINBYTES"; break;
      case 0x8e: name = "BINBYTES8"; break;
      case 0x8f: name = "EMPTY_SET"; break;
      case 0x90: name = "ADDITEMS"; break;
      case 0x91: name = "FROZENSET"; break;
      case 0x96: name = "BYTEARRAY8"; break;
      case 0x97: name = "NEXT_BUFFER"; break;
      case 0x98: name = "READONLY_BUFFER"; break;
      case 'p': name = "PUT"; break;
      case 'g': name = "GET"; break;
      case 'd': name = "DICT"; break;
      case 'l': name = "LIST"; break;
      case '0': name = "POP"; break;
      case '1': name = "POP_MARK"; break;
      case '2': name = "DUP"; break;
      case 0x8b: name = "LONG4"; break;
      default: name = "unknown";
    }
    String ch = op >= 0x20 && op < 0x7f ? " '" + (char) op + "'" : "";
    return name + String.format(" (0x%02x%s)", op, ch);
  }
}
