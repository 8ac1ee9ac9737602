package org.rnn4j.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One token per Unicode code point: {@code "naïve 🙂"} gives {@code n, a, ï, v, e, " ", 🙂} (the
 * emoji, outside the Basic Multilingual Plane, is one token although it is two Java {@code char}s).
 * White space, punctuation and line breaks are tokens like any other character.
 *
 * <p>Options: {@link #RAW} keeps the code points exactly as they are (what a character-level language
 * model trained on a file's characters wants: Python's {@code sorted(set(text))} sees the same
 * units); {@link #NFC} first applies Unicode normalization form C, so that {@code e} followed by a
 * combining acute accent and the precomposed {@code é} become the same token; {@link #lowercase()}
 * also lower-cases (Unicode rules, locale-independent).
 *
 * <p>Immutable and thread-safe.
 */
public final class CharTokenizer implements Tokenizer {
  /** Code points as they are. */
  public static final CharTokenizer RAW = new CharTokenizer(false, false);
  /** Code points after Unicode NFC normalization. */
  public static final CharTokenizer NFC = new CharTokenizer(true, false);

  private final boolean nfc;
  private final boolean lowercase;

  private CharTokenizer(boolean nfc, boolean lowercase) {
    this.nfc = nfc;
    this.lowercase = lowercase;
  }

  /** This tokenizer, lower-casing first ({@link String#toLowerCase(Locale)} with {@link Locale#ROOT}). */
  public CharTokenizer lowercase() {
    return new CharTokenizer(nfc, true);
  }

  /** True when text is NFC-normalized first. */
  public boolean normalizes() {
    return nfc;
  }

  /** True when text is lower-cased first. */
  public boolean lowercases() {
    return lowercase;
  }

  /** The text as this tokenizer sees it: normalized and lower-cased when asked. */
  public String prepare(String text) {
    if (text == null) {
      throw new IllegalArgumentException("char tokenizer: expected a text, got null");
    }
    String t = nfc ? Normalizer.normalize(text, Normalizer.Form.NFC) : text;
    return lowercase ? t.toLowerCase(Locale.ROOT) : t;
  }

  @Override
  public List<String> tokenize(String text) {
    String t = prepare(text);
    List<String> out = new ArrayList<>(t.length());
    for (int i = 0; i < t.length(); ) {
      int cp = t.codePointAt(i);
      int n = Character.charCount(cp);
      out.add(t.substring(i, i + n));
      i += n;
    }
    return out;
  }

  @Override
  public String description() {
    if (!nfc && !lowercase) {
      return "char";
    }
    return "char:" + (nfc ? "nfc" : "") + (nfc && lowercase ? "," : "") + (lowercase ? "lowercase" : "");
  }

  static CharTokenizer parse(String d) {
    boolean n = false;
    boolean l = false;
    if (d.startsWith("char:")) {
      for (String o : d.substring(5).split(",")) {
        switch (o.trim()) {
          case "nfc":
            n = true;
            break;
          case "lowercase":
            l = true;
            break;
          case "":
            break;
          default:
            throw new IllegalArgumentException("char tokenizer: expected options nfc and/or lowercase, got '"
                + o.trim() + "' in '" + d + "'");
        }
      }
    }
    return new CharTokenizer(n, l);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CharTokenizer c && c.nfc == nfc && c.lowercase == lowercase;
  }

  @Override
  public int hashCode() {
    return (nfc ? 2 : 0) + (lowercase ? 1 : 0);
  }

  @Override
  public String toString() {
    return description();
  }
}
