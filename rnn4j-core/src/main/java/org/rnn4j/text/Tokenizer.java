package org.rnn4j.text;

import java.util.List;

/**
 * Splits a text into tokens (strings), the units a {@link Vocabulary} numbers. Two kinds ship with
 * rnn4j: {@link CharTokenizer} (one token per Unicode code point) and {@link WordTokenizer} (words,
 * numbers and punctuation, rules in its Javadoc). A tokenizer describes itself as a short string that
 * {@link #parse} turns back into an equal tokenizer, so model files can record how their input was
 * cut.
 *
 * <p>Implementations must be immutable and thread-safe; the two shipped ones are.
 */
public interface Tokenizer {

  /**
   * The tokens of {@code text}, in order; empty for an empty text.
   *
   * @throws IllegalArgumentException when text is null
   */
  List<String> tokenize(String text);

  /** A description such as {@code char:nfc} or {@code word:lowercase=true,punctuation=keep,numbers=keep}. */
  String description();

  /**
   * The tokenizer a {@link #description()} names.
   *
   * @throws IllegalArgumentException for a description of no known tokenizer, naming what is accepted
   */
  static Tokenizer parse(String description) {
    if (description == null) {
      throw new IllegalArgumentException("tokenizer: expected a description such as 'char' or 'word', got null");
    }
    String d = description.trim();
    if (d.equals("char") || d.startsWith("char:")) {
      return CharTokenizer.parse(d);
    }
    if (d.equals("word") || d.startsWith("word:")) {
      return WordTokenizer.parse(d);
    }
    throw new IllegalArgumentException("tokenizer: expected 'char[:options]' or 'word[:options]', got '"
        + description + "'");
  }
}
