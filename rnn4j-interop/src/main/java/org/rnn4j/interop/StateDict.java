package org.rnn4j.interop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rnn4j.io.SafeTensors;

/**
 * A PyTorch state dict read from a file: named float32 tensors in the file's order, with the dtype
 * each had in the file. Two containers are read:
 *
 * <ul>
 *   <li>safetensors ({@code safetensors.torch.save_file(module.state_dict(), path)}), through
 *       {@link SafeTensors};
 *   <li>{@code torch.save(module.state_dict(), path)} files ({@code .pt}, {@code .pth}): the zip
 *       container of PyTorch 1.6 and later, whose pickle is read by a restricted unpickler that knows
 *       only the opcodes and the few globals a state dict uses and never runs code ({@link TorchPickle}).
 * </ul>
 *
 * <p>Nested dicts (a checkpoint {@code {"model": state_dict, "epoch": 3}}) are flattened with dots,
 * so the tensors of that example are named {@code model.weight_ih_l0}; values that are not tensors are
 * left out. Immutable and thread-safe.
 */
public final class StateDict {
  private final Path source;
  private final String container;
  private final Map<String, SafeTensors.Tensor> tensors;
  private final Map<String, String> dtypes;

  StateDict(Path source, String container, Map<String, SafeTensors.Tensor> tensors, Map<String, String> dtypes) {
    this.source = source;
    this.container = container;
    this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    this.dtypes = Collections.unmodifiableMap(new LinkedHashMap<>(dtypes));
  }

  /**
   * Reads a state dict, recognising the container by its first bytes: a zip ({@code PK}) is a
   * {@code torch.save} file, anything else is read as safetensors.
   *
   * @throws ImportException naming the file and what is wrong with it
   */
  public static StateDict read(Path file) throws IOException {
    byte[] magic = new byte[2];
    try (InputStream in = Files.newInputStream(file)) {
      int n = in.readNBytes(magic, 0, 2);
      if (n == 2 && magic[0] == 'P' && magic[1] == 'K') {
        return readTorchSave(file);
      }
      if (n >= 1 && (magic[0] & 0xff) == 0x80) {
        throw new ImportException(file + ": a bare pickle (torch.save with _use_new_zipfile_serialization="
            + "False, or PyTorch < 1.6) is not supported; save it again with a current torch.save");
      }
    } catch (NoSuchFileException e) {
      throw new ImportException(file + ": no such file");
    }
    return readSafeTensors(file);
  }

  /** Reads a safetensors file. */
  public static StateDict readSafeTensors(Path file) throws IOException {
    SafeTensors.Contents c;
    try {
      c = SafeTensors.read(file);
    } catch (ImportException e) {
      throw e;
    } catch (IOException e) {
      throw new ImportException(e.getMessage(), e);
    }
    Map<String, String> dtypes = new LinkedHashMap<>();
    for (String k : c.tensors().keySet()) {
      dtypes.put(k, "float32");
    }
    return new StateDict(file, "safetensors", c.tensors(), dtypes);
  }

  /** Reads a {@code torch.save} zip file. */
  public static StateDict readTorchSave(Path file) throws IOException {
    return TorchSaveReader.read(file);
  }

  /** The file the state dict came from. */
  public Path source() {
    return source;
  }

  /** {@code safetensors} or {@code torch.save}. */
  public String container() {
    return container;
  }

  /** The tensors by name, in the file's order (read-only). */
  public Map<String, SafeTensors.Tensor> tensors() {
    return tensors;
  }

  /** The tensor's dtype in the file ({@code float32}, {@code float64}, {@code float16}, ...). */
  public String dtype(String name) {
    return dtypes.get(name);
  }

  /** The tensor, or null. */
  public SafeTensors.Tensor get(String name) {
    return tensors.get(name);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(container).append(" state dict ").append(source).append(" {");
    String sep = "";
    for (SafeTensors.Tensor t : tensors.values()) {
      sb.append(sep).append(t.name()).append(Arrays.toString(t.shape()));
      sep = ", ";
    }
    return sb.append('}').toString();
  }
}
