package org.rnn4j.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The vocabulary: specials, frequency and size limits, order, metadata round trip. */
class VocabularyTest {

  private static Vocabulary.Builder counted(String text) {
    return Vocabulary.builder().addAll(CharTokenizer.RAW.tokenize(text));
  }

  @Test
  void specialsComeFirstAndUnknownCatchesTheRest() {
    // counts: a 4, b 2, c 2, d 1
    Vocabulary v = counted("abacabdac").build();
    assertThat(v.tokens()).containsExactly("<pad>", "<unk>", "a", "b", "c", "d");
    assertThat(v.paddingId()).isZero();
    assertThat(v.unknownId()).isEqualTo(1);
    assertThat(v.id("a")).isEqualTo(2);
    assertThat(v.id("z")).isEqualTo(1);
    assertThat(v.contains("<unk>")).as("specials are not matched by text").isFalse();
    assertThat(v.token(5)).isEqualTo("d");
  }

  @Test
  void minimumFrequencyAndSizeLimit() {
    Vocabulary v = counted("abacabdac").minFrequency(2).build();
    assertThat(v.tokens()).containsExactly("<pad>", "<unk>", "a", "b", "c");
    assertThat(v.id("d")).isEqualTo(v.unknownId());
    Vocabulary small = counted("abacabdac").maxSize(4).build();
    assertThat(small.tokens()).containsExactly("<pad>", "<unk>", "a", "b"); // b and c tie: code point order
    assertThatThrownBy(() -> counted("ab").maxSize(2).build()).hasMessageContaining("expected maxSize > 2");
    assertThatThrownBy(() -> counted("ab").minFrequency(5).build())
        .hasMessageContaining("at least one token seen 5 time(s)").hasMessageContaining("got none among 2");
    assertThatThrownBy(() -> Vocabulary.builder().minFrequency(0)).hasMessageContaining("minFrequency >= 1, got 0");
  }

  @Test
  void codePointOrderWithoutSpecialsIsPythonsSortedSet() {
    // U+FF01 sorts before U+1F642 by code point, after it by UTF-16 units (String.compareTo)
    Vocabulary v = counted("b🙂！a").padding(false).unknown(false).order(Vocabulary.Order.CODE_POINT).build();
    assertThat(v.tokens()).containsExactly("a", "b", "！", "🙂");
    assertThat(v.unknownId()).isEqualTo(-1);
    assertThat(v.id("z")).isEqualTo(-1);
    assertThat(TextStreams.characterVocabulary("b🙂！a")).isEqualTo(v);
  }

  @Test
  void savesIntoStringMetadataAndBack() {
    Vocabulary v = Vocabulary.of(List.of("\"", "\\", "\n", "é", "🙂", "<unk>"), true, true);
    Map<String, String> m = v.toMap("vocab.");
    assertThat(m).containsKeys("vocab.tokens", "vocab.padding_id", "vocab.unknown_id");
    Vocabulary back = Vocabulary.fromMap(m, "vocab.");
    assertThat(back).isEqualTo(v);
    assertThat(back.id("<unk>")).as("a real token spelled like a special keeps its own id").isEqualTo(7);
    assertThatThrownBy(() -> Vocabulary.fromMap(Map.of(), "vocab.")).hasMessageContaining("'vocab.tokens' is missing");
    assertThatThrownBy(() -> Vocabulary.fromMap(Map.of("v.tokens", "[\"a\"]", "v.padding_id", "3",
        "v.unknown_id", "-1"), "v.")).hasMessageContaining("'v.padding_id' to be an id in [-1, 1), got '3'");
    assertThatThrownBy(() -> Vocabulary.of(List.of("a", "a"), false, false)).hasMessageContaining("'a' twice");
  }
}
