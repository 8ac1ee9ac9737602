package org.rnn4j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.rnn4j.cli.options.OptionProbes.Probe;
import org.rnn4j.cli.options.OptionWalkCases;
import picocli.CommandLine;

/**
 * Every option of {@code rnn4j serve}, tried with the values it must refuse, as the CLI's walk tries
 * every other command's: each is answered in one line with exit status 2, before anything is served.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServeOptionWalkTest extends OptionWalkCases {
  ServeOptionWalkTest() {
    super(() -> new CommandLine(new ServeCommand()), ServeCommand::run);
  }

  @Test
  void theWalkTriesTheServerOptions() {
    // a walk that lost its options would pass by trying nothing
    assertThat(probes().map(Probe::option).distinct()).contains("--port", "--max-batch-size", "--max-queue",
        "--max-request-bytes", "--sequence-idle-timeout-s", "--max-sequences", "--drain-s", "--models");
  }
}
