package org.rnn4j.cli.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.data.SeriesTable;
import org.rnn4j.forecast.Frequency;

/**
 * Reads a time series from a comma-separated file (UTF-8, RFC 4180 quoting, a header row with the
 * column names) into a {@link SeriesTable}.
 *
 * <ul>
 *   <li>Rows are taken in file order as consecutive time steps.
 *   <li>The date column is the one named by the caller or, if none is named, the first column called
 *       {@code date}, {@code ds}, {@code timestamp}, {@code month}, {@code week}, {@code quarter} or
 *       {@code period} (any case). A named date column must hold ISO dates ({@code 2012-01-31}),
 *       months ({@code 1949-01}) or quarters ({@code 1959Q1}), kept as dates (of the first day), or
 *       ISO date-times ({@code 2012-01-31T13:00}, kept as labels); a detected one that does not is kept as raw labels, with a note. ISO dates must
 *       increase from row to row; gaps in their spacing are reported in a note.
 *   <li>Numeric cells are trimmed and parsed as decimal numbers ({@code -1.5}, {@code 2e3}); an empty
 *       cell, {@code NA}, {@code N/A}, {@code NaN} or {@code null} (any case) is missing ({@code NaN}).
 *   <li>The columns read are the requested ones (in the requested order), or, when none are
 *       requested, every column whose first present value is a number (in file order). Other columns
 *       are ignored and listed in a note. In a column that is read, a cell that is not a number is an
 *       error: {@code FILE line L, column 'C': expected a number, got 'xyz'}, with line numbers as an
 *       editor shows them (the header is line 1).
 * </ul>
 *
 * <p>Every problem with the file is a {@link UserInputException} with one clear message. Stateless;
 * thread-safe.
 */
public final class CsvSeriesReader {
  /** Names of the datasets shipped inside the tool, for {@link #readEmbedded(String)}. */
  public static final List<String> EMBEDDED = List.of("seattle_weather");

  private static final String EMBEDDED_FOLDER = "/org/rnn4j/cli/datasets/";
  private static final List<String> DATE_NAMES = List.of("date", "ds", "timestamp", "month", "week", "quarter",
      "period");

  /**
   * The date column a header names without {@code --date-column}: the first column whose name,
   * ignoring case, is date, ds, timestamp, month, week, quarter or period; or null. The one rule,
   * for the local reader and the Spark jobs alike.
   */
  public static String dateColumnOf(List<String> header) {
    for (String name : header) {
      if (DATE_NAMES.contains(name.toLowerCase(Locale.ROOT))) {
        return name;
      }
    }
    return null;
  }

  /** The names {@link #dateColumnOf} looks for, for messages: "date, ds, ... or period". */
  public static String dateColumnNames() {
    return String.join(", ", DATE_NAMES.subList(0, DATE_NAMES.size() - 1)) + " or "
        + DATE_NAMES.get(DATE_NAMES.size() - 1);
  }
  private static final java.util.regex.Pattern QUARTER = java.util.regex.Pattern.compile("(\\d{4})-?Q([1-4])");
  private static final Set<String> MISSING = Set.of("", "na", "n/a", "nan", "null");
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  private CsvSeriesReader() {
  }

  /**
   * What was read.
   *
   * @param table          the numeric columns, with the date column if there is one
   * @param ignoredColumns the file's columns that were not read (not requested, not numeric, empty or
   *     unnamed), in file order
   * @param notes          lines to show the user: the date range and spacing, ignored columns
   */
  public record Result(SeriesTable table, List<String> ignoredColumns, List<String> notes) {
    /** Copies the lists. */
    public Result {
      ignoredColumns = List.copyOf(ignoredColumns);
      notes = List.copyOf(notes);
    }
  }

  /**
   * Reads a CSV file.
   *
   * @param file       the file; messages name it as given
   * @param columns    the numeric columns to read, in order (repeats are read once); null or empty for
   *     every numeric column
   * @param dateColumn the date column, or null to look for one named date, ds, timestamp, month, week, quarter or period
   * @throws UserInputException for a missing or unreadable file and every problem in its content
   */
  public static Result read(Path file, List<String> columns, String dateColumn) {
    return parse(readText(file), file.toString(), columns, dateColumn);
  }

  /** The file's text (UTF-8), or one line saying why it cannot be read. */
  private static String readText(Path file) {
    return decode(DataFiles.readAll(file), file.toString());
  }

  /**
   * Reads a long-format CSV file (one row per series and time step, as neuralforecast's {@code
   * unique_id, ds, y}): the rows of each value of {@code idColumn}, in file order, become one series,
   * read as {@link #read} reads a file. Series come in the order of their first row.
   *
   * @throws UserInputException for a missing file or id column, an empty id, and every problem in a
   *     series (named by its id; line numbers then count within that series, its header being line 1)
   */
  public static java.util.LinkedHashMap<String, Result> readLong(Path file, String idColumn, List<String> columns,
      String dateColumn) {
    return parseLong(readText(file), file.toString(), idColumn, columns, dateColumn);
  }

  /** {@link #readLong} of CSV text; {@code source} names it in messages. */
  public static java.util.LinkedHashMap<String, Result> parseLong(String text, String source, String idColumn,
      List<String> columns, String dateColumn) {
    java.util.LinkedHashMap<String, StringBuilder> texts = new java.util.LinkedHashMap<>();
    List<String> header;
    int idAt;
    try (CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
        .build().parse(new java.io.StringReader(text))) {
      header = parser.getHeaderNames();
      idAt = header.indexOf(idColumn);
      if (idAt < 0) {
        throw new UserInputException(source + ": no id column '" + idColumn + "' in the header (line 1); the columns"
            + " are " + header);
      }
      List<String> rest = new ArrayList<>(header);
      rest.remove(idAt);
      String head = String.join(",", rest) + "\n";
      for (CSVRecord r : parser) {
        if (r.size() <= idAt || r.get(idAt).isEmpty()) {
          throw new UserInputException(source + " line " + lineOf(text, r.getCharacterPosition()) + ", column '"
              + idColumn + "': expected a series id, got an empty cell");
        }
        StringBuilder b = texts.computeIfAbsent(r.get(idAt), k -> new StringBuilder(head));
        List<String> cells = new ArrayList<>();
        for (int c = 0; c < r.size(); c++) {
          if (c != idAt) {
            String v = r.get(c);
            cells.add(v.contains(",") || v.contains("\"") ? "\"" + v.replace("\"", "\"\"") + "\"" : v);
          }
        }
        b.append(String.join(",", cells)).append('\n');
      }
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      throw new UserInputException(source + ": not a readable CSV file: " + e.getMessage(), e);
    }
    if (texts.isEmpty()) {
      throw new UserInputException(source + ": expected rows of series under the header, got none");
    }
    java.util.LinkedHashMap<String, Result> out = new java.util.LinkedHashMap<>();
    for (var e : texts.entrySet()) {
      out.put(e.getKey(), parse(e.getValue().toString(), source + " (series '" + e.getKey() + "')", columns,
          dateColumn));
    }
    return out;
  }

  private static int lineOf(String text, long position) {
    int line = 1;
    for (int i = 0; i < position && i < text.length(); i++) {
      line += text.charAt(i) == '\n' ? 1 : 0;
    }
    return line;
  }

  /** Reads an embedded dataset (see {@link #EMBEDDED}) with every numeric column and its date column. */
  public static Result readEmbedded(String name) {
    return readEmbedded(name, null, null);
  }

  /**
   * Reads a dataset shipped inside the tool, by name ({@code seattle_weather}, with or without {@code
   * .csv}); its licence and provenance are in a {@code NAME.NOTICE.md} beside it.
   *
   * @throws UserInputException for an unknown name, or a requested column it does not have
   */
  public static Result readEmbedded(String name, List<String> columns, String dateColumn) {
    String base = name != null && name.endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
    if (!EMBEDDED.contains(base)) {
      throw new UserInputException("unknown embedded dataset '" + name + "'; expected one of " + EMBEDDED);
    }
    String resource = EMBEDDED_FOLDER + base + ".csv";
    try (InputStream in = CsvSeriesReader.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("CsvSeriesReader: embedded dataset " + resource
            + " is missing from the class path (a packaging bug)");
      }
      String source = base + ".csv (embedded)";
      return parse(decode(in.readAllBytes(), source), source, columns, dateColumn);
    } catch (IOException e) {
      throw new UncheckedIOException("CsvSeriesReader: cannot read embedded " + resource, e);
    }
  }

  /**
   * Reads CSV text; {@code source} names it in messages (a file name).
   *
   * @throws UserInputException for every problem in the content
   */
  public static Result parse(String text, String source, List<String> columns, String dateColumn) {
    return new Parse(text, source).run(columns, dateColumn);
  }

  private static String decode(byte[] bytes, String source) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new UserInputException(source + ": expected UTF-8 text, got bytes that are not (a spreadsheet file?"
          + " save it as CSV UTF-8)", e);
    }
  }

  /** One parse of one text; not shared. */
  private static final class Parse {
    private final String text;
    private final String source;
    private final int[] lineStarts; // offsets at which each line begins
    private final List<String> notes = new ArrayList<>();
    private final List<String> ignored = new ArrayList<>();
    private List<String> header;
    private int headerLine = 1;
    private final List<String[]> rows = new ArrayList<>();
    private final List<Integer> lines = new ArrayList<>(); // editor line of each row

    Parse(String text, String source) {
      this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
      this.source = source;
      this.lineStarts = lineStarts(this.text);
    }

    Result run(List<String> requested, String dateColumn) {
      readRecords();
      Map<String, Integer> index = new HashMap<>();
      for (int c = 0; c < header.size(); c++) {
        index.put(header.get(c), c);
      }
      int dateIndex = dateIndex(dateColumn, index);
      boolean explicitDate = dateColumn != null;
      List<String> wanted = requested == null ? List.of() : new ArrayList<>(new LinkedHashSet<>(requested));
      for (String w : wanted) {
        if (w != null && w.equals(dateIndex >= 0 ? header.get(dateIndex) : null)) {
          throw new UserInputException(source + ": column '" + w + "' is the date column; expected numeric"
              + " columns to read, e.g. " + numericLooking(dateIndex));
        }
      }
      List<String> absent = new ArrayList<>();
      for (String w : wanted) {
        if (w == null || w.isBlank() || !index.containsKey(w)) {
          absent.add("'" + w + "'");
        }
      }
      if (!absent.isEmpty()) {
        throw new UserInputException(source + ": no column " + String.join(", ", absent) + " in the header (line "
            + headerLine + "); the columns are " + header + delimiterHint());
      }
      Map<String, double[]> values = new LinkedHashMap<>();
      List<String> textColumns = new ArrayList<>();
      List<String> emptyColumns = new ArrayList<>();
      List<String> unrequested = new ArrayList<>();
      List<String> unnamed = new ArrayList<>();
      if (!wanted.isEmpty()) {
        for (String w : wanted) {
          values.put(w, numbers(index.get(w)));
        }
        for (int c = 0; c < header.size(); c++) {
          if (c != dateIndex && !values.containsKey(header.get(c))) {
            (header.get(c).isEmpty() ? unnamed : unrequested).add(label(c));
            ignored.add(header.get(c));
          }
        }
      } else {
        for (int c = 0; c < header.size(); c++) {
          if (c == dateIndex) {
            continue;
          }
          if (header.get(c).isEmpty()) {
            unnamed.add(label(c));
            ignored.add(header.get(c));
            continue;
          }
          int first = firstPresent(c);
          if (first < 0) {
            emptyColumns.add(header.get(c));
            ignored.add(header.get(c));
          } else if (!isNumber(rows.get(first)[c].trim())) {
            textColumns.add(header.get(c) + " (line " + lines.get(first) + ": '" + rows.get(first)[c].trim()
                + "')");
            ignored.add(header.get(c));
          } else {
            values.put(header.get(c), numbers(c));
          }
        }
        if (values.isEmpty()) {
          throw new UserInputException(source + ": expected at least one numeric column, got none; the columns are "
              + header + (textColumns.isEmpty() ? "" : ", not numeric: " + String.join(", ", textColumns))
              + delimiterHint());
        }
      }
      if (!textColumns.isEmpty()) {
        notes.add("ignored non-numeric column" + (textColumns.size() > 1 ? "s: " : ": ")
            + String.join(", ", textColumns));
      }
      if (!emptyColumns.isEmpty()) {
        notes.add("ignored empty column" + (emptyColumns.size() > 1 ? "s: " : ": ") + String.join(", ", emptyColumns));
      }
      if (!unrequested.isEmpty()) {
        notes.add("ignored column" + (unrequested.size() > 1 ? "s" : "") + " not requested: "
            + String.join(", ", unrequested));
      }
      if (!unnamed.isEmpty()) {
        notes.add("ignored column" + (unnamed.size() > 1 ? "s" : "") + " without a name in the header: "
            + String.join(", ", unnamed));
      }
      SeriesTable table = SeriesTable.of(values);
      if (dateIndex < 0) {
        notes.add("no date column (none named date, ds, timestamp, month, week, quarter or period): rows are taken in file order as"
            + " consecutive steps");
      } else {
        table = withDates(table, dateIndex, explicitDate);
      }
      return new Result(table, ignored, notes);
    }

    private String label(int c) {
      return header.get(c).isEmpty() ? "column " + (c + 1) : header.get(c);
    }

    private String numericLooking(int dateIndex) {
      List<String> others = new ArrayList<>();
      for (int c = 0; c < header.size() && others.size() < 3; c++) {
        if (c != dateIndex) {
          others.add(header.get(c));
        }
      }
      return others.toString();
    }

    private String delimiterHint() {
      if (header.size() == 1 && (header.get(0).contains(";") || header.get(0).contains("\t"))) {
        return " (one column only: is the file separated by '" + (header.get(0).contains(";") ? ";" : "\\t")
            + "'? expected commas)";
      }
      return "";
    }

    private void readRecords() {
      if (text.isBlank()) {
        throw new UserInputException(source + ": the file is empty; expected a header line with the column names"
            + " (e.g. date,temp_max) and rows of values");
      }
      CSVFormat format = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();
      try (CSVParser parser = CSVParser.parse(text, format)) {
        for (CSVRecord record : parser) {
          int line = lineOf(record.getCharacterPosition());
          String[] cells = record.values();
          if (header == null) {
            header = headerOf(cells, line);
            continue;
          }
          if (cells.length != header.size()) {
            if (cells.length == 1 && cells[0].isBlank()) {
              continue; // a line of blanks
            }
            throw new UserInputException(source + " line " + line + ": expected " + header.size() + " fields, as"
                + " in the header (line " + headerLine + "), got " + cells.length);
          }
          rows.add(cells);
          lines.add(line);
        }
      } catch (IOException | UncheckedIOException e) {
        String m = e instanceof UncheckedIOException u ? u.getCause().getMessage() : e.getMessage();
        throw new UserInputException(source + ": expected valid CSV, got a parse error: " + m, e);
      }
      if (rows.isEmpty()) {
        throw new UserInputException(source + ": expected at least one row of values after the header (line "
            + headerLine + "), got none");
      }
    }

    private List<String> headerOf(String[] cells, int line) {
      headerLine = line;
      List<String> names = new ArrayList<>();
      Map<String, Integer> seen = new HashMap<>();
      for (int c = 0; c < cells.length; c++) {
        String name = cells[c].trim();
        Integer before = seen.put(name, c);
        if (before != null && !name.isEmpty()) {
          throw new UserInputException(source + " line " + line + ": expected unique column names, got '" + name
              + "' twice (columns " + (before + 1) + " and " + (c + 1) + ")");
        }
        names.add(name);
      }
      return names;
    }

    private int dateIndex(String dateColumn, Map<String, Integer> index) {
      if (dateColumn != null) {
        Integer i = index.get(dateColumn);
        if (i == null || dateColumn.isEmpty()) {
          throw new UserInputException(source + ": no date column '" + dateColumn + "' in the header (line "
              + headerLine + "); the columns are " + header + delimiterHint());
        }
        return i;
      }
      String found = dateColumnOf(header);
      return found == null ? -1 : header.indexOf(found);
    }

    private int firstPresent(int c) {
      for (int r = 0; r < rows.size(); r++) {
        if (!isMissing(rows.get(r)[c].trim())) {
          return r;
        }
      }
      return -1;
    }

    private double[] numbers(int c) {
      double[] v = new double[rows.size()];
      for (int r = 0; r < v.length; r++) {
        String cell = rows.get(r)[c].trim();
        if (isMissing(cell)) {
          v[r] = Double.NaN;
          continue;
        }
        if (!isNumber(cell)) {
          throw cellError(r, c, "expected a number, got '" + cell + "'");
        }
        v[r] = Double.parseDouble(cell);
        if (Double.isInfinite(v[r])) {
          throw cellError(r, c, "expected a finite number, got '" + cell + "'");
        }
      }
      return v;
    }

    private UserInputException cellError(int row, int c, String what) {
      return new UserInputException(source + " line " + lines.get(row) + ", column '" + header.get(c) + "': " + what);
    }

    private SeriesTable withDates(SeriesTable table, int c, boolean explicit) {
      String name = header.get(c);
      int n = rows.size();
      String[] cells = new String[n];
      for (int r = 0; r < n; r++) {
        cells[r] = rows.get(r)[c].trim();
      }
      LocalDate[] dates = new LocalDate[n];
      int bad = -1;
      for (int r = 0; r < n && bad < 0; r++) {
        dates[r] = calendarDate(cells[r]);
        if (dates[r] == null) {
          bad = r;
        }
      }
      if (bad < 0) {
        checkOrder(dates, c);
        notes.add(describe(name, dates));
        return table.withDates(name, dates);
      }
      if (bad == 0 && allDateTimes(cells)) {
        notes.add("date column '" + name + "': " + cells[0] + " .. " + cells[n - 1] + " (date-times, kept as labels)");
        return table.withDateLabels(name, cells);
      }
      if (explicit) {
        throw cellError(bad, c, cells[bad].isEmpty() ? "expected a date, got an empty cell"
            : "expected an ISO date like 2012-01-31 (or a month like 2012-01, a quarter like 2012Q1, a date-time like"
            + " 2012-01-31T13:00), got '" + cells[bad] + "'");
      }
      notes.add("date column '" + name + "' kept as raw labels: line " + lines.get(bad) + " has '" + cells[bad]
          + "', not an ISO date like 2012-01-31 (name it with --date-column to make this an error)");
      return table.withDateLabels(name, cells);
    }

    /**
     * An ISO date ({@code 2012-01-31}), a month ({@code 1949-01}, dated by its first day) or a quarter
     * ({@code 1959Q1}, {@code 1959-Q1}, dated by its first day); null for anything else.
     */
    static LocalDate calendarDate(String s) {
      try {
        return LocalDate.parse(s);
      } catch (DateTimeParseException e) {
        // not a full date
      }
      try {
        return java.time.YearMonth.parse(s).atDay(1);
      } catch (DateTimeParseException e) {
        // not a month
      }
      java.util.regex.Matcher q = QUARTER.matcher(s);
      if (q.matches()) {
        return LocalDate.of(Integer.parseInt(q.group(1)), 3 * Integer.parseInt(q.group(2)) - 2, 1);
      }
      return null;
    }

    private static boolean allDateTimes(String[] cells) {
      for (String s : cells) {
        try {
          LocalDateTime.parse(s);
        } catch (DateTimeParseException e) {
          try {
            OffsetDateTime.parse(s);
          } catch (DateTimeParseException e2) {
            return false;
          }
        }
      }
      return true;
    }

    private void checkOrder(LocalDate[] dates, int c) {
      for (int r = 1; r < dates.length; r++) {
        if (!dates[r].isAfter(dates[r - 1])) {
          throw cellError(r, c, "expected dates in increasing order, got " + dates[r]
              + (dates[r].equals(dates[r - 1]) ? " again" : " after " + dates[r - 1]) + " (line " + lines.get(r - 1)
              + "); sort the file by date and remove repeated dates");
        }
      }
    }

    /** The range and spacing of the dates (the frequency and its season), with the irregular steps if any. */
    private String describe(String name, LocalDate[] d) {
      int n = d.length;
      String head = "date column '" + name + "': " + d[0] + " .. " + d[n - 1] + " (" + n + " rows";
      if (n < 2) {
        return head + ")";
      }
      Frequency f = Frequency.infer(d);
      String every = f.name() + ", season " + f.period();
      if (f.isRegular()) {
        return head + ", " + every + ", no gaps)";
      }
      int first = f.firstIrregular();
      return head + ", mostly " + every + "; " + f.irregularSteps() + " irregular step"
          + (f.irregularSteps() > 1 ? "s" : "") + ", the first " + ChronoUnit.DAYS.between(d[first], d[first + 1])
          + " days from " + d[first] + " to " + d[first + 1] + " (line " + lines.get(first + 1)
          + "); rows are used as consecutive steps)";
    }

    private int lineOf(long position) {
      int p = (int) position;
      // a record's position may point at the empty lines skipped before it
      while (p < text.length() && (text.charAt(p) == '\n' || text.charAt(p) == '\r')) {
        p++;
      }
      int i = Arrays.binarySearch(lineStarts, p);
      return (i >= 0 ? i : -i - 2) + 1;
    }

    private static int[] lineStarts(String s) {
      List<Integer> starts = new ArrayList<>();
      starts.add(0);
      for (int i = 0; i < s.length(); i++) {
        char ch = s.charAt(i);
        if (ch == '\n' || (ch == '\r' && (i + 1 == s.length() || s.charAt(i + 1) != '\n'))) {
          starts.add(i + 1);
        }
      }
      return starts.stream().mapToInt(Integer::intValue).toArray();
    }
  }

  private static boolean isMissing(String cell) {
    return MISSING.contains(cell.toLowerCase(Locale.ROOT));
  }

  private static boolean isNumber(String cell) {
    return NUMBER.matcher(cell).matches();
  }
}
