package org.rnn4j.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.Tensor;
import org.rnn4j.data.Dataset;
import org.rnn4j.nn.Loss;
import org.rnn4j.train.Adam;
import org.rnn4j.train.FitOptions;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.TrainingListener;

/** Generation: learns a pattern, the same seed gives the same text, the prime is checked. */
class TextGeneratorTest {
  private static final String TEXT = "hello world ".repeat(50);

  private static Model model(Vocabulary v) {
    return Sequential.embedding(v.size(), 8).lstm(16, o -> o.returnSequences(true)).dense(v.size())
        .loss(Loss.CROSS_ENTROPY).build(1);
  }

  @Test
  void learnsARepeatingTextAndSamplesItDeterministically(@TempDir Path dir) throws Exception {
    Vocabulary v = TextStreams.characterVocabulary(TEXT);
    Model m = model(v);
    int[] ids = TextStreams.encodeCharacters(TEXT, v);
    Dataset train = TextStreams.of(ids, 4, 10);
    Trainer.fit(m, train, null, FitOptions.builder().epochs(30).batchSize(4).optimizer(Adam.of(0.02f))
        .stateful(true).clipNorm(5f).build(), new TrainingListener() { });
    TextGenerator g = new TextGenerator(m, v);
    List<String> streamed = new ArrayList<>();
    String text = g.generate("hello w", 20, Sampler.builder().topK(1).build(), streamed::add);
    assertThat(text).isEqualTo("hello world ".repeat(3).substring(7, 27));
    assertThat(String.join("", streamed)).isEqualTo(text);
    Sampler.Builder s = Sampler.builder().temperature(1.5f).seed(11);
    String a = g.generate("he", 200, s.build(), null);
    assertThat(g.generate("he", 200, s.build(), null)).isEqualTo(a);
    // save and load: the same text from the loaded generator
    Path f = dir.resolve("lm.rnn4j");
    g.save(f, Map.of("note", "x"));
    TextGenerator back = TextGenerator.load(f);
    assertThat(back.vocabulary()).isEqualTo(v);
    assertThat(back.generate("he", 200, s.build(), null)).isEqualTo(a);
  }

  @Test
  void sessionGenerationEqualsRerunningThePrefix() {
    Vocabulary v = TextStreams.characterVocabulary("abcd");
    Model m = model(v);
    TextGenerator g = new TextGenerator(m, v);
    String out = g.generate("ab", 12, Sampler.builder().topK(1).build(), null);
    // greedy by re-running the whole prefix through the batch forward each time
    StringBuilder text = new StringBuilder("ab");
    for (int i = 0; i < 12; i++) {
      int[] ids = TextStreams.encodeCharacters(text.toString(), v);
      Tensor y = m.predict(Dataset.ofTokens(ids, 1, ids.length, null, (int[]) null));
      int best = 0;
      int last = (ids.length - 1) * v.size();
      for (int j = 1; j < v.size(); j++) {
        if (y.data()[last + j] > y.data()[last + best]) {
          best = j;
        }
      }
      text.append(v.token(best));
    }
    assertThat("ab" + out).isEqualTo(text.toString());
  }

  @Test
  void primesTheModelCannotReadAreRefusedWithTheCharacters() {
    Vocabulary v = TextStreams.characterVocabulary("abc");
    TextGenerator g = new TextGenerator(model(v), v);
    Sampler s = Sampler.builder().build();
    assertThatThrownBy(() -> g.generate("abжx", 5, s, null)).hasMessageContaining("2 characters the model never"
        + " saw in training ('ж', 'x')").hasMessageContaining("it knows 3 characters");
    assertThatThrownBy(() -> g.generate("", 5, s, null)).hasMessageContaining("prime of at least one character");
    assertThatThrownBy(() -> g.generate("a", -1, s, null)).hasMessageContaining("length >= 0, got -1");
    assertThat(g.unknownCharacters("xaxy")).containsExactly("x", "y");
    // with an unknown token in the vocabulary, unknown prime characters are read as it
    Vocabulary open = Vocabulary.of(List.of("a", "b"), false, true);
    TextGenerator og = new TextGenerator(model(open), open);
    assertThat(og.generate("aж", 3, s, null)).hasSize(3);
    assertThatThrownBy(() -> new TextGenerator(Sequential.embedding(3, 2).lstm(2).dense(3).build(0), v))
        .hasMessageContaining("one output per step");
  }
}
