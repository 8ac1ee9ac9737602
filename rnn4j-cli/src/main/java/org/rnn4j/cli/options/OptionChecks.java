package org.rnn4j.cli.options;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * The checks every command's options pass before the command does any work: the {@link Range} of
 * numeric options, no empty values, and the {@link InputFile}/{@link OutputPath} kind of path options.
 * A failed check is a picocli {@link ParameterException}, which the command line prints as one line and
 * answers with exit status 2. Stateless and thread-safe.
 */
public final class OptionChecks {
  private OptionChecks() {}

  /** Checks the options of the command that was called and of every command above it. */
  public static void check(CommandLine.ParseResult parsed) {
    for (CommandLine commandLine : parsed.asCommandLineList()) {
      for (OptionSpec option : commandLine.getCommandSpec().options()) {
        check(commandLine, option, option.longestName());
      }
      for (ArgSpec parameter : commandLine.getCommandSpec().positionalParameters()) {
        check(commandLine, parameter, parameter.paramLabel());
      }
      combined(commandLine, commandLine.getCommandSpec());
    }
  }

  /** The {@link CombinedCheck}s of the command and of its mixins, nested ones included. */
  private static void combined(CommandLine commandLine, CommandSpec spec) {
    for (CommandSpec mixin : spec.mixins().values()) {
      combined(commandLine, mixin);
    }
    if (spec.userObject() instanceof CombinedCheck check) {
      String problem = check.problem();
      if (problem != null) {
        throw new ParameterException(commandLine, problem);
      }
    }
  }

  private static void check(CommandLine commandLine, ArgSpec option, String name) {
    for (String given : option.originalStringValues()) {
      if (given.isBlank() && !judgesItsOwnTexts(option)) {
        throw new ParameterException(commandLine, name + ": expected a value, received an empty one");
      }
    }
    if (!(option.userObject() instanceof Field field)) {
      return;
    }
    Object value = option.getValue();
    Range range = field.getAnnotation(Range.class);
    if (range != null) {
      for (Object element : elements(value)) {
        if (element instanceof Number number && !accepts(range, number.doubleValue())) {
          throw new ParameterException(commandLine, name + ": expected " + describe(range, number)
              + ", received " + number);
        }
      }
    }
    OneOf words = field.getAnnotation(OneOf.class);
    if (words != null) {
      for (Object element : elements(value)) {
        if (element instanceof String word && java.util.Arrays.stream(words.value()).noneMatch(word::equalsIgnoreCase)) {
          throw new ParameterException(commandLine, name + ": expected " + either(words.value())
              + ", received '" + word + "'");
        }
      }
    }
    InputFile input = field.getAnnotation(InputFile.class);
    OutputPath output = field.getAnnotation(OutputPath.class);
    for (Object element : elements(value)) {
      if (element instanceof Path path) {
        String problem = input != null ? inputProblem(path, input.kind())
            : output != null ? outputProblem(path, output.folder()) : null;
        if (problem != null) {
          throw new PathRefused(commandLine, name + ": " + problem);
        }
      }
    }
  }

  /**
   * A path option naming the wrong thing: complete on its own, so the command line prints it without
   * the pointer to --help that other refusals get.
   */
  public static final class PathRefused extends ParameterException {
    private static final long serialVersionUID = 1L;

    PathRefused(CommandLine commandLine, String message) {
      super(commandLine, message);
    }
  }

  /**
   * True for texts given as parameters (classify predict's): an empty one is the command's to judge,
   * with its position, so the empty-value check leaves them alone.
   */
  public static boolean judgesItsOwnTexts(ArgSpec argument) {
    return !argument.isOption() && argument.auxiliaryTypes()[0] == String.class;
  }

  /** True when {@code value} is inside {@code range} (NaN never is). */
  public static boolean accepts(Range range, double value) {
    if (Double.isNaN(value)) {
      return false;
    }
    boolean aboveMin = range.minExclusive() ? value > range.min() : value >= range.min();
    boolean belowMax = range.maxExclusive() ? value < range.max() : value <= range.max();
    return aboveMin && belowMax;
  }

  /** The range in words, as integers for an integer option: "an integer from 1 to 65536". */
  public static String describe(Range range, Number example) {
    boolean integral = example instanceof Integer || example instanceof Long || example instanceof Short;
    String kind = integral ? "an integer" : "a number";
    boolean hasMin = range.min() != Double.NEGATIVE_INFINITY;
    boolean hasMax = range.max() != Double.POSITIVE_INFINITY;
    if (hasMin && hasMax && !range.minExclusive() && !range.maxExclusive()) {
      return kind + " from " + text(range.min()) + " to " + text(range.max());
    }
    String low = !hasMin ? null : (range.minExclusive() ? "above " : "at least ") + text(range.min());
    String high = !hasMax ? null : (range.maxExclusive() ? "below " : "at most ") + text(range.max());
    if (low == null && high == null) {
      return kind;
    }
    return kind + " " + (low == null ? high : high == null ? low : low + " and " + high);
  }

  /** "a, b or c". */
  static String either(String[] words) {
    int last = words.length - 1;
    return last == 0 ? words[0]
        : String.join(", ", java.util.Arrays.asList(words).subList(0, last)) + " or " + words[last];
  }

  private static String text(double bound) {
    return bound == Math.rint(bound) && Math.abs(bound) < 1e15 ? Long.toString((long) bound)
        : Double.toString(bound);
  }

  private static List<?> elements(Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof Collection<?> collection) {
      return List.copyOf(collection.stream().filter(e -> e != null).toList());
    }
    if (value instanceof java.util.Map<?, ?> map) { // NAME=VALUE options: the values are checked
      return elements(map.values());
    }
    return List.of(value);
  }

  private static String inputProblem(Path path, InputFile.Kind kind) {
    boolean folder = kind == InputFile.Kind.FOLDER;
    if (!Files.exists(path)) {
      return (folder ? "no such folder: " : kind == InputFile.Kind.FILE ? "no such file: "
          : "no such file or folder: ") + path;
    }
    if (kind != InputFile.Kind.EITHER && folder != Files.isDirectory(path)) {
      return folder ? "expected a folder, received the file " + path
          : "expected a file, received the folder " + path;
    }
    if (!Files.isReadable(path)) {
      return "cannot read " + path + " (permission denied)";
    }
    try {
      if (Files.isRegularFile(path) && Files.size(path) == 0) {
        return "the file " + path + " is empty";
      }
    } catch (java.io.IOException e) {
      return "cannot read " + path + " (" + e.getMessage() + ")";
    }
    return null;
  }

  private static String outputProblem(Path path, boolean folder) {
    if (Files.exists(path) && folder != Files.isDirectory(path)) {
      return folder ? "expected a folder to write to, received the file " + path
          : "expected a file to write, received the folder " + path;
    }
    for (Path above = path.toAbsolutePath().getParent(); above != null; above = above.getParent()) {
      if (Files.exists(above)) {
        return Files.isDirectory(above) ? null
            : "cannot write below " + above + ": it is a file, not a folder";
      }
    }
    return null;
  }
}
