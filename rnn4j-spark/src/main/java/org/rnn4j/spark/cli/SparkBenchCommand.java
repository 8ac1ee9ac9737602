package org.rnn4j.spark.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.rnn4j.Engine;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.Tensor;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.options.OneOf;
import org.rnn4j.cli.options.Range;
import org.rnn4j.data.Dataset;
import org.rnn4j.nn.Loss;
import org.rnn4j.spark.DistributedDataset;
import org.rnn4j.spark.DistributedTrainer;
import org.rnn4j.spark.RoundListener;
import org.rnn4j.spark.RoundStats;
import org.rnn4j.train.FitOptions;
import org.rnn4j.train.Sgd;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rnn4j spark-bench}: rounds per second of {@link DistributedTrainer} (gradient averaging) on
 * the benchmark configurations B and D of {@code bench/README.md}, for each Spark master given (by
 * default {@code local[1]} and {@code local[2]}): one global batch of the configuration per round,
 * split over {@code --partitions} partitions, after warm-up rounds. Prints the median round time, its
 * split (slowest task's compute, communication and scheduling, driver update), the payload per round,
 * and the single-machine training step on the same batch for reference. Not thread-safe (a command
 * runs once).
 */
@Command(name = "spark-bench", sortOptions = false,
    description = {"Measure distributed training on Spark, in rounds per second.",
        "Runs configs B and D of bench/README.md."})
public final class SparkBenchCommand implements Callable<Integer> {

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @OneOf({"B", "D", "Z"})
  @Option(names = "--configs", paramLabel = "ID", split = ",", defaultValue = "B,D",
      description = "B, D, or Z (a tiny model: Spark's fixed cost of a round) (default: ${DEFAULT-VALUE}).")
  List<String> configs;

  @Option(names = "--masters", paramLabel = "MASTER", split = ",", defaultValue = "local[1],local[2]",
      description = "Spark masters to compare (default: ${DEFAULT-VALUE}).")
  List<String> masters;

  @Range(min = 1, max = 100_000)
  @Option(names = "--partitions", paramLabel = "N", defaultValue = "2", description = "Partitions of each global batch (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Range(min = 1, max = 1_000_000)
  @Option(names = "--rounds", paramLabel = "N", defaultValue = "6", description = "Timed rounds per case (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Range(min = 0, max = 1_000_000)
  @Option(names = "--warmup", paramLabel = "N", defaultValue = "3", description = "Untimed rounds first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Range(min = 1, max = 64)
  @Option(names = "--tree-depth", paramLabel = "N", defaultValue = "2", description = "Depth of treeAggregate (default: ${DEFAULT-VALUE}).")
  int treeDepth;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** One benchmark configuration: the model and one global batch of random data. */
  record Config(String name, int input, int hidden, int layers, int steps, int batch, int vocab) {
    Model model() {
      if (vocab > 0) {
        return Sequential.embedding(vocab, input).lstm(hidden, o -> o.numLayers(layers).returnSequences(true))
            .dense(vocab).loss(Loss.CROSS_ENTROPY).build(0);
      }
      return Sequential.features(input).lstm(hidden, o -> o.numLayers(layers)).dense(10).loss(Loss.MSE).build(0);
    }

    Dataset data() {
      SplittableRandom r = new SplittableRandom(0);
      if (vocab > 0) {
        int[] tokens = new int[batch * steps];
        int[] targets = new int[batch * steps];
        for (int i = 0; i < tokens.length; i++) {
          tokens[i] = r.nextInt(vocab);
          targets[i] = r.nextInt(vocab);
        }
        return Dataset.ofTokens(tokens, batch, steps, null, targets);
      }
      float[] x = new float[batch * steps * input];
      float[] y = new float[batch * 10];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) r.nextDouble(-1, 1);
      }
      for (int i = 0; i < y.length; i++) {
        y[i] = (float) r.nextDouble(-1, 1);
      }
      return Dataset.ofFeatures(new Tensor(x, batch, steps, input), null, new Tensor(y, batch, 10));
    }
  }

  static final Config B = new Config("B", 256, 256, 1, 100, 64, 0);
  static final Config D = new Config("D", 64, 512, 2, 100, 32, 65);
  static final Config Z = new Config("Z", 3, 8, 1, 6, 32, 0);

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    if (partitions < 1 || rounds < 1 || warmup < 0) {
      throw new UserInputException("expected --partitions >= 1, --rounds >= 1, --warmup >= 0, got " + partitions
          + ", " + rounds + ", " + warmup);
    }
    List<Config> cfgs = new ArrayList<>();
    for (String c : configs) {
      switch (c.trim().toUpperCase(Locale.ROOT)) {
        case "B" -> cfgs.add(B);
        case "D" -> cfgs.add(D);
        case "Z" -> cfgs.add(Z);
        default -> throw new UserInputException("--configs: expected B, D or Z, got '" + c + "'");
      }
    }
    o.printf(Locale.ROOT, "# rnn4j spark-bench: kernels=%s, kernel threads per task=%d, cores=%d, java=%s%n",
        Engine.kernelName(), Engine.threads(), Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    o.println("# config master     parts  params      bytes/round  round_ms  rounds/s  compute_ms  comm_ms  driver_ms"
        + "  single_step_ms");
    for (Config cfg : cfgs) {
      double single = singleStepMillis(cfg);
      for (String master : masters) {
        SparkSession spark = SparkSession.builder().config(new SparkConf().setAppName("rnn4j spark-bench")
            .setMaster(master).set("spark.ui.enabled", "false")).getOrCreate();
        try {
          run(o, JavaSparkContext.fromSparkContext(spark.sparkContext()), cfg, master, single);
        } finally {
          spark.stop();
        }
      }
    }
    return 0;
  }

  private void run(PrintWriter o, JavaSparkContext sc, Config cfg, String master, double single) throws Exception {
    Model model = cfg.model();
    DistributedDataset data = DistributedDataset.of(sc, cfg.data(), partitions);
    List<RoundStats> stats = new ArrayList<>();
    try {
      FitOptions options = FitOptions.builder().epochs(warmup + rounds).batchSize(cfg.batch())
          .optimizer(Sgd.of(0.01f)).shuffle(false).build();
      DistributedTrainer.builder().options(options).treeDepth(treeDepth).build().fit(model, data,
          new RoundListener() {
            @Override
            public void roundFinished(RoundStats s) {
              stats.add(s);
            }
          });
    } finally {
      data.unpersist();
    }
    List<RoundStats> timed = stats.subList(warmup, stats.size());
    double round = median(timed.stream().mapToDouble(RoundStats::seconds).toArray()) * 1e3;
    double compute = median(timed.stream().mapToDouble(RoundStats::computeSeconds).toArray()) * 1e3;
    double comm = median(timed.stream().mapToDouble(RoundStats::communicationSeconds).toArray()) * 1e3;
    double driver = median(timed.stream().mapToDouble(RoundStats::driverSeconds).toArray()) * 1e3;
    RoundStats s = timed.get(0);
    o.printf(Locale.ROOT, "%-8s %-10s %5d  %,10d  %,11d  %8.1f  %8.2f  %10.1f  %7.1f  %9.1f  %14.1f%n", cfg.name(),
        master, s.partitions(), model.parameterCount(), s.broadcastBytes() + s.resultBytes(), round, 1e3 / round,
        compute, comm, driver, single);
    o.flush();
  }

  /** The single-machine training step on the same global batch (median of the timed steps). */
  private double singleStepMillis(Config cfg) {
    Model m = cfg.model();
    Dataset d = cfg.data();
    int[] idx = new int[cfg.batch()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    double[] t = new double[rounds];
    for (int i = 0; i < warmup + rounds; i++) {
      long t0 = System.nanoTime();
      m.computeGradients(d, idx, 0, idx.length, i);
      float[] p = m.parameterValues();
      float[] g = m.parameterGradients();
      for (int k = 0; k < p.length; k++) {
        p[k] -= 0.01f * g[k];
      }
      if (i >= warmup) {
        t[i - warmup] = (System.nanoTime() - t0) / 1e6;
      }
    }
    return median(t);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** Entry point (the launcher runs it for {@code ./rnn4j spark-bench}). */
  public static void main(String[] args) {
    SparkTrainCommand.quietSparkLogs();
    System.exit(run(System.out, System.err, args));
  }

  /** Runs the command in-process; returns the exit status (2 for a user error, one line on stderr). */
  public static int run(java.io.PrintStream out, java.io.PrintStream err, String... args) {
    return org.rnn4j.cli.Main.execute(new SparkBenchCommand(), "rnn4j spark-bench", out, err, args);
  }
}
