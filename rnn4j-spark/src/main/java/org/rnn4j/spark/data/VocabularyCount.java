package org.rnn4j.spark.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StringType;
import scala.Tuple2;

/**
 * The vocabulary of a text corpus counted on the cluster: characters (Unicode code points) or words
 * (runs of non-whitespace, optionally lower-cased), counted with {@code reduceByKey}; the top N by
 * count (ties by token, so the result does not depend on the partitioning) come back to the driver.
 * Each element of the RDD is one line; line breaks are not part of it and are not counted.
 *
 * <pre>{@code
 * VocabularyCount.Result v = VocabularyCount.chars().top(lines, 0);   // every character
 * Map<String, Integer> ids = v.index();                               // most frequent first
 * }</pre>
 *
 * <p>Immutable settings and serializable; thread-safe.
 */
public final class VocabularyCount implements Serializable {
  private static final long serialVersionUID = 1L;

  private final boolean words;
  private final boolean lowercase;

  private VocabularyCount(boolean words, boolean lowercase) {
    this.words = words;
    this.lowercase = lowercase;
  }

  /** Characters (code points), case kept. */
  public static VocabularyCount chars() {
    return new VocabularyCount(false, false);
  }

  /** Whitespace-separated words, case kept. */
  public static VocabularyCount words() {
    return new VocabularyCount(true, false);
  }

  /** The same, lower-casing the text first (Locale.ROOT). */
  public VocabularyCount lowercase() {
    return new VocabularyCount(words, true);
  }

  /** One token and how often it occurs. Immutable; thread-safe. */
  public record Entry(String token, long count) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * The counted vocabulary, most frequent first. Immutable; thread-safe.
   *
   * @param entries     the kept tokens with their counts
   * @param distinct    distinct tokens in the corpus (kept or not)
   * @param total       token occurrences in the corpus
   * @param keptTotal   occurrences of the kept tokens (so {@code 1 - keptTotal / total} is the share an
   *                    unknown-token id would cover)
   */
  public record Result(List<Entry> entries, long distinct, long total, long keptTotal) {
    public Result {
      entries = List.copyOf(entries);
    }

    /** Token -> id, 0 for the most frequent, in the order of {@link #entries()}. */
    public Map<String, Integer> index() {
      Map<String, Integer> m = new LinkedHashMap<>();
      for (Entry e : entries) {
        m.put(e.token(), m.size());
      }
      return m;
    }
  }

  /**
   * Counts the tokens of the lines and keeps the {@code topN} most frequent (0 = all).
   *
   * @throws IllegalArgumentException if topN is negative
   */
  public Result top(JavaRDD<String> lines, int topN) {
    if (lines == null) {
      throw new IllegalArgumentException("vocabulary: expected an RDD of text, got null");
    }
    if (topN < 0) {
      throw new IllegalArgumentException("vocabulary: expected topN >= 0 (0 = all), got " + topN);
    }
    VocabularyCount self = this;
    org.apache.spark.api.java.JavaPairRDD<String, Long> counts = lines
        .flatMap(line -> self.tokens(line).iterator())
        .mapToPair(t -> new Tuple2<>(t, 1L))
        .reduceByKey(Long::sum)
        .cache();
    try {
      Tuple2<Long, Long> stats = counts.map(t -> new Tuple2<>(1L, t._2()))
          .fold(new Tuple2<>(0L, 0L), (a, b) -> new Tuple2<>(a._1() + b._1(), a._2() + b._2()));
      List<Tuple2<String, Long>> kept = topN == 0 ? counts.collect() : counts.takeOrdered(topN, new ByCount());
      List<Tuple2<String, Long>> sorted = new ArrayList<>(kept);
      sorted.sort(new ByCount());
      List<Entry> entries = new ArrayList<>();
      long keptTotal = 0;
      for (Tuple2<String, Long> t : sorted) {
        entries.add(new Entry(t._1(), t._2()));
        keptTotal += t._2();
      }
      return new Result(entries, stats._1(), stats._2(), keptTotal);
    } finally {
      counts.unpersist(false);
    }
  }

  /** Counts a string column of a DataFrame (nulls skipped). */
  public Result top(Dataset<Row> df, String textColumn, int topN) {
    boolean found = false;
    for (org.apache.spark.sql.types.StructField f : df.schema().fields()) {
      if (f.name().equals(textColumn)) {
        found = true;
        if (!(f.dataType() instanceof StringType)) {
          throw new IllegalArgumentException("vocabulary: column '" + textColumn + "': expected a string, got "
              + f.dataType().simpleString());
        }
      }
    }
    if (!found) {
      throw new IllegalArgumentException("vocabulary: expected a column '" + textColumn + "', got the columns "
          + java.util.Arrays.toString(df.schema().fieldNames()));
    }
    JavaRDD<String> lines = df.select(textColumn).javaRDD().filter(r -> !r.isNullAt(0)).map(r -> r.getString(0));
    return top(lines, topN);
  }

  /** The tokens of one line. */
  List<String> tokens(String line) {
    String s = lowercase ? line.toLowerCase(Locale.ROOT) : line;
    List<String> out = new ArrayList<>();
    if (words) {
      for (String w : s.trim().split("\\s+")) {
        if (!w.isEmpty()) {
          out.add(w);
        }
      }
    } else {
      s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
    }
    return out;
  }

  /** Higher count first, then token order. */
  private static final class ByCount implements Comparator<Tuple2<String, Long>>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(Tuple2<String, Long> a, Tuple2<String, Long> b) {
      int c = Long.compare(b._2(), a._2());
      return c != 0 ? c : a._1().compareTo(b._1());
    }
  }
}
