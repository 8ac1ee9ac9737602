package org.rnn4j.internal.model;

import org.rnn4j.internal.engine.StreamState;
import org.rnn4j.internal.kernels.Kernels;
import org.rnn4j.nn.DenseActivation;
import org.rnn4j.nn.PoolingSpec;
import org.rnn4j.nn.RecurrentSpec;
import org.rnn4j.nn.WeightPrecision;

/**
 * The engine behind {@link org.rnn4j.ModelSession}: a model's layers advanced one step at a time for
 * one sequence (B = 1). Embedding = one row copy, recurrent layers = {@link StreamState}s over the
 * model's own weights, dropout = identity, dense = one dot product per unit, pooling = a running mean
 * or maximum over the steps read so far. A recurrent layer with
 * {@code returnSequences=false} passes its current state on, which is the final state of the sequence
 * read so far: after step t the output is what the batch forward gives for the first t steps. Every
 * buffer is allocated in the constructor; {@link #step} allocates nothing. Not thread-safe.
 */
public final class ModelStream {
  private final ModelRuntime runtime;
  private final Kernels k;
  private final Object[] engines; // per layer: StreamState, DenseLayer, EmbeddingLayer, or null (dropout)
  private final float[][] outs; // per layer: its output [F] (dense, embedding); recurrent: unused
  private final int inputSize; // features per step, 0 for token input
  private final int vocabSize; // token input only

  ModelStream(ModelRuntime runtime, Kernels k, WeightPrecision precision) {
    this.runtime = runtime;
    this.k = k;
    int n = runtime.layers().size();
    this.engines = new Object[n];
    this.outs = new float[n][];
    int vocab = 0;
    int width = runtime.spec().inputFeatures();
    for (int i = 0; i < n; i++) {
      Layer l = runtime.layers().get(i);
      if (l instanceof EmbeddingLayer e) {
        engines[i] = e;
        outs[i] = new float[e.spec().dim()];
        vocab = e.spec().vocabSize();
      } else if (l instanceof RecurrentLayer r) {
        RecurrentSpec s = r.spec().rnn();
        refuseBackwards(l.name(), s);
        engines[i] = new StreamState(s, runtime.store(), l.name() + ".", k, precision);
      } else if (l instanceof DenseLayer d) {
        engines[i] = d;
        outs[i] = new float[d.spec().units()];
      } else if (l instanceof PoolingLayer p) {
        engines[i] = new RunningPool(p.spec().mode() == PoolingSpec.Mode.MEAN, width, 1);
      }
      width = l.outputFeatures(width);
    }
    this.vocabSize = vocab;
    this.inputSize = runtime.spec().inputFeatures();
  }

  /** The one check that a recurrent layer can be streamed (sessions and stream batches). */
  static void refuseBackwards(String layer, RecurrentSpec s) {
    if (s.bidirectional() || s.reverse()) {
      throw new IllegalStateException("model session: layer '" + layer + "' reads the sequence "
          + "backwards (bidirectional or reverse); a streaming session needs every recurrent layer to "
          + "read forwards only");
    }
  }

  /** Back to the zero state. */
  public void reset() {
    for (Object e : engines) {
      if (e instanceof StreamState s) {
        s.reset();
      } else if (e instanceof RunningPool p) {
        p.zero(0);
      }
    }
  }

  /** Token ids accepted by {@link #step(int)}: [0, vocabSize); 0 for a feature model. */
  public int vocabSize() {
    return vocabSize;
  }

  /** Features per step accepted by {@link #step(float[])}; 0 for a token model. */
  public int inputSize() {
    return inputSize;
  }

  /** Advances one step with token {@code id} (checked by the caller); returns the live output. */
  public float[] step(int id) {
    EmbeddingLayer e = (EmbeddingLayer) engines[0];
    int d = e.spec().dim();
    System.arraycopy(runtime.store().values(), e.weightOffset() + id * d, outs[0], 0, d);
    return run(1, outs[0]);
  }

  /** Advances one step with features {@code x} (checked by the caller); returns the live output. */
  public float[] step(float[] x) {
    return run(0, x);
  }

  private float[] run(int from, float[] x) {
    float[] in = x;
    float[] v = runtime.store().values();
    for (int i = from; i < engines.length; i++) {
      Object e = engines[i];
      if (e instanceof StreamState s) {
        in = s.step(in);
      } else if (e instanceof DenseLayer d) {
        int u = d.spec().units();
        int f = d.inputSize();
        float[] y = outs[i];
        int w = d.weightOffset();
        int b = d.biasOffset();
        DenseActivation a = d.spec().activation();
        for (int j = 0; j < u; j++) {
          float s = k.dot(v, w + j * f, in, 0, f) + (b >= 0 ? v[b + j] : 0f);
          y[j] = DenseLayer.apply(a, s);
        }
        in = y;
      } else if (e instanceof RunningPool p) {
        in = p.add(in, 1);
      }
      // dropout: identity at inference
    }
    return in;
  }
}
