package org.rnn4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rnn4j.Model;
import org.rnn4j.cli.options.InputFile;
import org.rnn4j.cli.options.OneOf;
import org.rnn4j.cli.options.OutputPath;
import org.rnn4j.io.ModelFiles;
import org.rnn4j.nn.CellType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rnn4j import FILE [-o OUT.rnn4j]}: turns a PyTorch state dict (safetensors or {@code .pt}) or a
 * Keras model into an rnn4j model file. A state dict becomes one recurrent layer read off its tensor
 * names and shapes; a Keras model keeps its layers when an rnn4j model can express them; an ONNX graph
 * that is a recurrent stack with an optional Dense head becomes those layers ({@code OnnxToModel},
 * which prints the node-to-layer mapping and checks the model against the graph). Errors are one line,
 * exit status 2. Not thread-safe (a command runs once).
 */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = {"Make an rnn4j model file of a PyTorch, Keras or ONNX model.",
        "Reads a PyTorch state dict (.safetensors, .pt), a Keras model (.keras, .h5,",
        "or a to_json config with --weights) or an ONNX graph of a recurrent stack",
        "(.onnx)."})
public final class ImportCommand implements Callable<Integer> {
  @InputFile
  @Parameters(paramLabel = "FILE", description = "The file to import.")
  Path file;

  @OutputPath(folder = false)
  @Option(names = {"-o", "--output"}, paramLabel = "OUT",
      description = "The rnn4j model file to write (default: FILE with the extension .rnn4j).")
  Path output;

  @Option(names = "--prefix", paramLabel = "P",
      description = "State dicts: the prefix of the recurrent module's keys, e.g. 'rnn.' (default: found on its own).")
  String prefix;

  @OneOf({"tanh", "relu"})
  @Option(names = "--nonlinearity", paramLabel = "tanh|relu", defaultValue = "tanh",
      description = "State dicts of nn.RNN: the nonlinearity, which the file does not record (default: tanh).")
  String nonlinearity;

  @InputFile
  @Option(names = "--weights", paramLabel = "W.h5",
      description = "Keras models saved as model.to_json() + model.save_weights(): FILE is the JSON, W.h5 the weights.")
  Path weights;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ModelFileKind kind = weights != null ? ModelFileKind.KERAS : ModelFileKind.of(file);
    if (kind == ModelFileKind.RNN4J) {
      throw new UserInputException(file + ": already an rnn4j model file");
    }
    Path target = output != null ? output : defaultOutput(file);
    CellType rnn = "relu".equals(nonlinearity.toLowerCase(Locale.ROOT)) ? CellType.RNN_RELU : CellType.RNN_TANH;
    ModelImports.Read read = ModelImports.read(file, weights, rnn, prefix);
    for (String line : read.mapping()) {
      out.println(line);
    }
    Model model = read.model();
    try {
      ModelFiles.save(model, target, read.metadata());
    } catch (IOException e) {
      throw new UserInputException(e.getMessage(), e);
    }
    out.println("wrote " + target + " (" + String.format(Locale.ROOT, "%,d", model.parameterCount())
        + " parameters, from " + kind.description + " " + file.getFileName() + ")");
    out.print(model.summary());
    out.flush();
    return 0;
  }

  static Path defaultOutput(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".rnn4j");
  }
}
