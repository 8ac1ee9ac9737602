package org.rnn4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.rnn4j.Model;
import org.rnn4j.cli.options.InputFile;
import org.rnn4j.interop.StateDict;
import org.rnn4j.interop.TorchImport;
import org.rnn4j.interop.keras.KerasModel;
import org.rnn4j.interop.onnx.OnnxModel;
import org.rnn4j.io.ModelFiles;
import org.rnn4j.io.SafeTensors;
import org.rnn4j.nn.RecurrentSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rnn4j inspect FILE}: what a model file holds. For an rnn4j model file: format and version, the
 * architecture with output shapes and parameter counts, and the metadata stored beside it. For the
 * files rnn4j imports (safetensors or {@code torch.save} state dicts, ONNX, Keras): what the importer
 * reads from them. A file that cannot be read is a user error (one line, exit status 2). Not
 * thread-safe (a command runs once).
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = {"Show what a model file holds.",
        "An rnn4j model file: architecture, parameter counts, metadata, format",
        "version; or a file rnn4j imports: state dict, .pt, ONNX, Keras."})
public final class InspectCommand implements Callable<Integer> {
  @InputFile
  @Parameters(paramLabel = "FILE", description = "The model file.")
  Path file;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ModelFileKind kind = ModelFileKind.of(file);
    try {
      switch (kind) {
        case RNN4J:
          rnn4j(out);
          break;
        case SAFETENSORS:
        case TORCH_SAVE:
          stateDict(out, kind);
          break;
        case ONNX:
          onnx(out);
          break;
        default:
          keras(out);
      }
    } catch (IOException e) {
      throw new UserInputException(e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(file + ": " + e.getMessage(), e);
    }
    out.flush();
    return 0;
  }

  private void rnn4j(PrintWriter out) throws IOException {
    ModelFiles.Loaded l = ModelFiles.load(file);
    Model m = l.model();
    out.println(file + ": rnn4j model file, format " + ModelFiles.FORMAT + " version " + l.formatVersion());
    out.println("input: " + (m.spec().tokenInput() ? "token ids" : m.spec().inputFeatures() + " features per step")
        + "; output: " + m.outputFeatures() + " features " + (m.sequenceOutput() ? "per step" : "per sequence"));
    out.print(m.summary());
    if (l.metadata().isEmpty()) {
      out.println("metadata: none");
    } else {
      out.println("metadata:");
      for (Map.Entry<String, String> e : l.metadata().entrySet()) {
        String v = e.getValue().replaceAll("\\s+", " ");
        out.println("  " + e.getKey() + ": " + (v.length() > 200 ? v.substring(0, 200) + "... (" + v.length()
            + " characters)" : v));
      }
    }
  }

  private void stateDict(PrintWriter out, ModelFileKind kind) throws IOException {
    StateDict sd = StateDict.read(file);
    long total = 0;
    out.println(file + ": " + kind.description + ", " + sd.tensors().size() + " tensors");
    for (SafeTensors.Tensor t : sd.tensors().values()) {
      out.println(String.format(Locale.ROOT, "  %-32s %-8s %s", t.name(), sd.dtype(t.name()),
          Arrays.toString(t.shape())));
      total += t.data().length;
    }
    out.println(String.format(Locale.ROOT, "Total values: %,d", total));
    try {
      RecurrentSpec s = TorchImport.inferSpec(sd, TorchImport.NameMapping.auto(), null);
      out.println("reads as: " + describe(s) + " ('rnn4j import' makes an rnn4j model file of it)");
    } catch (IOException e) {
      out.println("reads as: no recurrent module (" + e.getMessage() + ")");
    }
  }

  private void onnx(PrintWriter out) throws IOException {
    OnnxModel m = OnnxModel.load(file);
    out.println(file + ": ONNX model, ir_version " + m.irVersion() + ", opset " + m.opsetVersion() + ", producer "
        + (m.producer().isEmpty() ? "unknown" : m.producer()));
    for (String in : m.inputNames()) {
      out.println("  input  " + in + " " + shape(m.declaredShape(in)));
    }
    for (String o : m.outputNames()) {
      out.println("  output " + o);
    }
    out.println("  operators: " + String.join(", ", m.opTypes()));
    out.println("  initializers: " + m.initializers().size());
    out.println(m.unsupportedOperators().isEmpty() ? "every operator runs in rnn4j's ONNX importer"
        : "operators rnn4j's ONNX importer does not run: " + m.unsupportedOperators());
  }

  private void keras(PrintWriter out) throws IOException {
    KerasModel m = KerasModel.load(file);
    out.println(file + ": Keras model, keras_version " + m.kerasVersion()
        + (m.backend().isEmpty() ? "" : ", backend " + m.backend()) + ", " + String.format(Locale.ROOT, "%,d",
        m.parameterCount()) + " parameters");
    for (int i = 0; i < m.layerNames().size(); i++) {
      out.println("  " + m.layerNames().get(i) + " (" + m.layerClasses().get(i) + ")");
    }
    try {
      m.toModel();
      out.println("an rnn4j model can hold it ('rnn4j import' writes the model file)");
    } catch (IOException e) {
      out.println("runs through rnn4j's Keras importer; an rnn4j model file cannot hold it yet: " + e.getMessage());
    }
  }

  private static String shape(int[] s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < s.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(s[i] < 0 ? "?" : String.valueOf(s[i]));
    }
    return sb.append(']').toString();
  }

  static String describe(RecurrentSpec s) {
    StringBuilder sb = new StringBuilder(s.cell().name()).append("(input_size=").append(s.inputSize())
        .append(", hidden_size=").append(s.hiddenSize()).append(", num_layers=").append(s.numLayers());
    if (s.bidirectional()) {
      sb.append(", bidirectional=True");
    }
    if (s.projSize() > 0) {
      sb.append(", proj_size=").append(s.projSize());
    }
    if (!s.bias()) {
      sb.append(", bias=False");
    }
    return sb.append(')').toString();
  }
}
