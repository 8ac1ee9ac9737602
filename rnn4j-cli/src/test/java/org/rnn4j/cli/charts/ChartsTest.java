package org.rnn4j.cli.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartRenderingInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.train.History;

class ChartsTest {
  @TempDir
  Path dir;

  private static BufferedImage png(Path file) throws IOException {
    BufferedImage image = ImageIO.read(file.toFile());
    assertThat(image).as("%s is a PNG ImageIO can read", file).isNotNull();
    return image;
  }

  private static History history(int epochs, boolean validation) {
    History h = new History();
    for (int e = 1; e <= epochs; e++) {
      h.add(new History.Epoch(e, 0.02 + Math.exp(-e / 4.0), validation ? 0.03 + Math.exp(-e / 5.0)
          : Double.NaN, 1e-3, 2.5));
    }
    return h;
  }

  @Test
  void headlessIsSetByTheClass() {
    ChartStyle.useLogScale(1, 2); // initializes the class
    assertThat(System.getProperty("java.awt.headless")).isEqualTo("true");
  }

  @Test
  void lossCurvesWritesA1000x600Png() throws IOException {
    Path file = dir.resolve("history.png");
    LossChart.lossCurves(history(30, true), file, "LSTM: loss per epoch");
    BufferedImage image = png(file);
    assertThat(image.getWidth()).isEqualTo(LossChart.WIDTH).isEqualTo(1000);
    assertThat(image.getHeight()).isEqualTo(LossChart.HEIGHT).isEqualTo(600);
  }

  @Test
  void lossCurvesWithoutValidationOrWithOneEpoch() throws IOException {
    LossChart.lossCurves(history(12, false), dir.resolve("train-only.png"), null);
    LossChart.lossCurves(history(1, true), dir.resolve("one.png"), " ");
    assertThat(png(dir.resolve("train-only.png")).getWidth()).isEqualTo(1000);
    assertThat(png(dir.resolve("one.png")).getHeight()).isEqualTo(600);
  }

  @Test
  void lossCurvesOverManyDecadesUseALogAxis() throws IOException {
    History h = new History();
    for (int e = 1; e <= 40; e++) {
      h.add(new History.Epoch(e, 10 * Math.pow(0.7, e), 12 * Math.pow(0.72, e), 1e-3, 1));
    }
    LossChart.lossCurves(h, dir.resolve("log.png"), null);
    assertThat(png(dir.resolve("log.png")).getWidth()).isEqualTo(1000);
    assertThat(ChartStyle.useLogScale(0.001, 1)).isTrue();
    assertThat(ChartStyle.useLogScale(0.02, 1)).isFalse();
    assertThat(ChartStyle.useLogScale(0, 1)).isFalse();
  }

  @Test
  void lossCurvesRejectAnEmptyHistory() {
    assertThatThrownBy(() -> LossChart.lossCurves(new History(), dir.resolve("x.png"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lossCurves: expected a history with at least one epoch, got 0 epochs");
    History nan = new History();
    nan.add(new History.Epoch(1, Double.NaN, Double.NaN, 1e-3, 1));
    assertThatThrownBy(() -> LossChart.lossCurves(nan, dir.resolve("x.png"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected at least one finite loss, got 1 epochs");
    assertThat(dir.resolve("x.png")).doesNotExist();
  }

  private static double[] wave(int n, double phase) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = 18 + 8 * Math.sin(2 * Math.PI * (i - phase) / 60);
    }
    return v;
  }

  @Test
  void forecastVsActualOnDatesWritesA1200x600Png() throws IOException {
    List<LocalDate> dates = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      dates.add(LocalDate.of(2023, 6, 1).plusDays(i));
    }
    Path file = dir.resolve("forecast.png");
    ForecastChart.forecastVsActual(dates, wave(200, 0), wave(200, 1), "temp_max", "°C", file);
    BufferedImage image = png(file);
    assertThat(image.getWidth()).isEqualTo(ForecastChart.WIDTH).isEqualTo(1200);
    assertThat(image.getHeight()).isEqualTo(ForecastChart.HEIGHT).isEqualTo(600);
  }

  @Test
  void forecastVsActualOnIndicesOrIsoText() throws IOException {
    ForecastChart.forecastVsActual(null, wave(50, 0), wave(50, 2), "sales", null, dir.resolve("i.png"));
    ForecastChart.forecastVsActual(List.of("2024-01-31T00:00", "2024-01-31T01:00", "2024-01-31T02:00"),
        new double[] {1, 2, Double.NaN}, new double[] {1.5, 2.5, 3}, "load", "MW",
        dir.resolve("h.png"));
    ForecastChart.forecastVsActual(List.of("2024-01-31"), new double[] {5}, new double[] {5},
        "flat", "", dir.resolve("one.png"));
    for (String f : new String[] {"i.png", "h.png", "one.png"}) {
      BufferedImage image = png(dir.resolve(f));
      assertThat(image.getWidth()).isEqualTo(1200);
      assertThat(image.getHeight()).isEqualTo(600);
    }
  }

  @Test
  void forecastVsActualRejectsMismatchedOrEmptyInput() {
    Path file = dir.resolve("bad.png");
    assertThatThrownBy(() -> ForecastChart.forecastVsActual(null, new double[5], new double[4], "y", "",
        file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("forecastVsActual: predicted must be as long as actual. Expected 5 values,"
            + " got 4");
    assertThatThrownBy(() -> ForecastChart.forecastVsActual(List.of(LocalDate.of(2024, 1, 1)),
        new double[3], new double[3], "y", "", file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("forecastVsActual: expected one x value per point. Expected 3, got 1");
    assertThatThrownBy(() -> ForecastChart.forecastVsActual(null, new double[0], new double[0], "y", "",
        file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("forecastVsActual: expected at least one point, got 0");
    assertThatThrownBy(() -> ForecastChart.forecastVsActual(List.of("2024-01-01", "31/01/2024"),
        new double[2], new double[2], "y", "", file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected x values that are dates")
        .hasMessageContaining("got \"31/01/2024\" (String) at index 1");
    assertThatThrownBy(() -> ForecastChart.forecastVsActual(null, new double[] {Double.NaN},
        new double[] {Double.NaN}, "y", "", file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected at least one finite value, got 1 points");
    assertThat(file).doesNotExist();
  }

  private static String[] labels(int n) {
    String[] labels = new String[n];
    for (int i = 0; i < n; i++) {
      labels[i] = "class-" + i + (i % 3 == 0 ? ".with.a.long.name" : "");
    }
    return labels;
  }

  private static long[][] confusion(int n) {
    long[][] m = new long[n][n];
    for (int t = 0; t < n; t++) {
      for (int p = 0; p < n; p++) {
        m[t][p] = t == p ? 100 + 13L * t : (t * 7 + p * 3) % 5;
      }
    }
    return m;
  }

  @Test
  void heatmapOf20ClassesHasSquareCellsOf44Pixels() throws IOException {
    int n = 20;
    ConfusionChart.Heatmap h = ConfusionChart.heatmapChart(labels(n), confusion(n), null);
    assertThat(h.cell()).isEqualTo(44);
    ChartRenderingInfo info = new ChartRenderingInfo();
    h.chart().createBufferedImage(h.width(), h.height(), info);
    Rectangle2D area = info.getPlotInfo().getDataArea();
    assertThat(area.getWidth()).isCloseTo(n * 44.0, org.assertj.core.data.Offset.offset(1.0));
    assertThat(area.getHeight()).isCloseTo(n * 44.0, org.assertj.core.data.Offset.offset(1.0));

    Path file = dir.resolve("confusion.png");
    ConfusionChart.heatmap(labels(n), confusion(n), file, "20 classes");
    BufferedImage image = png(file);
    assertThat(image.getWidth()).isEqualTo(h.width());
    assertThat(image.getHeight()).isEqualTo(h.height());
  }

  @Test
  void heatmapSizeGrowsWithTheNumberOfClasses() throws IOException {
    int previous = 0;
    for (int n : new int[] {2, 12, 20, 40}) {
      Path file = dir.resolve("c" + n + ".png");
      ConfusionChart.heatmap(labels(n), confusion(n), file, null);
      BufferedImage image = png(file);
      assertThat(image.getHeight()).as("height for %d classes", n).isGreaterThan(previous);
      assertThat(image.getWidth()).isGreaterThanOrEqualTo(n * 22);
      previous = image.getHeight();
    }
    ConfusionChart.heatmap(new String[] {"only"}, new long[][] {{0}}, dir.resolve("one.png"), null);
    assertThat(png(dir.resolve("one.png")).getWidth()).isGreaterThan(440);
  }

  @Test
  void heatmapRejectsAMatrixThatDoesNotMatchTheLabels() {
    Path file = dir.resolve("bad.png");
    assertThatThrownBy(() -> ConfusionChart.heatmap(new String[] {"a", "b"}, new long[3][2], file, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("heatmap: expected a 2x2 matrix (one row per label), got 3 rows");
    assertThatThrownBy(() -> ConfusionChart.heatmap(new String[] {"a", "b"},
        new long[][] {{1, 2}, {3}}, file, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("heatmap: expected a 2x2 matrix (one column per label), got 1 columns in row 1");
    assertThatThrownBy(() -> ConfusionChart.heatmap(new String[] {"a", "b"},
        new long[][] {{1, -2}, {3, 4}}, file, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("heatmap: expected counts >= 0, got -2 at row 0, column 1");
    assertThatThrownBy(() -> ConfusionChart.heatmap(new String[0], new long[0][0], file, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("heatmap: expected at least one class label, got 0");
    assertThat(file).doesNotExist();
  }

  @Test
  void writesAtomicallyOverAnExistingFileAndLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve("history.png");
    Files.writeString(file, "not a png");
    LossChart.lossCurves(history(5, true), file, null);
    assertThat(png(file).getWidth()).isEqualTo(1000);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("history.png");
    }
  }

  @Test
  void aMissingFolderIsAnIoErrorNamingIt() {
    Path file = dir.resolve("no-such-folder").resolve("history.png");
    assertThatThrownBy(() -> LossChart.lossCurves(history(3, true), file, null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no-such-folder");
  }

  @Test
  void numbersKeepThreeSignificantDigits() {
    assertThat(ChartStyle.number(0.043123)).isEqualTo("0.0431");
    assertThat(ChartStyle.number(1234.5)).isEqualTo("1230");
    assertThat(ChartStyle.number(0.001)).isEqualTo("0.001");
    assertThat(ChartStyle.number(2.5e-6)).isEqualTo("2.50e-06");
    assertThat(ConfusionChart.niceStep(343.0 / 6)).isEqualTo(100);
    assertThat(ConfusionChart.niceStep(9.0 / 6)).isEqualTo(2);
    assertThat(ConfusionChart.niceStep(0.5)).isEqualTo(1);
  }
}
