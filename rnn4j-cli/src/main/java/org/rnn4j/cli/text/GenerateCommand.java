package org.rnn4j.cli.text;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.options.InputFile;
import org.rnn4j.cli.options.Range;
import org.rnn4j.text.Sampler;
import org.rnn4j.text.TextGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rnn4j generate}: writes text with a character language model from {@code rnn4j generate
 * train}, one character at a time through a streaming session (the prime is read step by step, then
 * each new character costs one step; the prefix is never run again), printing each character as soon
 * as it is drawn. The same seed gives the same text. Not thread-safe (a command runs once).
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Generate text with a character-level language model.",
        "",
        "  rnn4j generate train   train one on the embedded Moby Dick (see its --help)",
        "  rnn4j generate --model runs/generate/model.rnn4j --prime \"Call me\" \\",
        "    --length 500 --seed 1"},
    subcommands = {GenerateTrainCommand.class})
public final class GenerateCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @InputFile
  @Option(names = "--model", paramLabel = "FILE", description = "A model file from 'rnn4j generate train'.")
  Path modelFile;

  @Option(names = "--prime", paramLabel = "TEXT", description = "Text to start from (default: a line break).")
  String prime;

  @Range(min = 0, max = 100_000_000)
  @Option(names = "--length", paramLabel = "CHARS", defaultValue = "500", description = "Characters to generate (default: ${DEFAULT-VALUE}).")
  int length;

  @Range(min = 0, minExclusive = true, max = 100)
  @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8",
      description = "> 0; lower is more conservative, higher more surprising (default: ${DEFAULT-VALUE}).")
  float temperature;

  @Range(min = 0, max = 100_000_000)
  @Option(names = "--top-k", defaultValue = "0", paramLabel = "K", description = "Draw only among the K most likely characters, 0 = off (default: ${DEFAULT-VALUE}).")
  int topK;

  @Range(min = 0, minExclusive = true, max = 1)
  @Option(names = "--top-p", defaultValue = "1.0", paramLabel = "P",
      description = "Draw only among the most likely characters whose probabilities add up to P, in (0, 1]; 1 = off (default: ${DEFAULT-VALUE}).")
  float topP;

  @Range
  @Option(names = "--seed", paramLabel = "S", description = "Seed of the draws: the same seed gives the same text (default: a random seed, reported).")
  Long seed;

  @Override
  public Integer call() throws IOException {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (modelFile == null) {
      throw new UserInputException("expected --model FILE (a model from 'rnn4j generate train'), got none;"
          + " train one with 'rnn4j generate train'");
    }
    if (length < 0) {
      throw new UserInputException("--length: expected a number of characters >= 0, got " + length);
    }
    if (!(temperature > 0f) || !Float.isFinite(temperature)) {
      throw new UserInputException("--temperature: expected a number > 0, got " + temperature
          + " (for nearly greedy text use a small one such as 0.1, or --top-k 1)");
    }
    if (!(topP > 0f && topP <= 1f)) {
      throw new UserInputException("--top-p: expected a probability in (0, 1] (1 = off), got " + topP);
    }
    TextGenerator generator;
    try {
      generator = TextGenerator.load(modelFile);
    } catch (IOException e) {
      throw new UserInputException(e.getMessage(), e);
    }
    int v = generator.vocabulary().size();
    if (topK < 0 || topK > v) {
      throw new UserInputException("--top-k: expected 0 (off) to " + v + " (the characters the model knows), got "
          + topK);
    }
    String start = prime;
    if (start == null) {
      if (!generator.vocabulary().contains("\n")) {
        throw new UserInputException("--prime: the model never saw a line break, so there is no default start;"
            + " give a prime, e.g. --prime \"The \"");
      }
      start = "\n";
    }
    if (start.isEmpty()) {
      throw new UserInputException("--prime: expected at least one character, got an empty prime");
    }
    var unknown = generator.unknownCharacters(start);
    if (!unknown.isEmpty() && generator.vocabulary().unknownId() < 0) {
      StringBuilder names = new StringBuilder();
      for (int i = 0; i < unknown.size() && i < 10; i++) {
        String c = unknown.get(i);
        names.append(i > 0 ? ", " : "").append('\'').append(c).append("' (U+")
            .append(String.format("%04X", c.codePointAt(0))).append(')');
      }
      throw new UserInputException("--prime: " + unknown.size() + " character" + (unknown.size() == 1 ? "" : "s")
          + " never seen in training: " + names + (unknown.size() > 10 ? ", ..." : "")
          + "; the model knows " + v + " characters: remove or replace them");
    }
    long s;
    if (seed != null) {
      s = seed;
    } else {
      s = new SplittableRandom().nextLong() >>> 16; // short enough to retype
      err.println("seed " + s + " (pass --seed " + s + " to repeat this text)");
      err.flush();
    }
    Sampler sampler = Sampler.builder().temperature(temperature).topK(topK).topP(topP).seed(s).build();
    o.print(start.equals("\n") ? "" : start);
    o.flush();
    generator.generate(start, length, sampler, c -> {
      o.print(c);
      o.flush();
    });
    o.println();
    o.flush();
    return 0;
  }
}
