package org.rnn4j.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.SafeTensors;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Recurrent;
import org.rnn4j.nn.RecurrentSpec;

/**
 * Reading PyTorch state dicts: the real files PyTorch and the safetensors library wrote, hand-built
 * {@code torch.save} zips, and hostile or broken files that must be refused with a clear message in
 * bounded time.
 */
@Timeout(30)
class TorchStateDictTest {

  static Path resource(String name) throws URISyntaxException {
    return Path.of(TorchStateDictTest.class.getResource("/torch/" + name).toURI());
  }

  // ---- real files ---------------------------------------------------------------------------------

  @Test
  void readsTheTorchSaveFileOfPyTorch113() throws Exception {
    StateDict sd = StateDict.read(resource("lstm_bidir_state_dict.pt"));
    assertThat(sd.container()).isEqualTo("torch.save");
    assertThat(sd.tensors().keySet()).containsExactly("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
        "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse");
    assertThat(sd.get("weight_ih_l0").shape()).containsExactly(16, 3);
    assertThat(sd.get("weight_ih_l0").data()[0]).isEqualTo(-0.34483352303504944f);
    assertThat(sd.dtype("weight_ih_l0")).isEqualTo("float32");
    RecurrentSpec spec = TorchImport.inferSpec(sd, TorchImport.NameMapping.auto(), null);
    assertThat(spec.cell()).isEqualTo(CellType.LSTM);
    assertThat(spec.inputSize()).isEqualTo(3);
    assertThat(spec.hiddenSize()).isEqualTo(4);
    assertThat(spec.bidirectional()).isTrue();
    Recurrent rnn = TorchImport.toRecurrent(sd, spec);
    assertThat(rnn.parameter("bias_hh_l0_reverse")).isEqualTo(sd.get("bias_hh_l0_reverse").data());
  }

  @Test
  void readsTheSafetensorsFileOfTheSafetensorsLibrary() throws Exception {
    StateDict sd = StateDict.read(resource("lstm_2layer.safetensors"));
    assertThat(sd.container()).isEqualTo("safetensors");
    assertThat(sd.tensors()).hasSize(8);
    assertThat(sd.get("weight_ih_l0").data()[0]).isEqualTo(-0.1627199947834015f);
    RecurrentSpec spec = TorchImport.inferSpec(sd, TorchImport.NameMapping.auto(), null);
    assertThat(spec.numLayers()).isEqualTo(2);
    assertThat(spec.bidirectional()).isFalse();
    assertThat(TorchImport.toRecurrent(sd, spec).parameterCount()).isEqualTo(60 + 100 + 20 + 20 + 100 + 100 + 20 + 20);
  }

  // ---- hand-built torch.save files ---------------------------------------------------------------

  @Test
  void readsAnArchiveFolderWithPrefixHalfAndDoubleStoragesAndBigEndian(@TempDir Path tmp) throws Exception {
    Map<String, Object[]> t = new LinkedHashMap<>();
    float[] a = {1f, 2f, 3f, 4f, 5f, 6f};
    t.put("rnn.weight_ih_l0", new Object[] {"FloatStorage", "0", a, new long[] {3, 2}});
    t.put("rnn.bias", new Object[] {"DoubleStorage", "1", new float[] {0.5f, -0.25f}, new long[] {2}});
    t.put("fc.half", new Object[] {"HalfStorage", "2", new float[] {1.5f, -2f}, new long[] {2}});
    Path f = tmp.resolve("m.pt");
    writeTorchZip(f, "archive", stateDictPickle(t, null), t, ByteOrder.BIG_ENDIAN, null);
    StateDict sd = StateDict.read(f);
    assertThat(sd.get("rnn.weight_ih_l0").data()).containsExactly(a);
    assertThat(sd.get("rnn.weight_ih_l0").shape()).containsExactly(3, 2);
    assertThat(sd.get("rnn.bias").data()).containsExactly(0.5f, -0.25f);
    assertThat(sd.dtype("rnn.bias")).isEqualTo("float64");
    assertThat(sd.get("fc.half").data()).containsExactly(1.5f, -2f);
  }

  @Test
  void aPickleThatImportsAnotherGlobalIsRefusedWithItsName(@TempDir Path tmp) throws Exception {
    // the classic: cos\nsystem\n(S'echo pwned'\ntR. -- here with protocol 2 strings
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(new byte[] {(byte) 0x80, 2});
    p.write("cposix\nsystem\n".getBytes(StandardCharsets.US_ASCII));
    binunicode(p, "echo pwned");
    p.write(0x85); // TUPLE1
    p.write('R');
    p.write('.');
    Path f = tmp.resolve("evil.pt");
    writeTorchZip(f, "evil", p.toByteArray(), Map.of(), ByteOrder.LITTLE_ENDIAN, null);
    assertThatThrownBy(() -> StateDict.read(f)).isInstanceOf(ImportException.class)
        .hasMessageContaining("evil.pt").hasMessageContaining("evil/data.pkl")
        .hasMessageContaining("global 'posix.system' is not allowed");

    ByteArrayOutputStream q = new ByteArrayOutputStream();
    q.write(new byte[] {(byte) 0x80, 2});
    q.write("cbuiltins\neval\n".getBytes(StandardCharsets.US_ASCII));
    Path g = tmp.resolve("eval.pt");
    writeTorchZip(g, "archive", q.toByteArray(), Map.of(), ByteOrder.LITTLE_ENDIAN, null);
    assertThatThrownBy(() -> StateDict.read(g)).hasMessageContaining("global 'builtins.eval' is not allowed");
  }

  @Test
  void opcodesAStateDictDoesNotUseAreRefusedByName(@TempDir Path tmp) throws Exception {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(new byte[] {(byte) 0x80, 2});
    p.write("ccollections\nOrderedDict\n".getBytes(StandardCharsets.US_ASCII));
    p.write(')');
    p.write(0x81); // NEWOBJ
    p.write('.');
    Path f = tmp.resolve("newobj.pt");
    writeTorchZip(f, "archive", p.toByteArray(), Map.of(), ByteOrder.LITTLE_ENDIAN, null);
    assertThatThrownBy(() -> StateDict.read(f)).isInstanceOf(ImportException.class)
        .hasMessageContaining("opcode NEWOBJ (0x81) is not allowed");
  }

  @Test
  void aStorageWhoseBytesDoNotMatchItsSizeIsRefused(@TempDir Path tmp) throws Exception {
    Map<String, Object[]> t = new LinkedHashMap<>();
    t.put("w", new Object[] {"FloatStorage", "0", new float[] {1f, 2f, 3f, 4f}, new long[] {2, 2}});
    Path f = tmp.resolve("short.pt");
    // the pickle says 4 values, the entry holds 3
    writeTorchZip(f, "archive", stateDictPickle(t, null), t, ByteOrder.LITTLE_ENDIAN, Map.of("0", 12));
    assertThatThrownBy(() -> StateDict.read(f)).isInstanceOf(ImportException.class)
        .hasMessageContaining("tensor 'w'").hasMessageContaining("has 12 bytes, expected 16");
  }

  @Test
  void aTensorLargerThanItsStorageOrNotContiguousIsRefused(@TempDir Path tmp) throws Exception {
    Map<String, Object[]> t = new LinkedHashMap<>();
    t.put("w", new Object[] {"FloatStorage", "0", new float[] {1f, 2f, 3f, 4f}, new long[] {2, 2}});
    Path f = tmp.resolve("big.pt");
    writeTorchZip(f, "archive", stateDictPickle(t, Map.of("w", new long[][] {{3, 2}, {2, 1}})), t,
        ByteOrder.LITTLE_ENDIAN, null);
    assertThatThrownBy(() -> StateDict.read(f)).hasMessageContaining("tensor 'w'")
        .hasMessageContaining("exceeds the 4 values of storage '0'");
    Path g = tmp.resolve("strided.pt");
    writeTorchZip(g, "archive", stateDictPickle(t, Map.of("w", new long[][] {{2, 2}, {1, 2}})), t,
        ByteOrder.LITTLE_ENDIAN, null);
    assertThatThrownBy(() -> StateDict.read(g)).hasMessageContaining("stride [1, 2] for size [2, 2] is not contiguous");
  }

  @Test
  void anAbsurdStorageSizeIsRefusedBeforeAllocating(@TempDir Path tmp) throws Exception {
    Map<String, Object[]> t = new LinkedHashMap<>();
    t.put("w", new Object[] {"FloatStorage", "0", new float[] {1f}, new long[] {1}});
    byte[] pickle = stateDictPickle(t, null);
    // patch numel 1 -> 2^40 via a hand-written persistent id
    Map<String, Object[]> huge = new LinkedHashMap<>();
    huge.put("w", new Object[] {"FloatStorage", "0", new float[] {1f}, new long[] {1}, 1L << 40});
    Path f = tmp.resolve("huge.pt");
    writeTorchZip(f, "archive", stateDictPickle(huge, null), t, ByteOrder.LITTLE_ENDIAN, null);
    assertThat(pickle).isNotEmpty();
    assertThatThrownBy(() -> StateDict.read(f)).isInstanceOf(ImportException.class)
        .hasMessageContaining("storage of 1099511627776 float32 values is larger than");
  }

  @Test
  void truncatedAndCorruptedFilesAreRefusedClearly(@TempDir Path tmp) throws Exception {
    byte[] good = Files.readAllBytes(resource("lstm_bidir_state_dict.pt"));
    for (int cut : new int[] {10, 100, good.length / 2, good.length - 30}) {
      Path f = tmp.resolve("cut" + cut + ".pt");
      Files.write(f, Arrays.copyOf(good, cut));
      assertThatThrownBy(() -> StateDict.read(f)).as("cut at " + cut).isInstanceOf(ImportException.class)
          .hasMessageContaining(f.toString());
    }
    // flip bytes all over the file: every outcome is a clean ImportException or a (different) state dict
    java.util.SplittableRandom r = new java.util.SplittableRandom(7);
    for (int trial = 0; trial < 300; trial++) {
      byte[] bad = good.clone();
      for (int k = 0; k < 3; k++) {
        bad[r.nextInt(bad.length)] ^= (byte) (1 + r.nextInt(255));
      }
      Path f = tmp.resolve("bad" + trial + ".pt");
      Files.write(f, bad);
      try {
        StateDict.read(f);
      } catch (ImportException e) {
        assertThat(e.getMessage()).contains(f.toString());
      }
    }
    // pickle bytes flipped inside data.pkl (the zip stays readable)
    Map<String, Object[]> t = new LinkedHashMap<>();
    t.put("w", new Object[] {"FloatStorage", "0", new float[] {1f, 2f}, new long[] {2}});
    byte[] pickle = stateDictPickle(t, null);
    for (int i = 2; i < pickle.length; i++) {
      byte[] bad = pickle.clone();
      bad[i] ^= 0x5a;
      Path f = tmp.resolve("pk" + i + ".pt");
      writeTorchZip(f, "archive", bad, t, ByteOrder.LITTLE_ENDIAN, null);
      try {
        StateDict.read(f);
      } catch (ImportException e) {
        assertThat(e.getMessage()).contains(f.toString()).doesNotContain("Exception");
      }
    }
  }

  @Test
  void notAZipOrABarePickle(@TempDir Path tmp) throws Exception {
    Path bare = tmp.resolve("old.pt");
    Files.write(bare, new byte[] {(byte) 0x80, 2, '}', '.'});
    assertThatThrownBy(() -> StateDict.read(bare)).hasMessageContaining("a bare pickle");
    Path zip = tmp.resolve("other.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
      z.putNextEntry(new ZipEntry("readme.txt"));
      z.write("hello".getBytes(StandardCharsets.US_ASCII));
    }
    assertThatThrownBy(() -> StateDict.read(zip)).hasMessageContaining("without a <folder>/data.pkl entry");
  }

  // ---- safetensors -------------------------------------------------------------------------------

  @Test
  void brokenSafetensorsFilesAreRefusedNamingThePart(@TempDir Path tmp) throws Exception {
    byte[] good = Files.readAllBytes(resource("lstm_2layer.safetensors"));
    Path cut = tmp.resolve("cut.safetensors");
    Files.write(cut, Arrays.copyOf(good, good.length - 10));
    assertThatThrownBy(() -> StateDict.read(cut)).isInstanceOf(ImportException.class)
        .hasMessageContaining("cut.safetensors").hasMessageContaining("weight_ih_l1")
        .hasMessageContaining("outside");
    Path absurd = tmp.resolve("absurd.safetensors");
    byte[] a = good.clone();
    ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 50);
    Files.write(absurd, a);
    assertThatThrownBy(() -> StateDict.read(absurd)).hasMessageContaining("header length 1125899906842624");
    // a header whose shape does not match the byte range
    String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}";
    Path mismatch = tmp.resolve("mismatch.safetensors");
    writeSafetensors(mismatch, header, new byte[20]);
    assertThatThrownBy(() -> StateDict.read(mismatch)).hasMessageContaining("tensor 'w'")
        .hasMessageContaining("20 bytes of F32 do not match shape [2, 3] (24 bytes expected)");
  }

  // ---- mapping onto a stack -----------------------------------------------------------------------

  @Test
  void strictMappingNamesTheTensorAndBothShapes(@TempDir Path tmp) throws Exception {
    RecurrentSpec gru = RecurrentSpec.builder(CellType.GRU, 2, 3).build();
    Recurrent src = new Recurrent(gru, 5L);
    Path f = tmp.resolve("gru.safetensors");
    List<SafeTensors.Tensor> ts = new java.util.ArrayList<>();
    for (String n : src.parameterNames()) {
      ts.add(new SafeTensors.Tensor("rnn." + n, src.parameterShape(n), src.parameter(n)));
    }
    ts.add(new SafeTensors.Tensor("fc.weight", new int[] {1, 3}, new float[3]));
    SafeTensors.write(f, Map.of(), ts);
    StateDict sd = StateDict.read(f);
    // prefix found on its own; fc.* is another module's and ignored
    Recurrent r = TorchImport.toRecurrent(sd, gru);
    for (String n : src.parameterNames()) {
      assertThat(r.parameter(n)).isEqualTo(src.parameter(n));
    }
    assertThat(TorchImport.inferSpec(sd, TorchImport.NameMapping.prefix("rnn."), null).cell()).isEqualTo(CellType.GRU);
    RecurrentSpec wider = RecurrentSpec.builder(CellType.GRU, 4, 3).build();
    assertThatThrownBy(() -> TorchImport.toRecurrent(sd, wider)).isInstanceOf(ImportException.class)
        .hasMessageContaining("tensor 'rnn.weight_ih_l0': expected shape [9, 4]").hasMessageContaining("found [9, 2]");
    RecurrentSpec twoLayers = RecurrentSpec.builder(CellType.GRU, 2, 3).numLayers(2).build();
    assertThatThrownBy(() -> TorchImport.toRecurrent(sd, twoLayers))
        .hasMessageContaining("tensor 'rnn.weight_ih_l1' of shape [9, 3] is missing");
    assertThatThrownBy(() -> TorchImport.toRecurrent(sd, gru, TorchImport.NameMapping.prefix("")))
        .hasMessageContaining("unexpected tensor 'rnn.weight_ih_l0'");
    Map<String, String> rename = Map.of("fc.weight", "weight_hr_l0");
    assertThatThrownBy(() -> TorchImport.toRecurrent(sd, gru, new TorchImport.NameMapping("rnn.", rename)))
        .hasMessageContaining("unexpected tensor 'fc.weight' [1, 3]");
  }

  // ---- helpers: a minimal pickle and zip writer for torch.save-shaped files ------------------------

  /**
   * The pickle torch.save writes for an OrderedDict of tensors. Each value: {storage class, key, data,
   * size[, storage numel]}; {@code override} gives {size, stride} per key to write instead.
   */
  static byte[] stateDictPickle(Map<String, Object[]> tensors, Map<String, long[][]> override) throws IOException {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(new byte[] {(byte) 0x80, 2});
    p.write("ccollections\nOrderedDict\n".getBytes(StandardCharsets.US_ASCII));
    p.write('q');
    p.write(0);
    p.write(')');
    p.write('R');
    p.write('q');
    p.write(1);
    p.write('(');
    for (Map.Entry<String, Object[]> e : tensors.entrySet()) {
      Object[] v = e.getValue();
      float[] data = (float[]) v[2];
      long[] size = (long[]) v[3];
      long[] stride = new long[size.length];
      long s = 1;
      for (int i = size.length - 1; i >= 0; i--) {
        stride[i] = s;
        s *= size[i];
      }
      if (override != null && override.containsKey(e.getKey())) {
        size = override.get(e.getKey())[0];
        stride = override.get(e.getKey())[1];
      }
      binunicode(p, e.getKey());
      p.write("ctorch._utils\n_rebuild_tensor_v2\n".getBytes(StandardCharsets.US_ASCII));
      p.write('(');
      p.write('(');
      binunicode(p, "storage");
      p.write(("ctorch\n" + v[0] + "\n").getBytes(StandardCharsets.US_ASCII));
      binunicode(p, (String) v[1]);
      binunicode(p, "cpu");
      long numel = v.length > 4 ? (Long) v[4] : data.length;
      if (numel < Integer.MAX_VALUE) {
        binint(p, numel);
      } else {
        p.write(0x8a);
        p.write(8);
        p.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(numel).array());
      }
      p.write('t');
      p.write('Q');
      binint(p, 0);
      tuple(p, size);
      tuple(p, stride);
      p.write(0x89);
      p.write("ccollections\nOrderedDict\n".getBytes(StandardCharsets.US_ASCII));
      p.write(')');
      p.write('R');
      p.write('t');
      p.write('R');
    }
    p.write('u');
    p.write('.');
    return p.toByteArray();
  }

  private static void tuple(ByteArrayOutputStream p, long[] v) {
    p.write('(');
    for (long x : v) {
      binint(p, x);
    }
    p.write('t');
  }

  private static void binint(ByteArrayOutputStream p, long v) {
    p.write('J');
    p.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
  }

  static void binunicode(ByteArrayOutputStream p, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    p.write('X');
    p.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
    p.writeBytes(b);
  }

  /** A stored (uncompressed) zip as torch.save writes it; {@code truncate} cuts storages to n bytes. */
  static void writeTorchZip(Path f, String folder, byte[] pickle, Map<String, Object[]> tensors, ByteOrder order,
      Map<String, Integer> truncate) throws IOException {
    try (OutputStream os = Files.newOutputStream(f); ZipOutputStream z = new ZipOutputStream(os)) {
      stored(z, folder + "/data.pkl", pickle);
      if (order == ByteOrder.BIG_ENDIAN) {
        stored(z, folder + "/byteorder", "big".getBytes(StandardCharsets.US_ASCII));
      }
      for (Object[] v : tensors.values()) {
        String storage = (String) v[0];
        float[] data = (float[]) v[2];
        int width = storage.equals("DoubleStorage") ? 8 : storage.equals("HalfStorage") ? 2 : 4;
        ByteBuffer b = ByteBuffer.allocate(data.length * width).order(order);
        for (float x : data) {
          if (width == 8) {
            b.putDouble(x);
          } else if (width == 2) {
            b.putShort(toHalf(x));
          } else {
            b.putFloat(x);
          }
        }
        byte[] bytes = b.array();
        if (truncate != null && truncate.containsKey((String) v[1])) {
          bytes = Arrays.copyOf(bytes, truncate.get((String) v[1]));
        }
        stored(z, folder + "/data/" + v[1], bytes);
      }
      stored(z, folder + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static void stored(ZipOutputStream z, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setCrc(crc.getValue());
    z.putNextEntry(e);
    z.write(data);
    z.closeEntry();
  }

  /** Exact for the values used here (small integers and halves). */
  private static short toHalf(float x) {
    int bits = Float.floatToIntBits(x);
    int sign = (bits >>> 16) & 0x8000;
    int exp = ((bits >>> 23) & 0xff) - 127 + 15;
    int mant = (bits >>> 13) & 0x3ff;
    return (short) (sign | (exp << 10) | mant);
  }

  static void writeSafetensors(Path f, String header, byte[] data) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h).put(data);
    Files.write(f, b.array());
  }
}
