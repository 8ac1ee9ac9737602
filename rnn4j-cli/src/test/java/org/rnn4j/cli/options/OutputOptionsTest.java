package org.rnn4j.cli.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.cli.UserInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The one resume policy: what a --resume must match, and what it may change. */
class OutputOptionsTest {

  @Command(name = "fit")
  static final class Fit {
    @Mixin
    OutputOptions output = new OutputOptions("runs/x");

    @InputFile
    @Option(names = "--data")
    Path data;

    @Range(min = 1)
    @Option(names = "--hidden")
    int hidden = 8;

    @ResumeMayChange
    @Range(min = 1)
    @Option(names = "--epochs")
    int epochs = 3;
  }

  /** Another command with the same options (a search of another task writing to the same folder). */
  @Command(name = "search")
  static final class Search {
    @Mixin
    OutputOptions output = new OutputOptions("runs/x");

    @Range(min = 1)
    @Option(names = "--hidden")
    int hidden = 8;
  }

  @Test
  void aResumeRefusesTheStateOfAnotherCommand(@TempDir Path tmp) throws Exception {
    String out = tmp.resolve("out").toString();
    Fit fit = new Fit();
    new CommandLine(fit).parseArgs("--out", out);
    Files.writeString(fit.output.start("study.jsonl"), "trials");
    Search search = new Search();
    new CommandLine(search).parseArgs("--out", out, "--resume");
    assertThatThrownBy(() -> search.output.start("study.jsonl")).isInstanceOf(UserInputException.class)
        .hasMessage("--resume: the state in " + out + " was made by 'rnn4j fit', this run is 'rnn4j search'; use"
            + " another --out, or run without --resume to start afresh");
    assertThat(tmp.resolve("out/study.jsonl")).hasContent("trials");
  }

  private static Fit parse(String... args) {
    Fit fit = new Fit();
    new CommandLine(fit).parseArgs(args);
    return fit;
  }

  @Test
  void aResumeMustMatchTheOptionsAndTheDataButMayChangeTheEpochs(@TempDir Path tmp) throws Exception {
    Path data = Files.writeString(tmp.resolve("a.csv"), "v\n1\n2\n");
    String out = tmp.resolve("out").toString();
    Path state = parse("--out", out, "--data", data.toString()).output.start("checkpoint.bin");
    Files.writeString(state, "weights");

    // More epochs, and the same data under another name: accepted, the state kept.
    Path copy = Files.copy(data, tmp.resolve("b.csv"));
    assertThat(parse("--out", out, "--data", copy.toString(), "--epochs", "9", "--resume").output
        .start("checkpoint.bin")).hasContent("weights");

    assertThatThrownBy(() -> parse("--out", out, "--data", data.toString(), "--hidden", "16", "--resume")
        .output.start("checkpoint.bin")).isInstanceOf(UserInputException.class)
        .hasMessage("--resume: the state in " + out + " was made with --hidden 8, this run has --hidden 16; run"
            + " with the same options and data, or without --resume to start afresh");

    Files.writeString(data, "v\n1\n3\n");
    assertThatThrownBy(() -> parse("--out", out, "--data", data.toString(), "--resume").output
        .start("checkpoint.bin")).isInstanceOf(UserInputException.class)
        .hasMessageStartingWith("--resume: the state in " + out + " was made with --data sha256:")
        .hasMessageContaining("this run has --data sha256:");
    assertThat(state).as("refused resumes leave the state alone").hasContent("weights");

    // Without --resume a run starts afresh: the old state is removed.
    parse("--out", out, "--data", data.toString()).output.start("checkpoint.bin");
    assertThat(state).doesNotExist();
  }
}
