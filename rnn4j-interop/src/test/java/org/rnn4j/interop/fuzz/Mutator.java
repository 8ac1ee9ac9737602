package org.rnn4j.interop.fuzz;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Seeded random mutations of a valid file: byte flips, truncation, duplicated and removed ranges,
 * huge length fields (little-endian int32/int64, protobuf varints); for zip files also the same
 * mutations applied to one entry's content and the archive rebuilt (stored, valid CRC), so the
 * readers behind the zip layer (pickle, config.json, HDF5) see the damage. Not thread-safe (one per
 * test).
 */
public final class Mutator {
  private final SplittableRandom random;
  private final byte[] valid;
  private final List<ZipPart> entries;

  private record ZipPart(String name, byte[] data) {
  }

  public Mutator(byte[] valid, long seed) {
    this.valid = valid;
    this.random = new SplittableRandom(seed);
    this.entries = unzip(valid);
  }

  /** The next mutant. */
  public byte[] next() {
    if (entries != null && random.nextInt(2) == 0) {
      int k = random.nextInt(entries.size());
      return rezip(k, mutate(entries.get(k).data()));
    }
    return mutate(valid);
  }

  private byte[] mutate(byte[] in) {
    byte[] b = in.clone();
    int rounds = 1 + random.nextInt(3);
    for (int r = 0; r < rounds; r++) {
      b = once(b);
    }
    return b;
  }

  private byte[] once(byte[] b) {
    if (b.length == 0) {
      return new byte[] {(byte) random.nextInt(256)};
    }
    switch (random.nextInt(6)) {
      case 0: { // flip a few bytes
        int n = 1 + random.nextInt(8);
        for (int i = 0; i < n; i++) {
          b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
        }
        return b;
      }
      case 1: // truncate
        return java.util.Arrays.copyOf(b, random.nextInt(b.length));
      case 2: { // duplicate a range
        int from = random.nextInt(b.length);
        int len = 1 + random.nextInt(Math.min(256, b.length - from));
        int at = random.nextInt(b.length + 1);
        byte[] out = new byte[b.length + len];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, from, out, at, len);
        System.arraycopy(b, at, out, at + len, b.length - at);
        return out;
      }
      case 3: { // remove a range
        int from = random.nextInt(b.length);
        int len = 1 + random.nextInt(Math.min(256, b.length - from));
        byte[] out = new byte[b.length - len];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(b, from + len, out, from, b.length - from - len);
        return out;
      }
      case 4: { // a huge little-endian length: int32 or int64
        long[] huge = {0x7FFFFFFFL, 0xFFFFFFFFL, 0x7FFFFFFFFFFFFFFFL, -1L, 1L << 40, 0x10000000L};
        long v = huge[random.nextInt(huge.length)];
        int width = random.nextInt(2) == 0 ? 4 : 8;
        int at = random.nextInt(b.length);
        for (int i = 0; i < width && at + i < b.length; i++) {
          b[at + i] = (byte) (v >>> (8 * i));
        }
        return b;
      }
      default: { // a huge protobuf varint (a length or count) spliced in
        int at = random.nextInt(b.length);
        byte[] varint = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x07};
        for (int i = 0; i < varint.length && at + i < b.length; i++) {
          b[at + i] = varint[i];
        }
        return b;
      }
    }
  }

  private static List<ZipPart> unzip(byte[] b) {
    if (b.length < 4 || b[0] != 'P' || b[1] != 'K') {
      return null;
    }
    List<ZipPart> parts = new ArrayList<>();
    try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(b))) {
      for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
        if (!e.isDirectory()) {
          parts.add(new ZipPart(e.getName(), z.readAllBytes()));
        }
      }
    } catch (IOException e) {
      return null;
    }
    return parts.isEmpty() ? null : parts;
  }

  private byte[] rezip(int k, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (int i = 0; i < entries.size(); i++) {
        byte[] d = i == k ? data : entries.get(i).data();
        ZipEntry e = new ZipEntry(entries.get(i).name());
        e.setMethod(ZipEntry.STORED);
        e.setSize(d.length);
        e.setCompressedSize(d.length);
        CRC32 crc = new CRC32();
        crc.update(d);
        e.setCrc(crc.getValue());
        z.putNextEntry(e);
        z.write(d);
        z.closeEntry();
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }
}
