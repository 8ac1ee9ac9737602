package org.rnn4j.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class FrequencyTest {

  private static LocalDate[] dates(int n, IntFunction<LocalDate> f) {
    LocalDate[] d = new LocalDate[n];
    for (int i = 0; i < n; i++) {
      d[i] = f.apply(i);
    }
    return d;
  }

  @Test
  void calendarFrequenciesGiveTheirSeasons() {
    LocalDate start = LocalDate.of(1959, 1, 1);
    Frequency quarterly = Frequency.infer(dates(203, i -> start.plusMonths(3L * i)));
    assertThat(quarterly.name()).isEqualTo("quarterly");
    assertThat(quarterly.period()).isEqualTo(4);
    assertThat(quarterly.isRegular()).isTrue(); // quarters of 90, 91 and 92 days are all one step
    assertThat(Frequency.infer(dates(120, i -> start.plusMonths(i))).period()).isEqualTo(12);
    assertThat(Frequency.infer(dates(30, i -> start.plusYears(i))).name()).isEqualTo("yearly");
    assertThat(Frequency.infer(dates(30, i -> start.plusYears(i))).period()).isEqualTo(1);
    assertThat(Frequency.infer(dates(100, i -> start.plusWeeks(i))).period()).isEqualTo(52);
    Frequency daily = Frequency.infer(dates(100, i -> start.plusDays(i)));
    assertThat(daily.name()).isEqualTo("daily");
    assertThat(daily.period()).isEqualTo(7);
  }

  @Test
  void monthEndsAreMonthlyAndContinueAsMonthEnds() {
    LocalDate jan = LocalDate.of(2020, 1, 31);
    Frequency f = Frequency.infer(dates(24, i -> jan.plusMonths(i).withDayOfMonth(jan.plusMonths(i).lengthOfMonth())));
    assertThat(f.name()).isEqualTo("monthly");
    assertThat(f.isRegular()).isTrue();
    assertThat(f.after(LocalDate.of(2021, 12, 31), 2)).isEqualTo(LocalDate.of(2022, 2, 28));
    Frequency q = Frequency.infer(dates(8, i -> LocalDate.of(2000, 1, 1).plusMonths(3L * i)));
    assertThat(q.after(LocalDate.of(2001, 10, 1), 1)).isEqualTo(LocalDate.of(2002, 1, 1));
  }

  @Test
  void aGapIsCountedNotTakenForTheFrequency() {
    LocalDate start = LocalDate.of(2012, 1, 1);
    LocalDate[] d = dates(60, i -> start.plusDays(i < 30 ? i : i + 3)); // 3 days missing after row 29
    Frequency f = Frequency.infer(d);
    assertThat(f.name()).isEqualTo("daily");
    assertThat(f.irregularSteps()).isEqualTo(1);
    assertThat(f.firstIrregular()).isEqualTo(29);
    assertThat(f.describe()).contains("1 irregular step");
  }

  @Test
  void subDailyLabelsAreRecognised() {
    String[] hourly = new String[48];
    String[] quarterHours = new String[48];
    for (int i = 0; i < 48; i++) {
      hourly[i] = LocalDate.of(2021, 3, 1).atStartOfDay().plusHours(i).toString();
      quarterHours[i] = LocalDate.of(2021, 3, 1).atStartOfDay().plusMinutes(15L * i).toString();
    }
    Frequency h = Frequency.inferFromLabels(hourly);
    assertThat(h.name()).isEqualTo("hourly");
    assertThat(h.period()).isEqualTo(24);
    assertThat(h.unit()).isEqualTo(ChronoUnit.MINUTES);
    assertThat(h.after(hourly[47], 1)).isEqualTo("2021-03-03T00:00");
    assertThat(Frequency.inferFromLabels(quarterHours).period()).isEqualTo(96);
    assertThat(Frequency.inferFromLabels(new String[] {"a", "b"}).name()).isEqualTo("rows");
  }
}
