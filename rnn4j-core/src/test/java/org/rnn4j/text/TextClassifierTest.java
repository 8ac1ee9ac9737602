package org.rnn4j.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.nn.Loss;
import org.rnn4j.train.Adam;
import org.rnn4j.train.FitOptions;
import org.rnn4j.train.Metrics;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.TrainingListener;

/** A small classifier end to end: encode, train, predict, save, load. */
class TextClassifierTest {

  /** Class 0: texts of vowels; class 1: texts of consonants; random lengths 3..12. */
  static List<String> texts(int n, long seed, List<Integer> labels) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int c = i % 2;
      String pool = c == 0 ? "aeiou" : "bcdfg";
      StringBuilder sb = new StringBuilder();
      int len = 3 + r.nextInt(10);
      for (int k = 0; k < len; k++) {
        sb.append(pool.charAt(r.nextInt(pool.length())));
      }
      out.add(sb.toString());
      labels.add(c);
    }
    return out;
  }

  @Test
  void trainsPredictsSavesAndLoads(@TempDir Path dir) throws Exception {
    List<Integer> yl = new ArrayList<>();
    List<String> x = texts(120, 1, yl);
    Vocabulary.Builder counts = Vocabulary.builder();
    x.forEach(t -> counts.addAll(CharTokenizer.NFC.tokenize(t)));
    TextEncoder enc = new TextEncoder(CharTokenizer.NFC, counts.build(), 8);
    int[] y = yl.stream().mapToInt(Integer::intValue).toArray();
    Model m = Sequential.embedding(enc.vocabulary().size(), 8, 0).gru(12).dense(2).loss(Loss.CROSS_ENTROPY).build(2);
    Trainer.fit(m, enc.dataset(x, y), null, FitOptions.builder().epochs(15).batchSize(16)
        .optimizer(Adam.of(0.02f)).seed(3).build(), new TrainingListener() { });
    TextClassifier c = new TextClassifier(m, enc, List.of("vowels", "consonants"));
    List<Integer> tl = new ArrayList<>();
    List<String> test = texts(40, 9, tl);
    TextClassifier.Batch b = c.predictAll(test);
    float[] scores = new float[test.size() * 2];
    for (int i = 0; i < test.size(); i++) {
      scores[2 * i] = (float) b.probabilities()[i][0];
      scores[2 * i + 1] = (float) b.probabilities()[i][1];
    }
    assertThat(Metrics.accuracy(scores, tl.stream().mapToInt(Integer::intValue).toArray())).isGreaterThan(0.95);
    List<TextClassifier.Prediction> p = c.predict("aeiouaa", 2);
    assertThat(p).hasSize(2);
    assertThat(p.get(0).label()).isEqualTo("vowels");
    assertThat(p.get(0).probability() + p.get(1).probability()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    // unseen characters are read as unknown and counted
    TextClassifier.Batch unseen = c.predictAll(List.of("aeiöüx"));
    assertThat(unseen.encoded().unknownCount()).isEqualTo(3);
    Path f = dir.resolve("c.rnn4j");
    c.save(f, Map.of("test_accuracy", "1.0"));
    TextClassifier back = TextClassifier.load(f);
    assertThat(back.labels()).containsExactly("vowels", "consonants");
    assertThat(back.predict("aeiouaa", 2)).isEqualTo(p);
    assertThatThrownBy(() -> TextGenerator.load(f)).hasMessageContaining("not a character language model")
        .hasMessageContaining("'text-classifier'");
    assertThatThrownBy(() -> c.predict("", 1)).hasMessageContaining("text 0 has no tokens");
    assertThatThrownBy(() -> c.predict("a", 3)).hasMessageContaining("expected k in [1, 2], got 3");
  }
}
