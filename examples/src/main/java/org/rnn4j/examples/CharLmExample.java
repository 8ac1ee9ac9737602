package org.rnn4j.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.data.Dataset;
import org.rnn4j.nn.Loss;
import org.rnn4j.text.Sampler;
import org.rnn4j.text.TextGenerator;
import org.rnn4j.text.TextStreams;
import org.rnn4j.text.Vocabulary;
import org.rnn4j.train.Adam;
import org.rnn4j.train.FitOptions;
import org.rnn4j.train.History;
import org.rnn4j.train.Metrics;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.TrainingListener;

/**
 * A character-level language model, char-rnn style, and sampling from it.
 *
 * <ul>
 *   <li>{@code CharLmExample model.rnn4j}: samples from a model saved by {@code rnn4j generate train}.
 *   <li>{@code CharLmExample corpus.txt}: trains a small model on the first 300,000 characters of the
 *       text (a few minutes), saves it as {@code charlm.rnn4j}, and samples from it.
 * </ul>
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp rnn4j-core/target/classes:examples/target/classes \
 *     org.rnn4j.examples.CharLmExample runs/generate/model.rnn4j
 * </pre>
 *
 * <p>Not thread-safe (a program run once).
 */
public final class CharLmExample {
  private CharLmExample() {
  }

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args.length > 0 ? args[0]
        : "rnn4j-cli/src/main/resources/org/rnn4j/cli/datasets/moby_dick.txt");
    TextGenerator generator = path.toString().endsWith(".rnn4j") ? TextGenerator.load(path) : train(path);

    // Streaming generation: the prime is read one character per step, then one step per new character.
    Sampler sampler = Sampler.builder().temperature(0.8f).topP(0.95f).seed(1).build();
    System.out.print("Call me");
    generator.generate("Call me", 400, sampler, System.out::print);
    System.out.println();
  }

  static TextGenerator train(Path corpus) throws Exception {
    String text = TextStreams.universalNewlines(Files.readString(corpus));
    text = text.substring(0, Math.min(text.length(), 300_000));
    Vocabulary vocab = TextStreams.characterVocabulary(text);       // sorted distinct characters
    int[] ids = TextStreams.encodeCharacters(text, vocab);
    int cut = (int) (ids.length * 0.9);
    Dataset train = TextStreams.of(Arrays.copyOfRange(ids, 0, cut), 32, 100);   // 32 streams x 100 steps
    Dataset val = TextStreams.of(Arrays.copyOfRange(ids, cut, ids.length), 32, 100);

    Model model = Sequential.embedding(vocab.size(), 64)
        .lstm(128, o -> o.numLayers(2).returnSequences(true))
        .dense(vocab.size())
        .loss(Loss.CROSS_ENTROPY)
        .build(0);
    // stateful: batch k+1 continues batch k stream by stream (truncated BPTT), state reset each epoch
    Trainer.fit(model, train, val, FitOptions.builder().epochs(2).batchSize(32).optimizer(Adam.of(0.002f))
        .clipNorm(5f).stateful(true).build(), new TrainingListener() {
          @Override
          public void epochFinished(History.Epoch e) {
            System.out.printf("epoch %d: validation %.4f bits per character%n", e.epoch(),
                Metrics.bitsPerCharacter(e.validationLoss()));
          }
        });
    TextGenerator generator = new TextGenerator(model, vocab);
    generator.save(Path.of("charlm.rnn4j"), Map.of());
    return generator;
  }
}
