package org.rnn4j.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnn4j.Model;
import org.rnn4j.internal.io.Json;
import org.rnn4j.io.ModelFiles;

/**
 * A trained text classifier: a model (token ids in, one output per text, one logit per class), the
 * {@link TextEncoder} that turns text into its input, and the class labels. {@link #predict} gives
 * the most probable labels with their softmax probabilities; {@link #save} / {@link #load} keep all
 * three in one model file.
 *
 * <pre>{@code
 * TextClassifier c = TextClassifier.load(Path.of("runs/classify/model.rnn4j"));
 * TextClassifier.Prediction best = c.predict("Alle Menschen sind frei", 1).get(0);   // deu 0.99
 * }</pre>
 *
 * <p>Not thread-safe (prediction uses the model's workspaces): one classifier per thread.
 */
public final class TextClassifier {
  /** The {@code task} metadata value of a text classifier file. */
  public static final String TASK = "text-classifier";

  private final Model model;
  private final TextEncoder encoder;
  private final List<String> labels;

  /** A label and its probability. Immutable and thread-safe. */
  public record Prediction(String label, double probability) {
  }

  /**
   * Predictions for many texts: class probabilities {@code [N, C]} and what the encoding met. The
   * arrays are the caller's to keep; not thread-safe while being modified.
   */
  public record Batch(double[][] probabilities, EncodedTexts encoded) {
  }

  /**
   * @throws IllegalArgumentException when the model does not take token ids and give one vector of
   *     {@code labels.size()} scores per text, or the labels repeat
   */
  public TextClassifier(Model model, TextEncoder encoder, List<String> labels) {
    if (model == null || encoder == null || labels == null) {
      throw new IllegalArgumentException("text classifier: expected a model, an encoder and labels");
    }
    if (!model.spec().tokenInput() || model.sequenceOutput()) {
      throw new IllegalArgumentException("text classifier: expected a model with token ids in and one output"
          + " per text (returnSequences=false on the last recurrent layer)");
    }
    if (model.outputFeatures() != labels.size()) {
      throw new IllegalArgumentException("text classifier: expected " + labels.size() + " outputs (one per"
          + " label), got " + model.outputFeatures());
    }
    if (labels.stream().distinct().count() != labels.size()) {
      throw new IllegalArgumentException("text classifier: expected distinct labels, got " + labels);
    }
    this.model = model;
    this.encoder = encoder;
    this.labels = List.copyOf(labels);
  }

  public Model model() {
    return model;
  }

  public TextEncoder encoder() {
    return encoder;
  }

  /** The class labels, by class index. */
  public List<String> labels() {
    return labels;
  }

  /**
   * The {@code k} most probable labels of one text, most probable first (ties: lower class index).
   *
   * @throws IllegalArgumentException for an empty text or k outside [1, classes]
   */
  public List<Prediction> predict(String text, int k) {
    return top(predictAll(List.of(text)).probabilities()[0], k);
  }

  /**
   * Class probabilities for many texts (each truncated to the encoder's maximum length).
   *
   * @throws IllegalArgumentException for an empty text (naming its index)
   */
  public Batch predictAll(List<String> texts) {
    EncodedTexts enc = encoder.encode(texts);
    float[] logits = model.predict(enc.dataset()).data();
    int c = labels.size();
    double[][] p = new double[texts.size()][];
    for (int i = 0; i < p.length; i++) {
      p[i] = softmax(logits, i * c, c);
    }
    return new Batch(p, enc);
  }

  /** The k largest probabilities as predictions, most probable first (ties: lower index). */
  public List<Prediction> top(double[] probabilities, int k) {
    if (k < 1 || k > labels.size()) {
      throw new IllegalArgumentException("text classifier: expected k in [1, " + labels.size() + "], got " + k);
    }
    boolean[] taken = new boolean[probabilities.length];
    List<Prediction> out = new ArrayList<>(k);
    for (int r = 0; r < k; r++) {
      int best = -1;
      for (int j = 0; j < probabilities.length; j++) {
        if (!taken[j] && (best < 0 || probabilities[j] > probabilities[best])) {
          best = j;
        }
      }
      taken[best] = true;
      out.add(new Prediction(labels.get(best), probabilities[best]));
    }
    return out;
  }

  /** Softmax of {@code c} logits from {@code off}, in double. */
  public static double[] softmax(float[] logits, int off, int c) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < c; j++) {
      max = Math.max(max, logits[off + j]);
    }
    double[] p = new double[c];
    double sum = 0;
    for (int j = 0; j < c; j++) {
      p[j] = Math.exp(logits[off + j] - max);
      sum += p[j];
    }
    for (int j = 0; j < c; j++) {
      p[j] /= sum;
    }
    return p;
  }

  /** Saves model, encoder and labels ({@code task = text-classifier}) plus {@code extra} metadata. */
  public void save(Path file, Map<String, String> extra) throws IOException {
    Map<String, String> own = new LinkedHashMap<>();
    own.put("labels", Json.write(labels));
    own.putAll(encoder.toMap(""));
    ModelFiles.saveTask(model, file, TASK, own, extra, "text classifier");
  }

  /**
   * Loads a file written by {@link #save}.
   *
   * @throws IOException naming the file when it is not a text classifier file or its metadata is bad
   */
  public static TextClassifier load(Path file) throws IOException {
    ModelFiles.Loaded l = ModelFiles.loadTask(file, TASK, "a text classifier");
    Map<String, String> meta = l.metadata();
    try {
      Object parsed = Json.parse(meta.getOrDefault("labels", "null"));
      if (!(parsed instanceof List<?> list)) {
        throw new IllegalArgumentException("the 'labels' metadata is missing or not a JSON array");
      }
      List<String> labels = new ArrayList<>();
      for (Object o : list) {
        labels.add(String.valueOf(o));
      }
      return new TextClassifier(l.model(), TextEncoder.fromMap(meta, ""), labels);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }
}
