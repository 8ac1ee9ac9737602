package org.rnn4j.spark.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.forecast.TuneForecastCommand;
import org.rnn4j.cli.text.TuneClassifyCommand;
import org.rnn4j.cli.text.TuneGenerateCommand;
import org.rnn4j.cli.tune.TuneRun;
import org.rnn4j.tune.Pruner;
import org.rnn4j.tune.Study;
import org.rnn4j.tune.TrialRecord;

/**
 * Runs a {@code tune} task's trials on Spark, one trial per Spark task (as Hyperopt's SparkTrials):
 * the study and its journal stay on the driver, whose trial threads ({@code --parallel}) each submit a
 * one-task job with the trial's settings and the study's records at that moment. The executor builds
 * the same task from the same arguments (its input files shipped in a broadcast, so a cluster needs no
 * shared file system), prepares its data once per JVM, runs the trial against a {@link
 * Study#replica}, whose pruner decides its reports as the driver's would, and returns the trial's
 * record, which the driver replays into the study. Thread-safe: the driver's trial threads share one
 * instance; executors share the per-JVM cache.
 */
final class SparkTrials {
  /** The options whose values are files the task reads on every executor. */
  static final Set<String> INPUT_FILES = Set.of("--data", "--space");

  /** The prepared tasks of this JVM, by task and arguments: each executor reads its data once. */
  private static final Map<List<String>, Prepared> PREPARED = new ConcurrentHashMap<>();

  private final JavaSparkContext sc;
  private final String task;
  private final List<String> args;
  private final Broadcast<Map<String, byte[]>> files;

  SparkTrials(JavaSparkContext sc, String task, List<String> args) throws IOException {
    this.sc = sc;
    this.task = task;
    this.args = List.copyOf(args);
    this.files = sc.broadcast(inputFiles(args));
  }

  /** A new, unparsed command of {@code rnn4j tune TASK}. */
  static TuneRun.Task newTask(String name) {
    return switch (name) {
      case "forecast" -> new TuneForecastCommand();
      case "classify" -> new TuneClassifyCommand();
      case "generate" -> new TuneGenerateCommand();
      default -> throw new UserInputException("TASK: expected forecast, classify or generate, received '" + name + "'");
    };
  }

  /** The objective that runs each trial of {@code local}'s task as a Spark task. */
  Study.Objective objective(Study.Objective local) {
    return trial -> {
      Request r = new Request(task, args, trial.number(), new LinkedHashMap<>(trial.params()),
          new ArrayList<>(trial.studyTrials()));
      sc.setJobGroup("rnn4j-trial-" + trial.number(), "rnn4j tune " + task + ": trial " + trial.number() + " "
          + trial.params(), true);
      List<TrialRecord> done = sc.parallelize(List.of(r), 1).map(new RunTrial(files)).collect();
      return trial.replay(done.get(0));
    };
  }

  /** Frees this JVM's prepared copy of the task (the driver's, in local mode). */
  void close() {
    PREPARED.remove(args(task, args));
    files.destroy();
  }

  /** The bytes of every input file the arguments name, by the argument's text. */
  static Map<String, byte[]> inputFiles(List<String> args) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String value = null;
      if (INPUT_FILES.contains(a) && i + 1 < args.size()) {
        value = args.get(i + 1);
      } else if (a.contains("=") && INPUT_FILES.contains(a.substring(0, a.indexOf('=')))) {
        value = a.substring(a.indexOf('=') + 1);
      }
      if (value != null && Files.isRegularFile(Path.of(value))) {
        out.put(value, Files.readAllBytes(Path.of(value)));
      }
    }
    return out;
  }

  private static List<String> args(String task, List<String> args) {
    List<String> key = new ArrayList<>();
    key.add(task);
    key.addAll(args);
    return key;
  }

  /** One trial to run on an executor. */
  record Request(String task, List<String> args, int number, LinkedHashMap<String, Object> params,
      ArrayList<TrialRecord> others) implements Serializable {
  }

  /** A task prepared on one JVM: its search and the pruner the driver's study uses. */
  private record Prepared(TuneRun.Search search, Pruner pruner) {
  }

  /** The Spark task: prepares the task (once per JVM) and runs the trial against a replica study. */
  static final class RunTrial implements Function<Request, TrialRecord> {
    private final Broadcast<Map<String, byte[]>> files;

    RunTrial(Broadcast<Map<String, byte[]>> files) {
      this.files = files;
    }

    @Override
    public TrialRecord call(Request r) throws Exception {
      Prepared p;
      try {
        p = PREPARED.computeIfAbsent(args(r.task(), r.args()), k -> prepare(r.task(), r.args(), files.value()));
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      return Study.replica(p.search().space(), p.pruner(), r.others()).runElsewhere(p.search().objective(),
          r.number(), r.params());
    }

    private static Prepared prepare(String name, List<String> args, Map<String, byte[]> files) {
      try {
        TuneRun.Task task = newTask(name);
        TuneRun.parse(task, local(args, files), "tune " + name);
        TuneRun.Search s = task.search(new PrintWriter(Writer.nullWriter()));
        return new Prepared(s, task.tuneOptions().pruner(s.maxEpochs(), s.grace()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * The arguments with each shipped file's path replaced by a local copy, unless this machine has
     * the same bytes at that path (local mode, a shared file system).
     */
    static List<String> local(List<String> args, Map<String, byte[]> files) throws IOException {
      List<String> out = new ArrayList<>(args);
      Path dir = null;
      for (int i = 0; i < out.size(); i++) {
        String a = out.get(i);
        String prefix = "";
        String value = a;
        if (a.contains("=") && INPUT_FILES.contains(a.substring(0, a.indexOf('=')))) {
          prefix = a.substring(0, a.indexOf('=') + 1);
          value = a.substring(prefix.length());
        } else if (i == 0 || !INPUT_FILES.contains(out.get(i - 1))) {
          continue;
        }
        byte[] bytes = files.get(value);
        if (bytes == null) {
          continue;
        }
        Path here = Path.of(value);
        if (Files.isRegularFile(here) && Arrays.equals(Files.readAllBytes(here), bytes)) {
          continue;
        }
        if (dir == null) {
          dir = Files.createTempDirectory("rnn4j-trial");
          dir.toFile().deleteOnExit();
        }
        Path copy = dir.resolve(here.getFileName().toString());
        Files.write(copy, bytes);
        copy.toFile().deleteOnExit();
        out.set(i, prefix + copy);
      }
      return out;
    }
  }
}
