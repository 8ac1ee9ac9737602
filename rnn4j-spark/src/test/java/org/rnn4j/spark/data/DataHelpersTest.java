package org.rnn4j.spark.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.rnn4j.data.ChronologicalSplit;
import org.rnn4j.data.Scaler;
import org.rnn4j.data.SeriesTable;
import org.rnn4j.data.WindowSpec;
import org.rnn4j.data.Windows;
import org.rnn4j.spark.DistributedDataset;
import org.rnn4j.spark.Example;
import org.rnn4j.spark.TestSpark;

class DataHelpersTest {
  static SparkSession spark = TestSpark.session();

  static StructType schema(Object... nameType) {
    StructType s = new StructType();
    for (int i = 0; i < nameType.length; i += 2) {
      s = s.add((String) nameType[i], (org.apache.spark.sql.types.DataType) nameType[i + 1]);
    }
    return s;
  }

  @Test
  void flatFeatureArrayWithLengthsAndScalarTarget() {
    StructType s = schema("x", DataTypes.createArrayType(DataTypes.DoubleType), "y", DataTypes.DoubleType,
        "len", DataTypes.IntegerType);
    List<Row> rows = List.of(
        RowFactory.create(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), 0.5, 3),
        RowFactory.create(List.of(7.0, 8.0, 9.0, 10.0), 1.5, 1));
    Dataset<Row> df = spark.createDataFrame(rows, s);
    List<Example> ex = RowExamples.features("x").featuresPerStep(2).target("y").lengths("len").examples(df).collect();
    assertThat(ex).hasSize(2);
    assertThat(ex.get(0).steps()).isEqualTo(3); // the longest: 6 values / 2 features
    assertThat(ex.get(0).features()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(ex.get(0).target()).containsExactly(0.5f);
    assertThat(ex.get(1).features()).containsExactly(7, 8, 9, 10, 0, 0); // padded
    assertThat(ex.get(1).length()).isEqualTo(1);
    DistributedDataset d = DistributedDataset.of(RowExamples.features("x").featuresPerStep(2).target("y")
        .lengths("len").examples(df));
    assertThat(d.size()).isEqualTo(2);
    assertThat(d.featureCount()).isEqualTo(2);
    d.unpersist();
  }

  @Test
  void nestedFeaturesOwnLengthsAndArrayTargets() {
    StructType s = schema("seq", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)),
        "y", DataTypes.createArrayType(DataTypes.DoubleType));
    List<Row> rows = List.of(
        RowFactory.create(List.of(List.of(1f, 2f), List.of(3f, 4f)), List.of(1.0, 2.0)),
        RowFactory.create(List.of(List.of(5f, 6f), List.of(7f, 8f), List.of(9f, 10f)), List.of(3.0, 4.0)));
    List<Example> ex = RowExamples.features("seq").target("y").examples(spark.createDataFrame(rows, s)).collect();
    assertThat(ex.get(0).steps()).isEqualTo(3);
    assertThat(ex.get(0).length()).isEqualTo(2);
    assertThat(ex.get(0).features()).containsExactly(1, 2, 3, 4, 0, 0);
    assertThat(ex.get(1).length()).isEqualTo(3);
    assertThat(ex.get(1).target()).containsExactly(3f, 4f);
  }

  @Test
  void oneColumnPerFeatureIsInterleavedAndClassLabelsKept() {
    StructType s = schema("a", DataTypes.createArrayType(DataTypes.DoubleType),
        "b", DataTypes.createArrayType(DataTypes.IntegerType), "label", DataTypes.LongType);
    List<Row> rows = List.<Row>of(RowFactory.create(List.of(1.0, 2.0, 3.0), List.of(10, 20, 30), 2L));
    Example e = RowExamples.featureColumns("a", "b").classLabels("label").steps(4)
        .examples(spark.createDataFrame(rows, s)).first();
    assertThat(e.steps()).isEqualTo(4);
    assertThat(e.features()).containsExactly(1, 10, 2, 20, 3, 30, 0, 0);
    assertThat(e.length()).isEqualTo(3);
    assertThat(e.classes()).containsExactly(2);
  }

  @Test
  void wrongColumnsAreNamedWithWhatWasExpected() {
    StructType s = schema("x", DataTypes.createArrayType(DataTypes.StringType), "y", DataTypes.DoubleType);
    Dataset<Row> df = spark.createDataFrame(List.<Row>of(RowFactory.create(List.of("a"), 1.0)), s);
    assertThatThrownBy(() -> RowExamples.features("x").target("y").examples(df))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rows: feature column 'x': expected array<number> or array<array<number>>, got array<string>");
    assertThatThrownBy(() -> RowExamples.features("z").target("y").examples(df))
        .hasMessage("rows: expected a column 'z', got the columns [x, y]");
    assertThatThrownBy(() -> RowExamples.features("x").examples(df))
        .hasMessage("rows: expected a target: call target(column) or classLabels(column)");
    StructType s2 = schema("x", DataTypes.createArrayType(DataTypes.DoubleType), "y", DataTypes.DoubleType);
    Dataset<Row> odd = spark.createDataFrame(List.<Row>of(RowFactory.create(List.of(1.0, 2.0, 3.0), 1.0)), s2);
    assertThatThrownBy(() -> RowExamples.features("x").featuresPerStep(2).target("y").steps(2).examples(odd)
        .collect()).hasStackTraceContaining("expected a multiple of 2 values (steps x features per step), got 3");
  }

  /** Three series of different lengths, rows shuffled: windows equal rnn4j's Windows per series. */
  @Test
  void windowsPerKeyEqualTheCoreWindowsOfEachSeries() {
    Random r = new Random(3);
    Map<String, double[][]> series = new LinkedHashMap<>();
    List<Row> rows = new ArrayList<>();
    int[] lengths = {40, 25, 9};
    for (int k = 0; k < 3; k++) {
      double[][] v = new double[lengths[k]][2];
      for (int t = 0; t < lengths[k]; t++) {
        v[t][0] = r.nextGaussian();
        v[t][1] = 10 + t + k;
        rows.add(RowFactory.create("sensor-" + k, (long) t * 60, v[t][0], v[t][1]));
      }
      series.put("sensor-" + k, v);
    }
    Collections.shuffle(rows, r);
    StructType s = schema("key", DataTypes.StringType, "ts", DataTypes.LongType, "temp", DataTypes.DoubleType,
        "load", DataTypes.DoubleType);
    Dataset<Row> df = spark.createDataFrame(rows, s).repartition(3);
    WindowSpec ws = new WindowSpec(5, 2, 1);
    List<SeriesWindows.Window> got = SeriesWindows.of("key", "ts", List.of("temp", "load"), "load", ws)
        .partitions(2).windows(df).collect();
    int expected = 0;
    for (Map.Entry<String, double[][]> e : series.entrySet()) {
      double[][] v = e.getValue();
      double[] temp = new double[v.length];
      double[] load = new double[v.length];
      for (int t = 0; t < v.length; t++) {
        temp[t] = v[t][0];
        load[t] = v[t][1];
      }
      Map<String, double[]> cols = new LinkedHashMap<>();
      cols.put("temp", temp);
      cols.put("load", load);
      Windows w = Windows.of(SeriesTable.of(cols), List.of("temp", "load"), "load", ws);
      List<SeriesWindows.Window> mine = got.stream().filter(x -> x.key().equals(e.getKey()))
          .sorted((a, b) -> Integer.compare(a.targetRow(), b.targetRow())).toList();
      assertThat(mine).hasSize(w.count());
      for (int i = 0; i < w.count(); i++) {
        assertThat(mine.get(i).targetRow()).isEqualTo(w.targetStart(i));
        assertThat(mine.get(i).targetTime()).isEqualTo((long) w.targetStart(i) * 60);
        assertThat(mine.get(i).example().features()).containsExactly(
            java.util.Arrays.copyOfRange(w.x().data(), i * 10, (i + 1) * 10));
        assertThat(mine.get(i).example().target()).containsExactly(
            java.util.Arrays.copyOfRange(w.y().data(), i * 2, (i + 1) * 2));
      }
      expected += w.count();
      // the chronological split of each series: as ChronologicalSplit cuts one table
      ChronologicalSplit split = ChronologicalSplit.standard();
      if (v.length >= 20) {
        ChronologicalSplit.SplitWindows sw = split.windows(SeriesTable.of(cols), List.of("temp", "load"), "load", ws);
        assertThat(mine.stream().filter(x -> SeriesWindows.part(split, x) == 0).count()).isEqualTo(sw.train().count());
        assertThat(mine.stream().filter(x -> SeriesWindows.part(split, x) == 1).count())
            .isEqualTo(sw.validation().count());
        assertThat(mine.stream().filter(x -> SeriesWindows.part(split, x) == 2).count()).isEqualTo(sw.test().count());
      }
    }
    assertThat(got).hasSize(expected);
  }

  @Test
  void missingValuesSkipWindowsOrStopWithTheSeriesAndTime() {
    StructType s = schema("key", DataTypes.StringType, "ts", DataTypes.IntegerType, "v", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    for (int t = 0; t < 10; t++) {
      rows.add(RowFactory.create("a", t, t == 4 ? null : (double) t));
    }
    Dataset<Row> df = spark.createDataFrame(rows, s);
    SeriesWindows sw = SeriesWindows.of("key", "ts", List.of("v"), "v", new WindowSpec(2, 1, 1));
    // 8 windows in all; those reading row 4 (as input or target) are skipped: targets 4, 5, 6
    assertThat(sw.windows(df).count()).isEqualTo(5);
    assertThatThrownBy(() -> sw.failOnMissing().windows(df).count())
        .hasStackTraceContaining("got one in column 'v' of series 'a' at ts = 4");
  }

  @Test
  void scalerFittedOnTheClusterEqualsTheCoreScaler() {
    double[] a = {1, 4, 9, 16, 25};
    double[] b = {3, 3, 3, 3, 3};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < a.length; i++) {
      rows.add(RowFactory.create(a[i], b[i]));
    }
    Dataset<Row> df = spark.createDataFrame(rows, schema("a", DataTypes.DoubleType, "b", DataTypes.DoubleType));
    Map<String, double[]> cols = new LinkedHashMap<>();
    cols.put("a", a);
    cols.put("b", b);
    for (Scaler.Method m : Scaler.Method.values()) {
      Scaler core = Scaler.fit(m, SeriesTable.of(cols), 0, a.length);
      Scaler mine = SeriesWindows.fitScaler(df, List.of("a", "b"), m);
      assertThat(mine.center("a")).isCloseTo(core.center("a"), org.assertj.core.data.Offset.offset(1e-12));
      assertThat(mine.scale("a")).isCloseTo(core.scale("a"), org.assertj.core.data.Offset.offset(1e-12));
      assertThat(mine.constantColumns()).isEqualTo(core.constantColumns()).containsExactly("b");
    }
  }

  @Test
  void vocabularyCountsCharsAndWordsWithTopN() {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<String> lines = List.of("the cat", "The dog and the cat", "a é");
    VocabularyCount.Result words = VocabularyCount.words().lowercase().top(sc.parallelize(lines, 2), 2);
    assertThat(words.entries()).containsExactly(new VocabularyCount.Entry("the", 3),
        new VocabularyCount.Entry("cat", 2));
    assertThat(words.distinct()).isEqualTo(6);
    assertThat(words.total()).isEqualTo(9);
    assertThat(words.keptTotal()).isEqualTo(5);
    assertThat(words.index()).containsEntry("the", 0).containsEntry("cat", 1);
    VocabularyCount.Result chars = VocabularyCount.chars().top(sc.parallelize(lines, 3), 0);
    assertThat(chars.total()).isEqualTo(7 + 19 + 3);
    assertThat(chars.entries().get(0)).isEqualTo(new VocabularyCount.Entry(" ", 6));
    assertThat(chars.index()).containsKey("é");
    Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create("x y x"), RowFactory.create((Object) null)),
        schema("text", DataTypes.StringType));
    assertThat(VocabularyCount.words().top(df, "text", 1).entries()).containsExactly(
        new VocabularyCount.Entry("x", 2));
    assertThatThrownBy(() -> VocabularyCount.words().top(sc.parallelize(lines), -1))
        .hasMessage("vocabulary: expected topN >= 0 (0 = all), got -1");
  }
}
