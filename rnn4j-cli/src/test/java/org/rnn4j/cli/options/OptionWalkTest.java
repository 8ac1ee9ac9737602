package org.rnn4j.cli.options;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.cli.Main;
import org.rnn4j.cli.options.OptionProbes.Probe;
import picocli.CommandLine;

/** Every option of every {@code rnn4j} command, tried with the values it must refuse. */
class OptionWalkTest {
  private static final CommandLine ROOT = new CommandLine(new Main());

  static Stream<Probe> probes() {
    return OptionWalk.probes(ROOT);
  }

  @Test
  void everyNumberAndPathDeclaresItsCheck() {
    assertThat(OptionWalk.unchecked(ROOT)).isEmpty();
  }

  @Test
  void theWalkCoversEveryCommand() {
    // A walk that lost its commands would pass by trying nothing.
    assertThat(probes().map(p -> String.join(" ", p.command())).distinct())
        .contains("train", "forecast", "backtest", "classify train", "classify predict", "generate",
            "generate train", "import", "export", "inspect", "conformance", "bench");
    assertThat(probes().count()).isGreaterThan(300);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("probes")
  void refusedInOneLine(Probe probe, @TempDir Path folder) throws Exception {
    assertThat(OptionWalk.problem(new CommandLine(new Main()), Main::run, probe, folder)).isNull();
  }
}
