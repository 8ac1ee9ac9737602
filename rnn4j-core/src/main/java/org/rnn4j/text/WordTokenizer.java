package org.rnn4j.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Words, numbers and punctuation, by these rules, applied in this order:
 *
 * <ol>
 *   <li>The text is normalized to Unicode NFKC (compatibility forms fold: the ligature {@code ﬁ}
 *       becomes {@code fi}, full-width digits become ASCII digits) and, when {@link
 *       Builder#lowercase(boolean) lowercase} is on (the default), lower-cased with Unicode's
 *       locale-independent rules ({@link Locale#ROOT}).
 *   <li>White space (any Unicode space or line break) separates tokens and is never a token.
 *   <li>A <em>word character</em> is a Unicode letter, a decimal digit or a combining mark. A token is
 *       a maximal run of word characters, where an apostrophe ({@code '} or {@code ’}) or a hyphen
 *       ({@code -} or {@code ‐}) between two letters stays inside ({@code don't}, {@code l'homme},
 *       {@code e-mail} are one token each), and a full stop or comma between two digits stays inside
 *       ({@code 3.14}, {@code 1,000}).
 *   <li>A token made of digits only (with those inner separators) is a <em>number</em>; {@link
 *       Numbers#KEEP} keeps it as written (the default), {@link Numbers#REPLACE} replaces it by
 *       {@value #NUMBER_TOKEN}, {@link Numbers#DROP} drops it. Tokens that mix letters and digits
 *       ({@code mp3}) are words.
 *   <li>Every other character (punctuation, symbols, emoji) is a token of its own with {@link
 *       Punctuation#KEEP} (the default: {@code "Hi!"} gives {@code hi, !}) and is dropped with {@link
 *       Punctuation#DROP}.
 * </ol>
 *
 * <p>Example (defaults): {@code "Don't pay 1,000 €!"} gives {@code don't, pay, 1,000, €, !}.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()} or take {@link #DEFAULT}.
 */
public final class WordTokenizer implements Tokenizer {
  /** The token that replaces numbers with {@link Numbers#REPLACE}. */
  public static final String NUMBER_TOKEN = "<num>";

  /** Lower-cased, punctuation and numbers kept. */
  public static final WordTokenizer DEFAULT = builder().build();

  /** What happens to punctuation and symbol characters. */
  public enum Punctuation {
    /** Each is a token of its own. */
    KEEP,
    /** Dropped. */
    DROP
  }

  /** What happens to numbers. */
  public enum Numbers {
    /** Kept as written. */
    KEEP,
    /** Replaced by {@value WordTokenizer#NUMBER_TOKEN}. */
    REPLACE,
    /** Dropped. */
    DROP
  }

  private final boolean lowercase;
  private final Punctuation punctuation;
  private final Numbers numbers;

  private WordTokenizer(boolean lowercase, Punctuation punctuation, Numbers numbers) {
    this.lowercase = lowercase;
    this.punctuation = punctuation;
    this.numbers = numbers;
  }

  /** A builder with the defaults: lowercase, punctuation and numbers kept. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link WordTokenizer}; {@link #build()} may be called more than once. Not thread-safe. */
  public static final class Builder {
    private boolean lowercase = true;
    private Punctuation punctuation = Punctuation.KEEP;
    private Numbers numbers = Numbers.KEEP;

    private Builder() {
    }

    /** Lower-case the text first (default true). */
    public Builder lowercase(boolean v) {
      lowercase = v;
      return this;
    }

    /** Keep or drop punctuation and symbols (default KEEP). */
    public Builder punctuation(Punctuation v) {
      if (v == null) {
        throw new IllegalArgumentException("word tokenizer: punctuation is null");
      }
      punctuation = v;
      return this;
    }

    /** Keep, replace or drop numbers (default KEEP). */
    public Builder numbers(Numbers v) {
      if (v == null) {
        throw new IllegalArgumentException("word tokenizer: numbers is null");
      }
      numbers = v;
      return this;
    }

    public WordTokenizer build() {
      return new WordTokenizer(lowercase, punctuation, numbers);
    }
  }

  @Override
  public List<String> tokenize(String text) {
    if (text == null) {
      throw new IllegalArgumentException("word tokenizer: expected a text, got null");
    }
    String t = Normalizer.normalize(text, Normalizer.Form.NFKC);
    if (lowercase) {
      t = t.toLowerCase(Locale.ROOT);
    }
    List<String> out = new ArrayList<>();
    int n = t.length();
    int i = 0;
    while (i < n) {
      int cp = t.codePointAt(i);
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
        i += Character.charCount(cp);
      } else if (isWordChar(cp)) {
        int start = i;
        boolean digitsOnly = true;
        int prev = -1;
        int j = i;
        while (j < n) {
          int c = t.codePointAt(j);
          int len = Character.charCount(c);
          if (isWordChar(c)) {
            digitsOnly &= Character.isDigit(c);
            prev = c;
            j += len;
            continue;
          }
          // a joiner stays inside when the characters on both sides qualify
          if (j + len < n) {
            int next = t.codePointAt(j + len);
            boolean letterJoin = (isApostrophe(c) || isHyphen(c)) && isLetterOrMark(prev) && isLetterOrMark(next);
            boolean digitJoin = (c == '.' || c == ',') && Character.isDigit(prev) && Character.isDigit(next);
            if (letterJoin || digitJoin) {
              j += len;
              continue;
            }
          }
          break;
        }
        String token = t.substring(start, j);
        if (!digitsOnly) {
          out.add(token);
        } else if (numbers == Numbers.KEEP) {
          out.add(token);
        } else if (numbers == Numbers.REPLACE) {
          out.add(NUMBER_TOKEN);
        }
        i = j;
      } else {
        int len = Character.charCount(cp);
        if (punctuation == Punctuation.KEEP) {
          out.add(t.substring(i, i + len));
        }
        i += len;
      }
    }
    return out;
  }

  private static boolean isWordChar(int cp) {
    return Character.isLetter(cp) || Character.isDigit(cp) || isMark(cp);
  }

  private static boolean isLetterOrMark(int cp) {
    return cp >= 0 && (Character.isLetter(cp) || isMark(cp));
  }

  private static boolean isMark(int cp) {
    int type = Character.getType(cp);
    return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
        || type == Character.ENCLOSING_MARK;
  }

  private static boolean isApostrophe(int cp) {
    return cp == '\'' || cp == '\u2019';
  }

  private static boolean isHyphen(int cp) {
    return cp == '-' || cp == '\u2010';
  }

  @Override
  public String description() {
    return "word:lowercase=" + lowercase + ",punctuation=" + punctuation.name().toLowerCase(Locale.ROOT)
        + ",numbers=" + numbers.name().toLowerCase(Locale.ROOT);
  }

  static WordTokenizer parse(String d) {
    Builder b = builder();
    if (d.startsWith("word:")) {
      for (String o : d.substring(5).split(",")) {
        String[] kv = o.split("=", 2);
        String key = kv[0].trim();
        String value = kv.length == 2 ? kv[1].trim().toUpperCase(Locale.ROOT) : "";
        try {
          switch (key) {
            case "lowercase":
              if (!value.equals("TRUE") && !value.equals("FALSE")) {
                throw new IllegalArgumentException();
              }
              b.lowercase(value.equals("TRUE"));
              break;
            case "punctuation":
              b.punctuation(Punctuation.valueOf(value));
              break;
            case "numbers":
              b.numbers(Numbers.valueOf(value));
              break;
            case "":
              break;
            default:
              throw new IllegalArgumentException();
          }
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("word tokenizer: expected options lowercase=true|false, "
              + "punctuation=keep|drop, numbers=keep|replace|drop, got '" + o.trim() + "' in '" + d + "'");
        }
      }
    }
    return b.build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WordTokenizer w && w.lowercase == lowercase && w.punctuation == punctuation
        && w.numbers == numbers;
  }

  @Override
  public int hashCode() {
    return (lowercase ? 1 : 0) + 2 * punctuation.ordinal() + 4 * numbers.ordinal();
  }

  @Override
  public String toString() {
    return description();
  }
}
