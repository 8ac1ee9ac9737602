package org.rnn4j.cli.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.options.InputFile;
import org.rnn4j.cli.options.Range;
import org.rnn4j.text.TextClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rnn4j classify predict}: labels texts with a model saved by {@code rnn4j classify train}. The
 * texts come from the command line, or, without any, one per line from standard input (blank lines
 * skipped). For each text one line on standard output: the label and its probability, tab-separated,
 * and with {@code --top-k K} the K most probable labels and probabilities. Characters or words the
 * model never saw in training are read as unknown and reported on standard error. Not thread-safe (a
 * command runs once).
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Label texts with a model from 'rnn4j classify train'.",
        "Texts come from the arguments, or one per line from standard input.",
        "Output: one line per text: label<TAB>probability (K pairs with --top-k K)."})
public final class ClassifyPredictCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @InputFile
  @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model file from 'rnn4j classify train'.")
  Path modelFile;

  @Range(min = 1, max = 1_000_000)
  @Option(names = "--top-k", defaultValue = "1", paramLabel = "K", description = "Print the K most probable labels (default: ${DEFAULT-VALUE}).")
  int topK;

  @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Texts to label (default: lines of standard input).")
  List<String> texts;

  @Override
  public Integer call() throws IOException {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    TextClassifier classifier;
    try {
      classifier = TextClassifier.load(modelFile);
    } catch (IOException e) {
      throw new UserInputException(e.getMessage(), e);
    }
    int classes = classifier.labels().size();
    if (topK < 1 || topK > classes) {
      throw new UserInputException("--top-k: expected 1.." + classes + " (the model knows " + classes
          + " labels), got " + topK);
    }
    List<String> input = new ArrayList<>();
    if (texts != null && !texts.isEmpty()) {
      for (int i = 0; i < texts.size(); i++) {
        String t = texts.get(i);
        if (t.isBlank() || classifier.encoder().tokenizer().tokenize(t).isEmpty()) {
          throw new UserInputException("text " + (i + 1) + " is " + (t.isBlank() ? "empty" : "without any token"
              + " the model reads") + ": nothing to classify");
        }
        input.add(texts.get(i));
      }
    } else {
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      int skipped = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isBlank() || classifier.encoder().tokenizer().tokenize(line).isEmpty()) {
          skipped++;
        } else {
          input.add(line);
        }
      }
      if (skipped > 0) {
        err.println("note: skipped " + skipped + " blank line(s) of standard input");
      }
      if (input.isEmpty()) {
        throw new UserInputException("expected texts as arguments or lines on standard input, got none");
      }
    }
    TextClassifier.Batch batch = classifier.predictAll(input);
    for (double[] p : batch.probabilities()) {
      StringBuilder line = new StringBuilder();
      for (TextClassifier.Prediction pr : classifier.top(p, topK)) {
        if (line.length() > 0) {
          line.append('\t');
        }
        line.append(pr.label()).append('\t').append(String.format(Locale.ROOT, "%.4f", pr.probability()));
      }
      o.println(line);
    }
    o.flush();
    if (batch.encoded().unknownCount() > 0) {
      err.println("note: " + batch.encoded().unknownSummary(8) + " (never or rarely seen in training)");
    }
    if (batch.encoded().truncatedCount() > 0) {
      err.printf(Locale.ROOT, "note: %d text(s) cut to their first %d tokens, as in training%n",
          batch.encoded().truncatedCount(), classifier.encoder().maxLength());
    }
    err.flush();
    return 0;
  }
}
