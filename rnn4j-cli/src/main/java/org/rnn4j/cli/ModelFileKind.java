package org.rnn4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.ZipFile;

/**
 * What kind of model file a path holds, from its first bytes (and, for zips, their entries): an rnn4j
 * model file, a safetensors state dict, a {@code torch.save} zip, a Keras {@code .keras} zip or
 * {@code .h5} file, or an ONNX protobuf. Thread-safe (an enum).
 */
enum ModelFileKind {
  RNN4J("rnn4j model file"),
  SAFETENSORS("safetensors state dict"),
  TORCH_SAVE("torch.save state dict"),
  KERAS("Keras model"),
  ONNX("ONNX model");

  final String description;

  ModelFileKind(String description) {
    this.description = description;
  }

  /**
   * The kind of the file.
   *
   * @throws UserInputException when the file is missing or of no known kind
   */
  static ModelFileKind of(Path file) {
    byte[] head = new byte[16];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (NoSuchFileException e) {
      throw new UserInputException("no such file: " + file);
    } catch (IOException e) {
      throw new UserInputException("cannot read " + file + ": " + e.getMessage());
    }
    if (n >= 2 && head[0] == 'P' && head[1] == 'K') {
      try (ZipFile z = new ZipFile(file.toFile())) {
        if (z.getEntry("config.json") != null && z.getEntry("model.weights.h5") != null) {
          return KERAS;
        }
        return TORCH_SAVE;
      } catch (IOException e) {
        throw new UserInputException(file + ": a zip that cannot be read (truncated or corrupted?): " + e.getMessage());
      }
    }
    if (n >= 4 && (head[0] & 0xff) == 0x89 && head[1] == 'H' && head[2] == 'D' && head[3] == 'F') {
      return KERAS;
    }
    if (n >= 9 && head[8] == '{') {
      long len = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      if (len > 0 && len < (100L << 20)) {
        return isRnn4j(file, (int) len) ? RNN4J : SAFETENSORS;
      }
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".onnx") || (n >= 1 && head[0] == 0x08)) {
      return ONNX; // ModelProto starts with ir_version (field 1, varint)
    }
    throw new UserInputException(file + ": not a model file rnn4j knows (rnn4j model, safetensors, torch.save .pt,"
        + " ONNX, Keras .keras/.h5)");
  }

  private static boolean isRnn4j(Path file, int headerLength) {
    try (InputStream in = Files.newInputStream(file)) {
      in.skipNBytes(8);
      String header = new String(in.readNBytes(headerLength), StandardCharsets.UTF_8);
      return header.contains("\"rnn4j-model\"");
    } catch (IOException e) {
      return false;
    }
  }
}
