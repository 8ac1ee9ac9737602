package org.rnn4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.rnn4j.cli.options.InputFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rnn4j conformance [--via-onnx] PATH...}: checks rnn4j against reference numbers from
 * PyTorch and ONNX (the case formats are described in the conformance README). Exit status 0 iff
 * every case passed, 1 if one failed or could not run, 2 for a usage error. Not thread-safe (a
 * command runs once).
 */
@Command(name = "conformance", mixinStandardHelpOptions = true,
    description = {
        "Check rnn4j against PyTorch/ONNX reference cases.",
        "Prints PASS/FAIL/ERROR per case and 'N passed, M failed' last; the exit",
        "status is 0 if and only if every case passed."})
public final class ConformanceCommand implements Callable<Integer> {

  @Option(names = "--via-onnx",
      description = "Run ONNX cases by importing their model.onnx instead of mapping the JSON weights.")
  boolean viaOnnx;

  @InputFile(kind = InputFile.Kind.EITHER)
  @Parameters(arity = "1..*", paramLabel = "PATH",
      description = "A case file, or a folder searched recursively for *.json case files.")
  List<Path> paths;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    List<Path> files = ConformanceRunner.collect(paths);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ConformanceRunner.Summary s = new ConformanceRunner(viaOnnx, out, err).run(files);
    return s.allPassed() ? 0 : 1;
  }
}
