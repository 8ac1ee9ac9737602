package org.rnn4j.cli.text;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.rnn4j.Engine;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.charts.LossChart;
import org.rnn4j.cli.data.DataFiles;
import org.rnn4j.cli.options.InputFile;
import org.rnn4j.cli.options.CheckpointOptions;
import org.rnn4j.cli.options.ModelOptions;
import org.rnn4j.cli.options.OutputOptions;
import org.rnn4j.cli.options.Range;
import org.rnn4j.cli.options.ResumeMayChange;
import org.rnn4j.cli.options.StoppingOptions;
import org.rnn4j.cli.options.TrainingOptions;
import org.rnn4j.cli.ui.ProgressListener;
import org.rnn4j.data.Dataset;
import org.rnn4j.nn.CellType;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rnn4j generate train}: trains a character-level language model the char-rnn way, following
 * the protocol of the PyTorch reference script ({@code charlm_torch.py} in the project's shared
 * peers): vocabulary = the sorted distinct characters of the text; the first 90% of the characters
 * train, the last 10% validate; each part is cut into B contiguous streams, batch k holds characters
 * [k*T, (k+1)*T) of every stream and the next characters as targets; the recurrent state is carried
 * from batch to batch (truncated BPTT) and reset at each epoch; Embedding(V, 64) -> LSTM(64 -> H) x L
 * -> Linear(H, V), mean cross-entropy, Adam, gradient norm clipped to 5. Validation is streamed the
 * same way and reported as loss and bits per character after each epoch. Checkpoints every few
 * updates; {@code --resume} continues an interrupted run exactly. Not thread-safe (a command runs
 * once).
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Train a character-level language model and report its bits per character.",
        "",
        "Without --data: Moby Dick (embedded, 1.19 million characters). With --data:",
        "your UTF-8 text file. Defaults follow charlm_torch.py: 2-layer LSTM of 256,",
        "batch 32 streams x 100 steps, Adam 0.002, clip 5.0, 1 epoch.",
        "",
        "Then:",
        "  rnn4j generate --model runs/generate/model.rnn4j --prime \"Call me\""})
public final class GenerateTrainCommand implements Callable<Integer> {
  static final String EMBEDDED = "moby_dick.txt";

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  ModelOptions network = new ModelOptions("lstm", 256, 2, 0f);

  @Mixin
  TrainingOptions training = new TrainingOptions(32, 0.002f, 5f, 0);

  @Mixin
  StoppingOptions stopping = new StoppingOptions(1, 0);

  @Mixin
  CheckpointOptions checkpoints = new CheckpointOptions(50);

  @Mixin
  OutputOptions output = new OutputOptions("runs/generate");

  @InputFile
  @Option(names = "--data", paramLabel = "FILE", description = "Your UTF-8 text file (default: the embedded Moby Dick).")
  Path data;

  @Range(min = 1, max = 65536)
  @Option(names = "--embedding", paramLabel = "N", defaultValue = "64", description = "Embedding size (default: ${DEFAULT-VALUE}).")
  int embedding;

  @Range(min = 1, max = 1_000_000)
  @Option(names = "--seq-length", paramLabel = "T", defaultValue = "100", description = "Characters per stream and update T: the BPTT length (default: ${DEFAULT-VALUE}).")
  int seqLength;

  @Range(min = 0, minExclusive = true, max = 1, maxExclusive = true)
  @Option(names = "--validation-fraction", paramLabel = "F", defaultValue = "0.1", description = "The last part of the text kept for validation (default: ${DEFAULT-VALUE}).")
  double validationFraction;

  @Range(min = 0, max = 10_000_000)
  @ResumeMayChange
  @Option(names = "--sample-length", paramLabel = "CHARS", defaultValue = "300", description = "Characters of the sample printed at the end, 0 = none (default: ${DEFAULT-VALUE}).")
  int sampleLength;

  @Override
  public Integer call() throws IOException {
    PrintWriter o = spec.commandLine().getOut();
    boolean embedded = data == null;
    Prepared d = prepare();
    Vocabulary vocab = d.vocab();
    int[] ids = d.ids();
    int cut = d.cut();
    Dataset train = d.train();
    Dataset val = d.val();
    int updates = train.size() / training.batchSize;
    o.printf(Locale.ROOT, "data: %s: %,d characters, %d distinct%n",
        embedded ? "embedded Moby Dick (" + EMBEDDED + ", see its NOTICE)" : data.toString(), ids.length,
        vocab.size());
    o.printf(Locale.ROOT, "streams: %d x %d steps; train %,d characters (%d updates per epoch), validation %,d"
        + " characters (%d batches)%n", training.batchSize, seqLength, cut, updates, ids.length - cut, val.size() / training.batchSize);
    // 2. model: Embedding(V, E) -> recurrent x L -> Linear(H, V)
    CellType cellType = network.cellType();
    Model model = build(vocab.size(), network, embedding, training.seed);
    o.print(model.summary());
    o.println("kernels: " + Engine.kernelName());
    // 3. fit, stateful (truncated BPTT over the streams)
    Path checkpoint = output.start("checkpoint.safetensors");
    FitOptions options = fitOptions(training, checkpoint);
    long t0 = System.nanoTime();
    History history;
    try (ProgressListener progress = ProgressListener.forConsole()) {
      history = Trainer.fit(model, train, val, options, new BitsPerCharacter(progress));
    } catch (Trainer.TrainingStoppedException e) {
      throw new UserInputException(e.getMessage(), e);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    o.printf(Locale.ROOT, "trained in %.1f s (%d updates, %.3f s per update)%n", seconds,
        (long) updates * history.epochs().size(), seconds / Math.max(1, (long) updates * history.epochs().size()));
    o.println();
    o.printf(Locale.ROOT, "  %5s %12s %12s %12s %10s%n", "epoch", "train loss", "val loss", "val bpc", "seconds");
    for (History.Epoch e : history.epochs()) {
      o.printf(Locale.ROOT, "  %5d %12.4f %12.4f %12.4f %10.1f%n", e.epoch(), e.trainLoss(), e.validationLoss(),
          Metrics.bitsPerCharacter(e.validationLoss()), e.seconds());
    }
    // the saved model's epoch: the best one when early stopping restored it, else the last
    History.Epoch last = stopping.patience > 0
        ? history.epochs().stream().min(java.util.Comparator.comparingDouble(History.Epoch::validationLoss)).orElseThrow()
        : history.epochs().get(history.epochs().size() - 1);
    double bpc = Metrics.bitsPerCharacter(last.validationLoss());
    o.printf(Locale.ROOT, "validation: loss %.4f nats per character, %.4f bits per character%n",
        last.validationLoss(), bpc);
    // 4. save
    TextGenerator generator = new TextGenerator(model, vocab);
    Path modelFile = output.out.resolve("model.rnn4j");
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("source", embedded ? EMBEDDED + " (embedded)" : data.getFileName().toString());
    meta.put("val_loss", Double.toString(last.validationLoss()));
    meta.put("val_bpc", Double.toString(bpc));
    meta.put("epochs_run", Integer.toString(history.epochs().size()));
    generator.save(modelFile, meta);
    Path historyCsv = output.out.resolve("history.csv");
    history.writeCsv(historyCsv);
    Path lossPng = output.out.resolve("loss.png");
    LossChart.lossCurves(history, lossPng, "Training history: character-level "
        + cellType.name().replace("_TANH", "") + " language model");
    output.finish(checkpoint);
    // 5. a sample
    if (sampleLength > 0) {
      String prime = vocab.contains("\n") ? "\n" : vocab.token(0);
      o.println();
      o.println("sample (temperature 0.8, seed 0):");
      o.print(prime.equals("\n") ? "" : prime);
      generator.generate(prime, sampleLength, Sampler.builder().temperature(0.8f).seed(0).build(), c -> o.print(c));
      o.println();
    }
    o.println();
    OutputOptions.printWritten(o, "model", modelFile, "history", historyCsv, "chart", lossPng);
    o.println("generate text with: rnn4j generate --model " + modelFile + " --prime \"Call me\" --length 500");
    return 0;
  }

  /**
   * The text as the model sees it: its vocabulary and ids, and the streams of the training part (the
   * first {@code 1 - validation fraction} of the characters) and of the validation part (the rest).
   *
   * @param ids     every character's id
   * @param cut     the first validation character
   */
  record Prepared(Vocabulary vocab, int[] ids, int cut, Dataset train, Dataset val) {
  }

  /** Reads the text and cuts it into the training and validation streams. */
  Prepared prepare() throws IOException {
    // the text, read as Python reads it (UTF-8, universal newlines)
    String text;
    if (data == null) {
      text = TextTableReader.embeddedText(EMBEDDED);
    } else {
      text = TextTableReader.decode(DataFiles.readAll(data), data.toString());
    }
    text = TextStreams.universalNewlines(text);
    if (text.isEmpty()) {
      throw new UserInputException(sourceName() + ": the text is empty; expected some text to learn from");
    }
    Vocabulary vocab = TextStreams.characterVocabulary(text);
    int[] ids = TextStreams.encodeCharacters(text, vocab);
    int cut = (int) (ids.length * (1.0 - validationFraction));
    return new Prepared(vocab, ids, cut, streams(ids, 0, cut, training.batchSize, seqLength, "training part", ""),
        streams(ids, cut, ids.length, training.batchSize, seqLength, "validation part",
            "; or raise --validation-fraction"));
  }

  /** Characters [from, to) of {@code ids} as B streams of T-step batches, or one line naming the part. */
  Dataset streams(int[] ids, int from, int to, int batch, int steps, String part, String advice) {
    try {
      return TextStreams.of(Arrays.copyOfRange(ids, from, to), batch, steps);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(sourceName() + ": the " + part + " (" + (to - from) + " characters) is too short: "
          + e.getMessage().replace("text streams: ", "") + advice);
    }
  }

  /** Embedding(V, E) -> recurrent x L (dropout between layers) -> [dropout] -> Linear(H, V), cross-entropy. */
  static Model build(int vocabSize, ModelOptions network, int embedding, long seed) {
    float between = network.layers > 1 ? network.dropout : 0f;
    Sequential s = Sequential.embedding(vocabSize, embedding)
        .recurrent(network.cellType(), network.hidden, r -> r.numLayers(network.layers).dropout(between)
            .returnSequences(true));
    if (network.dropout > 0f) {
      s.dropout(network.dropout);
    }
    return s.dense(vocabSize).loss(Loss.CROSS_ENTROPY).build(seed);
  }

  /** Stateful truncated BPTT with Adam and clipping; checkpoints to {@code checkpoint} when not null. */
  FitOptions fitOptions(TrainingOptions training, Path checkpoint) {
    FitOptions.Builder b = FitOptions.builder().epochs(stopping.epochs).batchSize(training.batchSize)
        .optimizer(Adam.of(training.lr)).clipNorm(training.clipNorm).stateful(true).seed(training.seed)
        .earlyStopping(stopping.patience).restoreBest(stopping.patience > 0);
    if (checkpoint != null) {
      b.checkpoint(checkpoint).checkpointEvery(checkpoints.checkpointEvery);
    }
    return b.build();
  }

  private String sourceName() {
    return data == null ? EMBEDDED + " (embedded)" : data.toString();
  }

  /** Adds validation bits per character after each epoch line of the progress display. */
  private static final class BitsPerCharacter implements TrainingListener {
    private final ProgressListener progress;

    BitsPerCharacter(ProgressListener progress) {
      this.progress = progress;
    }

    @Override
    public void epochStarted(int epoch, int epochs, int steps) {
      progress.epochStarted(epoch, epochs, steps);
    }

    @Override
    public void batchFinished(int epoch, int step, int steps, double meanLoss, double examplesPerSecond) {
      progress.batchFinished(epoch, step, steps, meanLoss, examplesPerSecond);
    }

    @Override
    public void epochFinished(History.Epoch e) {
      progress.epochFinished(e);
      progress.message(String.format(Locale.ROOT,
          "epoch %d: validation loss %.4f nats per character = %.4f bits per character", e.epoch(),
          e.validationLoss(), Metrics.bitsPerCharacter(e.validationLoss())));
    }

    @Override
    public void message(String text) {
      progress.message(text);
    }
  }
}
