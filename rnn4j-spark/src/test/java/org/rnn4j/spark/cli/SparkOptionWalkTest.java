package org.rnn4j.spark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.cli.options.OptionProbes.Probe;
import org.rnn4j.cli.options.OptionWalk;
import picocli.CommandLine;

/** Every option of {@code rnn4j spark-train} and {@code spark-bench}, tried with the values it must refuse. */
class SparkOptionWalkTest {
  static Stream<Probe> trainProbes() {
    return OptionWalk.probes(new CommandLine(new SparkTrainCommand()));
  }

  static Stream<Probe> benchProbes() {
    return OptionWalk.probes(new CommandLine(new SparkBenchCommand()));
  }

  @Test
  void everyNumberAndPathDeclaresItsCheck() {
    assertThat(OptionWalk.unchecked(new CommandLine(new SparkTrainCommand()))).isEmpty();
    assertThat(OptionWalk.unchecked(new CommandLine(new SparkBenchCommand()))).isEmpty();
    assertThat(trainProbes().count()).isGreaterThan(60);
    assertThat(benchProbes().count()).isGreaterThan(10);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("trainProbes")
  void trainRefusesInOneLine(Probe probe, @TempDir Path folder) throws Exception {
    assertThat(OptionWalk.problem(new CommandLine(new SparkTrainCommand()), SparkTrainCommand::run, probe, folder))
        .isNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("benchProbes")
  void benchRefusesInOneLine(Probe probe, @TempDir Path folder) throws Exception {
    assertThat(OptionWalk.problem(new CommandLine(new SparkBenchCommand()), SparkBenchCommand::run, probe, folder))
        .isNull();
  }
}
