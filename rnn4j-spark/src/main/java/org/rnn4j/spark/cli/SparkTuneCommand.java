package org.rnn4j.spark.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.rnn4j.Engine;
import org.rnn4j.cli.tune.TuneRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code rnn4j spark-tune TASK}: the search of {@code rnn4j tune TASK} (forecast, classify or
 * generate) with its trials run on Spark, one Spark task each, {@code --parallel} at a time; the study,
 * its journal, the leaderboard and the final training of the best settings and the defaults stay on
 * the driver ({@link SparkTrials}). Takes every option of {@code rnn4j tune TASK}. Not thread-safe (a
 * command runs once).
 */
@Command(name = "spark-tune", sortOptions = false,
    description = {
        "Search a model's settings on Apache Spark, each trial a Spark task.",
        "It searches as 'rnn4j tune TASK' does. TASK is forecast, classify or",
        "generate; every option of 'rnn4j tune TASK' is taken (see its --help).",
        "--parallel N trials run at once (the default is one per core Spark offers).",
        "The journal, the leaderboard and the final training of the best settings and",
        "the defaults stay on the driver; the input files are shipped to the",
        "executors.",
        "",
        "Example: rnn4j spark-tune forecast --data sales.csv --target units \\",
        "           --trials 64 --master spark://host:7077"})
public final class SparkTuneCommand implements Callable<Integer> {

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: the one spark-submit set, else local[*]).")
  String master;

  @Parameters(index = "0", paramLabel = "TASK", description = "forecast, classify or generate.")
  String task;

  @Unmatched
  List<String> taskArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    TuneRun.Task search = SparkTrials.newTask(task);
    TuneRun.parse(search, taskArgs, "tune " + task);
    boolean parallelGiven = taskArgs.stream().anyMatch(a -> a.equals("--parallel") || a.startsWith("--parallel="));
    return SparkSessions.with(master, "rnn4j spark-tune " + task, spark -> {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      if (!parallelGiven) {
        search.tuneOptions().parallel = Math.max(1, Math.min(64, sc.defaultParallelism()));
      }
      o.printf(Locale.ROOT, "spark %s, master %s, %d cores by default; trials run as Spark tasks, %d at a time;"
          + " kernels: %s%n", spark.version(), sc.master(), sc.defaultParallelism(), search.tuneOptions().parallel,
          Engine.kernelName());
      SparkTrials trials = new SparkTrials(sc, task, taskArgs);
      try {
        return TuneRun.execute(o, search, trials::objective);
      } finally {
        trials.close();
      }
    });
  }

  /** Entry point of the shaded jar (the launcher and spark-submit call it). */
  public static void main(String[] args) {
    SparkTrainCommand.quietSparkLogs();
    System.exit(run(System.out, System.err, args));
  }

  /** Runs the command in-process; returns the exit status (2 for a user error, one line on stderr). */
  public static int run(PrintStream out, PrintStream err, String... args) {
    return org.rnn4j.cli.Main.execute(new SparkTuneCommand(), "rnn4j spark-tune", out, err, args);
  }
}
