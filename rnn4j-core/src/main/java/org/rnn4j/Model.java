package org.rnn4j;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.rnn4j.data.Dataset;
import org.rnn4j.internal.engine.ParameterStore;
import org.rnn4j.internal.kernels.KernelProvider;
import org.rnn4j.internal.model.Flow;
import org.rnn4j.internal.model.ModelRuntime;
import org.rnn4j.nn.WeightPrecision;

/**
 * A sequential recurrent model: input (features or token ids) -> layers -> loss, with all parameters
 * in one flat buffer named the PyTorch way ({@code lstm.weight_ih_l0}, {@code dense.weight}). Build one
 * with {@link Sequential}; train it with {@link org.rnn4j.train.Trainer}.
 *
 * <p>Thread-safety: {@link #predict}, {@link #evaluateLoss} and the training steps share the model's
 * workspaces and take turns on them (one lock), so calls from many threads give the answers one
 * thread would, one at a time; for parallel inference give each thread its own {@link #session()}
 * (sessions only read the weights, and may run at once). Training is single-writer: a fit holds
 * {@link #claimTraining()}, and a second fit while one runs is refused with an {@link
 * IllegalStateException} instead of interleaving two optimisers' updates. Setting parameters while
 * predictions or sessions run is the caller's to order.
 */
public final class Model {
  private final ModelSpec spec;
  private final ModelRuntime runtime;
  private final long seed;
  /** Guards the runtime's workspaces (assembled batch, activations, gradients). */
  private final Object workspace = new Object();
  /** The thread whose fit holds this model, or null. */
  private final java.util.concurrent.atomic.AtomicReference<Thread> trainer =
      new java.util.concurrent.atomic.AtomicReference<>();

  private Model(ModelSpec spec, long seed) {
    this.spec = spec;
    this.seed = seed;
    this.runtime = new ModelRuntime(spec, KernelProvider.get(), seed);
  }

  /** A new model with seeded initialisation. */
  public static Model create(ModelSpec spec, long seed) {
    if (spec == null) {
      throw new IllegalArgumentException("model: spec is null");
    }
    return new Model(spec, seed);
  }

  public ModelSpec spec() {
    return spec;
  }

  /** The seed the model was created with. */
  public long seed() {
    return seed;
  }

  /** True when the model outputs one vector per step, false for one per example. */
  public boolean sequenceOutput() {
    return runtime.sequenceOutput();
  }

  /** Output features (per step or per example). */
  public int outputFeatures() {
    return runtime.outputFeatures();
  }

  /** Parameter names, PyTorch style, in storage order. */
  public List<String> parameterNames() {
    return runtime.store().names();
  }

  public int[] parameterShape(String name) {
    return runtime.store().slice(name).shape().clone();
  }

  /** A copy of a parameter. */
  public float[] parameter(String name) {
    return runtime.store().get(name);
  }

  /** Sets a parameter (copied), checking its size. */
  public void setParameter(String name, float[] values) {
    runtime.store().set(name, values);
  }

  /** Total number of parameters (as PyTorch counts them). */
  public int parameterCount() {
    return runtime.store().size();
  }

  /** The live flat parameter buffer (optimizers loop over it). */
  public float[] parameterValues() {
    return runtime.store().values();
  }

  /** The live flat gradient buffer, laid out as {@link #parameterValues()}. */
  public float[] parameterGradients() {
    return runtime.store().grads();
  }

  /**
   * One training step's gradient: zero the gradients, forward (training mode) the examples
   * {@code idx[from .. from+count)}, loss, backward. Randomness (dropout) comes from {@code stepSeed},
   * so the same seed repeats the step exactly.
   *
   * @return the batch's mean loss
   */
  public double computeGradients(Dataset data, int[] idx, int from, int count, long stepSeed) {
    synchronized (workspace) {
      runtime.store().zeroGradients();
      runtime.assemble(data, idx, from, count);
      runtime.forward(true, new SplittableRandom(stepSeed));
      return runtime.lossAndBackward(true);
    }
  }

  /**
   * The training-mode loss of examples {@code idx[from .. from+count)} with the randomness of
   * {@code stepSeed}, without gradients: what {@link #computeGradients} differentiates (gradient
   * checks use it).
   */
  public double computeLoss(Dataset data, int[] idx, int from, int count, long stepSeed) {
    synchronized (workspace) {
      runtime.assemble(data, idx, from, count);
      runtime.forward(true, new SplittableRandom(stepSeed));
      return runtime.lossAndBackward(false);
    }
  }

  /** Mean loss over a dataset, in batches, in inference mode. */
  public double evaluateLoss(Dataset data, int batchSize) {
    synchronized (workspace) {
      double total = 0;
      int[] idx = identity(data.size());
      for (int from = 0; from < data.size(); from += batchSize) {
        int count = Math.min(batchSize, data.size() - from);
        runtime.assemble(data, idx, from, count);
        runtime.forward(false, null);
        total += runtime.lossAndBackward(false) * count;
      }
      return total / data.size();
    }
  }

  /**
   * Predictions for every example, batch-first: {@code [N, U]} for one output per example, {@code [N,
   * T, U]} for one per step (zeros on padded steps are not guaranteed: mask them with the lengths).
   */
  public Tensor predict(Dataset data) {
    return predict(data, 256);
  }

  public Tensor predict(Dataset data, int batchSize) {
    synchronized (workspace) {
      int n = data.size();
      int t = data.steps();
      int u = outputFeatures();
      boolean seq = sequenceOutput();
      float[] out = new float[n * (seq ? t : 1) * u];
      int[] idx = identity(n);
      for (int from = 0; from < n; from += batchSize) {
        int count = Math.min(batchSize, n - from);
        runtime.assemble(data, idx, from, count);
        Flow f = runtime.forward(false, null);
        for (int i = 0; i < count; i++) {
          if (seq) {
            for (int s = 0; s < t; s++) {
              System.arraycopy(f.data, (s * count + i) * u, out, ((from + i) * t + s) * u, u);
            }
          } else {
            System.arraycopy(f.data, i * u, out, (from + i) * u, u);
          }
        }
      }
      return seq ? new Tensor(out, n, t, u) : new Tensor(out, n, u);
    }
  }

  /** Predictions for features {@code [N, T, F]} with all steps valid. */
  public Tensor predict(Tensor x) {
    return predict(Dataset.ofFeatures(x, null, (Tensor) null));
  }

  /** Carry recurrent state between consecutive batches (stateful, truncated BPTT) or not. */
  public void setStateful(boolean on) {
    synchronized (workspace) {
      runtime.setCarryState(on);
    }
  }

  /** Forget the carried recurrent state. */
  public void resetState() {
    synchronized (workspace) {
      runtime.resetState();
    }
  }

  /**
   * The recurrent state carried into the next batch in stateful mode, as copies keyed {@code
   * <layer>.h} ({@code [L*D, B, P]}) and {@code <layer>.c} ({@code [L*D, B, H]}, LSTM); empty when
   * nothing is carried. Checkpoints of stateful runs keep it, so a resumed run continues its streams.
   */
  public Map<String, float[]> carriedState() {
    synchronized (workspace) {
      return runtime.carriedState();
    }
  }

  /** Restores a state returned by {@link #carriedState()} (copied); layers absent carry nothing. */
  public void setCarriedState(Map<String, float[]> state) {
    if (state == null) {
      throw new IllegalArgumentException("model: carried state is null (use resetState() to clear it)");
    }
    synchronized (workspace) {
      runtime.setCarriedState(state);
    }
  }

  /**
   * A streaming session over this model: one token id (or feature vector) per {@link
   * ModelSession#step} through every layer, state carried between calls, nothing allocated per step.
   * Sessions read the model's live weights.
   *
   * @throws IllegalStateException when a recurrent layer is bidirectional or reversed (it would need
   *     the whole sequence)
   */
  public ModelSession session() {
    return session(WeightPrecision.FLOAT32);
  }

  /**
   * A streaming session whose recurrent products read W_ih and W_hh in the given precision: {@link
   * WeightPrecision#BFLOAT16} rounds a copy now and streams half the bytes per step (for inference
   * bound by memory bandwidth; the state, biases and dense layers stay float32).
   *
   * @throws IllegalStateException when a recurrent layer is bidirectional or reversed
   */
  public ModelSession session(WeightPrecision precision) {
    if (precision == null) {
      throw new IllegalArgumentException("model session: expected a weight precision, got null");
    }
    return new ModelSession(runtime.newStream(precision), outputFeatures());
  }

  /**
   * Many streams over this model stepped together as one batch, each with its own state: see {@link
   * ModelStreams}. The streams read the model's weights as they are at their first step.
   *
   * @param capacity streams to make room for at first (more are made room for as they are opened)
   * @throws IllegalStateException when a recurrent layer is bidirectional or reversed (it would need
   *     the whole sequence)
   */
  public ModelStreams streams(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("model streams: expected a capacity >= 0, got " + capacity);
    }
    return new ModelStreams(runtime.newStreamBatch(capacity));
  }

  /**
   * Marks this model as being trained by the calling thread until the claim is closed; every fit
   * holds one for its whole run.
   *
   * @throws IllegalStateException when another fit holds the model
   */
  public TrainingClaim claimTraining() {
    Thread me = Thread.currentThread();
    Thread holder = trainer.compareAndExchange(null, me);
    if (holder != null) {
      throw new IllegalStateException("model: already being trained (by thread '" + holder.getName()
          + "'); one fit at a time trains a model: wait for that fit to end, or train a copy");
    }
    return new TrainingClaim(this, me);
  }

  /** A fit's hold on a model, released by {@link #close()}. Immutable; close it on the thread that claimed it. */
  public record TrainingClaim(Model model, Thread holder) implements AutoCloseable {
    @Override
    public void close() {
      model.trainer.compareAndSet(holder, null);
    }
  }

  /**
   * A table of layers, output shapes and parameter counts (the counts equal PyTorch's
   * {@code sum(p.numel())} for the same modules).
   */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    String line = "-".repeat(78) + "\n";
    sb.append(String.format(Locale.ROOT, "%-16s %-30s %-20s %10s%n", "Layer", "Type", "Output shape",
        "Params"));
    sb.append(line);
    for (String[] r : runtime.describe()) {
      sb.append(String.format(Locale.ROOT, "%-16s %-30s %-20s %10s%n", r[0], r[1], r[2],
          String.format(Locale.ROOT, "%,d", Long.parseLong(r[3]))));
    }
    sb.append(line);
    sb.append(String.format(Locale.ROOT, "Total params: %,d   Loss: %s%n", parameterCount(),
        spec.loss().kind().name().toLowerCase(Locale.ROOT)));
    return sb.toString();
  }

  static int[] identity(int n) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    return idx;
  }

  /** The parameter store (internal: files and checkpoints). */
  ParameterStore store() {
    return runtime.store();
  }
}
