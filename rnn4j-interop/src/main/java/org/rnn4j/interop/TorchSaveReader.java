package org.rnn4j.interop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.rnn4j.io.SafeTensors;

/**
 * Reads the zip container {@code torch.save} writes (PyTorch 1.6 and later): one folder (named after
 * the file stem by PyTorch 1.x, {@code archive} by 2.x) holding {@code data.pkl}, {@code data/<key>}
 * raw storages and {@code version} (and {@code byteorder} in newer versions). The folder is found as
 * the one holding {@code data.pkl}, never assumed. Sizes are checked before anything is allocated:
 * at most {@link #MAX_ENTRIES} entries, a pickle of at most {@link #MAX_PICKLE} bytes, a storage of at
 * most {@link #MAX_STORAGE} bytes whose length must match its declared element count, and a
 * decompressed size no larger than deflate can produce from the compressed bytes (zip bombs are
 * refused). Stateless and thread-safe.
 */
final class TorchSaveReader {
  static final int MAX_ENTRIES = 100_000;
  static final long MAX_PICKLE = 256L << 20;
  static final long MAX_STORAGE = 1L << 30;
  /** Deflate cannot expand more than about 1032:1. */
  private static final long MAX_DEFLATE_RATIO = 1100;

  private TorchSaveReader() {
  }

  static StateDict read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ImportException(file + ": no such file");
    }
    try (ZipFile zip = new ZipFile(file.toFile())) {
      if (zip.size() > MAX_ENTRIES) {
        throw new ImportException(file + ": a zip of " + zip.size() + " entries; a torch.save file of a state"
            + " dict has one per tensor storage (at most " + MAX_ENTRIES + " accepted)");
      }
      List<String> pickles = new ArrayList<>();
      for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
        String n = en.nextElement().getName();
        if (n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - "/data.pkl".length()) {
          pickles.add(n);
        }
      }
      if (pickles.isEmpty()) {
        throw new ImportException(file + ": a zip without a <folder>/data.pkl entry: not a torch.save file");
      }
      if (pickles.size() > 1) {
        throw new ImportException(file + ": a zip with " + pickles.size() + " data.pkl entries " + pickles
            + ", expected one (a torch.save file has one folder)");
      }
      String root = pickles.get(0).substring(0, pickles.get(0).length() - "data.pkl".length());
      ByteOrder order = ByteOrder.LITTLE_ENDIAN;
      ZipEntry bo = zip.getEntry(root + "byteorder");
      if (bo != null) {
        String v = new String(entryBytes(zip, bo, file, 64), StandardCharsets.US_ASCII).trim();
        if (v.equals("big")) {
          order = ByteOrder.BIG_ENDIAN;
        } else if (!v.equals("little")) {
          throw new ImportException(file + ": entry " + bo.getName() + ": expected 'little' or 'big', got '" + v + "'");
        }
      }
      String where = file + ": " + pickles.get(0);
      Object top = TorchPickle.load(entryBytes(zip, zip.getEntry(pickles.get(0)), file, MAX_PICKLE), where);
      if (!(top instanceof Map<?, ?> dict)) {
        throw new ImportException(where + ": holds " + (top instanceof TorchPickle.TensorRef ? "a single tensor"
            : "no dict") + ", expected a state dict (torch.save(module.state_dict(), path))");
      }
      Map<String, TorchPickle.TensorRef> refs = new LinkedHashMap<>();
      flatten(dict, "", refs, where, 0);
      Map<String, byte[]> storages = new HashMap<>();
      Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
      Map<String, String> dtypes = new LinkedHashMap<>();
      for (Map.Entry<String, TorchPickle.TensorRef> e : refs.entrySet()) {
        TorchPickle.TensorRef t = e.getValue();
        TorchPickle.Storage s = t.storage();
        String entryName = root + "data/" + s.key();
        byte[] bytes = storages.get(s.key());
        if (bytes == null) {
          ZipEntry ze = zip.getEntry(entryName);
          if (ze == null) {
            throw new ImportException(file + ": tensor '" + e.getKey() + "': its storage entry " + entryName
                + " is missing");
          }
          long want = s.numel() * s.elementSize();
          if (s.numel() > MAX_STORAGE / s.elementSize()) {
            throw new ImportException(file + ": tensor '" + e.getKey() + "': storage of " + s.numel() + " "
                + s.dtype() + " values is larger than the " + MAX_STORAGE + " bytes accepted");
          }
          if (ze.getSize() >= 0 && ze.getSize() != want) {
            throw new ImportException(file + ": tensor '" + e.getKey() + "': storage entry " + entryName + " has "
                + ze.getSize() + " bytes, expected " + want + " (" + s.numel() + " " + s.dtype() + " values)");
          }
          bytes = entryBytes(zip, ze, file, want);
          if (bytes.length != want) {
            throw new ImportException(file + ": tensor '" + e.getKey() + "': storage entry " + entryName
                + " has " + bytes.length + " bytes, expected " + want + " (truncated file?)");
          }
          storages.put(s.key(), bytes);
        }
        tensors.put(e.getKey(), materialise(e.getKey(), t, bytes, order, file));
        dtypes.put(e.getKey(), s.dtype());
      }
      return new StateDict(file, "torch.save", tensors, dtypes);
    } catch (ImportException e) {
      throw e;
    } catch (ZipException e) {
      throw new ImportException(file + ": not a readable zip (truncated or corrupted torch.save file): "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new ImportException(file + ": cannot be read as a torch.save zip (truncated or corrupted file?): "
          + e, e);
    }
  }

  @SuppressWarnings("unchecked")
  private static void flatten(Map<?, ?> dict, String prefix, Map<String, TorchPickle.TensorRef> out, String where,
      int depth) throws ImportException {
    if (depth > 32) {
      throw new ImportException(where + ": dicts nested more than 32 deep");
    }
    for (Map.Entry<?, ?> e : dict.entrySet()) {
      String key = prefix + e.getKey();
      if (e.getValue() instanceof TorchPickle.TensorRef t) {
        if (out.put(key, t) != null) {
          throw new ImportException(where + ": tensor name '" + key + "' appears twice after flattening");
        }
      } else if (e.getValue() instanceof Map<?, ?> inner) {
        flatten(inner, key + ".", out, where, depth + 1);
      }
    }
  }

  /** The bytes of one entry, refusing more than {@code limit} bytes or an impossible expansion ratio. */
  private static byte[] entryBytes(ZipFile zip, ZipEntry e, Path file, long limit) throws IOException {
    long declared = e.getSize();
    if (declared > limit) {
      throw new ImportException(file + ": entry " + e.getName() + " declares " + declared + " bytes, more than the "
          + limit + " accepted");
    }
    if (e.getMethod() == ZipEntry.DEFLATED && e.getCompressedSize() >= 0
        && Math.max(declared, 0) > Math.max(e.getCompressedSize(), 1) * MAX_DEFLATE_RATIO) {
      throw new ImportException(file + ": entry " + e.getName() + " claims " + declared + " bytes from "
          + e.getCompressedSize() + " compressed bytes, more than deflate can produce (a zip bomb?)");
    }
    int cap = (int) Math.min(limit, Integer.MAX_VALUE - 16);
    try (InputStream in = zip.getInputStream(e)) {
      byte[] data = in.readNBytes(declared >= 0 ? (int) declared : cap);
      if (in.read() >= 0) {
        throw new ImportException(file + ": entry " + e.getName() + " holds more bytes than the "
            + (declared >= 0 ? declared + " it declares" : cap + " accepted") + " (corrupted zip?)");
      }
      return data;
    } catch (ImportException ex) {
      throw ex;
    } catch (IOException ex) {
      throw new ImportException(file + ": entry " + e.getName() + " cannot be read: " + ex
          + " (truncated or corrupted file?)", ex);
    }
  }

  private static SafeTensors.Tensor materialise(String name, TorchPickle.TensorRef t, byte[] bytes, ByteOrder order,
      Path file) throws ImportException {
    long[] size = t.size();
    long[] stride = t.stride();
    String where = file + ": tensor '" + name + "'";
    if (stride.length != size.length) {
      throw new ImportException(where + ": size " + Arrays.toString(size) + " and stride " + Arrays.toString(stride)
          + " have different ranks");
    }
    long numel = 1;
    int[] shape = new int[size.length];
    for (int i = 0; i < size.length; i++) {
      if (size[i] < 0 || size[i] > Integer.MAX_VALUE) {
        throw new ImportException(where + ": size " + Arrays.toString(size) + " has a dimension out of range");
      }
      shape[i] = (int) size[i];
      numel *= size[i]; // both factors < 2^31: no overflow
      if (numel > Integer.MAX_VALUE - 16) {
        throw new ImportException(where + ": size " + Arrays.toString(size) + " is too large");
      }
    }
    long expect = 1;
    for (int i = size.length - 1; i >= 0; i--) {
      if (size[i] != 1 && stride[i] != expect && numel != 0) {
        throw new ImportException(where + ": stride " + Arrays.toString(stride) + " for size " + Arrays.toString(size)
            + " is not contiguous (row-major stride would be " + Arrays.toString(rowMajor(size))
            + "); save tensor.contiguous() values");
      }
      expect *= size[i];
    }
    long storageNumel = t.storage().numel();
    if (t.offset() < 0 || t.offset() + numel > storageNumel) {
      throw new ImportException(where + ": storage offset " + t.offset() + " + " + numel + " values exceeds the "
          + storageNumel + " values of storage '" + t.storage().key() + "'");
    }
    float[] data = new float[(int) numel];
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(order);
    int es = t.storage().elementSize();
    int base = (int) (t.offset() * es);
    for (int i = 0; i < data.length; i++) {
      int p = base + i * es;
      switch (t.storage().dtype()) {
        case "float32":
          data[i] = buf.getFloat(p);
          break;
        case "float64":
          data[i] = (float) buf.getDouble(p);
          break;
        case "float16":
          data[i] = org.rnn4j.io.Float16.toFloat(buf.getShort(p));
          break;
        case "bfloat16":
          data[i] = Float.intBitsToFloat((buf.getShort(p) & 0xffff) << 16);
          break;
        case "int64":
          data[i] = buf.getLong(p);
          break;
        case "int32":
          data[i] = buf.getInt(p);
          break;
        default:
          throw new AssertionError(t.storage().dtype());
      }
    }
    return new SafeTensors.Tensor(name, shape, data);
  }

  private static long[] rowMajor(long[] size) {
    long[] s = new long[size.length];
    long e = 1;
    for (int i = size.length - 1; i >= 0; i--) {
      s[i] = e;
      e *= size[i];
    }
    return s;
  }

}
