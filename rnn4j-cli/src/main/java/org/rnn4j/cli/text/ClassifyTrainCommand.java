package org.rnn4j.cli.text;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.rnn4j.Engine;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.charts.ConfusionChart;
import org.rnn4j.cli.charts.LossChart;
import org.rnn4j.cli.options.CombinedCheck;
import org.rnn4j.cli.options.InputFile;
import org.rnn4j.cli.options.ModelOptions;
import org.rnn4j.cli.options.OneOf;
import org.rnn4j.cli.options.OutputOptions;
import org.rnn4j.cli.options.Range;
import org.rnn4j.cli.options.ResumeMayChange;
import org.rnn4j.cli.options.StoppingOptions;
import org.rnn4j.cli.options.TrainingOptions;
import org.rnn4j.cli.ui.ProgressListener;
import org.rnn4j.data.Dataset;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Loss;
import org.rnn4j.nn.PoolingSpec;
import org.rnn4j.text.CharTokenizer;
import org.rnn4j.text.EncodedTexts;
import org.rnn4j.text.TextClassifier;
import org.rnn4j.text.TextEncoder;
import org.rnn4j.text.Tokenizer;
import org.rnn4j.text.Vocabulary;
import org.rnn4j.text.WordTokenizer;
import org.rnn4j.train.Adam;
import org.rnn4j.train.FitOptions;
import org.rnn4j.train.History;
import org.rnn4j.train.LrSchedule;
import org.rnn4j.train.Metrics;
import org.rnn4j.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rnn4j classify train}: trains a recurrent text classifier. Without {@code --data} it learns to
 * tell the 20 languages of the embedded UDHR set apart from their characters, with train, validation
 * and test split by article number so that no paragraph is seen in one language in training and
 * tested in another. It prints test accuracy, macro F1, per-class precision/recall/F1 and the
 * confusion matrix, and writes the model (with its vocabulary and labels), the history, a loss chart
 * and a confusion heatmap. Not thread-safe (a command runs once).
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Train a recurrent text classifier and report its test accuracy.",
        "",
        "Without --data: language identification on the embedded Universal",
        "Declaration of Human Rights set (20 European languages, 1,191 paragraphs),",
        "split by article number. With --data: your TSV or CSV file with a header",
        "row, a text column and a label column.",
        "",
        "Example:",
        "  rnn4j classify train --data reviews.csv --text-column review \\",
        "    --label-column stars --tokenizer word"})
public final class ClassifyTrainCommand implements Callable<Integer>, CombinedCheck {
  static final String EMBEDDED = "udhr_langid.tsv";

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  ModelOptions network = new ModelOptions("lstm", 64, 1, 0f);

  @Mixin
  TrainingOptions training = new TrainingOptions(32, 0.005f, 1f, 42);

  @Mixin
  StoppingOptions stopping = new StoppingOptions(30, 8);

  @Mixin
  OutputOptions output = new OutputOptions("runs/classify");

  @InputFile
  @Option(names = "--data", paramLabel = "FILE", description = "Your .tsv or .csv file (default: the embedded UDHR set).")
  Path data;

  @Option(names = "--text-column", paramLabel = "NAME", description = "Column with the texts (default: text).")
  String textColumn;

  @Option(names = "--label-column", paramLabel = "NAME", description = "Column with the labels (default: label; lang for the embedded set).")
  String labelColumn;

  @Option(names = "--group-column", paramLabel = "NAME",
      description = "Split by this column: rows with the same value stay in one part (default: article for the embedded set; none: stratified by label).")
  String groupColumn;

  @Range(min = 0, minExclusive = true, max = 1, maxExclusive = true)
  @Option(names = "--test-fraction", paramLabel = "F", defaultValue = "0.2", description = "Share of the rows for testing (default: ${DEFAULT-VALUE}).")
  double testFraction;

  @Range(min = 0, max = 1, maxExclusive = true)
  @Option(names = "--validation-fraction", paramLabel = "F", defaultValue = "0.1",
      description = "Share of the rows for validation, which picks the best epoch (default: ${DEFAULT-VALUE}).")
  double validationFraction;

  @OneOf({"char", "word"})
  @Option(names = "--tokenizer", paramLabel = "TOKENIZER", defaultValue = "char", description = "char (Unicode characters, NFC) or word (default: ${DEFAULT-VALUE}).")
  String tokenizer;

  @Option(names = "--keep-case", description = "Do not lower-case the texts (they are lower-cased by default).")
  boolean keepCase;

  @Range(min = 1, max = 10_000_000)
  @Option(names = "--max-length", paramLabel = "TOKENS", defaultValue = "256", description = "Tokens read per text; longer texts are cut (default: ${DEFAULT-VALUE}).")
  int maxLength;

  @Range(min = 0, max = 1_000_000)
  @Option(names = "--window", paramLabel = "TOKENS", defaultValue = "16",
      description = "Train on overlapping windows of this many tokens cut from the training texts (half a window apart), 0 = on whole texts; validation and test always read whole texts (default: ${DEFAULT-VALUE}).")
  int window;

  @Range(min = 1, max = 1_000_000_000)
  @Option(names = "--min-frequency", paramLabel = "N", defaultValue = "2",
      description = "Tokens seen fewer times in training become <unk> (default: ${DEFAULT-VALUE}).")
  int minFrequency;

  @Range(min = 0, max = 100_000_000)
  @Option(names = "--max-vocab", paramLabel = "N", defaultValue = "20000", description = "Vocabulary size limit, 0 = none (default: ${DEFAULT-VALUE}).")
  int maxVocab;

  @Range(min = 1, max = 65536)
  @Option(names = "--embedding", paramLabel = "N", defaultValue = "32", description = "Embedding size (default: ${DEFAULT-VALUE}).")
  int embedding;

  @Option(names = "--bidirectional", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Read each text in both directions (default: ${DEFAULT-VALUE}; --no-bidirectional to read forwards only).")
  boolean bidirectional;

  @OneOf({"last", "mean", "max"})
  @Option(names = "--pooling", paramLabel = "POOLING", defaultValue = "mean",
      description = "What the output layer sees: last (the final state), mean or max (over every step's output) (default: ${DEFAULT-VALUE}).")
  String pooling;

  @OneOf({"constant", "cosine"})
  @Option(names = "--lr-schedule", paramLabel = "SCHEDULE", defaultValue = "constant",
      description = "constant, or cosine: anneal the rate to 1/20 of --lr over --epochs (default: ${DEFAULT-VALUE}).")
  String lrSchedule;

  @Override
  public Integer call() throws IOException {
    PrintWriter o = spec.commandLine().getOut();
    long started = System.nanoTime();
    Prepared d = prepare(o);
    List<String> labels = d.labels();
    EncodedTexts[] enc = d.enc();
    int[] testLabels = d.testLabels();
    Dataset train = d.train();
    Dataset val = d.val();
    boolean embedded = d.embedded();
    TextEncoder encoder = d.encoder();
    // 5. model
    CellType cellType = network.cellType();
    Model model = build(d, network, embedding, training.seed);
    o.print(model.summary());
    o.println("kernels: " + Engine.kernelName());
    // 6. fit
    Path checkpoint = output.start("checkpoint.safetensors");
    FitOptions options = fitOptions(val, training, checkpoint);
    long t0 = System.nanoTime();
    History history;
    try (ProgressListener progress = ProgressListener.forConsole()) {
      history = Trainer.fit(model, train, val, options, progress);
    } catch (Trainer.TrainingStoppedException e) {
      throw new UserInputException(e.getMessage(), e);
    }
    double trainSeconds = (System.nanoTime() - t0) / 1e9;
    o.printf(Locale.ROOT, "trained in %.1f s%s%n", trainSeconds,
        history.stopReason().isEmpty() ? "" : " (" + history.stopReason() + ")");
    // 7. test
    float[] scores = model.predict(enc[2].dataset()).data();
    double accuracy = Metrics.accuracy(scores, testLabels);
    long[][] confusion = Metrics.confusion(scores, testLabels);
    double[][] perClass = Metrics.perClass(confusion);
    double[] macro = Metrics.macro(confusion);
    o.println();
    o.printf(Locale.ROOT, "test set: %d texts%n", testLabels.length);
    o.printf(Locale.ROOT, "  accuracy  %.4f (%d of %d)%n", accuracy, Math.round(accuracy * testLabels.length),
        testLabels.length);
    o.printf(Locale.ROOT, "  macro F1  %.4f (precision %.4f, recall %.4f)%n", macro[2], macro[0], macro[1]);
    o.println();
    o.print(perClassTable(labels, perClass, confusion));
    o.println();
    o.print(confusionText(labels, confusion));
    // 8. save
    Path modelFile = output.out.resolve("model.rnn4j");
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("source", embedded ? EMBEDDED + " (embedded)" : data.getFileName().toString());
    meta.put("test_accuracy", Double.toString(accuracy));
    meta.put("test_macro_f1", Double.toString(macro[2]));
    meta.put("epochs_run", Integer.toString(history.epochs().size()));
    new TextClassifier(model, encoder, labels).save(modelFile, meta);
    Path historyCsv = output.out.resolve("history.csv");
    history.writeCsv(historyCsv);
    Path lossPng = output.out.resolve("loss.png");
    LossChart.lossCurves(history, lossPng, "Training history: " + cellType.name().replace("_TANH", "")
        + " text classifier");
    Path confusionPng = output.out.resolve("confusion.png");
    ConfusionChart.heatmap(labels.toArray(new String[0]), confusion, confusionPng,
        "Test confusion matrix (" + testLabels.length + " texts)");
    output.finish(checkpoint);
    o.println();
    OutputOptions.printWritten(o, "model", modelFile, "history", historyCsv, "charts", lossPng + ", " + confusionPng);
    o.printf(Locale.ROOT, "total time %.1f s%n", (System.nanoTime() - started) / 1e9);
    o.println("classify new text with: rnn4j classify predict --model " + modelFile + " \"some text\"");
    return 0;
  }

  /**
   * The texts read, split and encoded: what every fit on this command's data shares.
   *
   * @param enc the training, validation and test texts encoded (validation null when there is none)
   */
  record Prepared(List<String> labels, TextEncoder encoder, EncodedTexts[] enc, Dataset train, Dataset val,
      int[] validationLabels, int[] testLabels, boolean embedded) {
  }

  /** Reads, checks, splits and encodes the data (steps 1 to 4), printing what it found. */
  Prepared prepare(PrintWriter o) {
    boolean embedded = data == null;
    String textCol = textColumn != null ? textColumn : "text";
    String labelCol = labelColumn != null ? labelColumn : embedded ? "lang" : "label";
    String groupCol = groupColumn != null ? groupColumn : embedded ? "article" : null;
    // 1. read
    TextTableReader.Result read = embedded
        ? TextTableReader.readEmbedded(EMBEDDED, textCol, labelCol, groupCol)
        : TextTableReader.read(data, textCol, labelCol, groupCol);
    for (String note : read.notes()) {
      o.println("note: " + note);
    }
    Tokenizer tok = parseTokenizer(tokenizer, !keepCase);
    List<String> texts = new ArrayList<>();
    List<String> labelOf = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    List<Integer> noTokens = new ArrayList<>();
    for (int i = 0; i < read.texts().size(); i++) {
      if (tok.tokenize(read.texts().get(i)).isEmpty()) {
        noTokens.add(read.lines().get(i));
        continue;
      }
      texts.add(read.texts().get(i));
      labelOf.add(read.labels().get(i));
      groups.add(read.groups().get(i));
      lines.add(read.lines().get(i));
    }
    if (!noTokens.isEmpty()) {
      o.println("note: skipped " + noTokens.size() + " text(s) in which the " + tok.description()
          + " tokenizer finds no token (lines " + noTokens.subList(0, Math.min(5, noTokens.size()))
          + (noTokens.size() > 5 ? " ..." : "") + ")");
    }
    String source = embedded ? "embedded UDHR language identification (" + EMBEDDED + ", see its NOTICE)"
        : data.toString();
    // 2. classes
    Map<String, List<Integer>> byLabel = new TreeMap<>(Vocabulary::compareCodePoints);
    for (int i = 0; i < labelOf.size(); i++) {
      byLabel.computeIfAbsent(labelOf.get(i), l -> new ArrayList<>()).add(i);
    }
    if (byLabel.size() < 2) {
      throw new UserInputException(sourceName() + ": expected at least 2 classes in column '" + labelCol + "', got "
          + byLabel.size() + " (" + byLabel.keySet() + ")");
    }
    for (Map.Entry<String, List<Integer>> e : byLabel.entrySet()) {
      if (e.getValue().size() == 1) {
        throw new UserInputException(sourceName() + ": class '" + e.getKey() + "' has a single example (line "
            + lines.get(e.getValue().get(0)) + "); every class needs at least 2, one to train on and one to test:"
            + " add examples or remove that row");
      }
    }
    List<String> labels = new ArrayList<>(byLabel.keySet());
    Map<String, Integer> classIndex = new LinkedHashMap<>();
    for (int c = 0; c < labels.size(); c++) {
      classIndex.put(labels.get(c), c);
    }
    o.printf(Locale.ROOT, "data: %s: %d texts, %d classes%n", source, texts.size(), labels.size());
    // 3. split
    int[] part = groupCol != null ? TextSplit.byGroup(groups, testFraction, validationFraction, training.seed)
        : TextSplit.stratified(labelOf, testFraction, validationFraction, training.seed);
    List<List<String>> partTexts = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    List<List<Integer>> partLabels = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    List<Set<String>> partGroups = List.of(new TreeSet<>(), new TreeSet<>(),
        new TreeSet<>());
    for (int i = 0; i < texts.size(); i++) {
      partTexts.get(part[i]).add(texts.get(i));
      partLabels.get(part[i]).add(classIndex.get(labelOf.get(i)));
      partGroups.get(part[i]).add(groups.get(i));
    }
    for (String l : labels) {
      if (!partLabels.get(TextSplit.TRAIN).contains(classIndex.get(l))) {
        throw new UserInputException(sourceName() + ": class '" + l + "' has no training text: all its rows are in"
            + " groups of '" + groupCol + "' chosen for validation or test; try another --seed, a smaller"
            + " --test-fraction, or split without groups");
      }
    }
    if (partTexts.get(TextSplit.TEST).isEmpty()) {
      throw new UserInputException(sourceName() + ": too few rows to set " + testFraction + " of them aside for"
          + " testing; add data or raise --test-fraction");
    }
    if (groupCol != null) {
      o.printf(Locale.ROOT, "split by %s: train %d texts (%d groups), validation %d (%s), test %d (%s)%n", groupCol,
          partTexts.get(0).size(), partGroups.get(0).size(), partTexts.get(1).size(), groupList(partGroups.get(1)),
          partTexts.get(2).size(), groupList(partGroups.get(2)));
    } else {
      o.printf(Locale.ROOT, "split by label (stratified): train %d texts, validation %d, test %d%n",
          partTexts.get(0).size(), partTexts.get(1).size(), partTexts.get(2).size());
    }
    // 4. vocabulary from the training texts only, then encode every part
    Vocabulary.Builder counts = Vocabulary.builder().minFrequency(minFrequency).maxSize(maxVocab);
    for (String t : partTexts.get(TextSplit.TRAIN)) {
      counts.addAll(tok.tokenize(t));
    }
    Vocabulary vocab;
    try {
      vocab = counts.build();
    } catch (IllegalStateException e) {
      throw new UserInputException("--min-frequency " + minFrequency + ": " + e.getMessage());
    }
    TextEncoder encoder = new TextEncoder(tok, vocab, maxLength);
    o.printf(Locale.ROOT, "vocabulary: %d %s tokens from the training texts (seen %d+ times) + <pad>, <unk>%n",
        vocab.size() - 2, tok instanceof CharTokenizer ? "character" : "word", minFrequency);
    EncodedTexts[] enc = new EncodedTexts[3];
    String[] names = {"training", "validation", "test"};
    for (int p = 0; p < 3; p++) {
      if (partTexts.get(p).isEmpty()) {
        continue;
      }
      enc[p] = encoder.encode(partTexts.get(p));
      if (enc[p].unknownCount() > 0) {
        o.println("note: " + names[p] + " texts: " + enc[p].unknownSummary(8)
            + (p == 0 ? " (rarer than --min-frequency)" : " (never or rarely seen in training)"));
      }
      if (enc[p].truncatedCount() > 0) {
        o.printf(Locale.ROOT, "note: %s texts: %d of %d cut to their first %d tokens (--max-length)%n", names[p],
            enc[p].truncatedCount(), enc[p].count(), maxLength);
      }
    }
    Dataset train = window > 0 ? enc[0].windows(toArray(partLabels.get(0)), window)
        : enc[0].dataset(toArray(partLabels.get(0)));
    if (window > 0) {
      o.printf(Locale.ROOT, "training on %d windows of up to %d tokens cut from the %d training texts%n",
          train.size(), window, enc[0].count());
    }
    Dataset val = enc[1] == null ? null : enc[1].dataset(toArray(partLabels.get(1)));
    int[] testLabels = toArray(partLabels.get(2));
    return new Prepared(List.copyOf(labels), encoder, enc, train, val, toArray(partLabels.get(1)), testLabels, embedded);
  }

  /** The classifier for these data: embedding, recurrent stack, pooling, dropout, output layer. */
  Model build(Prepared d, ModelOptions network, int embedding, long seed) {
    Vocabulary vocab = d.encoder().vocabulary();
    CellType cellType = network.cellType();
    float between = network.layers > 1 ? network.dropout : 0f;
    PoolingSpec.Mode pool = parsePooling(pooling);
    Sequential s = Sequential.embedding(vocab.size(), embedding, vocab.paddingId())
        .recurrent(cellType, network.hidden, r -> r.numLayers(network.layers).bidirectional(bidirectional).dropout(between)
            .returnSequences(pool != null));
    if (pool != null) {
      s.pooling(pool);
    }
    if (network.dropout > 0f) {
      s.dropout(network.dropout);
    }
    return s.dense(d.labels().size()).loss(Loss.CROSS_ENTROPY).build(seed);
  }

  /** The fit's options: budget, optimiser, schedule, early stopping on {@code val} (null: none). */
  FitOptions fitOptions(Dataset val, TrainingOptions training, Path checkpoint) {
    return FitOptions.builder().epochs(stopping.epochs).batchSize(training.batchSize).optimizer(Adam.of(training.lr))
        .seed(training.seed).schedule(parseSchedule(lrSchedule, stopping.epochs, training.lr))
        .clipNorm(training.clipNorm).earlyStopping(val == null ? 0 : stopping.patience).restoreBest(val != null)
        .checkpoint(checkpoint).build();
  }

  private String sourceName() {
    return data == null ? EMBEDDED + " (embedded)" : data.toString();
  }

  /** The checks that involve two options; each option's own range is declared beside it. */
  @Override
  public String problem() {
    if (testFraction + validationFraction >= 1) {
      return "--validation-fraction: expected test + validation < 1, received " + validationFraction
          + " with --test-fraction " + testFraction;
    }
    if (maxVocab == 1 || maxVocab == 2) {
      return "--max-vocab: expected 0 (no limit) or a size of at least 3 (two ids are <pad> and <unk>), received "
          + maxVocab;
    }
    // The embedding table, its gradient and Adam's two moments: 16 bytes a weight.
    double table = 16.0 * embedding * (maxVocab == 0 ? 3 : maxVocab);
    if (table > Runtime.getRuntime().maxMemory()) {
      return "--embedding " + embedding + " with --max-vocab " + maxVocab + ": the embedding table and its training"
          + " state need " + (long) (table / (1 << 20)) + " MB, more than this JVM may use (lower either, or raise -Xmx)";
    }
    return null;
  }

  static LrSchedule parseSchedule(String s, int epochs, float lr) {
    switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "constant":
        return new LrSchedule.Constant();
      case "cosine":
        return new LrSchedule.Cosine(epochs, lr / 20f);
      default:
        throw new UserInputException("--lr-schedule: expected constant or cosine, got '" + s + "'");
    }
  }

  /** null for the last state, else the pooling mode. */
  static PoolingSpec.Mode parsePooling(String s) {
    if (s.trim().equalsIgnoreCase("last")) {
      return null;
    }
    try {
      return PoolingSpec.Mode.parse(s);
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--pooling: expected last, mean or max, got '" + s + "'");
    }
  }

  static Tokenizer parseTokenizer(String s, boolean lowercase) {
    switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "char":
        return lowercase ? CharTokenizer.NFC.lowercase() : CharTokenizer.NFC;
      case "word":
        return WordTokenizer.builder().lowercase(lowercase).build();
      default:
        throw new UserInputException("--tokenizer: expected char or word, got '" + s + "'");
    }
  }

  private static String groupList(Set<String> groups) {
    List<String> g = new ArrayList<>(groups);
    try {
      g.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
    } catch (NumberFormatException e) {
      Collections.sort(g);
    }
    String s = String.join(", ", g.subList(0, Math.min(12, g.size())));
    return (g.size() == 1 ? "group " : "groups ") + s + (g.size() > 12 ? ", ..." : "");
  }

  private static int[] toArray(List<Integer> l) {
    int[] a = new int[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = l.get(i);
    }
    return a;
  }

  /** Precision, recall, F1 and support per class, one row each. */
  static String perClassTable(List<String> labels, double[][] perClass, long[][] confusion) {
    int w = Math.max(5, labels.stream().mapToInt(String::length).max().orElse(5));
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "  %-" + w + "s %9s %9s %9s %8s%n", "class", "precision", "recall", "f1",
        "support"));
    for (int c = 0; c < labels.size(); c++) {
      long support = 0;
      for (long v : confusion[c]) {
        support += v;
      }
      sb.append(String.format(Locale.ROOT, "  %-" + w + "s %9.4f %9.4f %9.4f %8d%n", labels.get(c), perClass[c][0],
          perClass[c][1], perClass[c][2], support));
    }
    return sb.toString();
  }

  /** The confusion matrix as text: rows true classes, columns predicted; zeros as dots. */
  static String confusionText(List<String> labels, long[][] m) {
    int n = labels.size();
    if (n > 40) {
      return "confusion matrix: " + n + " classes, too many to print; see confusion.png\n";
    }
    long max = 0;
    for (long[] row : m) {
      for (long v : row) {
        max = Math.max(max, v);
      }
    }
    int lw = labels.stream().mapToInt(String::length).max().orElse(1);
    int cw = Math.max(Long.toString(max).length(), Math.min(lw, 6)) + 1;
    StringBuilder sb = new StringBuilder("confusion matrix (rows: true class, columns: predicted):\n");
    sb.append(" ".repeat(lw + 2));
    for (String l : labels) {
      String s = l.length() > cw - 1 ? l.substring(0, cw - 1) : l;
      sb.append(String.format(Locale.ROOT, "%" + cw + "s", s));
    }
    sb.append('\n');
    for (int t = 0; t < n; t++) {
      sb.append(String.format(Locale.ROOT, "  %-" + lw + "s", labels.get(t)));
      for (int p = 0; p < n; p++) {
        sb.append(String.format(Locale.ROOT, "%" + cw + "s", m[t][p] == 0 ? "." : Long.toString(m[t][p])));
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
