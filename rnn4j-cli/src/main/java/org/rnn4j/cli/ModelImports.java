package org.rnn4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnn4j.Model;
import org.rnn4j.interop.ModelImport;
import org.rnn4j.interop.StateDict;
import org.rnn4j.interop.TorchImport;
import org.rnn4j.interop.keras.KerasModel;
import org.rnn4j.interop.onnx.OnnxModel;
import org.rnn4j.interop.onnx.OnnxToModel;
import org.rnn4j.io.ModelFiles;
import org.rnn4j.nn.CellType;

/**
 * Reads any model file rnn4j knows: its own files as they are, PyTorch state dicts (safetensors,
 * {@code torch.save}), Keras and ONNX files through the importers; what {@code rnn4j import} writes
 * and {@code rnn4j serve} serves. Thread-safe: stateless.
 */
public final class ModelImports {
  private ModelImports() {}

  /**
   * A model read from a file: the model with its metadata (an rnn4j file's own, or where an import
   * came from), the members of an ensemble file (empty otherwise), and the lines of an ONNX import's
   * node-to-layer mapping.
   */
  public record Read(Model model, Map<String, String> metadata, List<Model> members, String kind,
      List<String> mapping) {}

  /** Reads a file of any kind with the importers' defaults (nn.RNN tanh; state-dict keys found on their own). */
  public static Read read(Path file) {
    return read(file, null, CellType.RNN_TANH, null);
  }

  /**
   * Reads a file.
   *
   * @param kerasWeights the weights of a Keras {@code to_json} config, or null
   * @param rnnCell      the cell of a state dict of {@code nn.RNN} (tanh or relu), which it does not record
   * @param prefix       the recurrent module's key prefix in a state dict, or null to find it
   * @throws UserInputException for a missing file, an unknown kind, or a file its importer refuses
   */
  public static Read read(Path file, Path kerasWeights, CellType rnnCell, String prefix) {
    ModelFileKind kind = kerasWeights != null ? ModelFileKind.KERAS : ModelFileKind.of(file);
    Map<String, String> meta = new LinkedHashMap<>();
    List<String> mapping = new ArrayList<>();
    try {
      if (kind == ModelFileKind.RNN4J) {
        ModelFiles.Loaded loaded = ModelFiles.load(file);
        return new Read(loaded.model(), loaded.metadata(), loaded.members(), kind.description, mapping);
      }
      meta.put("imported_from", file.getFileName().toString());
      meta.put("imported_kind", kind.description);
      Model model;
      switch (kind) {
        case SAFETENSORS:
        case TORCH_SAVE: {
          StateDict sd = StateDict.read(file);
          TorchImport.NameMapping names = prefix == null ? TorchImport.NameMapping.auto()
              : TorchImport.NameMapping.prefix(prefix);
          model = ModelImport.fromStateDict(sd, names, rnnCell);
          break;
        }
        case KERAS: {
          KerasModel k = kerasWeights != null ? KerasModel.load(file, kerasWeights) : KerasModel.load(file);
          meta.put("keras_version", k.kerasVersion());
          model = k.toModel();
          break;
        }
        default: {
          OnnxModel g = OnnxModel.load(file);
          OnnxToModel.Converted c = OnnxToModel.convert(g);
          meta.put("onnx_producer", g.producer());
          meta.put("onnx_opset", String.valueOf(g.opsetVersion()));
          mapping.addAll(c.mapping());
          model = c.model();
          break;
        }
      }
      return new Read(model, meta, List.of(), kind.description, mapping);
    } catch (IOException e) {
      throw new UserInputException(e.getMessage(), e);
    }
  }
}
