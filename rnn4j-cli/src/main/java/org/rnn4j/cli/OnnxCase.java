package org.rnn4j.cli;

import static org.rnn4j.cli.CaseJson.opt;
import static org.rnn4j.cli.CaseJson.req;
import static org.rnn4j.cli.CaseJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rnn4j.Tensor;
import org.rnn4j.interop.onnx.OnnxRnn;

/**
 * An ONNX operator case ({@code rnn-holdout-onnx-case/1}): one LSTM/GRU/RNN node given as JSON. Its
 * attributes and tensors go to {@link OnnxRnn} (the same mapping the ONNX graph importer uses: ONNX
 * gate order into PyTorch's, results in ONNX's layouts) and every requested output is checked.
 * Stateless.
 */
final class OnnxCase {
  static final String FORMAT = "rnn-holdout-onnx-case/1";

  private OnnxCase() {
  }

  static void run(JsonNode root, Checker check) throws CaseException {
    String op = text(root, "operator", "");
    try {
      OnnxRnn.cellOf(op);
    } catch (IllegalArgumentException e) {
      throw new CaseException(e.getMessage());
    }

    // ---- inputs by role
    Map<String, JsonNode> in = new HashMap<>();
    for (JsonNode i : req(root, "inputs", "")) {
      String role = text(i, "role", "inputs[]");
      String dtype = opt(i, "dtype") == null ? "float32" : i.get("dtype").asText();
      boolean intRole = role.equals("sequence_lens");
      if (!intRole && !dtype.equals("float32")) {
        throw new CaseException("unsupported dtype " + dtype + " of input " + role + " (rnn4j computes in float32)");
      }
      if (!List.of("X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P").contains(role)) {
        throw new CaseException("unsupported input role '" + role + "'");
      }
      in.put(role, i);
    }
    Tensor x = input(in, "X", true);
    Tensor w = input(in, "W", true);
    Tensor r = input(in, "R", true);
    Tensor b = input(in, "B", false);
    Tensor seqLens = input(in, "sequence_lens", false);
    int[] lengths = null;
    if (seqLens != null) {
      lengths = new int[seqLens.size()];
      for (int i = 0; i < lengths.length; i++) {
        float v = seqLens.data()[i];
        if (v != Math.rint(v)) {
          throw new CaseException("bad case file: sequence_lens[" + i + "] = " + v + " is not an integer");
        }
        lengths[i] = (int) v;
      }
    }

    // ---- attributes
    JsonNode attrs = req(root, "attributes", "");
    List<String> names = new ArrayList<>();
    attrs.fieldNames().forEachRemaining(names::add);
    OnnxRnn.checkAttributeNames(op, names);
    OnnxRnn.Attributes a = new OnnxRnn.Attributes(
        opt(attrs, "hidden_size") == null ? null : CaseJson.toInt(attrs.get("hidden_size"), "attributes.hidden_size"),
        opt(attrs, "direction") == null ? null : attrs.get("direction").asText(),
        opt(attrs, "layout") == null ? 0 : CaseJson.toInt(attrs.get("layout"), "attributes.layout"),
        strings(opt(attrs, "activations")), floats(opt(attrs, "activation_alpha"), "attributes.activation_alpha"),
        floats(opt(attrs, "activation_beta"), "attributes.activation_beta"),
        opt(attrs, "clip") == null ? null : (float) CaseJson.toDouble(attrs.get("clip"), "attributes.clip"),
        opt(attrs, "linear_before_reset") != null
            && CaseJson.toInt(attrs.get("linear_before_reset"), "attributes.linear_before_reset") != 0,
        opt(attrs, "input_forget") != null
            && CaseJson.toInt(attrs.get("input_forget"), "attributes.input_forget") != 0);

    OnnxRnn.Result res = OnnxRnn.run(op, a, x, w, r, b, lengths, input(in, "initial_h", false),
        input(in, "initial_c", false), input(in, "P", false));

    // ---- requested outputs, in ONNX's layouts
    JsonNode outputs = req(root, "outputs", "");
    if (outputs.size() == 0) {
      throw new CaseException("bad case file: no requested output to compare");
    }
    for (JsonNode o : outputs) {
      String role = text(o, "role", "outputs[]");
      CaseJson.Tensor64 e = CaseJson.tensor(o, "outputs." + role);
      switch (role) {
        case "Y":
          check.compare("Y", e, res.y());
          break;
        case "Y_h":
          check.compare("Y_h", e, res.yH());
          break;
        case "Y_c":
          if (res.yC() == null) {
            throw new CaseException("bad case file: Y_c requested from a " + op + " node");
          }
          check.compare("Y_c", e, res.yC());
          break;
        default:
          throw new CaseException("unsupported output role '" + role + "'");
      }
    }
  }

  private static List<String> strings(JsonNode n) {
    List<String> l = new ArrayList<>();
    if (n != null) {
      n.forEach(v -> l.add(v.asText()));
    }
    return l;
  }

  private static List<Float> floats(JsonNode n, String what) throws CaseException {
    List<Float> l = new ArrayList<>();
    if (n != null) {
      for (JsonNode v : n) {
        l.add((float) CaseJson.toDouble(v, what));
      }
    }
    return l;
  }

  private static Tensor input(Map<String, JsonNode> in, String role, boolean required) throws CaseException {
    JsonNode n = in.get(role);
    if (n == null) {
      if (required) {
        throw new CaseException("bad case file: input " + role + " missing");
      }
      return null;
    }
    return CaseJson.tensor(n, "inputs." + role).toTensor();
  }
}
