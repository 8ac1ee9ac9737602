package org.rnn4j.cli.options;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Where each shared option of a tree of commands is declared: one line per training command and shared
 * option, {@code "classify train --epochs in StoppingOptions"}, with {@code " (expected X)"} appended
 * where a command declares its own copy instead of taking the mixin {@code X}. Used by the CLI's and
 * the Spark module's tests. Stateless.
 */
public final class SharedOptionDeclarations {
  private SharedOptionDeclarations() {
  }

  private static final Map<String, Class<?>> DECLARED_IN = Map.ofEntries(
      Map.entry("--cell", ModelOptions.class), Map.entry("--hidden", ModelOptions.class),
      Map.entry("--layers", ModelOptions.class), Map.entry("--dropout", ModelOptions.class),
      Map.entry("--batch-size", TrainingOptions.class), Map.entry("--lr", TrainingOptions.class),
      Map.entry("--clip-norm", TrainingOptions.class), Map.entry("--seed", TrainingOptions.class),
      Map.entry("--epochs", StoppingOptions.class), Map.entry("--patience", StoppingOptions.class),
      Map.entry("--checkpoint-every", CheckpointOptions.class), Map.entry("--out", OutputOptions.class),
      Map.entry("--resume", OutputOptions.class));

  /**
   * Training commands (those with {@code --epochs}); of them, {@code --out} is checked where the command
   * resumes ({@code --resume}): backtest's {@code --out} is a report folder with nothing to resume.
   */
  private static void walk(CommandLine c, List<String> found) {
    CommandLine.Model.CommandSpec spec = c.getCommandSpec();
    boolean training = spec.findOption("--epochs") != null;
    boolean resumable = spec.findOption("--resume") != null;
    for (CommandLine.Model.OptionSpec o : training ? spec.options() : List.<CommandLine.Model.OptionSpec>of()) {
      Class<?> owner = DECLARED_IN.get(o.longestName());
      if (o.longestName().equals("--out") && !resumable) {
        continue;
      }
      if (owner != null && o.userObject() instanceof Field f) {
        found.add(spec.qualifiedName(" ").replaceFirst("^\\S+ ", "") + " " + o.longestName() + " in " + f.getDeclaringClass().getSimpleName()
            + (f.getDeclaringClass() == owner ? "" : " (expected " + owner.getSimpleName() + ")"));
      }
    }
    c.getSubcommands().values().forEach(s -> walk(s, found));
  }

  /** The declarations of every training command under {@code root}. */
  public static List<String> of(CommandLine root) {
    List<String> found = new ArrayList<>();
    walk(root, found);
    return found;
  }
}
