package org.rnn4j.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.rnn4j.Model;
import org.rnn4j.ModelSession;
import org.rnn4j.io.ModelFiles;

/**
 * Generates text one character at a time from a character-level language model (token input, one
 * output per step over the vocabulary: {@code Sequential.embedding(V, 64).lstm(256, o ->
 * o.numLayers(2).returnSequences(true)).dense(V)}), through a streaming {@link ModelSession}: the
 * prime is read one step per character, then each generated character costs one step; the prefix is
 * never run again. Each character is handed to a sink as soon as it is drawn, so a caller can print
 * it while the rest is being generated.
 *
 * <pre>{@code
 * TextGenerator g = TextGenerator.load(Path.of("runs/generate/model.rnn4j"));
 * Sampler s = Sampler.builder().temperature(0.8f).topP(0.95f).seed(1).build();
 * g.generate("Call me", 500, s, System.out::print);
 * }</pre>
 *
 * <p>Not thread-safe: it holds one session. A generator per thread may share one model (sessions
 * only read its weights).
 */
public final class TextGenerator {
  /** The {@code task} metadata value of a character language model file. */
  public static final String TASK = "char-lm";

  private final Model model;
  private final Vocabulary vocabulary;
  private final CharTokenizer tokenizer;
  private final ModelSession session;
  private final float[] scores; // logits with the special tokens masked
  /** A logit whose probability underflows to zero at any temperature. */
  private static final float NEVER = -1e30f;

  /**
   * A generator over a model and the vocabulary its ids come from.
   *
   * @param tokenizer how the model's training text was cut into characters ({@link CharTokenizer#RAW}
   *                  for a text read as it is); the prime is cut the same way
   * @throws IllegalArgumentException when the model does not take token ids and give one output per
   *     step with one score per vocabulary entry
   */
  public TextGenerator(Model model, Vocabulary vocabulary, CharTokenizer tokenizer) {
    if (model == null || vocabulary == null || tokenizer == null) {
      throw new IllegalArgumentException("text generator: expected a model, a vocabulary and a tokenizer");
    }
    if (!model.spec().tokenInput() || !model.sequenceOutput()) {
      throw new IllegalArgumentException("text generator: expected a language model (token ids in, one output"
          + " per step), got a model with " + (model.spec().tokenInput() ? "one output per sequence"
          : "feature input"));
    }
    if (model.outputFeatures() != vocabulary.size()) {
      throw new IllegalArgumentException("text generator: expected the model to score " + vocabulary.size()
          + " tokens (the vocabulary's size), got " + model.outputFeatures() + " outputs per step");
    }
    this.model = model;
    this.vocabulary = vocabulary;
    this.tokenizer = tokenizer;
    this.session = model.session();
    this.scores = new float[vocabulary.size()];
  }

  /** As {@link #TextGenerator(Model, Vocabulary, CharTokenizer)} with {@link CharTokenizer#RAW}. */
  public TextGenerator(Model model, Vocabulary vocabulary) {
    this(model, vocabulary, CharTokenizer.RAW);
  }

  public Model model() {
    return model;
  }

  public Vocabulary vocabulary() {
    return vocabulary;
  }

  public CharTokenizer tokenizer() {
    return tokenizer;
  }

  /** The distinct characters of {@code text} the vocabulary does not hold, in order of appearance. */
  public List<String> unknownCharacters(String text) {
    Set<String> out = new LinkedHashSet<>();
    for (String c : tokenizer.tokenize(text)) {
      if (!vocabulary.contains(c)) {
        out.add(c);
      }
    }
    return new ArrayList<>(out);
  }

  /**
   * Reads {@code prime} and generates {@code length} characters after it, from the zero state.
   *
   * @param prime  the start of the text (at least one character); characters the vocabulary does not
   *               hold are read as its unknown token, or, without one, refused
   * @param length characters to generate (>= 0)
   * @param sink   receives each generated character as soon as it is drawn (may be null); the
   *               padding and unknown tokens are never drawn
   * @return the generated characters (without the prime)
   * @throws IllegalArgumentException for an empty prime, a negative length, or prime characters the
   *     model cannot read (named in the message)
   */
  public String generate(String prime, int length, Sampler sampler, Consumer<String> sink) {
    if (prime == null || prime.isEmpty()) {
      throw new IllegalArgumentException("text generator: expected a prime of at least one character, got "
          + (prime == null ? "null" : "an empty one"));
    }
    if (length < 0) {
      throw new IllegalArgumentException("text generator: expected a length >= 0, got " + length);
    }
    if (sampler == null) {
      throw new IllegalArgumentException("text generator: expected a sampler, got null");
    }
    List<String> chars = tokenizer.tokenize(prime);
    List<String> unknown = unknownCharacters(prime);
    if (!unknown.isEmpty() && vocabulary.unknownId() < 0) {
      StringBuilder names = new StringBuilder();
      for (int i = 0; i < unknown.size() && i < 10; i++) {
        names.append(i > 0 ? ", " : "").append(EncodedTexts.quote(unknown.get(i)));
      }
      throw new IllegalArgumentException("text generator: the prime holds " + unknown.size() + " character"
          + (unknown.size() == 1 ? "" : "s") + " the model never saw in training (" + names
          + (unknown.size() > 10 ? ", ..." : "") + "); it knows " + vocabulary.size()
          + " characters: remove or replace them");
    }
    session.reset();
    float[] logits = null;
    for (String c : chars) {
      logits = session.step(vocabulary.id(c));
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < length; i++) {
      if (vocabulary.paddingId() >= 0 || vocabulary.unknownId() >= 0) {
        // never write a special token: its probability is set to zero
        System.arraycopy(logits, 0, scores, 0, scores.length);
        if (vocabulary.paddingId() >= 0) {
          scores[vocabulary.paddingId()] = NEVER;
        }
        if (vocabulary.unknownId() >= 0) {
          scores[vocabulary.unknownId()] = NEVER;
        }
        logits = scores;
      }
      int id = sampler.sample(logits);
      String c = vocabulary.token(id);
      out.append(c);
      if (sink != null) {
        sink.accept(c);
      }
      if (i + 1 < length) {
        logits = session.step(id);
      }
    }
    return out.toString();
  }

  /**
   * Saves the model with its vocabulary and tokenizer ({@code task = char-lm}) plus {@code extra}
   * metadata.
   */
  public void save(Path file, Map<String, String> extra) throws IOException {
    Map<String, String> own = new LinkedHashMap<>();
    own.put("tokenizer", tokenizer.description());
    own.putAll(vocabulary.toMap("vocab."));
    ModelFiles.saveTask(model, file, TASK, own, extra, "text generator");
  }

  /**
   * Loads a file written by {@link #save}.
   *
   * @throws IOException naming the file when it is not a character language model file
   */
  public static TextGenerator load(Path file) throws IOException {
    ModelFiles.Loaded l = ModelFiles.loadTask(file, TASK, "a character language model");
    Map<String, String> meta = l.metadata();
    try {
      Tokenizer t = Tokenizer.parse(meta.getOrDefault("tokenizer", "char"));
      if (!(t instanceof CharTokenizer c)) {
        throw new IllegalArgumentException("expected a character tokenizer, got '" + t.description() + "'");
      }
      return new TextGenerator(l.model(), Vocabulary.fromMap(meta, "vocab."), c);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }
}
