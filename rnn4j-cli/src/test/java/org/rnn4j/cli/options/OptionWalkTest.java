package org.rnn4j.cli.options;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.rnn4j.cli.Main;
import picocli.CommandLine;

/** Every option of every {@code rnn4j} command, tried with the values it must refuse. */
class OptionWalkTest extends OptionWalkCases {
  OptionWalkTest() {
    super(() -> new CommandLine(new Main()), Main::run);
  }

  @Test
  void theWalkCoversEveryCommand() {
    // A walk that lost its commands would pass by trying nothing.
    assertThat(probes().map(p -> String.join(" ", p.command())).distinct())
        .contains("train", "forecast", "backtest", "classify train", "classify predict", "generate",
            "generate train", "import", "export", "inspect", "conformance", "bench", "tune forecast", "tune classify");
    assertThat(probes().count()).isGreaterThan(300);
  }
}
