package org.rnn4j.spark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.cli.options.SharedOptionDeclarations;
import picocli.CommandLine;

/** {@code spark-train} takes the training options the one-machine commands declare, not copies. */
class SparkSharedOptionsTest {
  @Test
  void sparkTrainTakesTheSharedDeclarations() {
    List<String> found = SharedOptionDeclarations.of(new CommandLine(new SparkTrainCommand()));
    assertThat(found).noneMatch(s -> s.contains("(expected"));
    assertThat(found).contains("spark-train --epochs in StoppingOptions", "spark-train --patience in StoppingOptions",
        "spark-train --checkpoint-every in CheckpointOptions", "spark-train --hidden in ModelOptions",
        "spark-train --lr in TrainingOptions", "spark-train --resume in OutputOptions");
  }
}
