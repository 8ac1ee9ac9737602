package org.rnn4j.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Tokenizers against hand-written expectations. */
class TokenizerTest {

  @Test
  void characterTokensAreCodePointsNotChars() {
    // U+1F642 is two Java chars (a surrogate pair) but one code point, one token
    assertThat(CharTokenizer.RAW.tokenize("naïve 🙂!")).containsExactly("n", "a", "ï", "v", "e", " ", "🙂", "!");
    assertThat(CharTokenizer.RAW.tokenize("")).isEmpty();
    assertThat(CharTokenizer.RAW.tokenize("a\nb")).containsExactly("a", "\n", "b");
  }

  @Test
  void nfcJoinsCombiningSequencesAndLowercaseFolds() {
    String decomposed = "e\u0301t\u00e9"; // e + combining acute, t, precomposed é
    assertThat(CharTokenizer.RAW.tokenize(decomposed)).containsExactly("e", "\u0301", "t", "\u00e9");
    assertThat(CharTokenizer.NFC.tokenize(decomposed)).containsExactly("\u00e9", "t", "\u00e9");
    assertThat(CharTokenizer.NFC.lowercase().tokenize("ÉtÉ")).containsExactly("é", "t", "é");
  }

  @Test
  void wordRulesForCasePunctuationAndNumbers() {
    assertThat(WordTokenizer.DEFAULT.tokenize("Don't pay 1,000 €!"))
        .containsExactly("don't", "pay", "1,000", "€", "!");
    assertThat(WordTokenizer.DEFAULT.tokenize("  L’homme   e-mail, 3.14 mp3\tend.  "))
        .containsExactly("l’homme", "e-mail", ",", "3.14", "mp3", "end", ".");
    // a trailing apostrophe or hyphen is punctuation; a separator not between digits too
    assertThat(WordTokenizer.DEFAULT.tokenize("dogs' -x 3. ,4"))
        .containsExactly("dogs", "'", "-", "x", "3", ".", ",", "4");
  }

  @Test
  void wordOptionsDropOrReplace() {
    WordTokenizer t = WordTokenizer.builder().lowercase(false).punctuation(WordTokenizer.Punctuation.DROP)
        .numbers(WordTokenizer.Numbers.REPLACE).build();
    assertThat(t.tokenize("Hello, World: 42 times 3.5!")).containsExactly("Hello", "World", "<num>", "times", "<num>");
    WordTokenizer drop = WordTokenizer.builder().numbers(WordTokenizer.Numbers.DROP).build();
    assertThat(drop.tokenize("in 1851 Melville")).containsExactly("in", "melville");
    assertThat(drop.tokenize("1851 ...")).containsExactly(".", ".", ".");
  }

  @Test
  void wordsAreUnicodeAware() {
    // NFKC folds the ligature ﬁ and full-width digits; combining marks stay inside a word
    assertThat(WordTokenizer.DEFAULT.tokenize("ﬁnal １２３")).containsExactly("final", "123");
    assertThat(WordTokenizer.DEFAULT.tokenize("Ελληνικά και русский, 日本")).containsExactly("ελληνικά", "και",
        "русский", ",", "日本");
    assertThat(WordTokenizer.DEFAULT.tokenize("zürich")).containsExactly("zürich");
  }

  @Test
  void descriptionsRoundTrip() {
    for (Tokenizer t : new Tokenizer[] {CharTokenizer.RAW, CharTokenizer.NFC, CharTokenizer.NFC.lowercase(),
        CharTokenizer.RAW.lowercase(), WordTokenizer.DEFAULT, WordTokenizer.builder().lowercase(false)
            .punctuation(WordTokenizer.Punctuation.DROP).numbers(WordTokenizer.Numbers.REPLACE).build()}) {
      assertThat(Tokenizer.parse(t.description())).isEqualTo(t);
    }
    assertThat(CharTokenizer.NFC.description()).isEqualTo("char:nfc");
    assertThat(WordTokenizer.DEFAULT.description()).isEqualTo("word:lowercase=true,punctuation=keep,numbers=keep");
    assertThatThrownBy(() -> Tokenizer.parse("bpe")).hasMessageContaining("expected 'char[:options]'")
        .hasMessageContaining("got 'bpe'");
    assertThatThrownBy(() -> Tokenizer.parse("word:numbers=spell")).hasMessageContaining("numbers=keep|replace|drop")
        .hasMessageContaining("numbers=spell");
  }
}
