package org.rnn4j.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.data.SeriesTable;
import org.rnn4j.io.ModelFiles;
import org.rnn4j.nn.Loss;
import org.rnn4j.train.Adam;
import org.rnn4j.train.FitOptions;
import org.rnn4j.train.TrainingListener;

class ForecasterTest {

  /** A noisy upward trend: every later row is beyond the range of the training rows. */
  private static SeriesTable trend(int n) {
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = 50 + 2.0 * i + Math.sin(1.7 * i); // the noise is deterministic and bounded
    }
    return SeriesTable.of("y", y);
  }

  private static Forecaster.Settings settings(List<ForecastFrame.Kind> frames, int ensemble, Path work) {
    return settings(frames, ensemble, work, List.of());
  }

  private static Forecaster.Settings settings(List<ForecastFrame.Kind> frames, int ensemble, Path work,
      List<Float> levels) {
    FitOptions fit = FitOptions.builder().epochs(60).batchSize(16).optimizer(new Adam(0.01f, 0.9f, 0.999f, 1e-8f, 0f,
        false)).seed(7).earlyStopping(15).restoreBest(true).build();
    return new Forecaster.Settings(List.of("y"), "y", 6, 1, frames, ensemble,
        s -> Sequential.features(1).lstm(8).dense(Math.max(1, levels.size()))
            .loss(levels.isEmpty() ? Loss.MSE : Loss.quantile(levels)).build(s), fit, work, 10, levels);
  }

  private static final Forecaster.Listener QUIET = (frame, member) -> new TrainingListener() {
  };

  @Test
  void changeFrameFollowsATrendBeyondTheTrainingRangeAndTheChoiceSaysSo(@TempDir Path dir) throws Exception {
    SeriesTable t = trend(160);
    Forecaster.Fit fit = Forecaster.fit(settings(List.of(ForecastFrame.Kind.CHANGE, ForecastFrame.Kind.LEVEL), 1,
        dir), t, 100, 130, QUIET);
    assertThat(fit.chosen()).isTrue();
    assertThat(fit.candidates()).containsExactly(ForecastFrame.Kind.CHANGE, ForecastFrame.Kind.LEVEL);
    assertThat(fit.forecaster().frame().kind()).isEqualTo(ForecastFrame.Kind.CHANGE);
    int[] origins = new int[30];
    for (int i = 0; i < 30; i++) {
      origins[i] = 130 + i;
    }
    double[] f = fit.forecaster().forecast(t, origins);
    double err = 0;
    double naive = 0;
    for (int i = 0; i < 30; i++) {
      err += Math.abs(f[i] - t.value("y", origins[i]));
      naive += Math.abs(t.value("y", origins[i] - 1) - t.value("y", origins[i]));
    }
    // last value is off by the trend (about 2 per step); the change frame learns the step
    assertThat(err / 30).isLessThan(0.6 * naive / 30);
    assertThat(dir.toFile().list()).isEmpty(); // the work files are gone once the fit is done
  }

  @Test
  void fewValidationWindowsKeepTheFirstFrameAndTheEnsembleRoundTrips(@TempDir Path dir) throws Exception {
    SeriesTable t = trend(60);
    Forecaster.Fit fit = Forecaster.fit(settings(List.of(ForecastFrame.Kind.CHANGE, ForecastFrame.Kind.LEVEL), 2,
        null), t, 50, 55, QUIET);
    assertThat(fit.validationWindows()).isEqualTo(5);
    assertThat(fit.chosen()).isFalse();
    assertThat(fit.candidates()).containsExactly(ForecastFrame.Kind.CHANGE);
    Forecaster f = fit.forecaster();
    assertThat(f.members()).hasSize(2);
    Path file = dir.resolve("m.rnn4j");
    ModelFiles.saveEnsemble(f.members(), file, f.frame().toMap("frame."));
    ModelFiles.Loaded l = ModelFiles.load(file);
    assertThat(l.members()).hasSize(2);
    Forecaster back = new Forecaster(ForecastFrame.fromMap(l.metadata(), "frame."), 6, 1, l.members());
    int[] origins = {55, 56, 60};
    assertThat(back.forecast(t, origins)).containsExactly(f.forecast(t, origins));
    // the members differ (other seeds) and the forecast is their mean
    Model a = l.members().get(0);
    Model b = l.members().get(1);
    assertThat(a.parameterValues()).isNotEqualTo(b.parameterValues());
    double[] fa = new Forecaster(f.frame(), 6, 1, List.of(a)).forecast(t, origins);
    double[] fb = new Forecaster(f.frame(), 6, 1, List.of(b)).forecast(t, origins);
    double[] both = back.forecast(t, origins);
    for (int i = 0; i < origins.length; i++) {
      assertThat(both[i]).isCloseTo((fa[i] + fb[i]) / 2, org.assertj.core.api.Assertions.within(1e-3));
    }
    // a single-model file still loads as one member
    ModelFiles.save(a, dir.resolve("one.rnn4j"), Map.of());
    assertThat(ModelFiles.load(dir.resolve("one.rnn4j")).members()).hasSize(1);
  }

  @Test
  void eachStepAheadIsCalibratedOnItsOwnValidationPointsWhenThereAreEnoughWindows() {
    List<Float> levels = List.of(0.1f, 0.5f, 0.9f);
    // 20 windows of 2 steps, each forecast 0 with half-widths 1: step 1's points lie 0.05, 0.10 .. 1.00
    // from the median (alternating sides), step 2's twice as far
    int windows = 20;
    double[] q = new double[windows * 2 * 3];
    double[] actual = new double[windows * 2];
    for (int w = 0; w < windows; w++) {
      for (int k = 0; k < 2; k++) {
        int i = w * 2 + k;
        q[3 * i] = -1;
        q[3 * i + 2] = 1;
        actual[i] = (w % 2 == 0 ? 1 : -1) * 0.05 * (w + 1) * (k + 1);
      }
    }
    // the conformal rank ceil((20 + 1) * 0.8) = 17: the 17th smallest needed factor of each step
    assertThat(Forecaster.intervalScales(q, actual, levels, 2)).containsExactly(new double[] {0.85, 1.70},
        org.assertj.core.data.Offset.offset(1e-12));

    // 5 windows: too few per step, so both steps share the factor of the 10 pooled points
    double[] q5 = java.util.Arrays.copyOf(q, 5 * 2 * 3);
    double[] a5 = java.util.Arrays.copyOf(actual, 5 * 2);
    // needed: 0.05 0.10 .. 0.25 (step 1) and 0.10 0.20 .. 0.50 (step 2); rank ceil(11 * 0.8) = 9 of
    // the sorted 0.05 0.10 0.10 0.15 0.20 0.20 0.25 0.30 0.40 0.50
    assertThat(Forecaster.intervalScales(q5, a5, levels, 2)).containsExactly(new double[] {0.40, 0.40},
        org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void theCalibrationTakesTheWiderOfTheValidationAndTheTrainingFactorPerStep() {
    List<Float> levels = List.of(0.1f, 0.5f, 0.9f);
    // 10 windows of 2 steps, half-widths 1; validation points 0.1 .. 1.0 away (step 1) and 0.3 .. 3.0
    // (step 2); training points 0.2 .. 2.0 away at both steps
    double[] q = new double[10 * 2 * 3];
    double[] validation = new double[20];
    double[] train = new double[20];
    for (int w = 0; w < 10; w++) {
      for (int k = 0; k < 2; k++) {
        q[3 * (2 * w + k)] = -1;
        q[3 * (2 * w + k) + 2] = 1;
        validation[2 * w + k] = 0.1 * (w + 1) * (k == 0 ? 1 : 3);
        train[2 * w + k] = -0.2 * (w + 1);
      }
    }
    // rank ceil(11 * 0.8) = 9 of 10: validation 0.9 and 2.7, training 1.8 and 1.8
    assertThat(Forecaster.calibratedScales(q, validation, q, train, levels, 2)).containsExactly(
        new double[] {1.8, 2.7}, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void perStepScalesWidenOnlyTheirOwnStep() {
    SeriesTable t = trend(40);
    List<Float> levels = List.of(0.1f, 0.5f, 0.9f);
    ForecastFrame frame = ForecastFrame.fit(ForecastFrame.Kind.CHANGE, t, List.of("y"), "y", 30);
    Model net = Sequential.features(1).lstm(4).dense(2 * 3).loss(Loss.quantile(levels)).build(3);
    int[] origins = {20, 25};
    double[] plain = new Forecaster(frame, 6, 2, List.of(net), levels).forecastQuantiles(t, origins);
    double[] scaled = new Forecaster(frame, 6, 2, List.of(net), levels, new double[] {1.0, 3.0})
        .forecastQuantiles(t, origins);
    for (int i = 0; i < 4; i++) { // [origin, step]
      double c = i % 2 == 0 ? 1.0 : 3.0;
      for (int j = 0; j < 3; j++) {
        double m = plain[3 * i + 1];
        assertThat(scaled[3 * i + j]).isCloseTo(m + c * (plain[3 * i + j] - m),
            org.assertj.core.data.Offset.offset(1e-9));
      }
    }
  }

  @Test
  void quantileForecastsAreMonotoneAndCoverNearTheirLevel() throws Exception {
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    int n = 700;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = 0.5 * i + 10 * Math.sin(i / 20.0) + 3 * r.nextGaussian(); // noise sd 3 around a smooth path
    }
    SeriesTable t = SeriesTable.of("y", y);
    List<Float> levels = List.of(0.1f, 0.5f, 0.9f);
    Forecaster f = Forecaster.fit(settings(List.of(ForecastFrame.Kind.CHANGE), 1, null, levels), t, 500, 600, QUIET)
        .forecaster();
    int[] origins = new int[100];
    for (int i = 0; i < 100; i++) {
      origins[i] = 600 + i;
    }
    double[] q = f.forecastQuantiles(t, origins);
    double[] point = f.forecast(t, origins);
    int inside = 0;
    for (int i = 0; i < 100; i++) {
      assertThat(q[3 * i]).isLessThanOrEqualTo(q[3 * i + 1]);
      assertThat(q[3 * i + 1]).isLessThanOrEqualTo(q[3 * i + 2]);
      assertThat(point[i]).isEqualTo(q[3 * i + 1]);
      double actual = y[origins[i]];
      inside += actual >= q[3 * i] && actual <= q[3 * i + 2] ? 1 : 0;
    }
    // an 80% interval: a one-step change has sd 3*sqrt(2), so a far too wide or too narrow band fails
    assertThat(inside).isBetween(65, 93);
  }

  @Test
  void withoutAValidationPartTheFitTrainsOnEveryRowAndKeepsTheFirstFrame() throws Exception {
    SeriesTable t = trend(40);
    Forecaster.Fit fit = Forecaster.fit(settings(List.of(ForecastFrame.Kind.CHANGE, ForecastFrame.Kind.LEVEL), 1,
        null), t, 34, 34, QUIET);
    assertThat(fit.validationWindows()).isZero();
    assertThat(fit.chosen()).isFalse();
    assertThat(fit.candidates()).containsExactly(ForecastFrame.Kind.CHANGE);
    assertThat(fit.ensembleMae()).isNaN();
    double[] f = fit.forecaster().forecast(t, new int[] {34, 39});
    assertThat(Double.isFinite(f[0]) && Double.isFinite(f[1])).isTrue();
    // the trend continues: a forecast above the last value (the series rises about 2 per row)
    assertThat(f[1]).isGreaterThan(t.value("y", 38));
  }

  @Test
  void aResumeReusesAFinishedNetworkOnlyForTheSameSettingsAndData(@TempDir Path dir) throws Exception {
    Forecaster.Settings s = settings(List.of(ForecastFrame.Kind.CHANGE), 1, dir);
    SeriesTable t = trend(60);
    ForecastFrame frame = ForecastFrame.fit(ForecastFrame.Kind.CHANGE, t, List.of("y"), "y", 50);
    int[] origins = new int[44];
    for (int i = 0; i < origins.length; i++) {
      origins[i] = 6 + i;
    }
    org.rnn4j.data.Dataset data = Forecaster.dataset(List.of(frame), List.of(t), List.of(origins), s);
    int[] trainings = {0};
    Forecaster.Listener counting = (kind, member) -> {
      trainings[0]++;
      return new TrainingListener() {
      };
    };
    Forecaster.Trained first = Forecaster.train(s, ForecastFrame.Kind.CHANGE, data, null, 0, counting);
    Forecaster.Trained again = Forecaster.train(s, ForecastFrame.Kind.CHANGE, data, null, 0, counting);
    assertThat(trainings[0]).isEqualTo(1); // the second call loaded the finished network
    assertThat(again.model().parameterValues()).containsExactly(first.model().parameterValues());
    // other data (one window fewer): trained afresh, not the stale network
    int[] fewer = java.util.Arrays.copyOf(origins, 43);
    org.rnn4j.data.Dataset other = Forecaster.dataset(List.of(frame), List.of(t), List.of(fewer), s);
    Forecaster.train(s, ForecastFrame.Kind.CHANGE, other, null, 0, counting);
    assertThat(trainings[0]).isEqualTo(2);
  }
}
