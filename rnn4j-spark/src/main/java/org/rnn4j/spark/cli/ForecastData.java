package org.rnn4j.spark.cli;

import java.util.ArrayList;
import java.util.List;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.data.Baselines;
import org.rnn4j.data.ChronologicalSplit;
import org.rnn4j.data.MissingValues;
import org.rnn4j.data.Scaler;
import org.rnn4j.data.SeriesTable;
import org.rnn4j.data.WindowSpec;
import org.rnn4j.data.Windows;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Loss;

/**
 * The forecasting job's data, prepared as {@code rnn4j train} prepares it: missing values filled,
 * split by time, scaled with statistics of the training rows only, cut into windows; plus the model
 * {@code rnn4j train} builds and the test error in the target's own units. Shared by
 * {@code rnn4j spark-train} and its tests, so that the distributed and the single-machine runs see
 * the very same examples. Immutable; thread-safe.
 *
 * @param table    the cleaned table (original units)
 * @param features the input columns
 * @param target   the forecast column
 * @param scaler   fitted on the training rows
 * @param parts    train, validation and test windows (scaled)
 * @param ratios   the split fractions
 */
public record ForecastData(SeriesTable table, List<String> features, String target, Scaler scaler,
    ChronologicalSplit.SplitWindows parts, ChronologicalSplit ratios) {

  /**
   * Prepares a table: interpolates missing values, splits it in time order, fits a standard scaler on
   * the training rows and cuts windows of {@code lookback} inputs and {@code horizon} targets.
   *
   * @param features input columns, or null for every numeric column
   * @throws IllegalArgumentException or {@link org.rnn4j.data.DataException} when the data does not
   *     allow it (with what was expected)
   */
  public static ForecastData prepare(SeriesTable raw, List<String> features, String target, int lookback, int horizon,
      ChronologicalSplit ratios) {
    if (!raw.hasColumn(target)) {
      throw new IllegalArgumentException("expected a numeric column named '" + target + "' to forecast; the data has "
          + raw.columnNames());
    }
    List<String> feats = features != null ? List.copyOf(features) : raw.columnNames();
    List<String> columns = new ArrayList<>(feats);
    if (!columns.contains(target)) {
      columns.add(target);
    }
    SeriesTable table = MissingValues.parse("interpolate").apply(raw.select(columns)).table();
    WindowSpec ws = new WindowSpec(lookback, horizon, 1);
    ChronologicalSplit.RowRanges ranges = ratios.ranges(table.rows());
    Scaler sc = Scaler.fit(Scaler.Method.STANDARD, table, columns, 0, ranges.trainTo());
    ChronologicalSplit.SplitWindows parts = ratios.windows(sc.transform(table), feats, target, ws);
    return new ForecastData(table, feats, target, sc, parts, ratios);
  }

  /** The model of {@code rnn4j train}: a recurrent layer, dropout, a dense layer per horizon step, MSE. */
  public Model model(CellType cell, int hidden, int layers, float dropout, long seed) {
    return Sequential.features(features.size())
        .recurrent(cell, hidden, r -> r.numLayers(layers))
        .dropout(dropout)
        .dense(parts.test().spec().horizon())
        .loss(Loss.MSE)
        .build(seed);
  }

  /** Test-set predictions in the target's own units. */
  public double[] testPredictions(Model model) {
    return scaler.inverse(target, model.predict(parts.test().dataset()).data());
  }

  /** The test-set targets in their own units. */
  public double[] testActual() {
    return Baselines.actual(table, parts.test());
  }

  /** Mean absolute error on the test windows, in the target's own units. */
  public double testMae(Model model) {
    return Baselines.mae(testPredictions(model), testActual());
  }

  /** Root mean squared error on the test windows, in the target's own units. */
  public double testRmse(Model model) {
    return Baselines.rmse(testPredictions(model), testActual());
  }

  /** The training windows. */
  public Windows train() {
    return parts.train();
  }
}
