package org.rnn4j.cli.options;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnn4j.cli.Main;
import picocli.CommandLine;

/**
 * The options every training command shares are declared once: wherever a training command takes
 * one, it is the field of its mixin (with that mixin's checks), never a copy of it.
 */
class SharedOptionsTest {
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

  @Test
  void everyTrainingCommandTakesTheSharedDeclarations() {
    List<String> found = new ArrayList<>();
    walk(new CommandLine(new Main()), found);
    assertThat(found).noneMatch(s -> s.contains("(expected"));
    // the training commands are all there: a walk that found none would pass by checking nothing
    assertThat(found).contains("train --epochs in StoppingOptions", "train --patience in StoppingOptions",
        "classify train --epochs in StoppingOptions", "generate train --patience in StoppingOptions",
        "generate train --checkpoint-every in CheckpointOptions", "classify train --hidden in ModelOptions");
  }
}
