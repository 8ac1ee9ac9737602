package org.rnn4j.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rnn4j.data.Dataset;

/**
 * A padded batch of token ids made by {@link TextEncoder}: ids {@code [N, T]} row-major, valid lengths
 * {@code [N]}, and what the encoding met on the way: tokens the vocabulary did not hold (mapped to its
 * unknown id, counted per token) and texts cut at the maximum length.
 *
 * <p>Immutable and thread-safe (the arrays returned are the live ones: do not modify them).
 */
public final class EncodedTexts {
  private final int[] tokens;
  private final int count;
  private final int steps;
  private final int[] lengths;
  private final long unknownCount;
  private final Map<String, Long> unknownTokens;
  private final int truncatedCount;

  EncodedTexts(int[] tokens, int count, int steps, int[] lengths, long unknownCount,
      Map<String, Long> unknownTokens, int truncatedCount) {
    this.tokens = tokens;
    this.count = count;
    this.steps = steps;
    this.lengths = lengths;
    this.unknownCount = unknownCount;
    List<Map.Entry<String, Long>> sorted = new ArrayList<>(unknownTokens.entrySet());
    sorted.sort((a, b) -> {
      int c = Long.compare(b.getValue(), a.getValue());
      return c != 0 ? c : Vocabulary.compareCodePoints(a.getKey(), b.getKey());
    });
    Map<String, Long> m = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : sorted) {
      m.put(e.getKey(), e.getValue());
    }
    this.unknownTokens = Collections.unmodifiableMap(m);
    this.truncatedCount = truncatedCount;
  }

  /** Ids {@code [N, T]}, row-major, padded past each length. */
  public int[] tokens() {
    return tokens;
  }

  /** Number of texts N. */
  public int count() {
    return count;
  }

  /** Steps T: the longest kept length. */
  public int steps() {
    return steps;
  }

  /** Valid steps of each text {@code [N]}, each in [1, T]. */
  public int[] lengths() {
    return lengths;
  }

  /** The kept ids of text i (a copy). */
  public int[] ids(int i) {
    return Arrays.copyOfRange(tokens, i * steps, i * steps + lengths[i]);
  }

  /** How many token occurrences were mapped to the unknown id. */
  public long unknownCount() {
    return unknownCount;
  }

  /** The tokens mapped to the unknown id, with their counts, most frequent first. */
  public Map<String, Long> unknownTokens() {
    return unknownTokens;
  }

  /** How many texts were cut at the maximum length. */
  public int truncatedCount() {
    return truncatedCount;
  }

  /**
   * One line about the unknown tokens, e.g. {@code 7 tokens (3 distinct) not in the vocabulary, read
   * as unknown: 'ő' x4, 'ű' x2, 'ğ' x1}; at most {@code max} distinct tokens are listed. Empty when
   * there were none.
   */
  public String unknownSummary(int max) {
    if (unknownCount == 0) {
      return "";
    }
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "%d token%s (%d distinct) not in the vocabulary, read as unknown: ", unknownCount,
        unknownCount == 1 ? "" : "s", unknownTokens.size()));
    int i = 0;
    for (Map.Entry<String, Long> e : unknownTokens.entrySet()) {
      if (i == max) {
        sb.append(", ...");
        break;
      }
      sb.append(i > 0 ? ", " : "").append(quote(e.getKey())).append(" x").append(e.getValue());
      i++;
    }
    return sb.toString();
  }

  /** A token in quotes, with control and space characters spelled as U+XXXX. */
  static String quote(String token) {
    StringBuilder sb = new StringBuilder("'");
    token.codePoints().forEach(cp -> {
      if (Character.isISOControl(cp) || Character.isWhitespace(cp) || Character.getType(cp) == Character.FORMAT) {
        sb.append(String.format(Locale.ROOT, "U+%04X", cp));
      } else {
        sb.appendCodePoint(cp);
      }
    });
    return sb.append("'").toString();
  }

  /**
   * Training data cut from the texts: every text longer than {@code size} ids becomes overlapping
   * windows of {@code size} ids starting every {@code size / 2} (the last one ends with the text),
   * each labelled with its text's label; shorter texts stay whole. For classes that show in every
   * part of a text (a language, a style), this gives the model many more examples and makes it
   * judge short texts well; predict on whole texts, with a model that pools over all steps.
   *
   * @throws IllegalArgumentException when the labels are not one per text, or size < 1
   */
  public Dataset windows(int[] labels, int size) {
    if (labels == null || labels.length != count) {
      throw new IllegalArgumentException("encoded texts: expected " + count + " labels (one per text), got "
          + (labels == null ? "null" : labels.length));
    }
    if (size < 1) {
      throw new IllegalArgumentException("encoded texts: expected a window size >= 1, got " + size);
    }
    List<int[]> seqs = new ArrayList<>();
    List<Integer> ys = new ArrayList<>();
    int stride = Math.max(1, size / 2);
    for (int i = 0; i < count; i++) {
      int len = lengths[i];
      int base = i * steps;
      if (len <= size) {
        seqs.add(Arrays.copyOfRange(tokens, base, base + len));
        ys.add(labels[i]);
        continue;
      }
      for (int start = 0; ; start += stride) {
        int from = Math.min(start, len - size);
        seqs.add(Arrays.copyOfRange(tokens, base + from, base + from + size));
        ys.add(labels[i]);
        if (from + size >= len) {
          break;
        }
      }
    }
    int[] y = new int[ys.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = ys.get(i);
    }
    // padded steps are never read (the lengths say so); id 0 exists in every vocabulary
    return TextEncoder.pad(seqs, 0, 0).dataset(y);
  }

  /** The ids as a {@link Dataset} with lengths and no labels (for prediction). */
  public Dataset dataset() {
    return Dataset.ofTokens(tokens, count, steps, lengths, (int[]) null);
  }

  /**
   * The ids as a {@link Dataset} with lengths and one class label per text.
   *
   * @throws IllegalArgumentException when the labels are not one per text, or negative
   */
  public Dataset dataset(int[] labels) {
    if (labels == null || labels.length != count) {
      throw new IllegalArgumentException("encoded texts: expected " + count + " labels (one per text), got "
          + (labels == null ? "null" : labels.length));
    }
    return Dataset.ofTokens(tokens, count, steps, lengths, labels);
  }
}
