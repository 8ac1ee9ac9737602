package org.rnn4j.cli.options;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a training command writes ({@code --out}) and whether it picks up its checkpoint there
 * ({@code --resume}), declared once; each command passes its own default folder. Not thread-safe
 * (picocli fills it once per command line).
 */
public final class OutputOptions {
  @OutputPath
  @Option(names = "--out", paramLabel = "DIR", description = "Folder for the model, its checkpoint, history and charts (default: ${DEFAULT-VALUE}).")
  public Path out;

  @Option(names = "--resume", description = "Resume from the checkpoint in --out if there is one.")
  public boolean resume;

  /** The default folder of a command. */
  public OutputOptions(String out) {
    this.out = Path.of(out);
  }
}
