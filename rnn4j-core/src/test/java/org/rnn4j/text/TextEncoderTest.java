package org.rnn4j.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.data.Dataset;
import org.rnn4j.nn.Loss;

/** Encoding, padding, truncation, unknown tokens, and padding that never changes a result. */
class TextEncoderTest {
  private static final Vocabulary V = Vocabulary.of(List.of("a", "b", "c"), true, true); // a=2 b=3 c=4

  @Test
  void padsToTheLongestAndKeepsLengths() {
    TextEncoder enc = new TextEncoder(CharTokenizer.RAW, V, 0);
    EncodedTexts e = enc.encode(List.of("abc", "b", "ca"));
    assertThat(e.count()).isEqualTo(3);
    assertThat(e.steps()).isEqualTo(3);
    assertThat(e.lengths()).containsExactly(3, 1, 2);
    assertThat(e.tokens()).containsExactly(2, 3, 4, 3, 0, 0, 4, 2, 0);
    assertThat(e.ids(2)).containsExactly(4, 2);
    assertThat(e.unknownCount()).isZero();
    assertThat(e.unknownSummary(5)).isEmpty();
  }

  @Test
  void truncatesAndCountsUnknownTokens() {
    TextEncoder enc = new TextEncoder(CharTokenizer.RAW, V, 2);
    EncodedTexts e = enc.encode(List.of("axbyx", "zz"));
    assertThat(e.steps()).isEqualTo(2);
    assertThat(e.tokens()).containsExactly(2, 1, 1, 1);
    assertThat(e.truncatedCount()).isEqualTo(1);
    assertThat(e.unknownCount()).as("only kept tokens count").isEqualTo(3);
    assertThat(e.unknownTokens()).containsExactly(Map.entry("z", 2L), Map.entry("x", 1L));
    assertThat(e.unknownSummary(1)).isEqualTo("3 tokens (2 distinct) not in the vocabulary, read as unknown:"
        + " 'z' x2, ...");
    assertThat(EncodedTexts.quote(" \t")).isEqualTo("'U+0020U+0009'");
  }

  @Test
  void refusesEmptyTextsAndUnknownsWithoutAnUnknownId() {
    TextEncoder enc = new TextEncoder(WordTokenizer.builder().punctuation(WordTokenizer.Punctuation.DROP).build(),
        Vocabulary.of(List.of("hi"), true, true), 8);
    assertThatThrownBy(() -> enc.encode(List.of("hi", "  ", "hi")))
        .hasMessageContaining("text 1 has no tokens");
    assertThatThrownBy(() -> enc.encode(List.of("hi", "?!")))
        .hasMessageContaining("text 1 has no tokens");
    assertThatThrownBy(() -> enc.encode(List.of())).hasMessageContaining("at least one text");
    TextEncoder closed = new TextEncoder(CharTokenizer.RAW, Vocabulary.of(List.of("a"), false, false), 0);
    assertThatThrownBy(() -> closed.encode(List.of("ab"))).hasMessageContaining("text 0 holds 'b'")
        .hasMessageContaining("no unknown token");
    assertThatThrownBy(() -> TextEncoder.pad(List.of(new int[] {1}, new int[0]), 0, 0))
        .hasMessageContaining("sequence 1 is empty");
  }

  @Test
  void cutsTrainingWindowsHalfAWindowApart() {
    TextEncoder enc = new TextEncoder(CharTokenizer.RAW, V, 0);
    // "abcabcab" (8 ids) in windows of 4 every 2: [0,4) [2,6) [4,8); "ca" stays whole
    org.rnn4j.data.Dataset d = enc.encode(List.of("abcabcab", "ca")).windows(new int[] {7, 9}, 4);
    assertThat(d.size()).isEqualTo(4);
    assertThat(d.steps()).isEqualTo(4);
    assertThat(d.lengths()).containsExactly(4, 4, 4, 2);
    assertThat(java.util.Arrays.copyOfRange(d.tokenArray(), 4, 8)).containsExactly(4, 2, 3, 4); // "cabc"
    assertThat(java.util.Arrays.copyOfRange(d.tokenArray(), 12, 14)).containsExactly(4, 2);
    assertThat(d.classArray()).containsExactly(7, 7, 7, 9);
    // a length that is not a multiple of the stride: the last window ends with the text
    org.rnn4j.data.Dataset odd = enc.encode(List.of("abcab")).windows(new int[] {1}, 4);
    assertThat(odd.tokenArray()).containsExactly(2, 3, 4, 2, 3, 4, 2, 3);
    assertThatThrownBy(() -> enc.encode(List.of("a")).windows(new int[] {1}, 0)).hasMessageContaining("size >= 1");
  }

  @Test
  void savesIntoMetadataAndBack() {
    TextEncoder enc = new TextEncoder(WordTokenizer.DEFAULT, V, 17);
    TextEncoder back = TextEncoder.fromMap(enc.toMap("x."), "x.");
    assertThat(back.tokenizer()).isEqualTo(enc.tokenizer());
    assertThat(back.vocabulary()).isEqualTo(V);
    assertThat(back.maxLength()).isEqualTo(17);
  }

  @Test
  void paddingNeverChangesAPrediction() {
    Model m = Sequential.embedding(V.size(), 4, V.paddingId()).gru(6, o -> o.numLayers(2).bidirectional(true))
        .dense(3).loss(Loss.CROSS_ENTROPY).build(5);
    TextEncoder enc = new TextEncoder(CharTokenizer.RAW, V, 0);
    Dataset together = enc.encode(List.of("ab", "cabbacab", "c")).dataset();
    float[] batch = m.predict(together).data();
    String[] alone = {"ab", "cabbacab", "c"};
    for (int i = 0; i < alone.length; i++) {
      float[] single = m.predict(enc.encode(List.of(alone[i])).dataset()).data();
      for (int j = 0; j < 3; j++) {
        assertThat(batch[i * 3 + j]).as("text %d, class %d", i, j).isCloseTo(single[j],
            org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }
}
