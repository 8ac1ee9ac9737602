package org.rnn4j.cli.options;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.rnn4j.cli.options.OptionProbes.PathKind;
import org.rnn4j.cli.options.OptionProbes.Probe;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Drives a command line through the values {@link OptionProbes} says its options must refuse, and
 * checks each answer: exit status 2, one line on stderr naming the option, no stack trace, nothing
 * written. Each probe runs in its own folder, with every required argument given an accepted value.
 * The option-walking tests of every module that has commands call it. Stateless and thread-safe.
 */
public final class OptionWalk {
  /** Runs the command line in-process: (out, err, args) -> exit status. */
  public interface Runner {
    int run(PrintStream out, PrintStream err, String... args);
  }

  private OptionWalk() {}

  /** Every probe of every command below {@code root}. */
  public static Stream<Probe> probes(CommandLine root) {
    return OptionProbes.commands(root).stream().flatMap(c -> OptionProbes.refused(c).stream());
  }

  /** Every command's unchecked numeric and path arguments, as "command: option (why)". */
  public static List<String> unchecked(CommandLine root) {
    List<String> out = new ArrayList<>();
    for (CommandLine c : OptionProbes.commands(root)) {
      for (String u : OptionProbes.unchecked(c.getCommandSpec())) {
        out.add(String.join(" ", OptionProbes.path(c)) + ": " + u);
      }
    }
    return out;
  }

  /**
   * Runs one probe in {@code folder} and checks the answer.
   *
   * @return what was wrong with the answer, or null when it was one line with exit status 2
   */
  public static String problem(CommandLine root, Runner runner, Probe probe, Path folder) throws IOException {
    CommandLine command = root;
    for (String name : probe.command()) {
      command = command.getSubcommands().get(name);
    }
    Function<PathKind, String> make = kind -> make(folder, kind);
    List<String> args = new ArrayList<>(probe.command());
    for (ArgSpec argument : OptionProbes.arguments(command.getCommandSpec())) {
      String name = OptionProbes.name(argument);
      boolean isProbe = name.equals(probe.option());
      boolean isOut = argument instanceof OptionSpec o && o.longestName().equals("--out");
      if (!isProbe && (argument.required() || isOut)) {
        Object value = OptionProbes.accepted(argument);
        String text = value instanceof PathKind kind ? make.apply(kind) : value.toString();
        if (argument instanceof OptionSpec) {
          args.add(name);
        }
        args.add(text);
      }
    }
    String value = probe.path() != null ? make.apply(probe.path()) : probe.value();
    if (probe.option().startsWith("-")) {
      args.add(probe.option() + "=" + value);
    } else {
      args.add(value);
    }
    List<Path> before = listing(folder);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = runner.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args.toArray(String[]::new));
    String said = err.toString(StandardCharsets.UTF_8).strip();
    String ran = String.join(" ", args) + " -> exit " + status + ", stderr: " + said;
    if (status != 2) {
      return "expected exit status 2: " + ran;
    }
    if (said.lines().count() != 1 || !said.contains(probe.option()) || said.contains("Exception")
        || said.contains("\tat ")) {
      return "expected one line naming " + probe.option() + " and no stack trace: " + ran;
    }
    if (!listing(folder).equals(before)) {
      return "expected no file written: " + ran;
    }
    return null;
  }

  private static String make(Path folder, PathKind kind) {
    try {
      return switch (kind) {
        case MISSING -> folder.resolve("missing-" + System.nanoTime()).toString();
        case FILE -> Files.writeString(folder.resolve("file-" + System.nanoTime() + ".csv"), "a,b\n1,2\n").toString();
        case EMPTY_FILE -> Files.createFile(folder.resolve("empty-" + System.nanoTime() + ".csv")).toString();
        case FOLDER -> Files.createDirectories(folder.resolve("folder-" + System.nanoTime())).toString();
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> listing(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      return files.sorted().toList();
    }
  }
}
