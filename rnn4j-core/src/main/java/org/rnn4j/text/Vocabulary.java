package org.rnn4j.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnn4j.internal.io.Json;

/**
 * Token strings numbered 0 .. size-1: the ids a model's embedding looks up. Optionally two special
 * entries come first: the padding token {@value #PADDING} (id 0; padded steps carry it, and with
 * valid lengths they never change a result) and the unknown token {@value #UNKNOWN} (the next id;
 * every token the vocabulary does not hold maps to it). Special entries are never matched by text:
 * a text containing the characters {@code <unk>} gets the ids of those characters or words.
 *
 * <p>Built from counted tokens with {@link #builder()}: a minimum frequency (rarer tokens are left
 * out, so they become unknown, and the unknown token's vector gets trained on them) and a size
 * limit (specials included: the most frequent tokens are kept). Tokens are ordered by decreasing
 * frequency, ties by code point order, or, with {@link Order#CODE_POINT}, by code point order alone
 * (what Python's {@code sorted(set(text))} gives for characters). The result saves itself into a
 * model file's string metadata ({@link #toMap}, {@link #fromMap}).
 *
 * <p>Immutable and thread-safe.
 */
public final class Vocabulary {
  /** The padding token's text. */
  public static final String PADDING = "<pad>";
  /** The unknown token's text. */
  public static final String UNKNOWN = "<unk>";

  /** How the tokens of a built vocabulary are ordered (after the specials). */
  public enum Order {
    /** Most frequent first; equal counts in code point order. */
    FREQUENCY,
    /** Code point order (lexicographic over code points, as Python compares strings). */
    CODE_POINT
  }

  private final List<String> tokens; // by id, specials included
  private final Map<String, Integer> ids; // ordinary tokens only
  private final int paddingId;
  private final int unknownId;

  private Vocabulary(List<String> tokens, int paddingId, int unknownId) {
    this.tokens = List.copyOf(tokens);
    this.paddingId = paddingId;
    this.unknownId = unknownId;
    this.ids = new HashMap<>();
    for (int i = 0; i < tokens.size(); i++) {
      if (i == paddingId || i == unknownId) {
        continue;
      }
      if (ids.put(tokens.get(i), i) != null) {
        throw new IllegalArgumentException("vocabulary: expected distinct tokens, got '" + tokens.get(i)
            + "' twice");
      }
    }
  }

  /**
   * A vocabulary of the given tokens in the given order, after the requested specials.
   *
   * @throws IllegalArgumentException for a null or repeated token
   */
  public static Vocabulary of(List<String> tokens, boolean padding, boolean unknown) {
    if (tokens == null) {
      throw new IllegalArgumentException("vocabulary: expected a list of tokens, got null");
    }
    List<String> all = new ArrayList<>();
    if (padding) {
      all.add(PADDING);
    }
    if (unknown) {
      all.add(UNKNOWN);
    }
    for (String t : tokens) {
      if (t == null) {
        throw new IllegalArgumentException("vocabulary: expected tokens, got null at position " + all.size());
      }
      all.add(t);
    }
    return new Vocabulary(all, padding ? 0 : -1, unknown ? (padding ? 1 : 0) : -1);
  }

  /** A builder: padding and unknown tokens on, no size limit, minimum frequency 1, frequency order. */
  public static Builder builder() {
    return new Builder();
  }

  /** Counts tokens, then {@link #build()}s a vocabulary (callable more than once). Not thread-safe. */
  public static final class Builder {
    private final Map<String, long[]> counts = new LinkedHashMap<>();
    private boolean padding = true;
    private boolean unknown = true;
    private int maxSize;
    private int minFrequency = 1;
    private Order order = Order.FREQUENCY;

    private Builder() {
    }

    /** Reserve id 0 for {@value Vocabulary#PADDING} (default true). */
    public Builder padding(boolean v) {
      padding = v;
      return this;
    }

    /** Reserve an id for {@value Vocabulary#UNKNOWN} (default true). */
    public Builder unknown(boolean v) {
      unknown = v;
      return this;
    }

    /** At most this many entries, specials included (0 = no limit, the default). */
    public Builder maxSize(int v) {
      if (v < 0) {
        throw new IllegalArgumentException("vocabulary: expected maxSize >= 0 (0 = no limit), got " + v);
      }
      maxSize = v;
      return this;
    }

    /** Leave out tokens seen fewer times than this (default 1: keep all). */
    public Builder minFrequency(int v) {
      if (v < 1) {
        throw new IllegalArgumentException("vocabulary: expected minFrequency >= 1, got " + v);
      }
      minFrequency = v;
      return this;
    }

    /** Order of the ordinary tokens (default {@link Order#FREQUENCY}). */
    public Builder order(Order v) {
      if (v == null) {
        throw new IllegalArgumentException("vocabulary: order is null");
      }
      order = v;
      return this;
    }

    /** Counts one occurrence of a token. */
    public Builder add(String token) {
      if (token == null) {
        throw new IllegalArgumentException("vocabulary: expected a token, got null");
      }
      counts.computeIfAbsent(token, t -> new long[1])[0]++;
      return this;
    }

    /** Counts every token of a sequence. */
    public Builder addAll(Iterable<String> tokens) {
      for (String t : tokens) {
        add(t);
      }
      return this;
    }

    /** How often a token was counted so far. */
    public long count(String token) {
      long[] c = counts.get(token);
      return c == null ? 0 : c[0];
    }

    /**
     * The vocabulary of the counted tokens.
     *
     * @throws IllegalStateException when no token is frequent enough, or the size limit leaves no
     *     room beyond the specials
     */
    public Vocabulary build() {
      int specials = (padding ? 1 : 0) + (unknown ? 1 : 0);
      if (maxSize > 0 && maxSize <= specials) {
        throw new IllegalStateException("vocabulary: expected maxSize > " + specials + " (the special tokens"
            + " take " + specials + " ids), got " + maxSize);
      }
      List<Map.Entry<String, long[]>> kept = new ArrayList<>();
      for (Map.Entry<String, long[]> e : counts.entrySet()) {
        if (e.getValue()[0] >= minFrequency) {
          kept.add(e);
        }
      }
      if (kept.isEmpty()) {
        throw new IllegalStateException("vocabulary: expected at least one token seen " + minFrequency
            + " time(s) or more, got none among " + counts.size() + " distinct tokens"
            + (counts.isEmpty() ? "" : "; lower minFrequency"));
      }
      Comparator<Map.Entry<String, long[]>> byFrequency = (a, b) -> {
        int c = Long.compare(b.getValue()[0], a.getValue()[0]);
        return c != 0 ? c : compareCodePoints(a.getKey(), b.getKey());
      };
      kept.sort(byFrequency);
      if (maxSize > 0 && kept.size() > maxSize - specials) {
        kept = new ArrayList<>(kept.subList(0, maxSize - specials));
      }
      List<String> tokens = new ArrayList<>();
      for (Map.Entry<String, long[]> e : kept) {
        tokens.add(e.getKey());
      }
      if (order == Order.CODE_POINT) {
        tokens.sort(Vocabulary::compareCodePoints);
      }
      return of(tokens, padding, unknown);
    }
  }

  /** Compares strings code point by code point (Python's order; differs from String.compareTo). */
  public static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** Number of ids, specials included. */
  public int size() {
    return tokens.size();
  }

  /** The id of the padding token, or -1 when there is none. */
  public int paddingId() {
    return paddingId;
  }

  /** The id of the unknown token, or -1 when there is none. */
  public int unknownId() {
    return unknownId;
  }

  /** True when the token is an ordinary entry (specials are never matched by text). */
  public boolean contains(String token) {
    return ids.containsKey(token);
  }

  /** The token's id; a token not held gives {@link #unknownId()} (-1 when there is no unknown token). */
  public int id(String token) {
    Integer id = ids.get(token);
    return id != null ? id : unknownId;
  }

  /**
   * The token of an id.
   *
   * @throws IllegalArgumentException for an id outside [0, size)
   */
  public String token(int id) {
    if (id < 0 || id >= tokens.size()) {
      throw new IllegalArgumentException("vocabulary: expected an id in [0, " + tokens.size() + "), got " + id);
    }
    return tokens.get(id);
  }

  /** All tokens by id, specials included (unmodifiable). */
  public List<String> tokens() {
    return Collections.unmodifiableList(tokens);
  }

  /**
   * The vocabulary as string metadata under {@code prefix}: {@code tokens} (a JSON array of every
   * token by id), {@code padding_id} and {@code unknown_id} (-1 when absent).
   */
  public Map<String, String> toMap(String prefix) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(prefix + "tokens", Json.write(tokens));
    m.put(prefix + "padding_id", Integer.toString(paddingId));
    m.put(prefix + "unknown_id", Integer.toString(unknownId));
    return m;
  }

  /**
   * Reads what {@link #toMap} wrote.
   *
   * @throws IllegalArgumentException naming the key that is missing or malformed
   */
  public static Vocabulary fromMap(Map<String, String> map, String prefix) {
    String key = prefix + "tokens";
    String text = map.get(key);
    if (text == null) {
      throw new IllegalArgumentException("vocabulary: metadata key '" + key + "' is missing");
    }
    Object parsed;
    try {
      parsed = Json.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("vocabulary: metadata key '" + key + "' is not a JSON array: "
          + e.getMessage());
    }
    if (!(parsed instanceof List<?> list)) {
      throw new IllegalArgumentException("vocabulary: expected a JSON array of strings in '" + key + "'");
    }
    List<String> tokens = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof String s)) {
        throw new IllegalArgumentException("vocabulary: expected only strings in '" + key + "', got " + o);
      }
      tokens.add(s);
    }
    int pad = intKey(map, prefix + "padding_id", tokens.size());
    int unk = intKey(map, prefix + "unknown_id", tokens.size());
    if (pad >= 0 && pad == unk) {
      throw new IllegalArgumentException("vocabulary: padding and unknown ids are both " + pad);
    }
    return new Vocabulary(tokens, pad, unk);
  }

  private static int intKey(Map<String, String> map, String key, int size) {
    String v = map.get(key);
    try {
      int id = Integer.parseInt(v == null ? "" : v.trim());
      if (id < -1 || id >= size) {
        throw new NumberFormatException();
      }
      return id;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("vocabulary: expected metadata '" + key + "' to be an id in [-1, "
          + size + "), got " + (v == null ? "nothing" : "'" + v + "'"));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Vocabulary v && v.tokens.equals(tokens) && v.paddingId == paddingId
        && v.unknownId == unknownId;
  }

  @Override
  public int hashCode() {
    return tokens.hashCode() * 31 + paddingId * 7 + unknownId;
  }

  @Override
  public String toString() {
    return "Vocabulary(" + tokens.size() + " ids, padding " + paddingId + ", unknown " + unknownId + ")";
  }
}
