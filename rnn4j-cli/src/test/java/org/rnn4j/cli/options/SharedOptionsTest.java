package org.rnn4j.cli.options;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.cli.Main;
import picocli.CommandLine;

/**
 * The options every training command shares are declared once: wherever a training command takes
 * one, it is the field of its mixin (with that mixin's checks), never a copy of it.
 */
class SharedOptionsTest {
  @Test
  void everyTrainingCommandTakesTheSharedDeclarations() {
    List<String> found = SharedOptionDeclarations.of(new CommandLine(new Main()));
    assertThat(found).noneMatch(s -> s.contains("(expected"));
    // the training commands are all there: a walk that found none would pass by checking nothing
    assertThat(found).contains("train --epochs in StoppingOptions", "train --patience in StoppingOptions",
        "classify train --epochs in StoppingOptions", "generate train --patience in StoppingOptions",
        "generate train --checkpoint-every in CheckpointOptions", "classify train --hidden in ModelOptions");
  }
}
