package org.rnn4j.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnn4j.data.Dataset;

/**
 * Texts to padded token-id batches: a {@link Tokenizer}, a {@link Vocabulary} and a maximum length.
 * Each text becomes its tokens' ids, truncated to the first {@code maxLength} tokens; the texts of a
 * batch are padded to the longest one with the vocabulary's padding id (0 when it has none) and carry
 * their valid lengths, so padding never changes a result (the recurrent layers stop at each text's
 * length; a model that keeps the final state takes it at the last valid step). Tokens the vocabulary
 * does not hold become its unknown id and are counted, so callers can report them.
 *
 * <pre>{@code
 * Vocabulary.Builder counts = Vocabulary.builder().minFrequency(2);
 * for (String t : trainTexts) counts.addAll(CharTokenizer.NFC.tokenize(t));
 * TextEncoder enc = new TextEncoder(CharTokenizer.NFC, counts.build(), 256);
 * Dataset train = enc.dataset(trainTexts, trainLabels);   // token ids [N, T], lengths, labels
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class TextEncoder {
  private final Tokenizer tokenizer;
  private final Vocabulary vocabulary;
  private final int maxLength;

  /**
   * @param maxLength keep at most this many tokens of each text (0 = no limit)
   * @throws IllegalArgumentException for a null tokenizer or vocabulary, or a negative maxLength
   */
  public TextEncoder(Tokenizer tokenizer, Vocabulary vocabulary, int maxLength) {
    if (tokenizer == null || vocabulary == null) {
      throw new IllegalArgumentException("text encoder: expected a tokenizer and a vocabulary, got "
          + (tokenizer == null ? "no tokenizer" : "no vocabulary"));
    }
    if (maxLength < 0) {
      throw new IllegalArgumentException("text encoder: expected maxLength >= 0 (0 = no limit), got "
          + maxLength);
    }
    this.tokenizer = tokenizer;
    this.vocabulary = vocabulary;
    this.maxLength = maxLength;
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public Vocabulary vocabulary() {
    return vocabulary;
  }

  /** The most tokens kept per text (0 = no limit). */
  public int maxLength() {
    return maxLength;
  }

  /**
   * Encodes texts into one padded batch.
   *
   * @throws IllegalArgumentException for no texts, a null text, a text without tokens (naming its
   *     index), or tokens the vocabulary does not hold when it has no unknown id
   */
  public EncodedTexts encode(List<String> texts) {
    if (texts == null || texts.isEmpty()) {
      throw new IllegalArgumentException("text encoder: expected at least one text, got none");
    }
    List<int[]> seqs = new ArrayList<>(texts.size());
    Map<String, Long> unknown = new LinkedHashMap<>();
    long unknownCount = 0;
    int truncated = 0;
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      if (text == null) {
        throw new IllegalArgumentException("text encoder: text " + i + " is null");
      }
      List<String> tokens = tokenizer.tokenize(text);
      if (tokens.isEmpty()) {
        throw new IllegalArgumentException("text encoder: text " + i + " has no tokens (it is empty, or holds"
            + " only what the " + tokenizer.description() + " tokenizer drops); remove it or give it text");
      }
      int n = maxLength > 0 ? Math.min(maxLength, tokens.size()) : tokens.size();
      if (n < tokens.size()) {
        truncated++;
      }
      int[] ids = new int[n];
      for (int s = 0; s < n; s++) {
        String tok = tokens.get(s);
        if (vocabulary.contains(tok)) {
          ids[s] = vocabulary.id(tok);
        } else {
          if (vocabulary.unknownId() < 0) {
            throw new IllegalArgumentException("text encoder: text " + i + " holds '" + tok + "', which the "
                + "vocabulary (" + vocabulary.size() + " tokens, no unknown token) does not have");
          }
          ids[s] = vocabulary.unknownId();
          unknown.merge(tok, 1L, Long::sum);
          unknownCount++;
        }
      }
      seqs.add(ids);
    }
    EncodedTexts e = pad(seqs, 0, vocabulary.paddingId() >= 0 ? vocabulary.paddingId() : 0);
    return new EncodedTexts(e.tokens(), e.count(), e.steps(), e.lengths(), unknownCount, unknown, truncated);
  }

  /** Encodes texts and attaches one class label per text: {@code encode(texts).dataset(labels)}. */
  public Dataset dataset(List<String> texts, int[] labels) {
    return encode(texts).dataset(labels);
  }

  /**
   * Pads (and truncates) id sequences into one batch {@code [N, T]} with T the longest kept length.
   *
   * @param maxLength keep at most this many ids of each sequence (0 = no limit)
   * @param paddingId the id written on padded steps (it never affects a result: lengths are kept)
   * @throws IllegalArgumentException for no sequences or an empty one
   */
  public static EncodedTexts pad(List<int[]> sequences, int maxLength, int paddingId) {
    if (sequences == null || sequences.isEmpty()) {
      throw new IllegalArgumentException("pad: expected at least one sequence, got none");
    }
    if (maxLength < 0) {
      throw new IllegalArgumentException("pad: expected maxLength >= 0 (0 = no limit), got " + maxLength);
    }
    int n = sequences.size();
    int[] lengths = new int[n];
    int steps = 0;
    int truncated = 0;
    for (int i = 0; i < n; i++) {
      int[] s = sequences.get(i);
      if (s == null || s.length == 0) {
        throw new IllegalArgumentException("pad: sequence " + i + " is empty; every sequence needs at least"
            + " one id");
      }
      lengths[i] = maxLength > 0 ? Math.min(maxLength, s.length) : s.length;
      if (lengths[i] < s.length) {
        truncated++;
      }
      steps = Math.max(steps, lengths[i]);
    }
    int[] tokens = new int[n * steps];
    Arrays.fill(tokens, paddingId);
    for (int i = 0; i < n; i++) {
      System.arraycopy(sequences.get(i), 0, tokens, i * steps, lengths[i]);
    }
    return new EncodedTexts(tokens, n, steps, lengths, 0, Map.of(), truncated);
  }

  /**
   * The encoder as string metadata under {@code prefix}: {@code tokenizer} (its description), {@code
   * max_length} and the vocabulary's keys under {@code prefix + "vocab."}.
   */
  public Map<String, String> toMap(String prefix) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(prefix + "tokenizer", tokenizer.description());
    m.put(prefix + "max_length", Integer.toString(maxLength));
    m.putAll(vocabulary.toMap(prefix + "vocab."));
    return m;
  }

  /**
   * Reads what {@link #toMap} wrote.
   *
   * @throws IllegalArgumentException naming the missing or malformed key
   */
  public static TextEncoder fromMap(Map<String, String> map, String prefix) {
    String t = map.get(prefix + "tokenizer");
    if (t == null) {
      throw new IllegalArgumentException("text encoder: metadata key '" + prefix + "tokenizer' is missing");
    }
    String ml = map.getOrDefault(prefix + "max_length", "0");
    int maxLength;
    try {
      maxLength = Integer.parseInt(ml.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("text encoder: expected metadata '" + prefix + "max_length' to be a"
          + " whole number, got '" + ml + "'");
    }
    return new TextEncoder(Tokenizer.parse(t), Vocabulary.fromMap(map, prefix + "vocab."), maxLength);
  }
}
