package org.rnn4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.rnn4j.cli.options.OptionChecks;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/**
 * The {@code rnn4j} command: one picocli subcommand class per job.
 *
 * <p>Exit codes: 0 success, 1 the job ran and failed (a conformance case failed; a file could not be
 * read or written, said in ONE line naming it), 2 a user error (bad option, missing file), reported as
 * ONE line on stderr; 130 or 143 when stopped by SIGINT or SIGTERM (the last checkpoint stays intact). Anything else is a bug and
 * keeps its stack trace. Not thread-safe (a command runs once).
 */
@Command(name = "rnn4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Recurrent neural networks (RNN, LSTM, GRU) for the JVM, in pure Java.",
    footer = {"", "Distributed training on Apache Spark: ./rnn4j spark-train, spark-bench",
        "(run by the launcher from the rnn4j-spark module; see rnn4j-spark/README.md)."},
    subcommands = {org.rnn4j.cli.forecast.TrainCommand.class, org.rnn4j.cli.forecast.ForecastCommand.class,
        org.rnn4j.cli.forecast.BacktestCommand.class, org.rnn4j.cli.tune.TuneCommand.class,
        org.rnn4j.cli.text.ClassifyCommand.class, org.rnn4j.cli.text.GenerateCommand.class,
        ConformanceCommand.class, InspectCommand.class, ImportCommand.class, ExportCommand.class,
        BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  /** Exit status of a user error. */
  public static final int USAGE = 2;

  /** Exit status of a job that ran and failed (a conformance case, a file that could not be written). */
  public static final int FAILED = 1;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Without a subcommand: say what exists. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "rnn4j: missing a command (try 'rnn4j --help')");
  }

  public static void main(String[] args) {
    // java.util.logging's default format spends two lines on each note (the kernel provider's
    // start-up note among them); a command-line tool says it in one. A user's own setting wins.
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
    }
    System.exit(run(System.out, System.err, args));
  }

  /**
   * Runs the command line in-process (what tests call).
   *
   * @return the exit status
   */
  public static int run(PrintStream out, PrintStream err, String... args) {
    return execute(new Main(), null, out, err, args);
  }

  /**
   * Runs a picocli command the way every rnn4j command runs (the Spark module's commands too): its
   * options checked ({@link OptionChecks}) before any work, a bad option or a user error answered in
   * one line with exit status 2, a bug with its stack trace.
   *
   * @param command the annotated command object
   * @param name the command's name as users type it, or null for the annotation's
   * @return the exit status
   */
  public static int execute(Object command, String name, PrintStream out, PrintStream err, String... args) {
    PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    CommandLine cl = new CommandLine(command);
    if (name != null) {
      cl.setCommandName(name);
    }
    cl.setOut(o);
    cl.setErr(e);
    // A bad option or parameter: one line, exit 2 (picocli would print the whole usage).
    cl.setParameterExceptionHandler((ex, a) -> {
      CommandLine c = ex.getCommandLine();
      String msg = ex.getMessage();
      String cmd = c.getCommandSpec().qualifiedName();
      c.getErr().println(msg.startsWith("rnn4j") ? msg
          : ex instanceof OptionChecks.PathRefused ? cmd + ": " + msg
          : cmd + ": " + msg + " (see '" + cmd + " --help')");
      return USAGE;
    });
    // Every option checked before the command starts (ranges, empty values, paths).
    CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
    cl.setExecutionStrategy(parsed -> {
      OptionChecks.check(parsed);
      return runLast.execute(parsed);
    });
    // A user error found while running: one line, exit 2. Bugs: picocli's default (stack trace).
    CommandLine.IExecutionExceptionHandler bugs = cl.getExecutionExceptionHandler();
    cl.setExecutionExceptionHandler((ex, c, parsed) -> {
      if (ex instanceof UserInputException) {
        c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
        return USAGE;
      }
      // A file that cannot be read or written (no space, a size limit, permissions): where and why in
      // one line, exit 1; the writes are atomic, so what was there before is unchanged.
      java.io.IOException io = ex instanceof java.io.IOException e1 ? e1
          : ex instanceof java.io.UncheckedIOException e2 ? e2.getCause() : null;
      if (io != null) {
        c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + io.getMessage());
        return FAILED;
      }
      if (bugs != null) {
        return bugs.handleExecutionException(ex, c, parsed);
      }
      throw ex;
    });
    try {
      return cl.execute(args);
    } finally {
      o.flush();
      e.flush();
    }
  }

  /** {@code --version}: the project version written into a resource at build time. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"rnn4j " + version(),
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }

    static String version() {
      Properties p = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (IOException ignored) {
        // fall through to "unknown"
      }
      String v = p.getProperty("version", "");
      return v.isEmpty() || v.startsWith("${") ? "(unknown version)" : v;
    }
  }
}
