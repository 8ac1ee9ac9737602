package org.rnn4j.serve;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.rnn4j.Model;
import org.rnn4j.cli.ModelImports;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.io.ModelFiles;
import org.rnn4j.nn.EmbeddingSpec;
import org.rnn4j.text.CharTokenizer;
import org.rnn4j.text.TextClassifier;
import org.rnn4j.text.TextGenerator;
import org.rnn4j.text.Vocabulary;

/**
 * One version of one model in service: the model read from its file (an rnn4j file, or a PyTorch,
 * Keras or ONNX file through the importers), its task from the file's metadata (forecast,
 * text-classifier, char-lm, or none), its request batcher and its streams. Thread-safe: the model is
 * only run by the batcher's and the streams' workers and by task code under the model's own lock.
 */
final class ServedModel implements AutoCloseable {
  final String name;
  final String version;
  final Path file;
  /** The file's size and modification time when read: a repository poll reloads on a change. */
  final String fileStamp;
  final Model model;
  final Map<String, String> metadata;
  final List<Model> members;
  final String task;
  final TextClassifier classifier;
  final Vocabulary vocabulary;
  final CharTokenizer tokenizer;
  final Batcher batcher;
  final Streams streams;

  private ServedModel(String name, String version, Path file, String fileStamp, Model model,
      Map<String, String> metadata, List<Model> members, TextClassifier classifier, TextGenerator generator,
      ServeLimits limits, ServeMetrics.ModelMetrics metrics) {
    this.name = name;
    this.version = version;
    this.file = file;
    this.fileStamp = fileStamp;
    this.model = model;
    this.metadata = Map.copyOf(metadata);
    this.members = List.copyOf(members);
    this.task = metadata.getOrDefault("task", "");
    this.classifier = classifier;
    this.vocabulary = generator == null ? null : generator.vocabulary();
    this.tokenizer = generator == null ? null : generator.tokenizer();
    this.batcher = new Batcher(name, model, limits, metrics);
    this.streams = new Streams(name, model, limits, metrics);
  }

  /**
   * Reads a model file.
   *
   * @throws UserInputException naming the file when it cannot be read or imported
   */
  static ServedModel load(String name, String version, Path file, ServeLimits limits,
      ServeMetrics.ModelMetrics metrics) {
    String stamp = stamp(file);
    ModelImports.Read read = ModelImports.read(file);
    String task = read.metadata().getOrDefault("task", "");
    try {
      if (TextClassifier.TASK.equals(task)) {
        TextClassifier c = TextClassifier.load(file);
        return new ServedModel(name, version, file, stamp, c.model(), read.metadata(), read.members(), c, null,
            limits, metrics);
      }
      if (TextGenerator.TASK.equals(task)) {
        TextGenerator g = TextGenerator.load(file);
        return new ServedModel(name, version, file, stamp, g.model(), read.metadata(), read.members(), null, g,
            limits, metrics);
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new UserInputException(e.getMessage(), e);
    }
    return new ServedModel(name, version, file, stamp, read.model(), read.metadata(), read.members(), null, null,
        limits, metrics);
  }

  /** The file's size and modification time, or "missing". */
  static String stamp(Path file) {
    try {
      return java.nio.file.Files.size(file) + "@" + java.nio.file.Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      return "missing";
    }
  }

  /** The file as {@link ModelFiles#load} gives it, for the forecasting code. */
  ModelFiles.Loaded loaded() {
    return new ModelFiles.Loaded(model, metadata, ModelFiles.FORMAT_VERSION, members);
  }

  /** A generator of this model's text: a fresh streaming session over its weights. */
  TextGenerator generator() {
    if (vocabulary == null) {
      throw wrongTask("a character language model", "generate", "generate train");
    }
    return new TextGenerator(model, vocabulary, tokenizer);
  }

  /** The 404 of a task endpoint asked of a model of another task. */
  HttpError wrongTask(String wanted, String endpoint, String command) {
    return new HttpError(404, "model '" + name + "' is not " + wanted + " (its task is "
        + (task.isEmpty() ? "not recorded" : "'" + task + "'") + "): ':" + endpoint + "' needs one from 'rnn4j "
        + command + "'");
  }

  /** Token ids this model reads ({@code [0, vocab)}), or 0 when it reads features. */
  int vocabSize() {
    return model.spec().layers().get(0) instanceof EmbeddingSpec e ? e.vocabSize() : 0;
  }

  /** Stops taking requests; queued requests are still answered, live streams freed with {@code reason}. */
  void close(String reason) {
    batcher.close();
    streams.close(reason);
  }

  @Override
  public void close() {
    close("unload");
  }
}
