package org.rnn4j.interop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnn4j.io.SafeTensors;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Recurrent;
import org.rnn4j.nn.RecurrentSpec;

/**
 * Puts a PyTorch state dict of {@code nn.RNN}, {@code nn.LSTM} or {@code nn.GRU} into an rnn4j
 * {@link Recurrent}. rnn4j keeps PyTorch's names, shapes and gate orders, so this is a strict copy:
 * every parameter of the stack must be in the file with its exact shape, and every tensor of the file
 * under the mapped prefix must be a parameter of the stack; otherwise the message names the tensor
 * and both shapes (or the names expected). Stateless and thread-safe.
 */
public final class TorchImport {
  private TorchImport() {
  }

  /**
   * How file keys become rnn4j parameter names: explicit renames first ({@code file key -> name}),
   * then the prefix is stripped ({@code rnn.weight_ih_l0 -> weight_ih_l0}); keys outside the prefix
   * belong to other modules and are ignored. A null prefix means "find it": empty when the file has
   * {@code weight_ih_l0}, else the one prefix {@code p} for which {@code p + "weight_ih_l0"} exists.
   * Immutable and thread-safe.
   *
   * @param prefix the prefix to strip ({@code "rnn."}, {@code "lstm."}), "" for none, null to detect
   * @param rename explicit renames from file keys to rnn4j names (applied before the prefix)
   */
  public record NameMapping(String prefix, Map<String, String> rename) {
    public NameMapping {
      rename = rename == null ? Map.of() : Map.copyOf(rename);
    }

    /** Detect the prefix, no renames. */
    public static NameMapping auto() {
      return new NameMapping(null, Map.of());
    }

    /** Strip this prefix, no renames. */
    public static NameMapping prefix(String p) {
      return new NameMapping(p == null ? "" : p, Map.of());
    }
  }

  /** As {@link #toRecurrent(StateDict, RecurrentSpec, NameMapping)} with {@link NameMapping#auto()}. */
  public static Recurrent toRecurrent(StateDict sd, RecurrentSpec spec) throws ImportException {
    return toRecurrent(sd, spec, NameMapping.auto());
  }

  /**
   * A stack built from {@code spec} holding the state dict's values.
   *
   * @throws ImportException naming the file, the tensor and the expected and found shapes or names
   */
  public static Recurrent toRecurrent(StateDict sd, RecurrentSpec spec, NameMapping mapping)
      throws ImportException {
    Recurrent rnn = new Recurrent(spec, 0L);
    mapping = resolve(sd, mapping, rnn.parameterNames().get(0));
    Map<String, SafeTensors.Tensor> named = mapNames(sd, mapping);
    List<String> names = rnn.parameterNames();
    for (Map.Entry<String, SafeTensors.Tensor> e : named.entrySet()) {
      if (!names.contains(e.getKey())) {
        throw new ImportException(sd.source() + ": unexpected tensor '" + e.getValue().name() + "' "
            + Arrays.toString(e.getValue().shape()) + ": not a parameter of " + describe(spec) + ", whose parameters"
            + " are " + names);
      }
    }
    for (String n : names) {
      SafeTensors.Tensor t = named.get(n);
      int[] want = rnn.parameterShape(n);
      if (t == null) {
        throw new ImportException(sd.source() + ": tensor '" + fileName(mapping, n, named) + "' of shape "
            + Arrays.toString(want) + " is missing (" + describe(spec) + " needs " + names + "; the file has "
            + sd.tensors().keySet() + ")");
      }
      if (!Arrays.equals(t.shape(), want)) {
        throw new ImportException(sd.source() + ": tensor '" + t.name() + "': expected shape "
            + Arrays.toString(want) + " for " + describe(spec) + ", found " + Arrays.toString(t.shape()));
      }
      rnn.setParameter(n, t.data());
    }
    return rnn;
  }

  /**
   * The spec of the module that wrote this state dict, read off its names and shapes: layers from
   * {@code weight_ih_l{k}}, directions from {@code _reverse}, bias from {@code bias_ih_l0},
   * projection from {@code weight_hr_l0}, the cell from the gate count ({@code weight_hh_l0} rows
   * over hidden size: 4 LSTM, 3 GRU, 1 RNN). A plain RNN's nonlinearity is not in the file:
   * {@code rnnCell} says which ({@code RNN_TANH} when null).
   *
   * @throws ImportException when the names or shapes do not describe a recurrent module
   */
  public static RecurrentSpec inferSpec(StateDict sd, NameMapping mapping, CellType rnnCell) throws ImportException {
    Map<String, SafeTensors.Tensor> t = mapNames(sd, resolve(sd, mapping, "weight_ih_l0"));
    SafeTensors.Tensor wih = t.get("weight_ih_l0");
    SafeTensors.Tensor whh = t.get("weight_hh_l0");
    if (wih == null || whh == null || wih.shape().length != 2 || whh.shape().length != 2) {
      throw new ImportException(sd.source() + ": expected 2-D tensors weight_ih_l0 and weight_hh_l0 of an RNN/LSTM/GRU"
          + " state dict, found " + sd.tensors().keySet());
    }
    int layers = 0;
    while (t.containsKey("weight_ih_l" + layers)) {
      layers++;
    }
    SafeTensors.Tensor whr = t.get("weight_hr_l0");
    int rows = whh.shape()[0];
    int hidden = whr != null ? whr.shape()[1] : whh.shape()[1];
    int proj = whr != null ? whr.shape()[0] : 0;
    if (hidden < 1 || rows % hidden != 0) {
      throw new ImportException(sd.source() + ": weight_hh_l0 has shape " + Arrays.toString(whh.shape())
          + ": its rows are not a multiple of the hidden size " + hidden);
    }
    CellType cell;
    switch (rows / hidden) {
      case 4:
        cell = CellType.LSTM;
        break;
      case 3:
        cell = CellType.GRU;
        break;
      case 1:
        cell = rnnCell != null && rnnCell.isRnn() ? rnnCell : CellType.RNN_TANH;
        break;
      default:
        throw new ImportException(sd.source() + ": weight_hh_l0 has " + rows + " rows for hidden size " + hidden
            + ": " + rows / hidden + " gate blocks match no cell (LSTM 4, GRU 3, RNN 1)");
    }
    try {
      return RecurrentSpec.builder(cell, wih.shape()[1], hidden)
          .numLayers(layers)
          .bias(t.containsKey("bias_ih_l0"))
          .bidirectional(t.containsKey("weight_ih_l0_reverse"))
          .projSize(proj)
          .build();
    } catch (IllegalArgumentException e) {
      throw new ImportException(sd.source() + ": the tensors describe no valid stack: " + e.getMessage());
    }
  }

  /** Keys mapped to rnn4j names (only those under the prefix), values keep their file names. */
  static Map<String, SafeTensors.Tensor> mapNames(StateDict sd, NameMapping mapping) throws ImportException {
    String prefix = mapping.prefix();
    Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, SafeTensors.Tensor> e : sd.tensors().entrySet()) {
      String key = e.getKey();
      String name;
      if (mapping.rename().containsKey(key)) {
        name = mapping.rename().get(key);
      } else if (key.startsWith(prefix)) {
        name = key.substring(prefix.length());
      } else {
        continue;
      }
      if (out.put(name, e.getValue()) != null) {
        throw new ImportException(sd.source() + ": two tensors map to the parameter '" + name + "'");
      }
    }
    return out;
  }

  /** The mapping with its prefix found when it was null. */
  static NameMapping resolve(StateDict sd, NameMapping mapping, String probe) throws ImportException {
    return mapping.prefix() != null ? mapping
        : new NameMapping(detectPrefix(sd, mapping, probe), mapping.rename());
  }

  private static String detectPrefix(StateDict sd, NameMapping mapping, String probe) throws ImportException {
    if (sd.tensors().containsKey(probe) || mapping.rename().containsValue(probe)) {
      return "";
    }
    List<String> candidates = new ArrayList<>();
    for (String k : sd.tensors().keySet()) {
      if (k.endsWith("." + probe)) {
        candidates.add(k.substring(0, k.length() - probe.length()));
      }
    }
    if (candidates.size() == 1) {
      return candidates.get(0);
    }
    if (candidates.isEmpty()) {
      throw new ImportException(sd.source() + ": no tensor named '" + probe + "' or '<prefix>." + probe
          + "': not the state dict of an RNN/LSTM/GRU (the file has " + sd.tensors().keySet() + ")");
    }
    throw new ImportException(sd.source() + ": several recurrent modules in the file (prefixes " + candidates
        + "): say which one to import");
  }

  private static String fileName(NameMapping mapping, String name, Map<String, SafeTensors.Tensor> named) {
    for (Map.Entry<String, String> r : mapping.rename().entrySet()) {
      if (r.getValue().equals(name)) {
        return r.getKey();
      }
    }
    return mapping.prefix() + name;
  }

  /** {@code LSTM(input 3, hidden 5, layers 2)} and so on, for messages. */
  static String describe(RecurrentSpec s) {
    StringBuilder sb = new StringBuilder(s.cell().name()).append("(input ").append(s.inputSize())
        .append(", hidden ").append(s.hiddenSize());
    if (s.numLayers() > 1) {
      sb.append(", layers ").append(s.numLayers());
    }
    if (s.bidirectional()) {
      sb.append(", bidirectional");
    }
    if (s.projSize() > 0) {
      sb.append(", proj ").append(s.projSize());
    }
    if (!s.bias()) {
      sb.append(", no bias");
    }
    return sb.append(')').toString();
  }
}
