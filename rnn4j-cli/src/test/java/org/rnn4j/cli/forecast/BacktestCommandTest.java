package org.rnn4j.cli.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rnn4j.cli.forecast.ForecastCommandsTest.rnn4j;
import static org.rnn4j.cli.forecast.ForecastCommandsTest.series;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rnn4j backtest} run in-process: the folds, the refit policy, the CSV against the data. */
class BacktestCommandTest {

  @Test
  void foldsEndAtTheDataAndTheCsvHoldsEveryForecastBesideTheBaselines(@TempDir Path dir) throws Exception {
    Path csv = series(dir, 160); // 2020-01-01 .. 2020-06-08
    Path out = dir.resolve("bt");
    ForecastCommandsTest.Run r = rnn4j("backtest", "--data", csv.toString(), "--target", "temp", "--features",
        "temp", "--date-column", "day", "--horizon", "4", "--folds", "3", "--stride", "5", "--refit-every", "0",
        "--epochs", "3", "--hidden", "4", "--ensemble", "1", "--no-intervals", "--out", out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    // origins (first forecast rows) 146, 151, 156: the last fold's 4 steps end at the last row
    assertThat(r.out()).contains("3 folds, origins 2020-05-26 .. 2020-06-05, 5 rows apart, horizon 4, fitted once");
    assertThat(r.out().split("fitting on the", -1)).hasSize(2); // fitted once
    List<String> lines = Files.readAllLines(out.resolve("forecasts.csv"));
    assertThat(lines).hasSize(1 + 3 * 4);
    assertThat(lines.get(0)).isEqualTo("fold,origin,step,date,temp_forecast,temp_actual,last_value,seasonal_naive,"
        + "drift,training_mean");
    List<String> data = Files.readAllLines(csv);
    String[] last = lines.get(12).split(",");
    assertThat(last[0]).isEqualTo("3");
    assertThat(last[3]).isEqualTo("2020-06-08");
    // actual = the file's last row; last value = the row before fold 3's origin (data row 155)
    assertThat(Double.parseDouble(last[5])).isEqualTo(Double.parseDouble(data.get(160).split(",")[2]));
    assertThat(Double.parseDouble(last[6])).isEqualTo(Double.parseDouble(data.get(156).split(",")[2]));
    // seasonal naive (daily: 7) for step 4 of origin 156 is row 156 + 3 - 7 = 152
    assertThat(Double.parseDouble(last[7])).isEqualTo(Double.parseDouble(data.get(153).split(",")[2]));
    for (String f : new String[] {"backtest.png", "report.json"}) {
      assertThat(out.resolve(f)).exists();
    }
    assertThat(out.resolve("work")).doesNotExist();
  }

  @Test
  void refitEveryFoldAndTooManyFoldsIsOneLine(@TempDir Path dir) throws Exception {
    Path csv = series(dir, 120);
    ForecastCommandsTest.Run r = rnn4j("backtest", "--data", csv.toString(), "--target", "temp", "--features",
        "temp", "--date-column", "day", "--folds", "2", "--epochs", "2", "--hidden", "4", "--ensemble", "1",
        "--out", dir.resolve("a").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().split("fitting on the", -1)).hasSize(3);
    ForecastCommandsTest.Run bad = rnn4j("backtest", "--data", csv.toString(), "--target", "temp",
        "--date-column", "day", "--folds", "40", "--stride", "3", "--out", dir.resolve("b").toString());
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err().strip().lines().count()).isEqualTo(1);
    assertThat(bad.err()).contains("too few rows").contains("--folds");
    ForecastCommandsTest.Run zero = rnn4j("backtest", "--data", csv.toString(), "--target", "temp",
        "--folds", "0", "--out", dir.resolve("c").toString());
    assertThat(zero.exit()).isEqualTo(2);
    assertThat(zero.err()).contains("--folds");
  }
}
