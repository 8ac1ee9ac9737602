package org.rnn4j.cli.charts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.rnn4j.tune.Param;
import org.rnn4j.tune.TrialRecord;

/**
 * The charts of a hyperparameter search: the optimization history (each complete trial's score and
 * the best so far) and the score against one parameter. Rendered in the {@link ChartStyle} (same
 * style, headless, written atomically). Stateless and thread-safe.
 */
public final class TuneCharts {
  static {
    ChartStyle.headless();
  }

  private TuneCharts() {
  }

  /**
   * Each complete trial's score by trial number, and the best score so far as a line.
   *
   * @param metric the score's name for the axis ("validation MAE")
   * @throws IllegalArgumentException when no trial is complete
   */
  public static void history(List<TrialRecord> trials, String metric, Path png, String title) throws IOException {
    XYSeries scores = new XYSeries("trial", false, true);
    XYSeries best = new XYSeries("best so far", true, true);
    double bestSoFar = Double.POSITIVE_INFINITY;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (TrialRecord t : trials) {
      if (t.state() != TrialRecord.State.COMPLETE) {
        continue;
      }
      scores.add(t.number(), t.value());
      bestSoFar = Math.min(bestSoFar, t.value());
      best.add(t.number(), bestSoFar);
      min = Math.min(min, t.value());
      max = Math.max(max, t.value());
    }
    if (scores.isEmpty()) {
      throw new IllegalArgumentException("history chart: expected at least one complete trial, got none of "
          + trials.size());
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(scores);
    data.addSeries(best);
    XYLineAndShapeRenderer r = ChartStyle.lineRenderer(true);
    r.setSeriesLinesVisible(0, false);
    r.setSeriesShapesVisible(1, false);
    r.setSeriesPaint(0, ChartStyle.BLUE);
    r.setSeriesPaint(1, ChartStyle.ORANGE);
    NumberAxis x = ChartStyle.numberAxis("trial");
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ROOT));
    ValueAxis y = ChartStyle.useLogScale(min, max) ? ChartStyle.logAxis(metric) : ChartStyle.valueAxis(metric, min, max);
    XYPlot plot = ChartStyle.plot(data, x, y, r);
    JFreeChart chart = ChartStyle.chart(title, plot);
    long pruned = trials.stream().filter(t -> t.state() == TrialRecord.State.PRUNED).count();
    long failed = trials.stream().filter(t -> t.state() == TrialRecord.State.FAILED).count();
    ChartStyle.subtitle(chart, String.format(Locale.ROOT, "%d complete, %d pruned, %d failed; best %s", scores.getItemCount(),
        pruned, failed, ChartStyle.number(bestSoFar)));
    ChartStyle.write(chart, png, LossChart.WIDTH, LossChart.HEIGHT);
  }

  /**
   * Each complete trial's score against {@code param}'s value (a log axis for log-scale ranges, one
   * column per value for choices).
   *
   * @param importance the parameter's share of the score's rank variance, for the subtitle (NaN: none)
   */
  public static void parameter(List<TrialRecord> trials, Param param, double importance, String metric, Path png)
      throws IOException {
    XYSeries points = new XYSeries("trial", false, true);
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    List<String> choices = param instanceof Param.Choice c ? c.values() : null;
    for (TrialRecord t : trials) {
      Object v = t.params().get(param.name());
      if (t.state() != TrialRecord.State.COMPLETE || v == null) {
        continue;
      }
      double xv = choices != null ? choices.indexOf((String) v) : ((Number) v).doubleValue();
      points.add(xv, t.value());
      min = Math.min(min, t.value());
      max = Math.max(max, t.value());
    }
    if (points.isEmpty()) {
      throw new IllegalArgumentException("parameter chart: no complete trial has '" + param.name() + "'");
    }
    XYSeriesCollection data = new XYSeriesCollection(points);
    XYLineAndShapeRenderer r = ChartStyle.lineRenderer(true);
    r.setSeriesLinesVisible(0, false);
    r.setSeriesPaint(0, ChartStyle.BLUE);
    boolean log = param instanceof Param.IntRange ir ? ir.log() : param instanceof Param.RealRange rr && rr.log();
    ValueAxis x;
    if (choices != null) {
      SymbolAxis s = new SymbolAxis(param.name(), choices.toArray(String[]::new));
      s.setGridBandsVisible(false);
      s.setRange(-0.5, choices.size() - 0.5);
      x = s;
    } else if (log) {
      x = ChartStyle.logAxis(param.name());
    } else {
      x = ChartStyle.numberAxis(param.name());
      ((NumberAxis) x).setAutoRangeIncludesZero(false);
    }
    ValueAxis y = ChartStyle.useLogScale(min, max) ? ChartStyle.logAxis(metric) : ChartStyle.valueAxis(metric, min, max);
    JFreeChart chart = ChartStyle.chart(metric + " against " + param.name(), ChartStyle.plot(data, x, y, r));
    chart.removeLegend();
    ChartStyle.subtitle(chart, String.format(Locale.ROOT, "%d complete trials%s", points.getItemCount(),
        Double.isNaN(importance) ? "" : String.format(Locale.ROOT, "; %.0f%% of the score ranks' variance lies"
            + " between its values", 100 * importance)));
    ChartStyle.write(chart, png, LossChart.WIDTH, LossChart.HEIGHT);
  }
}
