package org.rnn4j.spark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.rnn4j.cli.options.OptionWalkCases;
import picocli.CommandLine;

/** Every option of {@code rnn4j spark-train} and {@code spark-bench}, tried with the values it must refuse. */
class SparkOptionWalkTest {
  @Nested
  class Train extends OptionWalkCases {
    Train() {
      super(() -> new CommandLine(new SparkTrainCommand()), SparkTrainCommand::run);
    }

    @Test
    void theWalkTriesItsOptions() {
      assertThat(probes().count()).isGreaterThan(60);
    }
  }

  @Nested
  class Bench extends OptionWalkCases {
    Bench() {
      super(() -> new CommandLine(new SparkBenchCommand()), SparkBenchCommand::run);
    }

    @Test
    void theWalkTriesItsOptions() {
      assertThat(probes().count()).isGreaterThan(10);
    }
  }
}
