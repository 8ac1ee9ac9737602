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
import java.util.List;
import org.rnn4j.Tensor;
import org.rnn4j.interop.ImportException;
import org.rnn4j.interop.StateDict;
import org.rnn4j.interop.TorchImport;
import org.rnn4j.io.SafeTensors;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Recurrent;
import org.rnn4j.nn.RecurrentSpec;

/**
 * Import cases (conformance README section 4): each loads the model file beside the case JSON
 * through rnn4j's importers (never the JSON copy of the weights), runs it and checks every expected
 * output. This class holds the PyTorch state dict cases ({@code rnn-import-torch-state-dict/1}: a
 * safetensors file or a {@code torch.save} {@code .pt} file). Stateless.
 */
final class ImportCase {
  static final String TORCH_STATE_DICT = "rnn-import-torch-state-dict/1";

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
