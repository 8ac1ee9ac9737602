package org.rnn4j.spark.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.rnn4j.Model;
import org.rnn4j.data.BaselineForecast;
import org.rnn4j.data.Baselines;
import org.rnn4j.data.ChronologicalSplit;
import org.rnn4j.data.DataException;
import org.rnn4j.data.MissingValues;
import org.rnn4j.data.SeriesTable;
import org.rnn4j.data.WindowSpec;
import org.rnn4j.data.Windows;
import org.rnn4j.forecast.ForecastFrame;
import org.rnn4j.forecast.ForecastScores;
import org.rnn4j.forecast.Forecaster;
import org.rnn4j.forecast.Frequency;
import org.rnn4j.io.ModelFiles;
import org.rnn4j.spark.Example;
import org.rnn4j.spark.internal.RoundTask;

/**
 * The data of one global forecasting model for many series on the cluster, prepared as {@link
 * org.rnn4j.forecast.GlobalForecaster#fit} prepares it on one machine: every series (a key of a long
 * table: key, time and value columns) is gathered on the executor that owns its key, sorted by time,
 * its missing values interpolated, split by time on its own rows ({@link
 * ChronologicalSplit#ranges(int, Integer, Integer, int)}), and put in its own {@link ForecastFrame}
 * fitted on its own training rows (its last value and mean one-step change), so that series of any
 * level and scale train one network together. Nothing but the examples and a few numbers per series
 * leaves the executors.
 *
 * <ul>
 *   <li>{@link #describe}: each series' rows, split, season and frame (collected: a few numbers per
 *       series), or why it cannot be used;
 *   <li>{@link #windows}: the training and validation examples, inputs {@code [lookback, channels]} and
 *       targets {@code [horizon]} in each series' frame, for {@link org.rnn4j.spark.DistributedTrainer};
 *   <li>{@link #score}: each series' test forecasts, undone from its frame, scored beside its last-value
 *       and seasonal-naive baselines.
 * </ul>
 *
 * <p>Univariate (the target is the only input), point forecasts. Immutable settings (each method
 * returns a copy) and serializable; thread-safe.
 */
public final class FramedSeries implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final String WHAT = "framed series";

  private final String key;
  private final String time;
  private final String target;
  private final int lookback;
  private final int horizon;
  private final ForecastFrame.Kind kind;
  private final double[] fractions; // train, validation, test: ChronologicalSplit is not serializable
  private final Integer testRows;
  private final Integer validationRows;
  private final int partitions;

  private FramedSeries(String key, String time, String target, int lookback, int horizon, ForecastFrame.Kind kind,
      ChronologicalSplit fractions, Integer testRows, Integer validationRows, int partitions) {
    this.key = key;
    this.time = time;
    this.target = target;
    this.lookback = lookback;
    this.horizon = horizon;
    this.kind = kind;
    this.fractions = new double[] {fractions.train(), fractions.validation(), fractions.test()};
    this.testRows = testRows;
    this.validationRows = validationRows;
    this.partitions = partitions;
  }

  /**
   * Series keyed by {@code keyColumn}, ordered by {@code timeColumn}, forecasting {@code target} from its
   * own past in frame {@code kind}; the standard 70/15/15 split of each series' rows.
   *
   * @param spec lookback and horizon (the stride is 1)
   */
  public static FramedSeries of(String keyColumn, String timeColumn, String target, WindowSpec spec,
      ForecastFrame.Kind kind) {
    if (keyColumn == null || timeColumn == null || target == null || spec == null || kind == null) {
      throw new IllegalArgumentException(WHAT + ": expected a key column, a time column, a target, a WindowSpec and"
          + " a frame, got " + keyColumn + ", " + timeColumn + ", " + target + ", " + spec + ", " + kind);
    }
    if (kind == ForecastFrame.Kind.LEVEL) {
      throw new IllegalArgumentException(WHAT + ": expected a level-free frame (change or log-change), got level: one"
          + " network for series of different levels needs each series in its own frame");
    }
    return new FramedSeries(keyColumn, timeColumn, target, spec.lookback(), spec.horizon(), kind,
        ChronologicalSplit.standard(), null, null, 0);
  }

  /** Each series split by these fractions, or with {@code testRows}/{@code validationRows} by whole rows. */
  public FramedSeries split(ChronologicalSplit fractions, Integer testRows, Integer validationRows) {
    return new FramedSeries(key, time, target, lookback, horizon, kind, fractions, testRows, validationRows,
        partitions);
  }

  /** Partitions to group the keys into (default: {@code spark.sql.shuffle.partitions}). */
  public FramedSeries partitions(int n) {
    if (n < 1) {
      throw new IllegalArgumentException(WHAT + ": expected partitions >= 1, got " + n);
    }
    return new FramedSeries(key, time, target, lookback, horizon, kind, split(), testRows, validationRows, n);
  }

  /**
   * One series as the model sees it. Immutable; thread-safe.
   *
   * @param key          the series' key (as text)
   * @param rows         its rows
   * @param trainTo      training rows {@code [0, trainTo)}
   * @param validationTo validation rows {@code [trainTo, validationTo)}, test rows after
   * @param season       the seasonal period of its dates (1 without dates or a season)
   * @param frequency    the frequency's name ("monthly", "rows" without dates)
   * @param frame        its frame, {@link ForecastFrame#toMap} without prefix (empty with a problem)
   * @param problem      why the series cannot be used (null: it can)
   */
  public record SeriesInfo(String key, int rows, int trainTo, int validationTo, int season, String frequency,
      Map<String, String> frame, String problem) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The series' frame. */
    public ForecastFrame forecastFrame() {
      return ForecastFrame.fromMap(frame, "");
    }
  }

  /** A training ({@code part} 0) or validation (1) example of series {@code key}, in its frame. */
  public record Part(String key, int part, Example example) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * One series' test scores in its own units, over {@code points} forecast values: the model's MAE,
   * the last value's, the seasonal naive's (at {@code season}; the last value's when the season is 1),
   * and the MASE scale (the training rows' in-sample seasonal-naive MAE). Immutable; thread-safe.
   */
  public record SeriesScore(String key, int points, double modelMae, double lastValueMae, double seasonalNaiveMae,
      double scale) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  private ChronologicalSplit split() {
    return new ChronologicalSplit(fractions[0], fractions[1], fractions[2]);
  }

  /** A series gathered and prepared on its executor: its table, split and frame, or its problem. */
  private record Prepared(SeriesInfo info, SeriesTable table, ForecastFrame frame) {
  }

  private Prepared prepare(SeriesGroups.Series s) {
    int rows = s.rows().size();
    double[] y = new double[rows];
    String[] labels = new String[rows];
    for (int r = 0; r < rows; r++) {
      y[r] = s.rows().get(r)[0];
      labels[r] = String.valueOf(s.times().get(r));
    }
    Frequency frequency = rows < 2 ? Frequency.none() : Frequency.inferFromLabels(labels);
    int season = Math.max(1, frequency.period());
    SeriesTable table;
    ChronologicalSplit.RowRanges r;
    try {
      table = MissingValues.parse("interpolate").apply(SeriesTable.of(target, y)).table();
      r = split().ranges(rows, testRows, validationRows, horizon);
    } catch (IllegalArgumentException e) { // DataException included
      return problem(s.key(), rows, season, frequency, e.getMessage());
    }
    if (r.trainTo() - lookback - horizon + 1 < 1) {
      return problem(s.key(), rows, season, frequency, "too few rows: " + r.trainTo() + " training rows hold no"
          + " window of lookback " + lookback + " and horizon " + horizon);
    }
    if (r.testRows() < horizon) {
      return problem(s.key(), rows, season, frequency, "too few rows: " + r.testRows() + " test rows hold no"
          + " forecast of horizon " + horizon);
    }
    if (kind == ForecastFrame.Kind.LOG_CHANGE && !ForecastFrame.logApplies(table, target, r.validationTo())) {
      return problem(s.key(), rows, season, frequency, "log-change needs a positive " + target
          + " in every training and validation row");
    }
    ForecastFrame frame = ForecastFrame.fit(kind, table, List.of(target), target, r.trainTo());
    SeriesInfo info = new SeriesInfo(s.key(), rows, r.trainTo(), r.validationTo(), season, frequency.name(),
        new LinkedHashMap<>(frame.toMap("")), null);
    return new Prepared(info, table, frame);
  }

  private static Prepared problem(String key, int rows, int season, Frequency f, String why) {
    return new Prepared(new SeriesInfo(key, rows, 0, 0, season, f.name(), Map.of(), why), null, null);
  }

  /** Each series' rows, split, season and frame, or its problem; in key order. */
  public List<SeriesInfo> describe(Dataset<Row> df) {
    FramedSeries self = this;
    List<SeriesInfo> all = new ArrayList<>(sorted(df).mapPartitions(rows -> {
      List<SeriesInfo> out = new ArrayList<>();
      for (Iterator<SeriesGroups.Series> it = SeriesGroups.series(rows, 1); it.hasNext(); ) {
        out.add(self.prepare(it.next()).info());
      }
      return out.iterator();
    }).collect());
    all.sort(java.util.Comparator.comparing(SeriesInfo::key));
    return all;
  }

  /** The training and validation examples of every usable series, each in its own frame (a lazy RDD). */
  public JavaRDD<Part> windows(Dataset<Row> df) {
    FramedSeries self = this;
    return sorted(df).mapPartitions(rows -> {
      List<Part> out = new ArrayList<>();
      for (Iterator<SeriesGroups.Series> it = SeriesGroups.series(rows, 1); it.hasNext(); ) {
        Prepared p = self.prepare(it.next());
        if (p.info().problem() == null) {
          self.cut(p, 0, 0, p.info().trainTo(), out);
          self.cut(p, 1, p.info().trainTo(), p.info().validationTo(), out);
        }
      }
      return out.iterator();
    });
  }

  private void cut(Prepared p, int part, int from, int to, List<Part> out) {
    WindowSpec ws = new WindowSpec(lookback, horizon, 1);
    int[] origins;
    try {
      origins = to > from ? Windows.of(p.table(), List.of(target), target, ws, from, to).targetStarts() : new int[0];
    } catch (DataException e) {
      return; // a validation part too short for a window of this horizon
    }
    if (origins.length == 0) {
      return;
    }
    int width = lookback * p.frame().inputWidth();
    float[] x = p.frame().inputs(p.table(), origins, lookback); // [n, lookback, channels]
    float[] y = p.frame().targets(p.table(), origins, horizon); // [n, horizon]
    for (int i = 0; i < origins.length; i++) {
      out.add(new Part(p.info().key(), part, Example.ofFeatures(lookback,
          java.util.Arrays.copyOfRange(x, i * width, (i + 1) * width),
          java.util.Arrays.copyOfRange(y, i * horizon, (i + 1) * horizon))));
    }
  }

  /**
   * Each usable series' test scores: the model (inputs {@code [N, lookback, channels]}, outputs {@code
   * [N, horizon]} in the frame) forecasts every test window of the series from its actual past, the
   * forecasts are undone from the series' frame and scored beside the baselines on the executors; only
   * the scores come back. {@code season} 0: each series' own (from its dates).
   */
  public List<SeriesScore> score(Dataset<Row> df, Model model, int season) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext());
    Broadcast<float[]> params = sc.broadcast(model.parameterValues().clone());
    String spec = ModelFiles.specToJsonText(model.spec());
    long seed = model.seed();
    FramedSeries self = this;
    try {
      List<SeriesScore> all = new ArrayList<>(sorted(df).mapPartitions(rows -> {
        Model m = RoundTask.rebuild(spec, seed, params.value());
        List<SeriesScore> out = new ArrayList<>();
        for (Iterator<SeriesGroups.Series> it = SeriesGroups.series(rows, 1); it.hasNext(); ) {
          Prepared p = self.prepare(it.next());
          if (p.info().problem() == null) {
            out.add(self.score(p, m, season > 0 ? season : p.info().season()));
          }
        }
        return out.iterator();
      }).collect());
      all.sort(java.util.Comparator.comparing(SeriesScore::key));
      return all;
    } finally {
      params.destroy();
    }
  }

  private SeriesScore score(Prepared p, Model m, int season) {
    SeriesTable t = p.table();
    Windows test = Windows.of(t, List.of(target), target, new WindowSpec(lookback, horizon, 1),
        p.info().validationTo(), t.rows());
    double[] actual = Baselines.actual(t, test);
    double[] predicted = new Forecaster(p.frame(), lookback, horizon, List.of(m)).forecast(t, test.targetStarts());
    BaselineForecast last = Baselines.persistence(t, test);
    BaselineForecast seasonal = season > 1 ? Baselines.seasonalNaive(t, test, season) : last;
    return new SeriesScore(p.info().key(), actual.length, Baselines.mae(predicted, actual),
        Baselines.mae(last.predictions(), actual, horizon, last.available()),
        Baselines.mae(seasonal.predictions(), actual, horizon, seasonal.available()),
        ForecastScores.seasonalScale(t.column(target), p.info().validationTo(), season));
  }

  private JavaRDD<Row> sorted(Dataset<Row> df) {
    return SeriesGroups.sorted(df, key, time, List.of(target), partitions, WHAT);
  }
}
