package org.rnn4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnn4j.internal.io.Json;

/**
 * Reads and writes safetensors files: an 8-byte little-endian header length N, N bytes of JSON
 * ({@code {"__metadata__": {string: string}, name: {"dtype", "shape", "data_offsets": [begin, end]}}},
 * padded with spaces to a multiple of 8), then the raw little-endian tensor bytes. Writes F32; reads
 * F32, F64, F16 and BF16 into float32. Every size and offset is checked against the file before any
 * allocation, so a corrupt or hostile file gets a clear refusal naming the file and the part, not an
 * out-of-memory error. Stateless and thread-safe.
 */
public final class SafeTensors {
  /** Largest header accepted (the format's own limit is 100 MB). */
  static final long MAX_HEADER = 100L << 20;

  private SafeTensors() {
  }

  /** One named float32 tensor. */
  public record Tensor(String name, int[] shape, float[] data) {
    public Tensor {
      long n = 1;
      for (int d : shape) {
        n *= d;
      }
      if (n != data.length) {
        throw new IllegalArgumentException("safetensors: tensor '" + name + "' has shape "
            + Arrays.toString(shape) + " (" + n + " values) but " + data.length + " values");
      }
    }
  }

  /** A file's metadata and tensors, in the file's header order. */
  public record Contents(Map<String, String> metadata, Map<String, Tensor> tensors) {
  }

  /** Writes tensors (in the given order) and string metadata atomically. */
  public static void write(Path file, Map<String, String> metadata, List<Tensor> tensors)
      throws IOException {
    Map<String, Object> header = new LinkedHashMap<>();
    if (metadata != null && !metadata.isEmpty()) {
      header.put("__metadata__", new LinkedHashMap<String, Object>(metadata));
    }
    long offset = 0;
    for (Tensor t : tensors) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("dtype", "F32");
      List<Object> shape = new ArrayList<>();
      for (int d : t.shape()) {
        shape.add((long) d);
      }
      e.put("shape", shape);
      long end = offset + 4L * t.data().length;
      e.put("data_offsets", List.of(offset, end));
      if (header.put(t.name(), e) != null) {
        throw new IllegalArgumentException("safetensors: tensor name '" + t.name() + "' is used twice");
      }
      offset = end;
    }
    byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    byte[] head = Arrays.copyOf(json, padded);
    Arrays.fill(head, json.length, padded, (byte) ' ');
    AtomicFiles.write(file, out -> {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
      out.write(len.array());
      out.write(head);
      ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
      for (Tensor t : tensors) {
        for (float v : t.data()) {
          if (buf.remaining() < 4) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
          }
          buf.putFloat(v);
        }
      }
      out.write(buf.array(), 0, buf.position());
    });
  }

  /**
   * Reads a whole file.
   *
   * @throws IOException naming the file and the part that is wrong
   */
  public static Contents read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw new IOException(file + ": not a safetensors file: " + size + " bytes, expected at least 8");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0, file);
      long n = lenBuf.getLong(0);
      if (n < 2 || n > MAX_HEADER || n > size - 8) {
        throw new IOException(file + ": not a safetensors file: header length " + n + " does not fit a "
            + size + "-byte file");
      }
      ByteBuffer headBuf = ByteBuffer.allocate((int) n);
      readFully(ch, headBuf, 8, file);
      String text = new String(headBuf.array(), StandardCharsets.UTF_8);
      Object parsed;
      try {
        parsed = Json.parse(text);
      } catch (IllegalArgumentException e) {
        throw new IOException(file + ": the safetensors header is not valid JSON: " + e.getMessage());
      }
      if (!(parsed instanceof Map<?, ?> header)) {
        throw new IOException(file + ": the safetensors header is not a JSON object");
      }
      long dataStart = 8 + n;
      long dataSize = size - dataStart;
      Map<String, String> meta = new LinkedHashMap<>();
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : header.entrySet()) {
        String name = (String) e.getKey();
        if (name.equals("__metadata__")) {
          if (!(e.getValue() instanceof Map<?, ?> m)) {
            throw new IOException(file + ": __metadata__ is not an object of strings");
          }
          for (Map.Entry<?, ?> me : m.entrySet()) {
            if (!(me.getValue() instanceof String sv)) {
              throw new IOException(file + ": __metadata__ entry '" + me.getKey() + "' is not a string");
            }
            meta.put((String) me.getKey(), sv);
          }
          continue;
        }
        tensors.put(name, readTensor(ch, file, name, e.getValue(), dataStart, dataSize));
      }
      return new Contents(meta, tensors);
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": no such file");
    }
  }

  private static Tensor readTensor(FileChannel ch, Path file, String name, Object spec, long dataStart,
      long dataSize) throws IOException {
    String where = file + ": tensor '" + name + "'";
    if (!(spec instanceof Map<?, ?> m)) {
      throw new IOException(where + ": expected an object with dtype, shape, data_offsets");
    }
    Object dtype = m.get("dtype");
    int width;
    if ("F32".equals(dtype)) {
      width = 4;
    } else if ("F64".equals(dtype)) {
      width = 8;
    } else if ("F16".equals(dtype) || "BF16".equals(dtype)) {
      width = 2;
    } else {
      throw new IOException(where + ": expected dtype F32, F64, F16 or BF16, got " + dtype);
    }
    if (!(m.get("shape") instanceof List<?> shapeList)) {
      throw new IOException(where + ": expected a shape list");
    }
    int[] shape = new int[shapeList.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      if (!(shapeList.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
        throw new IOException(where + ": expected non-negative whole dimensions, got shape " + shapeList);
      }
      shape[i] = (int) (long) d;
      count *= d;
      if (count > Integer.MAX_VALUE - 8) {
        throw new IOException(where + ": shape " + shapeList + " is too large");
      }
    }
    if (!(m.get("data_offsets") instanceof List<?> offs) || offs.size() != 2
        || !(offs.get(0) instanceof Long begin) || !(offs.get(1) instanceof Long end)) {
      throw new IOException(where + ": expected data_offsets [begin, end]");
    }
    if (begin < 0 || end < begin || end > dataSize) {
      throw new IOException(where + ": data_offsets [" + begin + ", " + end + "] lie outside the "
          + dataSize + "-byte data section (truncated file?)");
    }
    if (end - begin != count * width) {
      throw new IOException(where + ": " + (end - begin) + " bytes of " + dtype + " do not match shape "
          + Arrays.toString(shape) + " (" + count * width + " bytes expected)");
    }
    ByteBuffer buf = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, buf, dataStart + begin, file);
    float[] data = new float[(int) count];
    for (int i = 0; i < data.length; i++) {
      switch (width) {
        case 4:
          data[i] = buf.getFloat(i * 4);
          break;
        case 8:
          data[i] = (float) buf.getDouble(i * 8);
          break;
        default:
          short h = buf.getShort(i * 2);
          data[i] = "BF16".equals(dtype) ? Float.intBitsToFloat((h & 0xffff) << 16) : org.rnn4j.io.Float16.toFloat(h);
      }
    }
    return new Tensor(name, shape, data);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path file) throws IOException {
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos + buf.position());
      if (r < 0) {
        throw new IOException(file + ": truncated: ended at byte " + (pos + buf.position()));
      }
    }
  }
}
