package org.rnn4j.cli.charts;

import static org.rnn4j.cli.charts.ChartStyle.*;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.rnn4j.train.History;

/**
 * Training loss curves per epoch (train, validation, and the validation metrics), in the
 * {@link ChartStyle}.
 *
 * <p>Inputs are checked before anything is drawn: empty data or mismatched lengths throw {@link
 * IllegalArgumentException} saying what was expected and what was received; a missing folder throws
 * {@link IOException} naming it. The file is written atomically.
 *
 * <p>Stateless and thread-safe: each call builds its own chart.
 */
public final class LossChart {
  static {
    ChartStyle.headless();
  }

  /** Size of the chart, in pixels. */
  public static final int WIDTH = 1000;
  /** Size of the chart, in pixels. */
  public static final int HEIGHT = 600;

  private LossChart() {
  }

  /**
   * Train and validation loss per epoch, {@value #WIDTH}x{@value #HEIGHT}: x axis
   * "epoch", y axis "loss" (logarithmic when the losses span more than two decades), a legend, a
   * dashed line at the epoch of the best validation loss and a subtitle with the final losses.
   * Epochs whose validation loss is NaN (no validation data) are left out of the validation curve;
   * without any, only the train curve is drawn.
   *
   * @param history the run's history, at least one epoch with a finite loss
   * @param png     the file to write (its folder must exist)
   * @param title   the chart title; null or blank for "Training history"
   * @throws IllegalArgumentException when the history has no epochs or no finite loss
   * @throws IOException              when the file cannot be written
   */
  public static void lossCurves(History history, Path png, String title) throws IOException {
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(png, "png");
    List<History.Epoch> epochs = history.epochs();
    if (epochs.isEmpty()) {
      throw new IllegalArgumentException(
          "lossCurves: expected a history with at least one epoch, got 0 epochs");
    }
    XYSeries train = new XYSeries("train", false, true);
    XYSeries validation = new XYSeries("validation", false, true);
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    History.Epoch best = null;
    for (History.Epoch e : epochs) {
      if (Double.isFinite(e.trainLoss())) {
        train.add(e.epoch(), e.trainLoss());
        min = Math.min(min, e.trainLoss());
        max = Math.max(max, e.trainLoss());
      }
      if (Double.isFinite(e.validationLoss())) {
        validation.add(e.epoch(), e.validationLoss());
        min = Math.min(min, e.validationLoss());
        max = Math.max(max, e.validationLoss());
        if (best == null || e.validationLoss() < best.validationLoss()) {
          best = e;
        }
      }
    }
    if (train.isEmpty() && validation.isEmpty()) {
      throw new IllegalArgumentException("lossCurves: expected at least one finite loss, got "
          + epochs.size() + " epochs whose losses are all NaN or infinite");
    }
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = lineRenderer(epochs.size() <= MARKERS_UP_TO);
    int series = 0;
    if (!train.isEmpty()) {
      data.addSeries(train);
      renderer.setSeriesPaint(series++, BLUE);
    }
    if (!validation.isEmpty()) {
      data.addSeries(validation);
      renderer.setSeriesPaint(series, ORANGE);
    }

    int first = epochs.get(0).epoch();
    int lastEpoch = epochs.get(epochs.size() - 1).epoch();
    NumberAxis x = numberAxis("epoch");
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ROOT));
    x.setRange(Math.min(first, lastEpoch) - 0.5, Math.max(first, lastEpoch) + 0.5);
    ValueAxis y = useLogScale(min, max) ? logAxis("loss") : valueAxis("loss", min, max);
    XYPlot plot = plot(data, x, y, renderer);
    if (y instanceof LogAxis) {
      plot.setRangeMinorGridlinesVisible(true);
      plot.setRangeMinorGridlinePaint(MINOR_GRID);
      plot.setRangeMinorGridlineStroke(new BasicStroke(0.8f));
    }
    if (best != null && validation.getItemCount() > 1) {
      ValueMarker marker = new ValueMarker(best.epoch(), MUTED, new BasicStroke(1.2f,
          BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
      marker.setLabel("best val_loss (epoch " + best.epoch() + ")");
      marker.setLabelFont(TICK_FONT);
      marker.setLabelPaint(MUTED);
      marker.setLabelBackgroundColor(new Color(255, 255, 255, 0));
      boolean rightHalf = best.epoch() - x.getLowerBound() > x.getRange().getLength() / 2;
      // The label sits on the side of the line with more room, so it is never cut at the edge.
      marker.setLabelAnchor(rightHalf ? RectangleAnchor.TOP_LEFT : RectangleAnchor.TOP_RIGHT);
      marker.setLabelTextAnchor(rightHalf ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_LEFT);
      marker.setLabelOffset(new RectangleInsets(6, 6, 6, 6));
      plot.addDomainMarker(marker);
    }

    JFreeChart chart = chart(title == null || title.isBlank() ? "Training history" : title,
        withMetrics(plot, x, epochs));
    History.Epoch last = epochs.get(epochs.size() - 1);
    StringBuilder sub = new StringBuilder(String.format(Locale.ROOT, "%d %s; last: train %s",
        epochs.size(), epochs.size() == 1 ? "epoch" : "epochs", number(last.trainLoss())));
    if (Double.isFinite(last.validationLoss())) {
      sub.append(", validation ").append(number(last.validationLoss()));
    }
    if (best != null) {
      sub.append(String.format(Locale.ROOT, "; best validation %s at epoch %d",
          number(best.validationLoss()), best.epoch()));
    }
    subtitle(chart, sub.toString());
    write(chart, png, WIDTH, HEIGHT);
  }

  /**
   * The loss plot alone, or, when the epochs carry validation metrics, the loss plot above a second
   * plot of the metrics (one line each) sharing the epoch axis.
   */
  private static XYPlot withMetrics(XYPlot lossPlot, NumberAxis x, List<History.Epoch> epochs) {
    java.util.Set<String> names = new java.util.LinkedHashSet<>();
    for (History.Epoch e : epochs) {
      names.addAll(e.metrics().keySet());
    }
    if (names.isEmpty()) {
      return lossPlot;
    }
    XYSeriesCollection data = new XYSeriesCollection();
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (String n : names) {
      XYSeries series = new XYSeries("val_" + n, false, true);
      for (History.Epoch e : epochs) {
        Double v = e.metrics().get(n);
        if (v != null && Double.isFinite(v)) {
          series.add(e.epoch(), v);
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
      if (!series.isEmpty()) {
        data.addSeries(series);
      }
    }
    if (data.getSeriesCount() == 0) {
      return lossPlot;
    }
    XYLineAndShapeRenderer renderer = lineRenderer(epochs.size() <= MARKERS_UP_TO);
    Color[] palette = {GREEN, PURPLE, BLUE, ORANGE};
    for (int i = 0; i < data.getSeriesCount(); i++) {
      renderer.setSeriesPaint(i, palette[i % palette.length]);
    }
    XYPlot metrics = plot(data, numberAxis("epoch"), valueAxis("metric", min, max), renderer);
    org.jfree.chart.plot.CombinedDomainXYPlot combined = new org.jfree.chart.plot.CombinedDomainXYPlot(x);
    combined.setGap(12);
    combined.add(lossPlot, 3);
    combined.add(metrics, 2);
    return combined;
  }


}
