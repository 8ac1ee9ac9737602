package org.rnn4j.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.rnn4j.data.Dataset;

/** The char-rnn stream batches, worked by hand. */
class TextStreamsTest {

  @Test
  void batchKHoldsChunkKOfEveryStream() {
    // 23 ids, B = 2, T = 3: n = (23 - 1) / 2 = 11 per stream; 11 / 3 = 3 batches; ids 0..21 used.
    int[] ids = new int[23];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i;
    }
    Dataset d = TextStreams.of(ids, 2, 3);
    assertThat(d.size()).isEqualTo(6);
    assertThat(d.steps()).isEqualTo(3);
    assertThat(d.classesPerExample()).isEqualTo(3);
    int[] x = d.tokenArray();
    int[] y = d.classArray();
    // example k*B + i = chunk k of stream i; stream 0 starts at 0, stream 1 at 11
    assertThat(Arrays.copyOfRange(x, 0, 3)).containsExactly(0, 1, 2); // batch 0, stream 0
    assertThat(Arrays.copyOfRange(x, 3, 6)).containsExactly(11, 12, 13); // batch 0, stream 1
    assertThat(Arrays.copyOfRange(x, 6, 9)).containsExactly(3, 4, 5); // batch 1, stream 0
    assertThat(Arrays.copyOfRange(x, 15, 18)).containsExactly(17, 18, 19); // batch 2, stream 1
    assertThat(Arrays.copyOfRange(y, 15, 18)).containsExactly(18, 19, 20); // targets: the next ids
    assertThat(Arrays.copyOfRange(y, 0, 3)).containsExactly(1, 2, 3);
    assertThat(d.lengths()).isNull();
  }

  @Test
  void tooShortATextSaysHowMuchIsNeeded() {
    assertThatThrownBy(() -> TextStreams.of(new int[50], 4, 20))
        .hasMessageContaining("expected at least 81 tokens").hasMessageContaining("got 50");
  }

  @Test
  void readsTextAsPythonDoes() {
    assertThat(TextStreams.universalNewlines("a\r\nb\rc\n")).isEqualTo("a\nb\nc\n");
    Vocabulary v = TextStreams.characterVocabulary("hello\n");
    assertThat(v.tokens()).containsExactly("\n", "e", "h", "l", "o");
    assertThat(TextStreams.encodeCharacters("hole", v)).containsExactly(2, 4, 3, 1);
    assertThatThrownBy(() -> TextStreams.encodeCharacters("hex", v)).hasMessageContaining("character 'x' at"
        + " position 2 is not in the vocabulary");
  }
}
