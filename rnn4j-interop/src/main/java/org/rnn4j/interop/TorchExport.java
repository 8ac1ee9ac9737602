package org.rnn4j.interop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.rnn4j.Model;
import org.rnn4j.ModelSpec;
import org.rnn4j.io.SafeTensors;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.DenseActivation;
import org.rnn4j.nn.DenseSpec;
import org.rnn4j.nn.DropoutSpec;
import org.rnn4j.nn.EmbeddingSpec;
import org.rnn4j.nn.LayerSpec;
import org.rnn4j.nn.PoolingSpec;
import org.rnn4j.nn.RecurrentLayerSpec;
import org.rnn4j.nn.RecurrentSpec;

/**
 * Exports an rnn4j {@link Model} as a PyTorch state dict in a safetensors file, plus a recipe: the
 * Python source of an {@code nn.Module} whose attributes are named after the rnn4j layers
 * ({@code self.lstm = nn.LSTM(...)}), so that {@code model.load_state_dict(load_file(path),
 * strict=True)} accepts the file. rnn4j's parameter names already are PyTorch's; the export checks
 * that every layer has a PyTorch counterpart and refuses, naming the layer and the feature, what
 * PyTorch lacks (LSTM peepholes, GRU reset-before, clip, input-forget coupling, ONNX activations, a
 * reverse-only direction). The recipe's {@code forward(x, lengths=None)} computes what
 * {@link Model#predict} does, padded steps and pooling over valid steps included. Stateless and
 * thread-safe.
 */
public final class TorchExport {
  private static final Set<String> PYTHON_KEYWORDS = Set.of("False", "None", "True", "and", "as", "assert",
      "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except", "finally", "for",
      "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
      "return", "try", "while", "with", "yield", "forward", "training");

  private TorchExport() {
  }

  /** The state dict (rnn4j's parameters under their PyTorch names, storage order) and the recipe. */
  public record Export(List<SafeTensors.Tensor> stateDict, String recipe) {
    public Export {
      stateDict = List.copyOf(stateDict);
    }
  }

  /**
   * Checks the model and builds the state dict and recipe.
   *
   * @throws ExportException naming the layer and the feature PyTorch lacks
   */
  public static Export of(Model model) throws ExportException {
    ModelSpec spec = model.spec();
    for (LayerSpec l : spec.layers()) {
      check(l);
    }
    List<SafeTensors.Tensor> tensors = new ArrayList<>();
    for (String name : model.parameterNames()) {
      tensors.add(new SafeTensors.Tensor(name, model.parameterShape(name), model.parameter(name)));
    }
    return new Export(tensors, recipe(spec));
  }

  /**
   * Writes the state dict to {@code file} (atomically, metadata {@code format=pt} as
   * {@code safetensors.torch.save_file} writes it).
   *
   * @return the recipe (Python source) whose module loads the file
   * @throws ExportException naming the layer and the feature PyTorch lacks
   * @throws IOException when the file cannot be written
   */
  public static String write(Model model, Path file) throws IOException {
    Export e = of(model);
    SafeTensors.write(file, Map.of("format", "pt"), e.stateDict());
    return e.recipe().replace("MODEL_FILE", file.getFileName().toString());
  }

  private static void check(LayerSpec l) throws ExportException {
    if (PYTHON_KEYWORDS.contains(l.name())) {
      throw new ExportException("PyTorch export: layer name '" + l.name() + "' cannot be an attribute of an"
          + " nn.Module (a Python keyword or an nn.Module member); rename the layer");
    }
    if (!(l instanceof RecurrentLayerSpec r)) {
      return;
    }
    RecurrentSpec s = r.rnn();
    String who = "PyTorch export: " + s.cell() + " layer '" + l.name() + "'";
    if (s.peepholes()) {
      throw new ExportException(who + ": expected no peepholes, got peepholes (ONNX P); nn.LSTM has none."
          + " Export to ONNX instead");
    }
    if (s.cell() == CellType.GRU && !s.resetAfter()) {
      throw new ExportException(who + ": expected resetAfter=true (nn.GRU applies the reset gate after the"
          + " hidden product), got resetAfter=false (Keras reset_after=False, ONNX linear_before_reset=0)."
          + " Export to ONNX instead");
    }
    if (s.clip() != null) {
      throw new ExportException(who + ": expected no clip, got clip " + s.clip() + "; PyTorch's recurrent"
          + " modules have none. Export to ONNX instead");
    }
    if (s.inputForget()) {
      throw new ExportException(who + ": expected inputForget=false, got true (ONNX input_forget); nn.LSTM"
          + " has no coupled forget gate. Export to ONNX instead");
    }
    if (s.reverse()) {
      throw new ExportException(who + ": expected a forward or bidirectional layer, got a reverse-only"
          + " direction (ONNX direction=reverse); PyTorch's modules have none. Export to ONNX instead");
    }
    if (!s.usesDefaultMath()) {
      throw new ExportException(who + ": expected the cell's default activations, got " + s.activations()
          + "; PyTorch's modules have fixed activations. Export to ONNX instead");
    }
  }

  /** The Python source of a module that loads the exported state dict with strict=True. */
  static String recipe(ModelSpec spec) {
    StringBuilder init = new StringBuilder();
    StringBuilder fwd = new StringBuilder();
    int width = spec.inputFeatures();
    boolean helper = false;
    boolean pooling = false;
    for (LayerSpec l : spec.layers()) {
      String n = l.name();
      if (l instanceof EmbeddingSpec e) {
        init.append(line("self." + n + " = nn.Embedding(" + e.vocabSize() + ", " + e.dim()
            + (e.paddingIndex() >= 0 ? ", padding_idx=" + e.paddingIndex() : "") + ")"));
        fwd.append(line("x = self." + n + "(x)"));
        width = e.dim();
      } else if (l instanceof RecurrentLayerSpec r) {
        RecurrentSpec s = r.rnn();
        String module = switch (s.cell()) {
          case LSTM -> "nn.LSTM";
          case GRU -> "nn.GRU";
          default -> "nn.RNN";
        };
        StringBuilder args = new StringBuilder(width + ", " + s.hiddenSize());
        if (s.numLayers() > 1) {
          args.append(", num_layers=").append(s.numLayers());
        }
        if (s.cell() == CellType.RNN_RELU) {
          args.append(", nonlinearity='relu'");
        }
        if (!s.bias()) {
          args.append(", bias=False");
        }
        args.append(", batch_first=True");
        if (s.dropout() > 0f) {
          args.append(", dropout=").append(num(s.dropout()));
        }
        if (s.bidirectional()) {
          args.append(", bidirectional=True");
        }
        if (s.projSize() > 0) {
          args.append(", proj_size=").append(s.projSize());
        }
        init.append(line("self." + n + " = " + module + "(" + args + ")"));
        String merge = s.bidirectional() ? r.mergeMode().name().toLowerCase(Locale.ROOT) : "concat";
        fwd.append(line("x = _recurrent(self." + n + ", x, lengths, return_sequences="
            + (r.returnSequences() ? "True" : "False") + ", merge='" + merge + "')"));
        helper = true;
        width = r.outputSize();
      } else if (l instanceof DropoutSpec d) {
        init.append(line("self." + n + " = nn.Dropout(" + num(d.rate()) + ")"));
        fwd.append(line("x = self." + n + "(x)"));
      } else if (l instanceof PoolingSpec p) {
        fwd.append(line("x = _pool(x, lengths, '" + p.mode().name().toLowerCase(Locale.ROOT) + "')  # " + n));
        pooling = true;
      } else {
        DenseSpec d = (DenseSpec) l;
        init.append(line("self." + n + " = nn.Linear(" + width + ", " + d.units()
            + (d.bias() ? "" : ", bias=False") + ")"));
        String call = "self." + n + "(x)";
        fwd.append(line("x = " + (d.activation() == DenseActivation.LINEAR ? call
            : "torch." + d.activation().name().toLowerCase(Locale.ROOT) + "(" + call + ")")));
        width = d.units();
      }
    }
    StringBuilder py = new StringBuilder();
    py.append("import torch\nfrom torch import nn\nfrom safetensors.torch import load_file\n\n");
    if (helper) {
      py.append(HELPER);
    }
    if (pooling) {
      py.append(POOL);
    }
    py.append("class Rnn4jModel(nn.Module):\n");
    py.append("    def __init__(self):\n        super().__init__()\n").append(init).append('\n');
    py.append("    def forward(self, x, lengths=None):\n");
    py.append("        # x: ").append(spec.tokenInput() ? "[batch, steps] token ids (long)"
        : "[batch, steps, " + spec.inputFeatures() + "] float32").append("; lengths: [batch] or None\n");
    py.append(fwd);
    py.append("        return x\n\n\n");
    py.append("model = Rnn4jModel()\n");
    py.append("model.load_state_dict(load_file(\"MODEL_FILE\"), strict=True)\n");
    py.append("model.eval()\n");
    return py.toString();
  }

  private static final String HELPER = ""
      + "def _recurrent(rnn, x, lengths, return_sequences, merge):\n"
      + "    steps = x.shape[1]\n"
      + "    if lengths is not None:\n"
      + "        x = nn.utils.rnn.pack_padded_sequence(x, torch.as_tensor(lengths).cpu(), batch_first=True,\n"
      + "                                              enforce_sorted=False)\n"
      + "    y, h = rnn(x)\n"
      + "    if isinstance(h, tuple):\n"
      + "        h = h[0]\n"
      + "    if return_sequences:\n"
      + "        if lengths is not None:\n"
      + "            y, _ = nn.utils.rnn.pad_packed_sequence(y, batch_first=True, total_length=steps)\n"
      + "        if not rnn.bidirectional or merge == 'concat':\n"
      + "            return y\n"
      + "        f, r = y.chunk(2, dim=-1)\n"
      + "    else:\n"
      + "        if not rnn.bidirectional:\n"
      + "            return h[-1]\n"
      + "        f, r = h[-2], h[-1]\n"
      + "    if merge == 'concat':\n"
      + "        return torch.cat([f, r], dim=-1)\n"
      + "    if merge == 'sum':\n"
      + "        return f + r\n"
      + "    if merge == 'mul':\n"
      + "        return f * r\n"
      + "    return (f + r) / 2\n\n\n";

  /** Mean or max over each sequence's valid steps, as rnn4j's pooling layer. */
  private static final String POOL = ""
      + "def _pool(x, lengths, mode):\n"
      + "    if lengths is None:\n"
      + "        return x.mean(dim=1) if mode == 'mean' else x.max(dim=1).values\n"
      + "    steps = torch.arange(x.shape[1], device=x.device)\n"
      + "    valid = (steps[None, :] < torch.as_tensor(lengths, device=x.device)[:, None]).unsqueeze(-1)\n"
      + "    if mode == 'mean':\n"
      + "        return (x * valid).sum(dim=1) / valid.sum(dim=1)\n"
      + "    return x.masked_fill(~valid, float('-inf')).max(dim=1).values\n\n\n";

  private static String line(String s) {
    return "        " + s + "\n";
  }

  private static String num(float v) {
    return Float.toString(v);
  }
}
