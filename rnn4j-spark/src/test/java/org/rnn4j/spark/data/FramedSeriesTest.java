package org.rnn4j.spark.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.data.Baselines;
import org.rnn4j.data.ChronologicalSplit;
import org.rnn4j.data.SeriesTable;
import org.rnn4j.data.WindowSpec;
import org.rnn4j.data.Windows;
import org.rnn4j.forecast.ForecastFrame;
import org.rnn4j.forecast.Forecaster;
import org.rnn4j.nn.Loss;
import org.rnn4j.spark.TestSpark;

/**
 * Each series on the cluster is prepared exactly as the one-machine global model prepares it: its own
 * split, its own frame fitted on its own training rows, the same examples; and its test scores equal
 * the one-machine forecaster's.
 */
class FramedSeriesTest {
  static SparkSession spark = TestSpark.session();
  private static final WindowSpec WS = new WindowSpec(6, 2, 1);
  private static final int TEST_ROWS = 8;

  /** Three monthly series of different levels, trends and lengths, and one too short; rows shuffled. */
  private static Map<String, double[]> series() {
    Random r = new Random(11);
    Map<String, double[]> s = new LinkedHashMap<>();
    int[] lengths = {60, 45, 52, 12};
    double[] level = {10, 5000, -40, 3};
    double[] slope = {0.5, -20, 2, 0};
    for (int k = 0; k < lengths.length; k++) {
      double[] y = new double[lengths[k]];
      for (int t = 0; t < y.length; t++) {
        y[t] = level[k] + slope[k] * t + 3 * Math.sin(t * Math.PI / 6) + r.nextGaussian();
      }
      s.put("id-" + k, y);
    }
    return s;
  }

  private static Dataset<Row> frame(Map<String, double[]> series) {
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      for (int t = 0; t < e.getValue().length; t++) {
        rows.add(RowFactory.create(e.getKey(), LocalDate.of(2000, 1, 1).plusMonths(t).toString(), e.getValue()[t]));
      }
    }
    Collections.shuffle(rows, new Random(2));
    StructType s = DataHelpersTest.schema("id", DataTypes.StringType, "date", DataTypes.StringType, "y",
        DataTypes.DoubleType);
    return spark.createDataFrame(rows, s).repartition(3);
  }

  private static FramedSeries framed() {
    return FramedSeries.of("id", "date", "y", WS, ForecastFrame.Kind.CHANGE)
        .split(ChronologicalSplit.standard(), TEST_ROWS, null).partitions(2);
  }

  @Test
  void eachSeriesGetsItsOwnSplitFrameAndExamplesAsOnOneMachine() {
    Map<String, double[]> series = series();
    Dataset<Row> df = frame(series);
    List<FramedSeries.SeriesInfo> infos = framed().describe(df);
    assertThat(infos).extracting(FramedSeries.SeriesInfo::key).containsExactly("id-0", "id-1", "id-2", "id-3");
    List<FramedSeries.Part> parts = framed().windows(df).collect();
    for (FramedSeries.SeriesInfo info : infos.subList(0, 3)) {
      double[] y = series.get(info.key());
      SeriesTable t = SeriesTable.of("y", y);
      ChronologicalSplit.RowRanges r = ChronologicalSplit.standard().ranges(y.length, TEST_ROWS, null, 2);
      assertThat(info.problem()).isNull();
      assertThat(info.rows()).isEqualTo(y.length);
      assertThat(info.trainTo()).isEqualTo(r.trainTo());
      assertThat(info.validationTo()).isEqualTo(r.validationTo()).isEqualTo(y.length - TEST_ROWS);
      assertThat(info.season()).isEqualTo(12);
      assertThat(info.frequency()).isEqualTo("monthly");
      ForecastFrame local = ForecastFrame.fit(ForecastFrame.Kind.CHANGE, t, List.of("y"), "y", r.trainTo());
      assertThat(info.frame()).isEqualTo(local.toMap(""));
      for (int part = 0; part < 2; part++) {
        int[] origins = Windows.of(t, List.of("y"), "y", WS, part == 0 ? 0 : r.trainTo(),
            part == 0 ? r.trainTo() : r.validationTo()).targetStarts();
        float[] x = local.inputs(t, origins, 6);
        float[] target = local.targets(t, origins, 2);
        int p = part;
        List<FramedSeries.Part> mine = parts.stream().filter(q -> q.key().equals(info.key()) && q.part() == p)
            .toList();
        assertThat(mine).hasSize(origins.length);
        for (int i = 0; i < origins.length; i++) { // the windows of a series come in time order
          assertThat(mine.get(i).example().features()).containsExactly(
              java.util.Arrays.copyOfRange(x, i * 6, (i + 1) * 6));
          assertThat(mine.get(i).example().target()).containsExactly(
              java.util.Arrays.copyOfRange(target, i * 2, (i + 1) * 2));
        }
      }
    }
    // 12 rows: 8 test rows leave 4, too few for a window of 6 + 2
    assertThat(infos.get(3).problem()).startsWith("too few rows");
    assertThat(parts.stream().filter(q -> q.key().equals("id-3"))).isEmpty();
  }

  @Test
  void testScoresOnTheExecutorsEqualTheOneMachineForecastersScores() {
    Map<String, double[]> series = series();
    series.remove("id-3");
    Dataset<Row> df = frame(series);
    Model model = Sequential.features(1).lstm(5).dense(2).loss(Loss.MSE).build(9);
    List<FramedSeries.SeriesScore> scores = framed().score(df, model, 0);
    assertThat(scores).extracting(FramedSeries.SeriesScore::key).containsExactly("id-0", "id-1", "id-2");
    for (FramedSeries.SeriesScore s : scores) {
      double[] y = series.get(s.key());
      SeriesTable t = SeriesTable.of("y", y);
      int trainTo = ChronologicalSplit.standard().ranges(y.length, TEST_ROWS, null, 2).trainTo();
      ForecastFrame local = ForecastFrame.fit(ForecastFrame.Kind.CHANGE, t, List.of("y"), "y", trainTo);
      Windows test = Windows.of(t, List.of("y"), "y", WS, y.length - TEST_ROWS, y.length);
      double[] actual = Baselines.actual(t, test);
      double[] f = new Forecaster(local, 6, 2, List.of(model)).forecast(t, test.targetStarts());
      assertThat(s.points()).isEqualTo(actual.length);
      assertThat(s.modelMae()).isCloseTo(Baselines.mae(f, actual), Offset.offset(1e-9));
      double last = 0;
      double seasonal = 0;
      for (int w = 0; w < test.count(); w++) {
        for (int k = 0; k < 2; k++) {
          int row = test.targetStart(w) + k;
          last += Math.abs(y[row] - y[test.targetStart(w) - 1]) / actual.length;
          seasonal += Math.abs(y[row] - y[row - 12 * (1 + k / 12)]) / actual.length;
        }
      }
      assertThat(s.lastValueMae()).isCloseTo(last, Offset.offset(1e-9));
      assertThat(s.seasonalNaiveMae()).isCloseTo(seasonal, Offset.offset(1e-9));
    }
  }

  @Test
  void aMissingColumnOrALevelFrameIsRefusedNamingIt() {
    assertThatThrownBy(() -> FramedSeries.of("id", "date", "y", WS, ForecastFrame.Kind.LEVEL))
        .hasMessageContaining("expected a level-free frame (change or log-change), got level");
    Dataset<Row> df = frame(series());
    assertThatThrownBy(() -> FramedSeries.of("store", "date", "y", WS, ForecastFrame.Kind.CHANGE).describe(df))
        .hasMessage("framed series: expected a column 'store', got the columns [id, date, y]");
  }
}
