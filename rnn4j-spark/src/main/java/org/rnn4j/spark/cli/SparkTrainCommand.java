package org.rnn4j.spark.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.rnn4j.Engine;
import org.rnn4j.Model;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.data.CsvSeriesReader;
import org.rnn4j.cli.forecast.SeriesOptions;
import org.rnn4j.cli.options.CheckpointOptions;
import org.rnn4j.cli.options.ModelOptions;
import org.rnn4j.cli.options.OneOf;
import org.rnn4j.cli.options.OutputOptions;
import org.rnn4j.cli.options.Range;
import org.rnn4j.cli.options.ResumeMayChange;
import org.rnn4j.cli.options.StoppingOptions;
import org.rnn4j.cli.options.TrainingOptions;
import org.rnn4j.data.BaselineForecast;
import org.rnn4j.data.Baselines;
import org.rnn4j.data.ChronologicalSplit;
import org.rnn4j.data.SeriesTable;
import org.rnn4j.io.ModelFiles;
import org.rnn4j.nn.CellType;
import org.rnn4j.spark.DistributedDataset;
import org.rnn4j.spark.DistributedTrainer;
import org.rnn4j.spark.RoundListener;
import org.rnn4j.spark.RoundStats;
import org.rnn4j.train.Adam;
import org.rnn4j.train.FitOptions;
import org.rnn4j.train.History;
import org.rnn4j.train.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rnn4j spark-train}: the forecasting job of {@code rnn4j train} (same data preparation, model
 * and defaults) trained data-parallel on Spark. The training windows are spread over
 * {@code --partitions} partitions; every round prints its loss and where its time went (compute on the
 * executors, communication and scheduling, the driver's update). Runs on {@code local[*]} by default,
 * on a cluster with {@code --master}, and unchanged under {@code spark-submit} (which sets the master).
 *
 * <p>Run by the launcher ({@code ./rnn4j spark-train}) from this module's shaded jar with Spark's jars
 * on the class path; {@link #main} is also the jar's entry point for {@code spark-submit}. Not
 * thread-safe (a command runs once).
 */
@Command(name = "spark-train", sortOptions = false,
    description = {
        "Train the forecaster of 'rnn4j train' data-parallel on Apache Spark.",
        "",
        "Without options: the embedded Seattle weather data (tomorrow's temp_max",
        "from 30 days), its training windows in 8 partitions, Spark local[*].",
        "Prints each round's loss and time split, then the test error beside the",
        "naive baselines.",
        "",
        "Example: rnn4j spark-train --master spark://host:7077 --partitions 64"})
public final class SparkTrainCommand implements Callable<Integer> {

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ModelOptions network = new ModelOptions("lstm", 64, 1, 0f);

  @Mixin
  TrainingOptions training = new TrainingOptions(32, 0.003f, 1f, 42);

  @Mixin
  StoppingOptions stopping = new StoppingOptions(30, 6);

  @Mixin
  CheckpointOptions checkpoints = new CheckpointOptions(50);

  @Mixin
  OutputOptions output = new OutputOptions("runs/spark-forecast");

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @ResumeMayChange
  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: the one spark-submit set, else local[*]).")
  String master;

  @Range(min = 1, max = 100_000)
  @Option(names = "--partitions", paramLabel = "N", defaultValue = "8", description = "Partitions of the training windows (default: ${DEFAULT-VALUE}).")
  int partitions;

  @OneOf({"gradients", "parameters"})
  @Option(names = "--mode", paramLabel = "MODE", defaultValue = "gradients",
      description = "gradients (average gradients every round, equal to one machine) or parameters (average parameters after --local-steps steps) (default: ${DEFAULT-VALUE}).")
  String mode;

  @Range(min = 1, max = 1_000_000)
  @Option(names = "--local-steps", paramLabel = "N", defaultValue = "4", description = "Local steps per round with --mode parameters (default: ${DEFAULT-VALUE}).")
  int localSteps;

  @Range(min = 1, max = 64)
  @Option(names = "--tree-depth", paramLabel = "N", defaultValue = "2", description = "Depth of treeAggregate (default: ${DEFAULT-VALUE}).")
  int treeDepth;

  @Mixin
  SeriesOptions series = new SeriesOptions();

  @Range(min = 1, max = 100_000)
  @Option(names = "--lookback", paramLabel = "STEPS", defaultValue = "30", description = "Past steps each forecast sees (default: ${DEFAULT-VALUE}).")
  int lookback;

  @Option(names = "--id-column", paramLabel = "COLUMN",
      description = {"Long-format data (id, date, value columns, read by Spark): one global model for every series,"
          + " each in its own frame fitted on its own training rows, as 'rnn4j train --id-column'; the model file"
          + " forecasts every series with 'rnn4j forecast'."})
  String idColumn;

  @Range(min = 1, max = 1_000_000_000)
  @Option(names = "--test-rows", paramLabel = "N",
      description = "With --id-column: the last N rows of each series are its test part (default: 15%% of its rows).")
  Integer testRows;

  @OneOf({"change", "log-change"})
  @Option(names = "--transform", paramLabel = "TRANSFORM", defaultValue = "change",
      description = "With --id-column: each series' frame, change (from its last value, in units of its mean one-step"
          + " change) or log-change (default: ${DEFAULT-VALUE}).")
  String transform;

  @Range(min = 1, max = 1_000_000)
  @ResumeMayChange
  @Option(names = "--every", paramLabel = "N", defaultValue = "1", description = "Print every this many rounds (default: ${DEFAULT-VALUE}).")
  int every;

  @ResumeMayChange
  @Option(names = "--compare-single", description = "Also train on one machine (Trainer.fit, same settings) and compare the test MAE.")
  boolean compareSingle;

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    boolean embedded = series.embedded();
    String targetName = series.targetName();
    boolean averageParams = averageParameters();
    if (idColumn != null) {
      return withSpark(o, spark -> GlobalSparkTrain.run(o, this, spark));
    }
    if (testRows != null) {
      throw new UserInputException("--test-rows: only with --id-column (the single-series job splits 70/15/15)");
    }
    CellType cellType = network.cellType();
    // 1. the data, prepared as 'rnn4j train' prepares it
    CsvSeriesReader.Result read = embedded ? CsvSeriesReader.readEmbedded("seattle_weather", null, null)
        : CsvSeriesReader.read(series.data, null, series.dateColumn);
    SeriesTable raw = read.table();
    ForecastData fd;
    try {
      fd = ForecastData.prepare(raw, null, targetName, lookback, series.horizon, ChronologicalSplit.standard());
    } catch (IllegalArgumentException e) { // DataException included
      throw new UserInputException(e.getMessage());
    }
    o.printf(Locale.ROOT, "data: %s, %d rows, features %s, target %s%n",
        embedded ? "embedded Seattle daily weather 2012-2015" : series.data, fd.table().rows(), fd.features(),
        targetName);
    o.printf(Locale.ROOT, "windows: %d train, %d validation, %d test (lookback %d, horizon %d)%n",
        fd.train().count(), fd.parts().validation().count(), fd.parts().test().count(), lookback, series.horizon);
    // 2. Spark
    return withSpark(o, spark -> {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      DistributedDataset train = DistributedDataset.of(sc, fd.train().dataset(), partitions);
      // 3. model and settings: those of 'rnn4j train'
      Model model = fd.model(cellType, network.hidden, network.layers, network.dropout, training.seed);
      o.printf(Locale.ROOT, "model: %s %d x %d, %,d parameters (%,d bytes per vector)%n", cellType.name(),
          network.layers, network.hidden, model.parameterCount(), 4L * model.parameterCount());
      Path checkpoint = output.start("checkpoint.safetensors");
      FitOptions options = fitOptions().checkpoint(checkpoint).checkpointEvery(checkpoints.checkpointEvery).build();
      DistributedTrainer.Builder b = DistributedTrainer.builder().options(options).treeDepth(treeDepth);
      if (averageParams) {
        b.parameterAveraging(localSteps);
      }
      Printer printer = new Printer(o, every);
      long t0 = System.nanoTime();
      History history = b.build().fit(model, train, fd.parts().validation().dataset(), printer);
      double seconds = (System.nanoTime() - t0) / 1e9;
      train.unpersist();
      printer.summary(seconds, history);
      // 4. test error, in the target's own units, beside the baselines
      double mae = fd.testMae(model);
      double rmse = fd.testRmse(model);
      o.println();
      o.printf(Locale.ROOT, "test set: %d windows, %s in its own units%n", fd.parts().test().count(), targetName);
      o.printf(Locale.ROOT, "  %-42s %10s %10s%n", "forecaster", "MAE", "RMSE");
      o.printf(Locale.ROOT, "  %-42s %10.4f %10.4f%n", cellType.name() + " (Spark, " + partitions + " partitions)",
          mae, rmse);
      baselines(o, fd);
      if (compareSingle) {
        Model single = fd.model(cellType, network.hidden, network.layers, network.dropout, training.seed);
        long s0 = System.nanoTime();
        Trainer.fit(single, fd.train().dataset(), fd.parts().validation().dataset(), fitOptions().build(),
            new org.rnn4j.train.TrainingListener() { });
        double singleSeconds = (System.nanoTime() - s0) / 1e9;
        double singleMae = fd.testMae(single);
        o.printf(Locale.ROOT, "  %-42s %10.4f %10.4f   (trained in %.1f s)%n", cellType.name() + " (one machine)",
            singleMae, fd.testRmse(single), singleSeconds);
        o.printf(Locale.ROOT, "test MAE difference, Spark vs one machine: %.2e%n", Math.abs(mae - singleMae));
      }
      // 5. the model, as 'rnn4j train' saves it ('rnn4j forecast' reads it)
      Path modelFile = output.out.resolve("model.rnn4j");
      Map<String, String> meta = new LinkedHashMap<>();
      meta.put("task", "forecast");
      meta.put("features", String.join(",", fd.features()));
      meta.put("target", targetName);
      meta.put("lookback", Integer.toString(lookback));
      meta.put("horizon", Integer.toString(series.horizon));
      meta.put("date_column", fd.table().hasDateColumn() ? fd.table().dateColumnName() : "");
      meta.put("missing", "interpolate");
      meta.put("test_mae", Double.toString(mae));
      meta.put("test_rmse", Double.toString(rmse));
      meta.put("epochs_run", Integer.toString(history.epochs().size()));
      meta.put("trained_with", "spark " + spark.version() + ", " + partitions + " partitions, "
          + (averageParams ? "parameter averaging every " + localSteps + " steps" : "gradient averaging"));
      meta.putAll(fd.scaler().toMap("scaler."));
      ModelFiles.save(model, modelFile, meta);
      history.writeCsv(output.out.resolve("history.csv"));
      output.finish(checkpoint);
      o.println();
      o.println("wrote: " + modelFile + ", " + output.out.resolve("history.csv"));
      return 0;
    });
  }

  /** {@code --mode}: whether parameters (true) or gradients are averaged. */
  boolean averageParameters() {
    return switch (mode.toLowerCase(Locale.ROOT)) {
      case "gradients" -> false;
      case "parameters" -> true;
      default -> throw new UserInputException("--mode: expected gradients or parameters, got '" + mode + "'");
    };
  }

  /** Runs {@code job} on the Spark session ({@link SparkSessions}), after a line naming it. */
  int withSpark(PrintWriter o, SparkSessions.SparkJob job) throws Exception {
    return SparkSessions.with(master, "rnn4j spark-train", spark -> {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      o.printf(Locale.ROOT, "spark %s, master %s, %d cores by default; %d partitions; kernels: %s%n",
          spark.version(), sc.master(), sc.defaultParallelism(), partitions, Engine.kernelName());
      return job.run(spark);
    });
  }

  FitOptions.Builder fitOptions() {
    return FitOptions.builder().epochs(stopping.epochs).batchSize(training.batchSize)
        .optimizer(new Adam(training.lr, 0.9f, 0.999f, 1e-8f, 0f, false)).seed(training.seed).clipNorm(training.clipNorm)
        .earlyStopping(stopping.patience).restoreBest(true);
  }

  private static void baselines(PrintWriter o, ForecastData fd) {
    double[] actual = fd.testActual();
    int h = fd.parts().test().spec().horizon();
    List<BaselineForecast> list = List.of(Baselines.persistence(fd.table(), fd.parts().test()),
        Baselines.trainingMean(fd.table(), fd.parts().test(), 0, fd.parts().ranges().trainTo()));
    for (BaselineForecast b : list) {
      if (b.availableCount() == 0) {
        continue;
      }
      o.printf(Locale.ROOT, "  %-42s %10.4f %10.4f%n", b.name(), Baselines.mae(b.predictions(), actual, h,
          b.available()), Baselines.rmse(b.predictions(), actual, h, b.available()));
    }
  }

  /** Prints rounds and epochs, and adds up where the time went. Not thread-safe (the driver's thread). */
  static final class Printer implements RoundListener {
    private final PrintWriter o;
    private final int every;
    private double compute;
    private double communication;
    private double driver;
    private double wall;
    private long rounds;
    private long bytes;

    Printer(PrintWriter o, int every) {
      this.o = o;
      this.every = every;
    }

    @Override
    public void roundFinished(RoundStats s) {
      rounds++;
      compute += s.computeSeconds();
      communication += s.communicationSeconds();
      driver += s.driverSeconds();
      wall += s.seconds();
      bytes += s.broadcastBytes() + s.resultBytes();
      if (s.round() % every == 0 || s.round() == s.rounds()) {
        o.printf(Locale.ROOT, "epoch %d round %3d/%d  loss %.5f  %4d windows on %d partitions  %6.1f ms ="
            + " compute %6.1f + communication %6.1f + driver %4.1f%n", s.epoch(), s.round(), s.rounds(), s.loss(),
            s.examples(), s.partitions(), s.seconds() * 1e3, s.computeSeconds() * 1e3,
            s.communicationSeconds() * 1e3, s.driverSeconds() * 1e3);
      }
    }

    @Override
    public void epochFinished(History.Epoch e) {
      o.printf(Locale.ROOT, "epoch %d: train loss %.5f, validation loss %.5f (%.1f s)%n", e.epoch(), e.trainLoss(),
          e.validationLoss(), e.seconds());
    }

    @Override
    public void message(String text) {
      o.println(text);
    }

    void summary(double seconds, History h) {
      o.printf(Locale.ROOT, "trained in %.1f s%s: %d rounds, %.1f rounds/s%n", seconds,
          h.stopReason().isEmpty() ? "" : " (" + h.stopReason() + ")", rounds, rounds / Math.max(1e-9, wall));
      if (wall > 0) {
        o.printf(Locale.ROOT, "time in rounds: compute %.1f s (%.0f%%), communication and scheduling %.1f s (%.0f%%),"
            + " driver update %.1f s (%.0f%%); payload %.1f MB per round%n", compute, 100 * compute / wall,
            communication, 100 * communication / wall, driver, 100 * driver / wall, bytes / 1e6 / Math.max(1, rounds));
      }
    }
  }

  /** Entry point of the shaded jar (the launcher and spark-submit call it). */
  public static void main(String[] args) {
    quietSparkLogs();
    System.exit(run(System.out, System.err, args));
  }

  /**
   * Outside spark-submit, Spark would log at INFO (hundreds of lines): warnings only, unless the user
   * chose a log4j2 configuration. Called first by every Spark command's main.
   */
  static void quietSparkLogs() {
    if (System.getProperty("SPARK_SUBMIT") == null && System.getProperty("log4j2.configurationFile") == null) {
      java.net.URL quiet = SparkTrainCommand.class.getResource("log4j2-spark-train.properties");
      if (quiet != null) {
        System.setProperty("log4j2.configurationFile", quiet.toString());
      }
    }
  }

  /** Runs the command in-process; returns the exit status (2 for a user error, one line on stderr). */
  public static int run(PrintStream out, PrintStream err, String... args) {
    return org.rnn4j.cli.Main.execute(new SparkTrainCommand(), "rnn4j spark-train", out, err, args);
  }
}
