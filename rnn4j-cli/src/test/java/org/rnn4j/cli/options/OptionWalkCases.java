package org.rnn4j.cli.options;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.cli.options.OptionProbes.Probe;
import picocli.CommandLine;

/**
 * The option walk's cases for one command tree: every number and path option declares its check, and
 * every value each option must refuse is answered in one line with exit status 2. A module extends it
 * with its root command and its in-process entry point, and says what the walk must cover. Not
 * thread-safe; JUnit runs one instance per class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class OptionWalkCases {
  private final Supplier<CommandLine> root;
  private final OptionWalk.Runner runner;

  /**
   * @param root   makes a fresh command tree (picocli keeps parsed values in the command objects)
   * @param runner the in-process entry point of that tree
   */
  protected OptionWalkCases(Supplier<CommandLine> root, OptionWalk.Runner runner) {
    this.root = root;
    this.runner = runner;
  }

  protected Stream<Probe> probes() {
    return OptionWalk.probes(root.get());
  }

  @Test
  void everyNumberAndPathDeclaresItsCheck() {
    assertThat(OptionWalk.unchecked(root.get())).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("probes")
  void refusedInOneLine(Probe probe, @TempDir Path folder) throws Exception {
    assertThat(OptionWalk.problem(root.get(), runner, probe, folder)).isNull();
  }
}
