package org.rnn4j.cli;

import static org.rnn4j.cli.CaseJson.opt;
import static org.rnn4j.cli.CaseJson.req;
import static org.rnn4j.cli.CaseJson.tensor;
import static org.rnn4j.cli.CaseJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnn4j.Tensor;
import org.rnn4j.interop.ImportException;
import org.rnn4j.interop.onnx.OnnxModel;
import org.rnn4j.interop.onnx.OnnxTensor;
import org.rnn4j.interop.StateDict;
import org.rnn4j.interop.TorchImport;
import org.rnn4j.interop.keras.KerasModel;
import org.rnn4j.io.SafeTensors;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Recurrent;
import org.rnn4j.nn.RecurrentSpec;

/**
 * Import cases (conformance README section 4): each loads the model file beside the case JSON
 * through rnn4j's importers (never the JSON copy of the weights), runs it and checks every expected
 * output: PyTorch state dicts ({@code rnn-import-torch-state-dict/1}: a safetensors file or a
 * {@code torch.save} {@code .pt} file), exported ONNX graphs ({@code rnn-import-onnx-export/1}), and
 * the {@code --via-onnx} run of ONNX operator cases, Keras {@code .keras}/{@code .h5} models
 * ({@code rnn-import-keras-case/1}). Stateless.
 */
final class ImportCase {
  static final String TORCH_STATE_DICT = "rnn-import-torch-state-dict/1";
  static final String ONNX_EXPORT = "rnn-import-onnx-export/1";
  static final String KERAS = "rnn-import-keras-case/1";

  private ImportCase() {
  }

  /** The model file a case names, resolved beside the case file and refused if it leaves its folder. */
  static Path besideCase(Path caseFile, String name, String field) throws CaseException {
    Path dir = caseFile.toAbsolutePath().normalize().getParent();
    Path f = dir.resolve(name).normalize();
    if (!f.startsWith(dir)) {
      throw new CaseException("bad case file: '" + field + "' = '" + name + "' points outside the case's folder");
    }
    return f;
  }

  static void runTorchStateDict(JsonNode root, Path caseFile, Checker check) throws CaseException {
    String fileName = text(root, "file", "");
    Path file = besideCase(caseFile, fileName, "file");
    String fileFormat = text(root, "file_format", "");
    CellType cell = TorchModuleCase.cellType(text(root, "cell", ""));
    RecurrentSpec spec = TorchModuleCase.spec(cell, req(root, "constructor", ""), "constructor");
    StateDict sd;
    Recurrent rnn;
    try {
      switch (fileFormat) {
        case "safetensors":
          sd = StateDict.readSafeTensors(file);
          break;
        case "pt":
          sd = StateDict.readTorchSave(file);
          break;
        default:
          throw new CaseException("unsupported file_format '" + fileFormat + "' (rnn4j reads safetensors and pt)");
      }
      rnn = TorchImport.toRecurrent(sd, spec);
    } catch (ImportException e) {
      throw new CaseException(e.getMessage());
    } catch (IOException e) {
      throw new CaseException("cannot read " + file + ": " + e.getMessage());
    }
    checkListedTensors(root, sd);

    Tensor input = tensor(root, "input", "").toTensor();
    JsonNode h0 = opt(root, "h0");
    JsonNode c0 = opt(root, "c0");
    Recurrent.Output out = rnn.forward(input, h0 == null ? null : tensor(h0, "h0").toTensor(),
        c0 == null ? null : tensor(c0, "c0").toTensor(), null, false);
    JsonNode expected = req(req(root, "expected", ""), "float32", "expected");
    check.compare("output", tensor(expected, "output", "expected.float32"), out.output());
    check.compare("h_n", tensor(expected, "h_n", "expected.float32"), out.hN());
    if (opt(expected, "c_n") != null) {
      if (out.cN() == null) {
        throw new CaseException("bad case file: c_n expected for a " + cell + " stack");
      }
      check.compare("c_n", tensor(expected, "c_n", "expected.float32"), out.cN());
    }
  }

  /**
   * An exported ONNX graph ({@code rnn-import-onnx-export/1}): {@code model.onnx} loaded and run by
   * rnn4j's ONNX importer on the feeds of {@code files.inputs} (TensorProto files; the JSON
   * {@code inputs} when the case has none), every graph output compared with the case's
   * {@code outputs}.
   */
  static void runOnnxExport(JsonNode root, Path caseFile, Checker check) throws CaseException {
    JsonNode files = req(root, "files", "");
    OnnxModel model = loadOnnx(besideCase(caseFile, text(files, "model", "files"), "files.model"));
    Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
    JsonNode pbInputs = opt(files, "inputs");
    if (pbInputs != null && pbInputs.size() > 0) {
      for (JsonNode i : pbInputs) {
        String name = text(i, "name", "files.inputs[]");
        feeds.put(name, readPb(besideCase(caseFile, text(i, "file", "files.inputs[]"), "files.inputs[].file")));
      }
    } else {
      for (JsonNode i : req(root, "inputs", "")) {
        feeds.put(text(i, "name", "inputs[]"), OnnxTensor.of(tensor(i, "inputs[]").toTensor()));
      }
    }
    Map<String, OnnxTensor> out = runOnnx(model, feeds);
    JsonNode outputs = req(root, "outputs", "");
    for (JsonNode o : outputs) {
      String name = text(o, "name", "outputs[]");
      OnnxTensor got = out.get(name);
      if (got == null) {
        throw new CaseException(model + ": the case expects output '" + name + "', the graph has " + out.keySet());
      }
      check.compare(name, tensor(o, "outputs." + name), got.toTensor());
    }
  }

  /**
   * {@code --via-onnx} for an ONNX operator case: its {@code model.onnx} run by the ONNX importer on
   * the TensorProto files of {@code files.inputs}, the requested outputs compared by role.
   */
  static void runOnnxViaModel(JsonNode root, Path caseFile, Checker check) throws CaseException {
    JsonNode files = opt(root, "files");
    if (files == null || opt(files, "model") == null) {
      throw new CaseException("--via-onnx: the case names no model file (files.model), so there is no ONNX"
          + " model to import");
    }
    OnnxModel model = loadOnnx(besideCase(caseFile, text(files, "model", "files"), "files.model"));
    Map<String, String> nameOfRole = new LinkedHashMap<>();
    for (JsonNode i : req(root, "inputs", "")) {
      nameOfRole.put(text(i, "role", "inputs[]"), text(i, "name", "inputs[]"));
    }
    for (JsonNode o : req(root, "outputs", "")) {
      nameOfRole.put(text(o, "role", "outputs[]"), text(o, "name", "outputs[]"));
    }
    Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
    for (JsonNode i : req(files, "inputs", "files")) {
      String role = text(i, "role", "files.inputs[]");
      Path pb = besideCase(caseFile, text(i, "file", "files.inputs[]"), "files.inputs[].file");
      String name = nameOfRole.get(role);
      if (name == null) {
        throw new CaseException("bad case file: files.inputs names role '" + role + "', which 'inputs' lacks");
      }
      feeds.put(name, readPb(pb));
    }
    Map<String, OnnxTensor> out = runOnnx(model, feeds);
    JsonNode outputs = req(root, "outputs", "");
    if (outputs.size() == 0) {
      throw new CaseException("bad case file: no requested output to compare");
    }
    for (JsonNode o : outputs) {
      String role = text(o, "role", "outputs[]");
      OnnxTensor got = out.get(nameOfRole.get(role));
      if (got == null) {
        throw new CaseException(model + ": output " + role + " ('" + nameOfRole.get(role) + "') is not a graph"
            + " output (the graph has " + out.keySet() + ")");
      }
      check.compare(role, tensor(o, "outputs." + role), got.toTensor());
    }
  }

  /**
   * A Keras case ({@code rnn-import-keras-case/1}): every file of role {@code model} loaded by the Keras
   * importer, every test's input run through it and every listed layer output compared (tensor names
   * {@code <file>:<layer>} in messages).
   */
  static void runKeras(JsonNode root, Path caseFile, Checker check) throws CaseException {
    List<Path> models = new ArrayList<>();
    for (JsonNode f : req(root, "files", "")) {
      if ("model".equals(text(f, "role", "files[]"))) {
        models.add(besideCase(caseFile, text(f, "file", "files[]"), "files[].file"));
      }
    }
    if (models.isEmpty()) {
      throw new CaseException("bad case file: no file of role 'model' in 'files'");
    }
    JsonNode tests = req(root, "tests", "");
    if (tests.size() == 0) {
      throw new CaseException("bad case file: no tests");
    }
    for (Path m : models) {
      KerasModel model;
      try {
        model = KerasModel.load(m);
      } catch (IOException e) {
        throw new CaseException(e.getMessage());
      }
      int k = 0;
      for (JsonNode t : tests) {
        Tensor input = tensor(t, "input", "tests[" + k + "]").toTensor();
        Map<String, Tensor> out;
        try {
          out = model.run(input);
        } catch (ImportException e) {
          throw new CaseException(e.getMessage());
        }
        JsonNode expected = req(t, "expected", "tests[" + k + "]");
        for (Map.Entry<String, JsonNode> e : expected.properties()) {
          Tensor got = out.get(e.getKey());
          if (got == null) {
            throw new CaseException(m.getFileName() + ": the case expects the output of layer '" + e.getKey()
                + "', the model has layers " + model.layerNames());
          }
          check.compare(m.getFileName() + ":test" + k + ":" + e.getKey(),
              tensor(e.getValue(), "tests[" + k + "].expected." + e.getKey()), got);
        }
        k++;
      }
    }
  }

  private static OnnxModel loadOnnx(Path file) throws CaseException {
    try {
      return OnnxModel.load(file);
    } catch (IOException e) {
      throw new CaseException(e.getMessage());
    }
  }

  private static OnnxTensor readPb(Path pb) throws CaseException {
    try {
      return OnnxModel.readTensor(pb);
    } catch (IOException e) {
      throw new CaseException(e.getMessage());
    }
  }

  private static Map<String, OnnxTensor> runOnnx(OnnxModel model, Map<String, OnnxTensor> feeds) throws CaseException {
    try {
      return model.run(feeds);
    } catch (ImportException e) {
      throw new CaseException(e.getMessage());
    }
  }

  /** The file must hold the keys and shapes the case's {@code state_dict} lists, in that order. */
  private static void checkListedTensors(JsonNode root, StateDict sd) throws CaseException {
    JsonNode listed = opt(root, "state_dict");
    if (listed == null) {
      return;
    }
    List<String> want = new ArrayList<>();
    for (JsonNode e : listed) {
      String key = text(e, "key", "state_dict[]");
      want.add(key);
      SafeTensors.Tensor t = sd.get(key);
      if (t == null) {
        throw new CaseException(sd.source() + ": the case lists tensor '" + key + "', the file does not hold it (it"
            + " holds " + sd.tensors().keySet() + ")");
      }
      int[] shape = new int[req(e, "shape", "state_dict[]").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = CaseJson.toInt(e.get("shape").get(i), "state_dict[].shape");
      }
      if (!Arrays.equals(shape, t.shape())) {
        throw new CaseException(sd.source() + ": tensor '" + key + "': the case lists shape "
            + CaseJson.shapeString(shape) + ", the file holds " + CaseJson.shapeString(t.shape()));
      }
    }
    if (sd.container().equals("torch.save") && !want.equals(new ArrayList<>(sd.tensors().keySet()))) {
      throw new CaseException(sd.source() + ": state_dict order " + sd.tensors().keySet() + " differs from the"
          + " case's " + want);
    }
  }
}
