package org.rnn4j.cli.tune;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.rnn4j.Engine;
import org.rnn4j.Model;
import org.rnn4j.data.Dataset;
import org.rnn4j.train.FitOptions;
import org.rnn4j.train.History;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.TrainingListener;
import org.rnn4j.cli.Main;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.options.CombinedCheck;
import org.rnn4j.cli.options.ModelOptions;
import org.rnn4j.cli.options.OptionChecks;
import org.rnn4j.cli.options.OutputOptions;
import org.rnn4j.cli.options.TrainingOptions;
import org.rnn4j.cli.charts.TuneCharts;
import org.rnn4j.io.AtomicFiles;
import org.rnn4j.tune.Importance;
import org.rnn4j.tune.Param;
import org.rnn4j.tune.SearchSpace;
import org.rnn4j.tune.Study;
import org.rnn4j.tune.Trial;
import org.rnn4j.tune.TrialRecord;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The search loop every {@code rnn4j tune} task shares: the study on its journal, the default
 * settings as the first trial, a line per finished trial, then the leaderboard, the parameters'
 * importances, {@code trials.csv} and the charts. The task brings the space, the objective (which
 * scores a trial on the validation part only) and what to do with the best settings. Not thread-safe
 * (a command runs once; the trials it starts report through a lock).
 */
public final class TuneRun {
  private TuneRun() {
  }

  /** The settings every task searches and the training options they set (tasks add their own). */
  public static final Map<String, String> NETWORK_OPTIONS = Map.of("cell", "--cell", "hidden", "--hidden",
      "layers", "--layers", "dropout", "--dropout", "lr", "--lr", "batch_size", "--batch-size");

  /** {@link #NETWORK_OPTIONS} and a task's own settings. */
  public static Map<String, String> options(Map<String, String> own) {
    Map<String, String> all = new java.util.TreeMap<>(NETWORK_OPTIONS);
    all.putAll(own);
    return java.util.Collections.unmodifiableMap(all);
  }

  /**
   * Refuses, in one line, a space with a parameter the task does not have.
   *
   * @param task what the task tunes, for the message ("forecaster")
   */
  public static void requireKnown(SearchSpace space, Map<String, String> optionOf, String task) {
    for (Param param : space.params()) {
      if (!optionOf.containsKey(param.name())) {
        throw new UserInputException("--space: '" + param.name() + "' is not a " + task + " setting; expected some of "
            + optionOf.keySet());
      }
    }
  }

  /**
   * Reads the options a {@code tune} task passes on to its training command: parsed into {@code
   * task}, their range checks and combined check run, and the search's own {@code --out} and {@code
   * --resume} refused there.
   *
   * @param name the training command ("classify train"), for the messages
   * @return the parsed command line (its spec rewrites the arguments for the best settings)
   */
  public static CommandLine parseTask(Object task, List<String> args, String name) {
    CommandLine line = parse(task, args, name);
    for (String a : args) {
      if (a.equals("--out") || a.startsWith("--out=") || a.equals("--resume")) {
        throw new UserInputException("tune " + name.split(" ")[0] + ": " + a + " is the search's own option;"
            + " give it once");
      }
    }
    return line;
  }

  /**
   * Parses {@code args} into the command {@code task} and runs their range checks and its combined
   * check; one line naming the command when they are wrong.
   *
   * @param name the command ("classify train", "tune forecast"), for the messages and as its name (a
   *             --resume in it matches the same command run from the top)
   */
  public static CommandLine parse(Object task, List<String> args, String name) {
    CommandLine line = new CommandLine(task);
    line.setCommandName(name); // its --resume state is then that of 'rnn4j <name>', wherever it runs
    try {
      OptionChecks.check(line.parseArgs(args.toArray(String[]::new)));
    } catch (CommandLine.ParameterException e) {
      throw new UserInputException(e.getMessage() + " (an option of 'rnn4j " + name + "'; see its --help)");
    }
    if (task instanceof CombinedCheck c && c.problem() != null) {
      throw new UserInputException(c.problem());
    }
    return line;
  }

  /**
   * The network and training settings every task searches (cell, hidden, layers, dropout, lr,
   * batch_size), from the task's own options, for {@link #defaultsIn}; a task adds its own keys.
   */
  public static Map<String, Object> networkDefaults(ModelOptions network, TrainingOptions training) {
    Map<String, Object> all = new java.util.LinkedHashMap<>();
    all.put("cell", network.cell);
    all.put("hidden", network.hidden);
    all.put("layers", network.layers);
    all.put("dropout", (double) network.dropout);
    all.put("lr", (double) training.lr);
    all.put("batch_size", String.valueOf(training.batchSize));
    return all;
  }

  /**
   * The task's own settings for the parameters of {@code space}, each in the parameter's type (a
   * choice's text, an int range's number), from {@code all} (every setting the task has).
   */
  public static Map<String, Object> defaultsIn(SearchSpace space, Map<String, Object> all) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    for (Param param : space.params()) {
      Object v = all.get(param.name());
      if (param instanceof Param.IntRange && v instanceof String s) {
        v = Integer.parseInt(s);
      } else if (param instanceof Param.Choice && v != null) {
        v = String.valueOf(v);
      }
      out.put(param.name(), v);
    }
    return out;
  }

  /**
   * Trains one trial's model, reporting its validation loss to the pruner after each epoch.
   *
   * @return the lowest validation loss of its epochs
   * @throws Trial.Pruned when the pruner stopped it
   * @throws UserInputException when the training guard stopped it (NaN or exploding loss)
   */
  public static double fitTrial(Trial trial, Model model, Dataset train, Dataset val, FitOptions options)
      throws IOException {
    boolean[] stop = {false};
    History h;
    try {
      h = Trainer.fit(model, train, val, options, new TrainingListener() {
        @Override
        public void epochFinished(History.Epoch e) {
          stop[0] = trial.report(e.epoch(), e.validationLoss());
        }

        @Override
        public boolean stopRequested() {
          return stop[0];
        }
      });
    } catch (Trainer.TrainingStoppedException e) {
      throw new UserInputException(e.getMessage());
    }
    if (stop[0]) {
      throw new Trial.Pruned(h.epochs().size());
    }
    return h.epochs().stream().mapToDouble(History.Epoch::validationLoss).min().orElse(Double.NaN);
  }

  /**
   * The best settings and the defaults, each trained by the task's own command into {@code out/best}
   * and {@code out/defaults} and scored once on the part no trial saw; prints them side by side and
   * where the files are.
   *
   * @param command makes a fresh training command
   * @param score   reads the held-out score from a training command's output (null when absent)
   * @param scoreName the score's name ("accuracy")
   * @param part    the heading of the held-out scores ("test part (scored once for each)")
   */
  public static void trainBestAndDefaults(PrintWriter o, Outcome outcome, java.util.function.Supplier<Object> command,
      String name, CommandSpec spec, List<String> args, Map<String, String> optionOf, Path out, Path journal,
      java.util.function.Function<String, Double> score, String scoreName, String part) throws IOException {
    List<String> bestArgs = withSettings(args, spec, Set.of(), outcome.best().params(), optionOf);
    o.println();
    o.printf(Locale.ROOT, "best: trial %d, validation loss %.4f%n", outcome.best().number(), outcome.best().value());
    o.println("reproduce with: rnn4j " + name + " " + String.join(" ", quoted(bestArgs)));
    boolean same = outcome.bestIsDefaults();
    double best = scored(o, command, name, bestArgs, out.resolve("best"), score, scoreName);
    double defaults = same ? best : scored(o, command, name, args, out.resolve("defaults"), score, scoreName);
    o.println();
    o.println(part + ":");
    o.printf(Locale.ROOT, "  best settings     %s %.4f%n", scoreName, best);
    o.printf(Locale.ROOT, "  default settings  %s %.4f%s%n", scoreName, defaults, same ? "  " + SAME_AS_BEST : "");
    o.println();
    OutputOptions.printWritten(o, "model", modelsWritten(out, same),
        "journal", journal + " (continue the search: the same command with --resume and more --trials)");
  }

  /** Said of the defaults' score when the best settings are the defaults. */
  public static final String SAME_AS_BEST = "(the best settings are the defaults: trained once)";

  /** The models the final training wrote: {@code out/best}, and {@code out/defaults} unless they are the same. */
  public static String modelsWritten(Path out, boolean bestIsDefaults) {
    Path best = out.resolve("best").resolve("model.rnn4j");
    return bestIsDefaults ? best + " (the best settings, which are the defaults)"
        : best + " (best settings; defaults: " + out.resolve("defaults").resolve("model.rnn4j") + ")";
  }

  private static double scored(PrintWriter o, java.util.function.Supplier<Object> command, String name,
      List<String> args, Path dir, java.util.function.Function<String, Double> score, String scoreName)
      throws IOException {
    String text = runInto(o, command.get(), name, args, dir);
    Double v = score.apply(text);
    if (v == null) {
      throw new UserInputException("training " + dir.getFileName() + ": no " + scoreName + " in its output (see "
          + dir.resolve("train.log") + ")");
    }
    return v;
  }

  /**
   * A {@code tune} task: its data read and checked, its search built, then, after the search, the best
   * settings and the defaults trained and scored once. {@link #execute} runs the three in order, here
   * or (with a trial runner) with the trials elsewhere, such as on Spark, where each trial's JVM
   * builds the same task from the same arguments and evaluates its objective.
   */
  public interface Task {
    /** Reads and checks the data and builds the search; prints what it read. No files are written. */
    Search search(PrintWriter o) throws IOException;

    /** Starts the journal in the output folder (bound to the task's inputs for a resume). */
    Path startJournal() throws IOException;

    /** After the search: trains the best settings and the defaults, and scores each once. */
    void finish(PrintWriter o, Outcome outcome, Path journal) throws IOException;

    /** The search's options. */
    TuneOptions tuneOptions();

    /** The output folder's options. */
    OutputOptions output();
  }

  /**
   * What a task searches.
   *
   * @param defaults  the task's default settings, tried first (when they fit the space)
   * @param objective scores a trial on the validation part only
   * @param maxEpochs the most epochs a trial trains
   * @param grace     the task's grace period in epochs (when --grace-period is not given)
   * @param metric    the score's name ("validation MAE")
   */
  public record Search(SearchSpace space, Map<String, Object> defaults, Study.Objective objective, int maxEpochs,
      int grace, String metric, long seed) {
  }

  /**
   * Runs a task: its search, the journal, the trials (each through {@code runner}, which may run it
   * elsewhere), the leaderboard, then the task's finish.
   *
   * @param runner wraps the task's objective (the identity runs each trial in this JVM)
   * @return the exit status, 0
   */
  public static int execute(PrintWriter o, Task task, java.util.function.UnaryOperator<Study.Objective> runner)
      throws IOException, InterruptedException {
    Search s = task.search(o);
    Path journal = task.startJournal();
    Outcome outcome = run(o, task.tuneOptions(), s.space(), s.defaults(), runner.apply(s.objective()), journal,
        task.output().resume, s.maxEpochs(), s.grace(), s.metric(), task.output().out, s.seed());
    task.finish(o, outcome, journal);
    return 0;
  }

  /** Leaderboard rows printed at the end. */
  static final int LEADERBOARD = 10;

  /**
   * What the search found.
   *
   * @param defaults the task's default settings as the search tried them (empty when they did not fit the space)
   */
  public record Outcome(Study study, List<TrialRecord> trials, TrialRecord best, Map<String, Double> importances,
      Map<String, Object> defaults) {

    /**
     * Whether the best trial's settings are the defaults (then the final training would train the same model
     * twice). Values are compared as the command line passes them.
     */
    public boolean bestIsDefaults() {
      Map<String, Object> p = best.params();
      if (defaults.isEmpty() || !p.keySet().equals(defaults.keySet())) {
        return false;
      }
      return p.keySet().stream().allMatch(k -> exact(p.get(k)).equals(exact(defaults.get(k))));
    }
  }

  /**
   * Runs the search.
   *
   * @param defaults the task's default settings, tried first (when they fit the space)
   * @param maxEpochs the most epochs a trial trains (the pruner's last rung is below it)
   * @param grace    the task's grace period in epochs (when --grace-period is not given)
   * @param metric   the score's name ("validation MAE")
   * @throws org.rnn4j.cli.UserInputException when no trial completed (the first failure's reason is named)
   */
  public static Outcome run(PrintWriter o, TuneOptions opts, SearchSpace space, Map<String, Object> defaults,
      Study.Objective objective, Path journal, boolean resume, int maxEpochs, int grace, String metric, Path outDir, long seed)
      throws IOException, InterruptedException {
    o.println("search space:");
    for (Param p : space.params()) {
      o.println("  " + describe(p));
    }
    int threads = Engine.threads();
    int each = Math.max(1, threads / opts.parallel);
    int firstRung = opts.gracePeriod != null ? opts.gracePeriod : grace;
    o.printf(Locale.ROOT, "trials: %d%s, %d at a time (%d kernel thread%s each); sampler %s, pruner %s%s%n",
        opts.trials, opts.budget() == null ? "" : " or " + opts.timeBudget, opts.parallel, each, each > 1 ? "s" : "",
        opts.sampler, opts.pruner, opts.pruner.equals("none") ? ""
            : " (first rung after " + firstRung + " epoch" + (firstRung == 1 ? "" : "s") + ")");
    Study study;
    try {
      study = Study.open(journal, space, opts.sampler(), opts.pruner(maxEpochs, grace), seed);
    } catch (IllegalArgumentException e) {
      throw new org.rnn4j.cli.UserInputException("--resume: " + e.getMessage());
    }
    List<TrialRecord> before = study.trials();
    if (resume && !before.isEmpty()) {
      o.printf(Locale.ROOT, "resumed: %d finished trial%s in %s%n", before.size(), before.size() == 1 ? "" : "s",
          journal);
    }
    if (space.problem(defaults) == null) {
      study.enqueue(defaults);
    } else {
      o.println("note: the default settings are outside the search space (" + space.problem(defaults)
          + "); they are not tried");
    }
    Engine.setThreads(each);
    try {
      study.optimize(objective, opts.trials, opts.budget(), opts.parallel, t -> {
        synchronized (o) {
          o.println(line(t, study, metric));
          o.flush();
        }
      });
    } finally {
      Engine.setThreads(threads);
      study.close();
    }
    List<TrialRecord> trials = study.trials();
    TrialRecord best = study.best().orElse(null);
    if (best == null) {
      String why = trials.stream().filter(t -> t.state() == TrialRecord.State.FAILED).map(TrialRecord::note)
          .findFirst().orElse("every trial was pruned or none ran");
      throw new org.rnn4j.cli.UserInputException("no trial completed: " + why);
    }
    o.println();
    o.println("leaderboard (" + metric + ", lower is better):");
    List<TrialRecord> complete = new ArrayList<>(trials.stream()
        .filter(t -> t.state() == TrialRecord.State.COMPLETE).toList());
    complete.sort(Comparator.comparingDouble(TrialRecord::value).thenComparingInt(TrialRecord::number));
    for (int i = 0; i < Math.min(LEADERBOARD, complete.size()); i++) {
      TrialRecord t = complete.get(i);
      o.printf(Locale.ROOT, "  %2d. trial %-3d %.4f  %s%s%n", i + 1, t.number(), t.value(), settings(t.params()),
          t.params().equals(defaults) ? "  (defaults)" : "");
    }
    long pruned = trials.stream().filter(t -> t.state() == TrialRecord.State.PRUNED).count();
    long failed = trials.stream().filter(t -> t.state() == TrialRecord.State.FAILED).count();
    o.printf(Locale.ROOT, "  %d complete, %d pruned, %d failed%n", complete.size(), pruned, failed);
    Map<String, Double> importances = Importance.of(space, trials);
    if (!importances.isEmpty()) {
      o.println("importance (share of the score ranks' variance between each parameter's values or quartiles;"
          + " one parameter at a time):");
      for (Map.Entry<String, Double> e : importances.entrySet()) {
        o.printf(Locale.ROOT, "  %-12s %.2f%n", e.getKey(), e.getValue());
      }
    } else {
      o.printf(Locale.ROOT, "importance: not measured (it needs %d complete trials that differ in a parameter;"
          + " %d complete)%n", Importance.MIN_TRIALS, complete.size());
    }
    Path csv = outDir.resolve("trials.csv");
    AtomicFiles.write(csv, w -> w.write(csv(space, trials).getBytes(StandardCharsets.UTF_8)));
    Path historyPng = outDir.resolve("tune_history.png");
    TuneCharts.history(trials, metric, historyPng, "Optimization history");
    List<Path> charts = new ArrayList<>(List.of(historyPng));
    int drawn = 0;
    for (Param p : space.params()) {
      boolean important = importances.isEmpty() || (importances.containsKey(p.name()) && drawn < 4);
      if (important && complete.stream().anyMatch(t -> t.params().containsKey(p.name()))) {
        Path png = outDir.resolve("tune_" + p.name() + ".png");
        TuneCharts.parameter(trials, p, importances.getOrDefault(p.name(), Double.NaN), metric, png);
        charts.add(png);
        drawn++;
      }
    }
    o.println("wrote: " + csv + ", " + charts.stream().map(Path::toString).reduce((a, b) -> a + ", " + b).orElse(""));
    return new Outcome(study, trials, best, importances, defaults == null ? Map.of() : Map.copyOf(defaults));
  }

  /** The network a trial asks for: its cell, hidden, layers and dropout, else {@code base}'s. */
  public static ModelOptions network(Trial t, ModelOptions base) {
    return new ModelOptions(t.has("cell") ? t.choice("cell") : base.cell, intSetting(t, "hidden", base.hidden),
        intSetting(t, "layers", base.layers), (float) realSetting(t, "dropout", base.dropout));
  }

  /** The optimiser a trial asks for: its batch size and learning rate, else {@code base}'s. */
  public static TrainingOptions training(Trial t, TrainingOptions base) {
    return new TrainingOptions(intSetting(t, "batch_size", base.batchSize), (float) realSetting(t, "lr", base.lr),
        base.clipNorm, base.seed);
  }

  /** A whole-number setting (an int range, or a choice of numbers such as batch sizes), or {@code otherwise}. */
  public static int intSetting(Trial t, String name, int otherwise) {
    if (!t.has(name)) {
      return otherwise;
    }
    Object v = t.params().get(name);
    return v instanceof Integer i ? i : Integer.parseInt(String.valueOf(v).trim());
  }

  /** A real setting (a range, or a choice of numbers), or {@code otherwise}. */
  public static double realSetting(Trial t, String name, double otherwise) {
    if (!t.has(name)) {
      return otherwise;
    }
    Object v = t.params().get(name);
    return v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v).trim());
  }

  /**
   * {@code args} without the options named in {@code dropped} (each with its value), then each setting
   * as its option ({@code optionOf}) and exact value: the command line that trains these settings.
   *
   * @param spec the command {@code args} are for (to know which options take a value)
   */
  public static List<String> withSettings(List<String> args, CommandSpec spec, Set<String> dropped,
      Map<String, Object> settings, Map<String, String> optionOf) {
    Set<String> drop = new HashSet<>(dropped);
    for (String name : settings.keySet()) {
      drop.add(optionOf.get(name));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      OptionSpec os = a.startsWith("-") ? spec.findOption(name) : null;
      if (os != null && drop.contains(name)) {
        if (!a.contains("=") && os.arity().max() > 0 && !os.type().equals(boolean.class)
            && !os.type().equals(Boolean.class)) {
          i++; // its value
        }
        continue;
      }
      out.add(a);
    }
    for (Map.Entry<String, Object> e : settings.entrySet()) {
      out.add(optionOf.get(e.getKey()));
      out.add(exact(e.getValue()));
    }
    return out;
  }

  /**
   * Runs {@code command} in-process with {@code args} and {@code --out dir}, its output kept in
   * dir/train.log, and returns that output.
   *
   * @throws UserInputException with the command's last line when it fails
   */
  public static String runInto(PrintWriter o, Object command, String name, List<String> args, Path dir)
      throws IOException {
    Files.createDirectories(dir);
    List<String> full = new ArrayList<>(args);
    full.addAll(List.of("--out", dir.toString()));
    o.println("training " + dir.getFileName() + ": rnn4j " + name + " " + String.join(" ", quoted(full)));
    o.flush();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    int status;
    try (PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8)) {
      status = Main.execute(command, name, ps, ps, full.toArray(String[]::new));
    }
    byte[] bytes = log.toByteArray();
    Path logFile = dir.resolve("train.log");
    AtomicFiles.write(logFile, out -> out.write(bytes));
    String text = log.toString(StandardCharsets.UTF_8);
    if (status != 0) {
      String t = text.strip();
      throw new UserInputException("training " + dir.getFileName() + " failed: " + t.substring(t.lastIndexOf('\n') + 1)
          + " (see " + logFile + ")");
    }
    return text;
  }

  /** Arguments as a shell takes them back: quoted when they hold spaces, quotes or shell characters. */
  public static List<String> quoted(List<String> args) {
    List<String> out = new ArrayList<>();
    for (String a : args) {
      out.add(a.isEmpty() || a.matches(".*[\\s'\"$`\\\\].*") ? "'" + a.replace("'", "'\\''") + "'" : a);
    }
    return out;
  }

  /** One finished trial and the best so far. */
  static String line(TrialRecord t, Study study, String metric) {
    String score = switch (t.state()) {
      case COMPLETE -> String.format(Locale.ROOT, "%s %.4f", metric, t.value());
      case PRUNED -> "pruned after epoch " + t.lastStep();
      default -> "failed: " + t.note();
    };
    String best = study.best().map(b -> String.format(Locale.ROOT, "best %.4f (trial %d)", b.value(), b.number()))
        .orElse("no complete trial yet");
    return String.format(Locale.ROOT, "  trial %-3d %-34s %6.1f s  %s  [%s]", t.number(), score, t.seconds(),
        settings(t.params()), best);
  }

  /** "cell=gru hidden=45 lr=0.00213". */
  static String settings(Map<String, Object> params) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Object> e : params.entrySet()) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(e.getKey()).append('=').append(value(e.getValue()));
    }
    return sb.toString();
  }

  /**
   * A value as a command line gives it exactly: reals as the shortest text of the float32 the
   * trainer uses (rnn4j's settings are float32).
   */
  public static String exact(Object v) {
    return v instanceof Double d ? Float.toString((float) (double) d) : String.valueOf(v);
  }

  /** A value for people: reals with four significant digits. */
  public static String value(Object v) {
    if (v instanceof Double d) {
      return new java.math.BigDecimal(d).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }
    return String.valueOf(v);
  }

  static String describe(Param p) {
    String what;
    if (p instanceof Param.Choice c) {
      what = "in {" + String.join(", ", c.values()) + "}";
    } else if (p instanceof Param.IntRange r) {
      what = String.format(Locale.ROOT, "in [%d, %d]%s", r.low(), r.high(), r.log() ? " (log)" : "");
    } else {
      Param.RealRange r = (Param.RealRange) p;
      what = "in [" + value(r.low()) + ", " + value(r.high()) + "]" + (r.log() ? " (log)" : "");
    }
    return p.name() + " " + what + (p.condition() == null ? ""
        : " when " + p.condition().parent() + " in {" + String.join(", ", p.condition().values()) + "}");
  }

  static String csv(SearchSpace space, List<TrialRecord> trials) {
    StringBuilder sb = new StringBuilder("trial,state,value,seconds,epochs");
    for (Param p : space.params()) {
      sb.append(',').append(p.name());
    }
    sb.append(",note\n");
    for (TrialRecord t : trials) {
      sb.append(t.number()).append(',').append(t.state().name().toLowerCase(Locale.ROOT)).append(',')
          .append(Double.isNaN(t.value()) ? "" : Double.toString(t.value())).append(',')
          .append(String.format(Locale.ROOT, "%.3f", t.seconds())).append(',').append(t.lastStep());
      for (Param p : space.params()) {
        Object v = t.params().get(p.name());
        sb.append(',').append(v == null ? "" : String.valueOf(v));
      }
      sb.append(',').append('"').append(t.note().replace("\"", "\"\"")).append('"').append('\n');
    }
    return sb.toString();
  }
}
