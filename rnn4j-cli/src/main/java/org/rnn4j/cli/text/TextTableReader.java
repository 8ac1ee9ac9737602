package org.rnn4j.cli.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.data.DataFiles;

/**
 * Reads labelled texts from a table with a header row: a TSV file (tab-separated, no quoting: a field
 * is everything between two tabs, so texts may hold quotes) or a CSV file (RFC 4180: fields with a
 * comma, quote or line break are quoted). The format comes from the extension ({@code .tsv}, {@code
 * .tab}, {@code .csv}); for another extension, a header line with a tab means TSV. Rows with an empty
 * text or label are skipped and reported in {@link Result#notes()}; a missing column, a row with the
 * wrong number of fields, bytes that are not UTF-8 or a file without usable rows stop with a {@link
 * UserInputException} naming the file and line. Stateless and thread-safe.
 */
public final class TextTableReader {
  private static final String EMBEDDED_FOLDER = "/org/rnn4j/cli/datasets/";

  private TextTableReader() {
  }

  /**
   * What was read: one entry per usable row, in file order.
   *
   * @param texts  the text of each row
   * @param labels the label of each row
   * @param groups the group of each row (empty strings without a group column)
   * @param lines  the line of each row in the file
   * @param notes  lines for the user (skipped rows)
   *
   * <p>Immutable and thread-safe.
   */
  public record Result(List<String> texts, List<String> labels, List<String> groups, List<Integer> lines,
      List<String> notes) {
    /** Copies the lists. */
    public Result {
      texts = List.copyOf(texts);
      labels = List.copyOf(labels);
      groups = List.copyOf(groups);
      lines = List.copyOf(lines);
      notes = List.copyOf(notes);
    }
  }

  /**
   * Reads a file.
   *
   * @param groupColumn a column whose values keep rows together when splitting, or null
   */
  public static Result read(Path file, String textColumn, String labelColumn, String groupColumn) {
    byte[] bytes = DataFiles.readAll(file);
    String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
    String text = decode(bytes, file.toString());
    Boolean tsv = name.endsWith(".tsv") || name.endsWith(".tab") ? Boolean.TRUE
        : name.endsWith(".csv") ? Boolean.FALSE : null;
    return parse(text, file.toString(), tsv, textColumn, labelColumn, groupColumn);
  }

  /** Reads a TSV file shipped in the tool's datasets folder (its NOTICE is beside it). */
  public static Result readEmbedded(String resourceName, String textColumn, String labelColumn,
      String groupColumn) {
    String resource = EMBEDDED_FOLDER + resourceName;
    try (InputStream in = TextTableReader.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("TextTableReader: embedded dataset " + resource
            + " is missing from the class path (a packaging bug)");
      }
      String source = resourceName + " (embedded)";
      return parse(decode(in.readAllBytes(), source), source, Boolean.TRUE, textColumn, labelColumn,
          groupColumn);
    } catch (IOException e) {
      throw new UncheckedIOException("TextTableReader: cannot read embedded " + resource, e);
    }
  }

  /** Reads a text resource shipped in the tool's datasets folder, as UTF-8. */
  public static String embeddedText(String resourceName) {
    String resource = EMBEDDED_FOLDER + resourceName;
    try (InputStream in = TextTableReader.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("TextTableReader: embedded text " + resource
            + " is missing from the class path (a packaging bug)");
      }
      return decode(in.readAllBytes(), resourceName);
    } catch (IOException e) {
      throw new UncheckedIOException("TextTableReader: cannot read embedded " + resource, e);
    }
  }

  /**
   * Decodes strict UTF-8 (a leading byte order mark is dropped).
   *
   * @throws UserInputException naming the source and the byte offset of the first bad byte
   */
  public static String decode(byte[] bytes, String source) {
    try {
      String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
      return s.startsWith("\uFEFF") ? s.substring(1) : s;
    } catch (CharacterCodingException e) {
      throw new UserInputException(source + ": expected UTF-8 text, got bytes that are not UTF-8 (save the file"
          + " as UTF-8)", e);
    }
  }

  /**
   * Parses table text.
   *
   * @param tsv true for TSV, false for CSV, null to decide from the header line
   */
  public static Result parse(String text, String source, Boolean tsv, String textColumn, String labelColumn,
      String groupColumn) {
    if (text.isBlank()) {
      throw new UserInputException(source + ": the file is empty; expected a header line with the column names"
          + " (e.g. text<TAB>label) and one row per text");
    }
    int[] lineStarts = lineStarts(text);
    boolean isTsv = tsv != null ? tsv : firstLine(text).indexOf('\t') >= 0;
    CSVFormat format = isTsv
        ? CSVFormat.TDF.builder().setQuote(null).setIgnoreSurroundingSpaces(false).setTrim(false)
            .setIgnoreEmptyLines(true).get()
        : CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();
    List<String> header = null;
    int ti = -1;
    int li = -1;
    int gi = -1;
    List<String> texts = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    List<Integer> emptyText = new ArrayList<>();
    List<Integer> emptyLabel = new ArrayList<>();
    try (CSVParser parser = CSVParser.parse(text, format)) {
      for (CSVRecord record : parser) {
        int line = lineOf(text, lineStarts, record.getCharacterPosition());
        String[] cells = record.values();
        if (header == null) {
          header = Arrays.asList(cells);
          ti = column(header, textColumn, "--text-column", source, isTsv);
          li = column(header, labelColumn, "--label-column", source, isTsv);
          gi = groupColumn == null ? -1 : column(header, groupColumn, "--group-column", source, isTsv);
          continue;
        }
        if (cells.length != header.size()) {
          if (cells.length == 1 && cells[0].isBlank()) {
            continue;
          }
          throw new UserInputException(source + " line " + line + ": expected " + header.size() + " fields, as in"
              + " the header, got " + cells.length + (isTsv ? " (fields are separated by tabs)" : ""));
        }
        String t = cells[ti];
        String l = cells[li].trim();
        if (t.isBlank()) {
          emptyText.add(line);
          continue;
        }
        if (l.isEmpty()) {
          emptyLabel.add(line);
          continue;
        }
        texts.add(t);
        labels.add(l);
        groups.add(gi >= 0 ? cells[gi].trim() : "");
        lines.add(line);
      }
    } catch (IOException | UncheckedIOException e) {
      String m = e instanceof UncheckedIOException u ? u.getCause().getMessage() : e.getMessage();
      throw new UserInputException(source + ": expected valid " + (isTsv ? "TSV" : "CSV") + ", got a parse error: "
          + m, e);
    }
    List<String> notes = new ArrayList<>();
    if (!emptyText.isEmpty()) {
      notes.add("skipped " + emptyText.size() + " row" + (emptyText.size() == 1 ? "" : "s") + " with an empty text"
          + " (line" + (emptyText.size() == 1 ? " " : "s ") + firstLines(emptyText) + ")");
    }
    if (!emptyLabel.isEmpty()) {
      notes.add("skipped " + emptyLabel.size() + " row" + (emptyLabel.size() == 1 ? "" : "s") + " with an empty"
          + " label (line" + (emptyLabel.size() == 1 ? " " : "s ") + firstLines(emptyLabel) + ")");
    }
    if (texts.isEmpty()) {
      throw new UserInputException(source + ": expected rows with a text and a label after the header, got none"
          + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")"));
    }
    return new Result(texts, labels, groups, lines, notes);
  }

  private static int column(List<String> header, String name, String option, String source, boolean tsv) {
    int exact = header.indexOf(name);
    if (exact >= 0) {
      return exact;
    }
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).trim().equalsIgnoreCase(name)) {
        return i;
      }
    }
    String hint = !tsv && header.size() == 1 && header.get(0).indexOf('\t') >= 0
        ? " (the header has tabs: is it a TSV file? name it .tsv)"
        : tsv && header.size() == 1 && header.get(0).indexOf(',') >= 0
            ? " (the header has commas: is it a CSV file? name it .csv)" : "";
    throw new UserInputException(source + ": no column '" + name + "' in the header (line 1); the columns are "
        + header + ": choose one with " + option + hint);
  }

  private static String firstLines(List<Integer> lines) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines.size() && i < 5; i++) {
      sb.append(i > 0 ? ", " : "").append(lines.get(i));
    }
    return sb.append(lines.size() > 5 ? ", ..." : "").toString();
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }

  private static int[] lineStarts(String s) {
    List<Integer> starts = new ArrayList<>();
    starts.add(0);
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '\n') {
        starts.add(i + 1);
      }
    }
    int[] a = new int[starts.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = starts.get(i);
    }
    return a;
  }

  private static int lineOf(String text, int[] lineStarts, long position) {
    int p = (int) position;
    while (p < text.length() && (text.charAt(p) == '\n' || text.charAt(p) == '\r')) {
      p++;
    }
    int i = Arrays.binarySearch(lineStarts, p);
    return (i >= 0 ? i : -i - 2) + 1;
  }
}
