package org.rnn4j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.cli.options.OptionProbes.Probe;
import org.rnn4j.cli.options.OptionWalk;
import picocli.CommandLine;

/**
 * Every option of {@code rnn4j serve}, tried with the values it must refuse, as the CLI's own walk tries
 * every other command's: each is answered in one line with exit status 2, before anything is served.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServeOptionWalkTest {
  private static final CommandLine ROOT = new CommandLine(new ServeCommand());

  static Stream<Probe> probes() {
    return OptionWalk.probes(ROOT);
  }

  @Test
  void everyNumberAndPathDeclaresItsCheck() {
    assertThat(OptionWalk.unchecked(ROOT)).isEmpty();
  }

  @Test
  void theWalkTriesTheServerOptions() {
    // a walk that lost its options would pass by trying nothing
    assertThat(probes().map(Probe::option).distinct()).contains("--port", "--max-batch-size", "--max-queue",
        "--max-request-bytes", "--sequence-idle-timeout-s", "--max-sequences", "--drain-s", "--models");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("probes")
  void refusedInOneLine(Probe probe, @TempDir Path folder) throws Exception {
    assertThat(OptionWalk.problem(new CommandLine(new ServeCommand()), ServeCommand::run, probe, folder)).isNull();
  }
}
