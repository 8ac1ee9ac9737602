package org.rnn4j.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.nn.Loss;
import org.rnn4j.nn.PoolingSpec;
import org.rnn4j.text.CharTokenizer;
import org.rnn4j.text.EncodedTexts;
import org.rnn4j.text.TextClassifier;
import org.rnn4j.text.TextEncoder;
import org.rnn4j.text.Vocabulary;
import org.rnn4j.train.Adam;
import org.rnn4j.train.FitOptions;
import org.rnn4j.train.Metrics;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.TrainingListener;

/**
 * Trains a character-level language identifier on the UDHR set (TSV: lang, article, text) and
 * labels a few sentences. Articles whose number ends in 0 or 5 are the test set, so no translated
 * paragraph is in both parts.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp rnn4j-core/target/classes:examples/target/classes \
 *     org.rnn4j.examples.ClassifierExample rnn4j-cli/src/main/resources/org/rnn4j/cli/datasets/udhr_langid.tsv
 * </pre>
 *
 * <p>Not thread-safe (a program run once).
 */
public final class ClassifierExample {
  private ClassifierExample() {
  }

  public static void main(String[] args) throws Exception {
    Path tsv = Path.of(args.length > 0 ? args[0]
        : "rnn4j-cli/src/main/resources/org/rnn4j/cli/datasets/udhr_langid.tsv");
    List<String> trainTexts = new ArrayList<>();
    List<String> trainLangs = new ArrayList<>();
    List<String> testTexts = new ArrayList<>();
    List<String> testLangs = new ArrayList<>();
    List<String> lines = Files.readAllLines(tsv);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t", 3); // lang, article, text
      boolean test = Integer.parseInt(f[1]) % 5 == 0;
      (test ? testTexts : trainTexts).add(f[2]);
      (test ? testLangs : trainLangs).add(f[0]);
    }
    List<String> labels = trainLangs.stream().distinct().sorted().toList();

    // 1. characters (NFC, lower-cased) -> ids; characters seen once in training become <unk>
    CharTokenizer chars = CharTokenizer.NFC.lowercase();
    Vocabulary.Builder counts = Vocabulary.builder().minFrequency(2);
    trainTexts.forEach(t -> counts.addAll(chars.tokenize(t)));
    TextEncoder encoder = new TextEncoder(chars, counts.build(), 256);

    // 2. embedding -> bidirectional LSTM over every step -> mean over the valid steps -> 20 classes
    Model model = Sequential.embedding(encoder.vocabulary().size(), 32, encoder.vocabulary().paddingId())
        .lstm(64, o -> o.bidirectional(true).returnSequences(true))
        .pooling(PoolingSpec.Mode.MEAN)
        .dense(labels.size())
        .loss(Loss.CROSS_ENTROPY)
        .build(42);

    // 3. train on overlapping 16-character windows of the paragraphs (many more, shorter examples)
    int[] y = trainLangs.stream().mapToInt(labels::indexOf).toArray();
    Trainer.fit(model, encoder.encode(trainTexts).windows(y, 16), null,
        FitOptions.builder().epochs(10).batchSize(32).optimizer(Adam.of(0.005f)).clipNorm(1f).seed(42).build(),
        new TrainingListener() {
          @Override
          public void epochFinished(org.rnn4j.train.History.Epoch e) {
            System.out.printf("epoch %d loss %.4f%n", e.epoch(), e.trainLoss());
          }
        });

    // 4. test accuracy, then a few predictions
    EncodedTexts test = encoder.encode(testTexts);
    float[] scores = model.predict(test.dataset()).data();
    int[] truth = testLangs.stream().mapToInt(labels::indexOf).toArray();
    System.out.printf("test accuracy %.4f on %d paragraphs (%s)%n", Metrics.accuracy(scores, truth), truth.length,
        test.unknownSummary(5).isEmpty() ? "no unknown characters" : test.unknownSummary(5));
    TextClassifier classifier = new TextClassifier(model, encoder, labels);
    for (String s : List.of("Alle Menschen sind frei und gleich an Würde und Rechten geboren.",
        "Kaikki ihmiset syntyvät vapaina", "Toute personne a droit à la liberté")) {
      TextClassifier.Prediction best = classifier.predict(s, 1).get(0);
      System.out.printf("%-66s %s %.3f%n", s, best.label(), best.probability());
    }
    classifier.save(Path.of("langid.rnn4j"), java.util.Map.of());
  }
}
