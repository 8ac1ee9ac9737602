package org.rnn4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.DenseActivation;
import org.rnn4j.nn.DenseSpec;
import org.rnn4j.nn.DropoutSpec;
import org.rnn4j.nn.EmbeddingSpec;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.LayerSpec;
import org.rnn4j.nn.Loss;
import org.rnn4j.nn.MergeMode;
import org.rnn4j.nn.PoolingSpec;
import org.rnn4j.nn.RecurrentLayerSpec;
import org.rnn4j.nn.RecurrentSpec;

/**
 * Builds a sequential model in a few lines, Keras-style, with PyTorch's names:
 *
 * <pre>{@code
 * Model model = Sequential.features(7)
 *     .lstm(64, l -> l.numLayers(2).dropout(0.1f))
 *     .dropout(0.2f)
 *     .dense(1)
 *     .loss(Loss.MSE)
 *     .build(42);
 * }</pre>
 *
 * Layer names default to Keras's ({@code lstm}, {@code lstm_1}, {@code dense}, ...); they prefix the
 * parameter names. A recurrent layer's input size is the previous layer's output size. {@link #build}
 * may be called more than once. Not thread-safe.
 */
public final class Sequential {
  private final int inputFeatures;
  private final List<LayerSpec> layers = new ArrayList<>();
  private final Map<String, Integer> counters = new HashMap<>();
  private Loss loss = Loss.MSE;
  private int width; // features per step of the last layer's output

  private Sequential(int inputFeatures) {
    this.inputFeatures = inputFeatures;
    this.width = inputFeatures;
  }

  /** A model whose input has {@code n} features per step. */
  public static Sequential features(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("Sequential: expected at least 1 input feature, got " + n);
    }
    return new Sequential(n);
  }

  /** A model whose input is token ids looked up in an embedding of {@code vocabSize x dim}. */
  public static Sequential embedding(int vocabSize, int dim) {
    return embedding(vocabSize, dim, -1);
  }

  /** As {@link #embedding(int, int)} with a padding id whose vector stays zero. */
  public static Sequential embedding(int vocabSize, int dim, int paddingIndex) {
    Sequential s = new Sequential(0);
    s.layers.add(new EmbeddingSpec(s.nextName("embedding"), vocabSize, dim, paddingIndex));
    s.width = dim;
    return s;
  }

  private String nextName(String base) {
    int n = counters.merge(base, 1, Integer::sum);
    return n == 1 ? base : base + "_" + (n - 1);
  }

  /** Options of a recurrent layer beyond its size. Not thread-safe. */
  public static final class RecurrentOptions {
    private final RecurrentSpec.Builder rnn;
    private boolean returnSequences;
    private MergeMode mergeMode = MergeMode.CONCAT;
    private Init init = Init.PYTORCH;
    private String name;

    private RecurrentOptions(RecurrentSpec.Builder rnn) {
      this.rnn = rnn;
    }

    public RecurrentOptions numLayers(int n) {
      rnn.numLayers(n);
      return this;
    }

    /** Dropout between stacked layers (training only). */
    public RecurrentOptions dropout(float p) {
      rnn.dropout(p);
      return this;
    }

    public RecurrentOptions bidirectional(boolean b) {
      rnn.bidirectional(b);
      return this;
    }

    /** Keras's recurrent_dropout: one mask per sequence on the h entering the recurrent product. */
    public RecurrentOptions recurrentDropout(float p) {
      rnn.recurrentDropout(p);
      return this;
    }

    public RecurrentOptions mergeMode(MergeMode m) {
      mergeMode = m;
      return this;
    }

    /** True: every step's output goes on; false (default, as Keras): the final state only. */
    public RecurrentOptions returnSequences(boolean r) {
      returnSequences = r;
      return this;
    }

    public RecurrentOptions projSize(int p) {
      rnn.projSize(p);
      return this;
    }

    public RecurrentOptions resetAfter(boolean r) {
      rnn.resetAfter(r);
      return this;
    }

    public RecurrentOptions bias(boolean b) {
      rnn.bias(b);
      return this;
    }

    public RecurrentOptions init(Init i) {
      init = i;
      return this;
    }

    public RecurrentOptions name(String n) {
      name = n;
      return this;
    }
  }

  /** An LSTM layer of {@code hidden} units. */
  public Sequential lstm(int hidden) {
    return recurrent(CellType.LSTM, hidden, UnaryOperator.identity());
  }

  public Sequential lstm(int hidden, UnaryOperator<RecurrentOptions> options) {
    return recurrent(CellType.LSTM, hidden, options);
  }

  public Sequential gru(int hidden) {
    return recurrent(CellType.GRU, hidden, UnaryOperator.identity());
  }

  public Sequential gru(int hidden, UnaryOperator<RecurrentOptions> options) {
    return recurrent(CellType.GRU, hidden, options);
  }

  /** A vanilla RNN layer (tanh). */
  public Sequential rnn(int hidden) {
    return recurrent(CellType.RNN_TANH, hidden, UnaryOperator.identity());
  }

  /** A recurrent layer of any cell type. */
  public Sequential recurrent(CellType cell, int hidden, UnaryOperator<RecurrentOptions> options) {
    RecurrentOptions o = options.apply(new RecurrentOptions(RecurrentSpec.builder(cell, Math.max(width, 1),
        hidden)));
    String base = cell == CellType.LSTM ? "lstm" : cell == CellType.GRU ? "gru" : "rnn";
    String name = o.name != null ? o.name : nextName(base);
    RecurrentLayerSpec spec = new RecurrentLayerSpec(name, o.rnn.build(), o.returnSequences, o.mergeMode,
        o.init);
    return add(spec);
  }

  /** Inverted dropout with the given rate (training only). */
  public Sequential dropout(float rate) {
    return add(new DropoutSpec(nextName("dropout"), rate));
  }

  /**
   * Pooling over time: the mean ({@link PoolingSpec.Mode#MEAN}) or maximum of each feature over each
   * example's valid steps, one vector per example. Put it after a recurrent layer with {@code
   * returnSequences(true)}.
   */
  public Sequential pooling(PoolingSpec.Mode mode) {
    return add(new PoolingSpec(nextName("pooling"), mode));
  }

  /** A linear Dense layer. */
  public Sequential dense(int units) {
    return dense(units, DenseActivation.LINEAR);
  }

  public Sequential dense(int units, DenseActivation activation) {
    return add(new DenseSpec(nextName("dense"), units, activation, true));
  }

  /** Adds any layer spec; a recurrent layer must have the previous layer's width as input size. */
  public Sequential add(LayerSpec layer) {
    if (layer instanceof EmbeddingSpec) {
      throw new IllegalArgumentException("Sequential: start with Sequential.embedding(...) for token input");
    }
    if (layer instanceof RecurrentLayerSpec r) {
      if (r.rnn().inputSize() != width) {
        throw new IllegalArgumentException("Sequential: recurrent layer '" + r.name() + "' expects input size "
            + r.rnn().inputSize() + ", but the previous layer gives " + width);
      }
      width = r.outputSize();
    } else if (layer instanceof DenseSpec d) {
      width = d.units();
    }
    layers.add(layer);
    return this;
  }

  public Sequential loss(Loss l) {
    loss = l;
    return this;
  }

  /** The spec of the model built so far. */
  public ModelSpec spec() {
    return new ModelSpec(inputFeatures, layers, loss);
  }

  /** A new model with seeded initialisation. */
  public Model build(long seed) {
    return Model.create(spec(), seed);
  }
}
