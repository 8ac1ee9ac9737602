package org.rnn4j.cli.options;

import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Reads picocli's model of a command line and says, for every option and parameter of every command,
 * which values it must refuse (0, -1, a huge number, NaN and the empty value where they are outside
 * its {@link Range}, wrong paths for {@link InputFile} and {@link OutputPath}), and which value
 * satisfies it. The option-walking tests of every module drive their commands with these probes;
 * {@link #unchecked} names the options that declare no check at all. Stateless and thread-safe.
 */
public final class OptionProbes {
  private OptionProbes() {}

  /** What a path probe stands for; the test makes the file or folder it names. */
  public enum PathKind {
    /** A path where nothing exists. */
    MISSING,
    /** An existing, non-empty regular file. */
    FILE,
    /** An existing, empty regular file. */
    EMPTY_FILE,
    /** An existing folder. */
    FOLDER
  }

  /** One value to try on one option: a string, or a path of the given kind. */
  public record Probe(List<String> command, String option, String value, PathKind path) {
    @Override
    public String toString() {
      return String.join(" ", command) + " " + option + " " + (path != null ? path : "'" + value + "'");
    }
  }

  /** Every command below {@code root} (the root too), with the names that reach it. */
  public static List<CommandLine> commands(CommandLine root) {
    List<CommandLine> out = new ArrayList<>();
    out.add(root);
    for (CommandLine sub : root.getSubcommands().values()) {
      if (!sub.getCommandSpec().name().equals("help") && !out.contains(sub)) {
        out.addAll(commands(sub));
      }
    }
    return List.copyOf(new LinkedHashSet<>(out));
  }

  /** The names typed after the program to reach {@code command} ("classify", "train"). */
  public static List<String> path(CommandLine command) {
    List<String> names = new ArrayList<>();
    for (CommandLine c = command; c.getParent() != null; c = c.getParent()) {
      names.add(0, c.getCommandName());
    }
    return names;
  }

  /** The options and parameters of {@code command} (help and version left out). */
  public static List<ArgSpec> arguments(CommandSpec command) {
    List<ArgSpec> out = new ArrayList<>();
    for (OptionSpec option : command.options()) {
      if (!option.usageHelp() && !option.versionHelp()) {
        out.add(option);
      }
    }
    out.addAll(command.positionalParameters());
    return out;
  }

  /** The name an argument is known by: its longest option name, or its parameter label. */
  public static String name(ArgSpec argument) {
    return argument instanceof OptionSpec option ? option.longestName() : argument.paramLabel();
  }

  /** Numeric and path arguments of {@code command} without a declared check. */
  public static List<String> unchecked(CommandSpec command) {
    List<String> out = new ArrayList<>();
    for (ArgSpec argument : arguments(command)) {
      Field field = argument.userObject() instanceof Field f ? f : null;
      if (field == null) {
        continue;
      }
      Class<?> type = elementType(field);
      if (isNumber(type) && field.getAnnotation(Range.class) == null) {
        out.add(name(argument) + " (a number without @Range)");
      }
      if (Path.class.isAssignableFrom(type) && field.getAnnotation(InputFile.class) == null
          && field.getAnnotation(OutputPath.class) == null) {
        out.add(name(argument) + " (a path without @InputFile or @OutputPath)");
      }
    }
    return out;
  }

  /** The values {@code command}'s arguments must refuse. */
  public static List<Probe> refused(CommandLine command) {
    List<String> path = path(command);
    List<Probe> out = new ArrayList<>();
    for (ArgSpec argument : arguments(command.getCommandSpec())) {
      if (!(argument.userObject() instanceof Field field) || takesNoValue(argument)) {
        continue;
      }
      String name = name(argument);
      Class<?> type = elementType(field);
      if (!OptionChecks.judgesItsOwnTexts(argument)) {
        out.add(new Probe(path, name, "", null));
      }
      Range range = field.getAnnotation(Range.class);
      if (isNumber(type) && range != null) {
        Set<String> tries = new LinkedHashSet<>(List.of("0", "-1", "1000000000000", "NaN"));
        if (range.min() != Double.NEGATIVE_INFINITY) {
          tries.add(number(type, range.minExclusive() ? range.min() : range.min() - 1));
        }
        if (range.max() != Double.POSITIVE_INFINITY) {
          // Twice the bound for fractional types: bound + 1 rounds back to the bound in float.
          double above = integral(type) ? range.max() + 1 : Math.max(range.max() + 1, 2 * range.max());
          tries.add(number(type, range.maxExclusive() ? range.max() : above));
        }
        for (String value : tries) {
          if (!fits(type, value) || !OptionChecks.accepts(range, Double.parseDouble(value))) {
            out.add(new Probe(path, name, value, null));
          }
        }
      }
      InputFile input = field.getAnnotation(InputFile.class);
      if (input != null) {
        out.add(new Probe(path, name, null, PathKind.MISSING));
        if (input.kind() != InputFile.Kind.EITHER) {
          boolean folder = input.kind() == InputFile.Kind.FOLDER;
          out.add(new Probe(path, name, null, folder ? PathKind.FILE : PathKind.FOLDER));
        }
        out.add(new Probe(path, name, null, PathKind.EMPTY_FILE));
      }
      OneOf words = field.getAnnotation(OneOf.class);
      if (words != null) {
        out.add(new Probe(path, name, "no-such-" + words.value()[0], null));
      }
      OutputPath output = field.getAnnotation(OutputPath.class);
      if (output != null) {
        out.add(new Probe(path, name, null, output.folder() ? PathKind.FILE : PathKind.FOLDER));
      }
    }
    return out;
  }

  /**
   * A value {@code argument} accepts, for filling in required arguments around a probe: the range's
   * smallest accepted integer, an existing file for an input path, a fresh folder for an output.
   */
  public static Object accepted(ArgSpec argument) {
    Field field = (Field) argument.userObject();
    Class<?> type = elementType(field);
    Range range = field.getAnnotation(Range.class);
    if (isNumber(type)) {
      double low = range == null || range.min() == Double.NEGATIVE_INFINITY ? 1 : range.min();
      double v = range != null && range.minExclusive() ? Math.floor(low) + 1 : Math.ceil(low);
      return number(type, v);
    }
    if (Path.class.isAssignableFrom(type)) {
      InputFile input = field.getAnnotation(InputFile.class);
      return input != null && input.kind() == InputFile.Kind.FOLDER ? PathKind.FOLDER
          : input != null ? PathKind.FILE : PathKind.MISSING;
    }
    OneOf words = field.getAnnotation(OneOf.class);
    return words != null ? words.value()[0] : "x";
  }

  private static boolean takesNoValue(ArgSpec argument) {
    return argument.arity().max() == 0 || argument.type() == boolean.class || argument.type() == Boolean.class;
  }

  private static Class<?> elementType(Field field) {
    Type generic = field.getGenericType();
    if (generic instanceof ParameterizedType parameterized
        && parameterized.getActualTypeArguments()[0] instanceof Class<?> element) {
      return element;
    }
    return field.getType();
  }

  private static boolean isNumber(Class<?> type) {
    return type == int.class || type == long.class || type == float.class || type == double.class
        || Number.class.isAssignableFrom(type);
  }

  private static boolean integral(Class<?> type) {
    return type == int.class || type == long.class || type == Integer.class || type == Long.class;
  }

  private static String number(Class<?> type, double v) {
    return integral(type) ? Long.toString((long) v) : Double.toString(v);
  }

  /** True when picocli can convert {@code value} to {@code type} (else it refuses it itself). */
  private static boolean fits(Class<?> type, String value) {
    try {
      if (type == int.class || type == Integer.class) {
        Integer.parseInt(value);
      } else if (type == long.class || type == Long.class) {
        Long.parseLong(value);
      } else {
        Double.parseDouble(value);
      }
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
