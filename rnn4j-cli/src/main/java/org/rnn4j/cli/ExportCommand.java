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
import org.rnn4j.interop.TorchExport;
import org.rnn4j.interop.onnx.OnnxExport;
import org.rnn4j.io.ModelFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rnn4j export FILE --format safetensors|onnx [-o OUT]}: writes an rnn4j model file as a
 * PyTorch state dict (safetensors, plus a printed recipe of the PyTorch module that loads it) or as
 * an ONNX model (opset 14). What the target format lacks is refused in one line, exit status 2, and
 * no output file is written. Not thread-safe (a command runs once).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Write an rnn4j model file as a PyTorch state dict or an ONNX model.",
        "The state dict is safetensors, with a printed recipe; the ONNX model is",
        "opset 14."})
public final class ExportCommand implements Callable<Integer> {
  @InputFile
  @Parameters(paramLabel = "FILE", description = "The rnn4j model file to export.")
  Path file;

  @OneOf({"safetensors", "onnx"})
  @Option(names = "--format", paramLabel = "safetensors|onnx", required = true,
      description = "safetensors: a PyTorch state dict; onnx: an ONNX model.")
  String format;

  @OutputPath(folder = false)
  @Option(names = {"-o", "--output"}, paramLabel = "OUT",
      description = "The file to write (default: FILE with the extension .safetensors or .onnx).")
  Path output;

  @Option(names = "--no-lengths", negatable = false,
      description = "ONNX: no 'lengths' graph input (every sequence uses all steps).")
  boolean noLengths;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    String f = format.trim().toLowerCase(Locale.ROOT);
    if (!f.equals("safetensors") && !f.equals("onnx")) {
      throw new UserInputException("--format: expected safetensors or onnx, got '" + format + "'");
    }
    if (ModelFileKind.of(file) != ModelFileKind.RNN4J) {
      throw new UserInputException(file + ": expected an rnn4j model file, got a " + ModelFileKind.of(file).description
          + " (convert it with 'rnn4j import' first)");
    }
    Path target = output != null ? output : withExtension(file, f.equals("onnx") ? ".onnx" : ".safetensors");
    try {
      Model model = ModelFiles.load(file).model();
      if (f.equals("onnx")) {
        OnnxExport.write(model, !noLengths, target);
        out.println("wrote " + target + " (ONNX opset " + OnnxExport.OPSET + "; inputs: input"
            + (noLengths ? "" : ", lengths (int32 [batch])") + "; output: output)");
      } else {
        String recipe = TorchExport.write(model, target);
        out.println("wrote " + target + " (PyTorch state dict, " + String.format(Locale.ROOT, "%,d",
            model.parameterCount()) + " parameters); this module loads it with strict=True:");
        out.println();
        out.print(recipe);
      }
    } catch (IOException e) {
      throw new UserInputException(e.getMessage(), e);
    }
    out.flush();
    return 0;
  }

  static Path withExtension(Path file, String ext) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ext);
  }
}
