package org.rnn4j.forecast;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The spacing of a series' time stamps and the seasonal period that goes with it, as forecasters use
 * them (Hyndman and Athanasopoulos, <i>Forecasting: Principles and Practice</i>, 2.1; R's {@code ts}
 * frequency; pandas' offset aliases): hourly 24, daily 7, weekly 52, monthly 12, quarterly 4, yearly 1;
 * sub-hourly steps of {@code k} minutes have a daily season of {@code 1440 / k} steps.
 *
 * <p>{@link #infer(LocalDate[])} and {@link #inferFromLabels(String[])} take the most common step as
 * the series' frequency and count the steps that differ from it ({@link #irregularSteps()}), so one
 * gap does not change the frequency. Calendar steps are recognised as such: months of 28-31 days,
 * quarters of 90-92 days and years of 365-366 days are each one regular step. An immutable value;
 * thread-safe.
 *
 * @param name           {@code hourly}, {@code daily}, {@code weekly}, {@code monthly}, {@code
 *                       quarterly}, {@code yearly}, {@code every 15 minutes}, {@code every 3 days}...
 * @param period         rows per season (1 = no season)
 * @param unit           the step's unit: {@link ChronoUnit#MINUTES}, {@link ChronoUnit#DAYS} or
 *                       {@link ChronoUnit#MONTHS}
 * @param step           the step in {@code unit}s (quarterly = 3 months, yearly = 12 months)
 * @param irregularSteps steps between consecutive rows that are not one regular step (gaps)
 * @param firstIrregular index {@code r} of the first irregular step (from row {@code r} to {@code r +
 *                       1}), or -1
 */
public record Frequency(String name, int period, ChronoUnit unit, long step, int irregularSteps,
    int firstIrregular) {

  public Frequency {
    if (period < 1 || step < 1) {
      throw new IllegalArgumentException("Frequency: expected period >= 1 and step >= 1, got period " + period
          + ", step " + step);
    }
  }

  /** No time stamps: rows are steps, and there is no season. */
  public static Frequency none() {
    return new Frequency("rows", 1, ChronoUnit.DAYS, 1, 0, -1);
  }

  /** Whether the stamps had no irregular step. */
  public boolean isRegular() {
    return irregularSteps == 0;
  }

  /**
   * The frequency of a series of dates in increasing order.
   *
   * @throws IllegalArgumentException if there are fewer than two dates
   */
  public static Frequency infer(LocalDate[] dates) {
    if (dates == null || dates.length < 2) {
      throw new IllegalArgumentException("Frequency: expected at least 2 dates to infer a frequency, got "
          + (dates == null ? 0 : dates.length));
    }
    int n = dates.length;
    // steps in whole months when both days are the same day of month (or both month ends), else none
    long[] months = new long[n - 1];
    long[] days = new long[n - 1];
    for (int r = 1; r < n; r++) {
      days[r - 1] = ChronoUnit.DAYS.between(dates[r - 1], dates[r]);
      months[r - 1] = monthSteps(dates[r - 1], dates[r]);
    }
    long monthMode = mode(months, true);
    if (monthMode > 0 && count(months, monthMode) * 2 > months.length) {
      int irregular = months.length - count(months, monthMode);
      String name = monthMode == 1 ? "monthly" : monthMode == 3 ? "quarterly" : monthMode == 12 ? "yearly"
          : monthMode == 6 ? "half-yearly" : "every " + monthMode + " months";
      int period = monthMode == 1 ? 12 : monthMode == 3 ? 4 : monthMode == 6 ? 2 : 1;
      return new Frequency(name, period, ChronoUnit.MONTHS, monthMode, irregular, firstOther(months, monthMode));
    }
    long dayMode = mode(days, false);
    int irregular = days.length - count(days, dayMode);
    String name = dayMode == 1 ? "daily" : dayMode == 7 ? "weekly" : "every " + dayMode + " days";
    int period = dayMode == 1 ? 7 : dayMode == 7 ? 52 : 1;
    return new Frequency(name, period, ChronoUnit.DAYS, dayMode, irregular, firstOther(days, dayMode));
  }

  /**
   * The frequency of time-stamp labels: ISO dates ({@code 2012-01-31}), local date-times ({@code
   * 2012-01-31T13:00}) or offset date-times; {@link #none()} if they are neither.
   */
  public static Frequency inferFromLabels(String[] labels) {
    if (labels == null || labels.length < 2) {
      return none();
    }
    LocalDate[] dates = new LocalDate[labels.length];
    LocalDateTime[] times = new LocalDateTime[labels.length];
    boolean allDates = true;
    for (int i = 0; i < labels.length; i++) {
      String s = labels[i].trim();
      try {
        dates[i] = LocalDate.parse(s);
        times[i] = dates[i].atStartOfDay();
        continue;
      } catch (DateTimeParseException e) {
        allDates = false;
      }
      try {
        times[i] = LocalDateTime.parse(s);
      } catch (DateTimeParseException e) {
        try {
          times[i] = OffsetDateTime.parse(s).toLocalDateTime();
        } catch (DateTimeParseException e2) {
          return none();
        }
      }
    }
    return allDates ? infer(dates) : infer(times);
  }

  /** The frequency of date-times in increasing order (sub-daily steps are recognised). */
  public static Frequency infer(LocalDateTime[] times) {
    if (times == null || times.length < 2) {
      throw new IllegalArgumentException("Frequency: expected at least 2 time stamps to infer a frequency, got "
          + (times == null ? 0 : times.length));
    }
    long[] minutes = new long[times.length - 1];
    for (int r = 1; r < times.length; r++) {
      minutes[r - 1] = Duration.between(times[r - 1], times[r]).toMinutes();
    }
    long mode = mode(minutes, false);
    if (mode > 0 && mode % 1440 == 0) {
      LocalDate[] dates = new LocalDate[times.length];
      for (int i = 0; i < times.length; i++) {
        dates[i] = times[i].toLocalDate();
      }
      return infer(dates);
    }
    int irregular = minutes.length - count(minutes, mode);
    String name = mode == 60 ? "hourly" : mode % 60 == 0 ? "every " + mode / 60 + " hours"
        : "every " + mode + " minutes";
    int period = mode > 0 && 1440 % mode == 0 ? (int) (1440 / mode) : 1;
    return new Frequency(name, period, ChronoUnit.MINUTES, Math.max(1, mode), irregular, firstOther(minutes, mode));
  }

  /** The time stamp {@code k} steps after {@code last} (k >= 1), as an ISO text like the input's. */
  public String after(String last, int k) {
    String s = last.trim();
    try {
      LocalDate d = LocalDate.parse(s);
      if (unit == ChronoUnit.MINUTES) {
        return d.atStartOfDay().plusMinutes(step * k).toString();
      }
      return after(d, k).toString();
    } catch (DateTimeParseException e) {
      // not a plain date: a date-time
    }
    try {
      LocalDateTime t = LocalDateTime.parse(s);
      return (unit == ChronoUnit.MINUTES ? t.plusMinutes(step * k)
          : unit == ChronoUnit.MONTHS ? t.plusMonths(step * k) : t.plusDays(step * k)).toString();
    } catch (DateTimeParseException e) {
      OffsetDateTime t = OffsetDateTime.parse(s);
      return (unit == ChronoUnit.MINUTES ? t.plusMinutes(step * k)
          : unit == ChronoUnit.MONTHS ? t.plusMonths(step * k) : t.plusDays(step * k)).toString();
    }
  }

  /** The date {@code k} steps after {@code last}; month ends stay month ends. */
  public LocalDate after(LocalDate last, int k) {
    switch (unit) {
      case MONTHS: {
        LocalDate d = last.plusMonths(step * k);
        return last.getDayOfMonth() == last.lengthOfMonth() ? d.withDayOfMonth(d.lengthOfMonth()) : d;
      }
      case MINUTES:
        return last.atStartOfDay().plusMinutes(step * k).toLocalDate();
      default:
        return last.plusDays(step * k);
    }
  }

  /** A short description, e.g. {@code quarterly (season 4)} or {@code daily (season 7), 3 gaps}. */
  public String describe() {
    String s = String.format(Locale.ROOT, "%s (season %d)", name, period);
    return irregularSteps == 0 ? s : s + ", " + irregularSteps + " irregular step" + (irregularSteps > 1 ? "s" : "");
  }

  /** Whole months from a to b when both fall on the same day of month or both on month ends, else 0. */
  private static long monthSteps(LocalDate a, LocalDate b) {
    boolean sameDay = a.getDayOfMonth() == b.getDayOfMonth();
    boolean bothEnds = a.getDayOfMonth() == a.lengthOfMonth() && b.getDayOfMonth() == b.lengthOfMonth();
    if (!sameDay && !bothEnds) {
      return 0;
    }
    return ChronoUnit.MONTHS.between(a.withDayOfMonth(1), b.withDayOfMonth(1));
  }

  /** The most common value (the smaller on a tie); with {@code positiveOnly}, values <= 0 do not count. */
  private static long mode(long[] v, boolean positiveOnly) {
    Map<Long, Integer> counts = new HashMap<>();
    for (long x : v) {
      if (!positiveOnly || x > 0) {
        counts.merge(x, 1, Integer::sum);
      }
    }
    long best = 0;
    int bestCount = 0;
    for (Map.Entry<Long, Integer> e : counts.entrySet()) {
      if (e.getValue() > bestCount || (e.getValue() == bestCount && e.getKey() < best)) {
        best = e.getKey();
        bestCount = e.getValue();
      }
    }
    return best;
  }

  private static int count(long[] v, long x) {
    int c = 0;
    for (long y : v) {
      c += y == x ? 1 : 0;
    }
    return c;
  }

  private static int firstOther(long[] v, long x) {
    for (int i = 0; i < v.length; i++) {
      if (v[i] != x) {
        return i;
      }
    }
    return -1;
  }
}
