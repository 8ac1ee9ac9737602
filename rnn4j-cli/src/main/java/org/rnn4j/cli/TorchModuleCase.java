package org.rnn4j.cli;

import static org.rnn4j.cli.CaseJson.bool;
import static org.rnn4j.cli.CaseJson.integer;
import static org.rnn4j.cli.CaseJson.opt;
import static org.rnn4j.cli.CaseJson.req;
import static org.rnn4j.cli.CaseJson.tensor;
import static org.rnn4j.cli.CaseJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rnn4j.Tensor;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Recurrent;
import org.rnn4j.nn.RecurrentSpec;

/**
 * A PyTorch module case ({@code rnn-holdout-torch-case/1}): builds the same stack, runs a training
 * forward and the backward of {@code L = sum(output*G) + sum(h_n*Gh) + sum(c_n*Gc)}, and checks
 * output, h_n, c_n, the loss and every gradient (input, h0, c0, each parameter) against
 * {@code results.float64}. Stateless.
 */
final class TorchModuleCase {
  static final String FORMAT = "rnn-holdout-torch-case/1";

  private static final Set<String> CONSTRUCTOR_KEYS = Set.of("input_size", "hidden_size", "num_layers",
      "bias", "batch_first", "dropout", "bidirectional", "proj_size", "nonlinearity");

  private TorchModuleCase() {
  }

  static void run(JsonNode root, Checker check) throws CaseException {
    CellType cell = cellType(text(root, "cell", ""));
    RecurrentSpec spec = spec(cell, req(root, "constructor", ""), "constructor");
    Recurrent rnn = new Recurrent(spec, 0L);
    setParameters(rnn, req(root, "parameters", ""), "parameters", "");

    Tensor input = tensor(root, "input", "").toTensor();
    JsonNode h0Node = opt(root, "h0");
    JsonNode c0Node = opt(root, "c0");
    Tensor h0 = h0Node == null ? null : tensor(h0Node, "h0").toTensor();
    Tensor c0 = c0Node == null ? null : tensor(c0Node, "c0").toTensor();
    int[] lengths = lengths(opt(root, "packed"), spec.batchFirst() ? input.dim(1) : input.dim(0));

    JsonNode loss = req(root, "loss", "");
    CaseJson.Tensor64 g = tensor(loss, "G", "loss");
    CaseJson.Tensor64 gh = tensor(loss, "Gh", "loss");
    CaseJson.Tensor64 gc = cell == CellType.LSTM ? tensor(loss, "Gc", "loss") : null;

    Recurrent.Output out = rnn.forward(input, h0, c0, lengths, true);
    JsonNode expected = req(req(root, "results", ""), "float64", "results");
    check.compare("output", tensor(expected, "output", "results.float64"), out.output());
    check.compare("h_n", tensor(expected, "h_n", "results.float64"), out.hN());
    if (opt(expected, "c_n") != null) {
      if (out.cN() == null) {
        throw new CaseException("bad case file: c_n expected for a " + cell + " stack");
      }
      check.compare("c_n", tensor(expected, "c_n", "results.float64"), out.cN());
    }

    if (check.hasShapeFailure()) {
      return; // reported as FAIL; the loss and the backward need the right shapes
    }
    // The loss, summed in double from rnn4j's float32 results.
    requireShape("loss.G", g, out.output());
    requireShape("loss.Gh", gh, out.hN());
    double l = dot(out.output().data(), g.data()) + dot(out.hN().data(), gh.data());
    if (gc != null) {
      requireShape("loss.Gc", gc, out.cN());
      l += dot(out.cN().data(), gc.data());
    }
    check.compareScalar("loss", CaseJson.number(expected, "loss", "results.float64"), l);

    rnn.zeroGradients();
    Recurrent.InputGradients grads = rnn.backward(g.toTensor(), gh.toTensor(), gc == null ? null : gc.toTensor());
    JsonNode expGrad = req(expected, "grad", "results.float64");
    List<String> names = rnn.parameterNames();
    for (Map.Entry<String, JsonNode> e : expGrad.properties()) {
      String name = e.getKey();
      if (e.getValue().isNull()) {
        continue; // h0/c0 gradient of a state that was not given
      }
      CaseJson.Tensor64 t = tensor(e.getValue(), "results.float64.grad." + name);
      switch (name) {
        case "input":
          check.compare("grad.input", t, grads.input());
          break;
        case "h0":
          check.compare("grad.h0", t, grads.h0());
          break;
        case "c0":
          if (grads.c0() == null) {
            throw new CaseException("bad case file: grad.c0 given for a " + cell + " stack");
          }
          check.compare("grad.c0", t, grads.c0());
          break;
        default:
          if (!names.contains(name)) {
            throw new CaseException("unsupported parameter '" + name + "' in results.float64.grad (rnn4j has "
                + names + ")");
          }
          check.compare("grad." + name, t, rnn.parameterShape(name), rnn.gradient(name));
      }
    }
  }

  /**
   * The stack of a PyTorch constructor's keyword arguments ({@code input_size, hidden_size, num_layers,
   * bias, batch_first, dropout (0), bidirectional, proj_size, nonlinearity}).
   */
  static RecurrentSpec spec(CellType cell, JsonNode c, String where) throws CaseException {
    for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!CONSTRUCTOR_KEYS.contains(k)) {
        throw new CaseException("unsupported " + where + " argument '" + k + "'");
      }
    }
    JsonNode dropout = opt(c, "dropout");
    if (dropout != null && dropout.asDouble() != 0.0) {
      throw new CaseException("unsupported " + where + " argument 'dropout' = " + dropout
          + " (a case needs deterministic dropout 0)");
    }
    JsonNode nonlinearity = opt(c, "nonlinearity");
    if (nonlinearity != null) {
      String nl = nonlinearity.asText();
      CellType byName = "relu".equals(nl) ? CellType.RNN_RELU : "tanh".equals(nl) ? CellType.RNN_TANH : null;
      if (byName == null) {
        throw new CaseException("unsupported nonlinearity '" + nl + "'");
      }
      if (byName != cell) {
        throw new CaseException("bad case file: cell " + cell + " disagrees with nonlinearity '" + nl + "'");
      }
    }
    RecurrentSpec spec = RecurrentSpec.builder(cell, integer(c, "input_size", where),
            integer(c, "hidden_size", where))
        .numLayers(opt(c, "num_layers") == null ? 1 : integer(c, "num_layers", where))
        .bias(bool(c, "bias", where, true))
        .batchFirst(bool(c, "batch_first", where, false))
        .bidirectional(bool(c, "bidirectional", where, false))
        .projSize(opt(c, "proj_size") == null ? 0 : integer(c, "proj_size", where))
        .resetAfter(true)
        .build();
    return spec;
  }

  /** LSTM, GRU, RNN_TANH, RNN_RELU as in the case's {@code cell} field. */
  static CellType cellType(String cell) throws CaseException {
    try {
      return CellType.parse(cell);
    } catch (IllegalArgumentException e) {
      throw new CaseException("unsupported cell '" + cell + "'");
    }
  }

  /**
   * Sets every parameter from a list {@code [{"name", "shape", "data"}]}; names carry {@code prefix}
   * (stripped). Every parameter of the stack must be given, with its exact shape.
   */
  static void setParameters(Recurrent rnn, JsonNode list, String where, String prefix) throws CaseException {
    List<String> names = rnn.parameterNames();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (JsonNode p : list) {
      String full = text(p, "name", where);
      if (!full.startsWith(prefix)) {
        continue;
      }
      String name = full.substring(prefix.length());
      if (!names.contains(name)) {
        throw new CaseException("unsupported parameter '" + full + "' (rnn4j's stack has " + names + ")");
      }
      CaseJson.Tensor64 t = tensor(p, where + "." + full);
      int[] shape = rnn.parameterShape(name);
      if (!java.util.Arrays.equals(shape, t.shape())) {
        throw new CaseException("parameter '" + full + "' has shape " + t.shapeString() + ", rnn4j expects "
            + CaseJson.shapeString(shape));
      }
      rnn.setParameter(name, t.toFloats());
      seen.add(name);
    }
    for (String n : names) {
      if (!seen.contains(n)) {
        throw new CaseException("bad case file: parameter '" + prefix + n + "' missing from " + where);
      }
    }
  }

  private static int[] lengths(JsonNode packed, int steps) throws CaseException {
    if (packed == null) {
      return null;
    }
    JsonNode pad = opt(packed, "padding_value");
    if (pad != null && pad.asDouble() != 0.0) {
      throw new CaseException("unsupported packed.padding_value " + pad + " (rnn4j pads with 0)");
    }
    JsonNode total = opt(packed, "total_length");
    if (total != null && CaseJson.toInt(total, "packed.total_length") != steps) {
      throw new CaseException("unsupported packed.total_length " + total + " != seq_len " + steps);
    }
    JsonNode l = req(packed, "lengths", "packed");
    int[] lengths = new int[l.size()];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = CaseJson.toInt(l.get(i), "packed.lengths");
    }
    return lengths;
  }

  private static void requireShape(String what, CaseJson.Tensor64 t, Tensor like) throws CaseException {
    if (!java.util.Arrays.equals(t.shape(), like.shape())) {
      throw new CaseException("bad case file: " + what + " has shape " + t.shapeString() + ", the result has "
          + like.shapeString());
    }
  }

  private static double dot(float[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
