package org.rnn4j.text;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.rnn4j.data.Dataset;

/**
 * Language-model data the char-rnn way: a long sequence of token ids cut into {@code B} contiguous
 * streams, read {@code T} steps at a time, with the state carried from one batch to the next
 * (truncated backpropagation through time).
 *
 * <p>{@link #of} follows the protocol of PyTorch's word-language-model and char-rnn loaders: with
 * {@code n = (len - 1) / B}, stream {@code i} holds ids {@code [i*n, (i+1)*n)} as inputs and the same
 * positions shifted by one as targets (the tail that does not divide evenly is dropped); batch {@code
 * k} holds steps {@code [k*T, (k+1)*T)} of every stream, {@code n / T} batches in all. The examples
 * of the returned {@link Dataset} are ordered so that consecutive batches of {@code B} examples are
 * consecutive chunks: example {@code k*B + i} is chunk {@code k} of stream {@code i}. Train on it with
 * {@code FitOptions.builder().batchSize(B).stateful(true)}, which keeps that order and carries example
 * i's state from batch k to batch k+1.
 *
 * <p>Stateless and thread-safe.
 */
public final class TextStreams {
  private TextStreams() {
  }

  /**
   * The stream batches of {@code ids}, targets one per step (the next id).
   *
   * @param ids       the whole sequence (not modified, not kept)
   * @param batchSize B, the number of streams
   * @param steps     T, the steps per batch (the truncated-BPTT length)
   * @throws IllegalArgumentException when the sequence is too short for one batch, naming the sizes
   */
  public static Dataset of(int[] ids, int batchSize, int steps) {
    if (batchSize < 1 || steps < 1) {
      throw new IllegalArgumentException("text streams: expected batch size >= 1 and steps >= 1, got "
          + batchSize + " and " + steps);
    }
    if (ids == null) {
      throw new IllegalArgumentException("text streams: expected ids, got null");
    }
    int n = ids.length <= 1 ? 0 : (ids.length - 1) / batchSize;
    int chunks = n / steps;
    if (chunks == 0) {
      throw new IllegalArgumentException("text streams: expected at least " + ((long) batchSize * steps + 1)
          + " tokens (batch size " + batchSize + " x steps " + steps + " + 1) for one batch, got "
          + ids.length + "; use a smaller batch size or fewer steps, or more text");
    }
    int examples = chunks * batchSize;
    int[] x = new int[examples * steps];
    int[] y = new int[examples * steps];
    for (int k = 0; k < chunks; k++) {
      for (int i = 0; i < batchSize; i++) {
        int e = k * batchSize + i;
        System.arraycopy(ids, i * n + k * steps, x, e * steps, steps);
        System.arraycopy(ids, i * n + k * steps + 1, y, e * steps, steps);
      }
    }
    return Dataset.ofTokens(x, examples, steps, null, y);
  }

  /**
   * Python's universal newlines, as {@code open(path, encoding=...)} reads a text file: {@code \r\n}
   * and a lone {@code \r} become {@code \n}.
   */
  public static String universalNewlines(String text) {
    if (text.indexOf('\r') < 0) {
      return text;
    }
    return text.replace("\r\n", "\n").replace('\r', '\n');
  }

  /**
   * The vocabulary of a character-level language model as char-rnn builds it: every distinct code
   * point of the text, in code point order (Python's {@code sorted(set(text))}), without padding or
   * unknown tokens.
   *
   * @throws IllegalArgumentException for an empty text
   */
  public static Vocabulary characterVocabulary(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("text streams: expected a non-empty text to take characters from");
    }
    Set<Integer> seen = new LinkedHashSet<>();
    text.codePoints().forEach(seen::add);
    List<Integer> sorted = new ArrayList<>(seen);
    sorted.sort(Integer::compare);
    List<String> tokens = new ArrayList<>(sorted.size());
    for (int cp : sorted) {
      tokens.add(new String(Character.toChars(cp)));
    }
    return Vocabulary.of(tokens, false, false);
  }

  /**
   * The ids of a text's code points.
   *
   * @throws IllegalArgumentException when a character is not in the vocabulary and it has no unknown
   *     id, naming the character and its position
   */
  public static int[] encodeCharacters(String text, Vocabulary vocabulary) {
    int[] out = new int[text.codePointCount(0, text.length())];
    int j = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      String c = new String(Character.toChars(cp));
      int id = vocabulary.id(c);
      if (id < 0) {
        throw new IllegalArgumentException("text streams: character " + EncodedTexts.quote(c) + " at position "
            + j + " is not in the vocabulary (" + vocabulary.size() + " tokens, no unknown token)");
      }
      out[j++] = id;
      i += Character.charCount(cp);
    }
    return out;
  }
}
