package org.rnn4j.spark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.data.CsvSeriesReader;
import org.rnn4j.cli.forecast.ForecastSetup;
import org.rnn4j.data.ChronologicalSplit;
import org.rnn4j.data.WindowSpec;
import org.rnn4j.forecast.ForecastFrame;
import org.rnn4j.io.ModelFiles;
import org.rnn4j.nn.Loss;
import org.rnn4j.spark.DistributedDataset;
import org.rnn4j.spark.DistributedTrainer;
import org.rnn4j.spark.Example;
import org.rnn4j.spark.data.FramedSeries;
import org.rnn4j.train.FitOptions;
import org.rnn4j.train.History;

/**
 * {@code rnn4j spark-train --id-column ID}: one global model for every series of a long-format file
 * (id, date, value columns), as {@code rnn4j train --id-column} trains it on one machine, with the
 * per-series work on Spark's executors: Spark reads the file, groups the rows by series, fits each
 * series' frame on its own training rows and cuts its windows ({@link FramedSeries}); the network
 * trains data-parallel ({@link DistributedTrainer}); each series' test part is forecast and scored on
 * the executors; the driver keeps the network and a few numbers per series. The model file is the one
 * {@code rnn4j train --id-column} writes, so {@code rnn4j forecast} forecasts every series from it.
 * Stateless; not thread-safe in use (a command runs once).
 */
final class GlobalSparkTrain {

  private GlobalSparkTrain() {
  }

  static int run(PrintWriter o, SparkTrainCommand c, SparkSession spark) throws IOException {
    Path data = c.series.data;
    if (data == null) {
      throw new UserInputException("--id-column needs --data: a long-format CSV (id, date, value columns)");
    }
    String target = c.series.targetName();
    ForecastFrame.Kind kind = switch (c.transform) {
      case "change" -> ForecastFrame.Kind.CHANGE;
      case "log-change" -> ForecastFrame.Kind.LOG_CHANGE;
      default -> throw new UserInputException("--transform: expected change or log-change, got '" + c.transform + "'");
    };
    Dataset<Row> df = spark.read().option("header", "true").option("inferSchema", "true").csv(data.toString());
    List<String> columns = Arrays.asList(df.columns());
    for (String col : List.of(c.idColumn, target)) {
      if (!columns.contains(col)) {
        throw new UserInputException(data + ": expected a column '" + col + "', the header has " + columns);
      }
    }
    String date = c.series.dateColumn;
    if (date == null) {
      date = CsvSeriesReader.dateColumnOf(columns);
      if (date == null) {
        throw new UserInputException(data + ": expected a date column (one named "
            + CsvSeriesReader.dateColumnNames() + ", or --date-column), the header has " + columns);
      }
    } else if (!columns.contains(date)) {
      throw new UserInputException("--date-column: expected a column of " + data + ", got '" + date + "'; the"
          + " header has " + columns);
    }
    // ISO dates sort as text, whatever type Spark inferred for them
    df = df.withColumn(date, df.col(date).cast("string")).withColumn(c.idColumn, df.col(c.idColumn).cast("string"));
    FramedSeries framed = FramedSeries.of(c.idColumn, date, target,
        new WindowSpec(c.lookback, c.series.horizon, 1), kind)
        .split(ChronologicalSplit.standard(), c.testRows, null).partitions(c.partitions);
    List<FramedSeries.SeriesInfo> series;
    try {
      series = framed.describe(df);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(data + ": " + e.getMessage());
    }
    List<FramedSeries.SeriesInfo> problems = series.stream().filter(s -> s.problem() != null).toList();
    if (!problems.isEmpty()) {
      FramedSeries.SeriesInfo p = problems.get(0);
      throw new UserInputException(data + ": series '" + p.key() + "' (" + p.rows() + " rows): " + p.problem()
          + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more series)" : ""));
    }
    if (series.isEmpty()) {
      throw new UserInputException(data + ": expected rows with an id, a date and a value, got none");
    }
    int season = series.get(0).season();
    String frequency = series.get(0).frequency();
    o.printf(Locale.ROOT, "data: %s, %d series (id column '%s'), target %s, %s (season %d)%n", data,
        series.size(), c.idColumn, target, frequency, season);

    JavaRDD<FramedSeries.Part> parts = framed.windows(df).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    DistributedDataset train = DistributedDataset.of(parts.filter(p -> p.part() == 0).map(FramedSeries.Part::example));
    JavaRDD<Example> validationExamples = parts.filter(p -> p.part() == 1).map(FramedSeries.Part::example);
    DistributedDataset validation = validationExamples.isEmpty() ? null : DistributedDataset.of(validationExamples);
    o.printf(Locale.ROOT, "one global model: %d training and %d validation windows over all series (each in its"
        + " own %s frame); lookback %d, horizon %d%n", train.size(), validation == null ? 0 : validation.size(),
        kind.id(), c.lookback, c.series.horizon);
    Model model = Sequential.features(1)
        .recurrent(c.network.cellType(), c.network.hidden, r -> r.numLayers(c.network.layers))
        .dropout(c.network.dropout)
        .dense(c.series.horizon)
        .loss(Loss.MSE)
        .build(c.training.seed);
    Path checkpoint = c.output.start("checkpoint.safetensors");
    FitOptions options = c.fitOptions().checkpoint(checkpoint).checkpointEvery(c.checkpoints.checkpointEvery).build();
    DistributedTrainer.Builder b = DistributedTrainer.builder().options(options).treeDepth(c.treeDepth);
    if (c.averageParameters()) {
      b.parameterAveraging(c.localSteps);
    }
    SparkTrainCommand.Printer printer = new SparkTrainCommand.Printer(o, c.every);
    long t0 = System.nanoTime();
    History history = validation == null ? b.build().fit(model, train, printer)
        : b.build().fit(model, train, validation, printer);
    printer.summary((System.nanoTime() - t0) / 1e9, history);
    train.unpersist();
    parts.unpersist();
    if (validation != null) {
      validation.unpersist();
    }

    List<FramedSeries.SeriesScore> scores = framed.score(df, model, season);
    o.println();
    o.printf(Locale.ROOT, "test set per series (MAE in each series' units; MASE with season %d):%n", season);
    o.printf(Locale.ROOT, "  %-28s %10s %8s %12s %14s%n", "series", "MAE", "MASE", "last value", "seasonal naive");
    double logLast = 0;
    double logSeasonal = 0;
    int beatLast = 0;
    int beatSeasonal = 0;
    for (FramedSeries.SeriesScore s : scores) {
      o.printf(Locale.ROOT, "  %-28s %10.4f %8.4f %12.4f %14.4f%n", s.key(), s.modelMae(), s.modelMae() / s.scale(),
          s.lastValueMae() / s.scale(), s.seasonalNaiveMae() / s.scale());
      logLast += Math.log(s.modelMae() / s.lastValueMae());
      logSeasonal += Math.log(s.modelMae() / s.seasonalNaiveMae());
      beatLast += s.modelMae() < s.lastValueMae() ? 1 : 0;
      beatSeasonal += s.modelMae() < s.seasonalNaiveMae() ? 1 : 0;
    }
    o.println();
    o.println("over the series (geometric mean of the model's test MAE / the baseline's; < 1: the model is better):");
    o.printf(Locale.ROOT, "  vs %-16s %.4f   (better on %d of %d series)%n", "last value",
        Math.exp(logLast / scores.size()), beatLast, scores.size());
    o.printf(Locale.ROOT, "  vs %-16s %.4f   (better on %d of %d series)%n", "seasonal naive",
        Math.exp(logSeasonal / scores.size()), beatSeasonal, scores.size());

    // the model file of 'rnn4j train --id-column': shared network, one frame per series
    Path modelFile = c.output.out.resolve("model.rnn4j");
    Map<String, String> meta = ForecastSetup.modelMeta(List.of(target), target, c.lookback,
        c.series.horizon, season, frequency, date, "interpolate", List.of(), new double[0]);
    meta.put("id_column", c.idColumn);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < series.size(); i++) {
      ids.add(series.get(i).key());
      meta.putAll(series.get(i).forecastFrame().toMap("frame." + i + ".")); // as train --id-column writes it
    }
    meta.put("series_ids", new ObjectMapper().writeValueAsString(ids));
    meta.put("epochs_run", Integer.toString(history.epochs().size()));
    meta.put("trained_with", "spark " + spark.version() + ", " + c.partitions + " partitions, "
        + (c.averageParameters() ? "parameter averaging every " + c.localSteps + " steps" : "gradient averaging"));
    ModelFiles.saveEnsemble(List.of(model), modelFile, meta);
    history.writeCsv(c.output.out.resolve("history.csv"));
    c.output.finish(checkpoint);
    o.println();
    o.println("wrote: " + modelFile + ", " + c.output.out.resolve("history.csv"));
    o.println("forecast every series with: rnn4j forecast --model " + modelFile + " --data " + data);
    return 0;
  }
}
