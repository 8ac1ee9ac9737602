package org.rnn4j.nn;

import java.util.List;
import java.util.SplittableRandom;
import org.rnn4j.Tensor;
import org.rnn4j.internal.engine.ParameterStore;
import org.rnn4j.internal.engine.RecurrentStack;
import org.rnn4j.internal.kernels.KernelProvider;

/**
 * A stack of recurrent layers (PyTorch's {@code nn.RNN}, {@code nn.LSTM}, {@code nn.GRU}, plus the
 * ONNX operator attributes): forward over a batch of sequences, hand-written backward through time,
 * and streaming {@link Session}s.
 *
 * <p>Shapes: input {@code [T, B, I]} ({@code [B, T, I]} with batchFirst); output
 * {@code [T, B, D*P]} ({@code [B, T, D*P]}), D = directions, P = projSize or hiddenSize, forward
 * direction in the first P features; states {@code h [L*D, B, P]}, {@code c [L*D, B, H]}, index
 * {@code layer*D + direction}, never batch-first. Variable lengths follow PyTorch's packed sequences.
 *
 * <p>Parameters follow PyTorch's names and shapes ({@code weight_ih_l0 [G*H, I]}, {@code
 * weight_hh_l0 [G*H, P]}, {@code bias_ih_l0}, {@code bias_hh_l0}, {@code weight_hr_l0 [P, H]}, suffix
 * {@code _reverse}), gate order LSTM i,f,g,o and GRU r,z,n; peepholes are {@code weight_peep_l0
 * [3H]} in ONNX's order i,o,f.
 *
 * <p>Thread-safety: forward and backward are single-writer (they reuse workspaces held here); for
 * concurrent inference give each thread its own {@link #session()}, which shares the weights
 * read-only. Do not change parameters while sessions run.
 */
public final class Recurrent {
  private final RecurrentSpec spec;
  private final ParameterStore store;
  private final RecurrentStack stack;
  private final String name;

  /** Outputs of a forward pass: output, final h and (LSTM) final c, shaped as the class says. */
  public record Output(Tensor output, Tensor hN, Tensor cN) {
  }

  /** Gradients of the inputs of the last training forward; h0/c0 gradients are zeros when absent. */
  public record InputGradients(Tensor input, Tensor h0, Tensor c0) {
  }

  /** A stack with PyTorch's default initialisation, uniform in ±1/sqrt(hiddenSize), seeded. */
  public Recurrent(RecurrentSpec spec, long seed) {
    this(spec, seed, KernelProvider.get());
  }

  /** As {@link #Recurrent(RecurrentSpec, long)} on given kernels (provider parity tests). */
  Recurrent(RecurrentSpec spec, long seed, org.rnn4j.internal.kernels.Kernels kernels) {
    if (spec == null) {
      throw new IllegalArgumentException("Recurrent: spec is null");
    }
    this.spec = spec;
    this.name = spec.cell().name();
    this.store = new ParameterStore();
    RecurrentStack.registerParameters(spec, store, "");
    store.allocate();
    this.stack = new RecurrentStack(spec, store, "", kernels, seed);
    SplittableRandom r = new SplittableRandom(seed);
    float bound = (float) (1.0 / Math.sqrt(spec.hiddenSize()));
    float[] v = store.values();
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((r.nextDouble() * 2.0 - 1.0) * bound);
    }
  }

  /** A stack initialised with seed 0. */
  public Recurrent(RecurrentSpec spec) {
    this(spec, 0L);
  }

  public RecurrentSpec spec() {
    return spec;
  }

  /** Parameter names in PyTorch's {@code named_parameters()} order. */
  public List<String> parameterNames() {
    return store.names();
  }

  /** The shape of a parameter. */
  public int[] parameterShape(String name) {
    return store.slice(name).shape().clone();
  }

  /** A copy of a parameter's values. */
  public float[] parameter(String name) {
    return store.get(name);
  }

  /** Sets a parameter (copied), checking its size. */
  public void setParameter(String name, float[] values) {
    store.set(name, values);
  }

  /** A copy of a parameter's accumulated gradient. */
  public float[] gradient(String name) {
    return store.gradient(name);
  }

  /** Total number of parameters (as PyTorch counts them). */
  public int parameterCount() {
    return store.size();
  }

  /**
   * The live flat buffer of all parameter values, in {@link #parameterNames()} order, each parameter
   * row-major: what optimizers and clipping loop over. Writing into it changes the model.
   */
  public float[] parameterValues() {
    return store.values();
  }

  /** The live flat buffer of accumulated gradients, laid out as {@link #parameterValues()}. */
  public float[] parameterGradients() {
    return store.grads();
  }

  /** Sets every gradient to zero. */
  public void zeroGradients() {
    store.zeroGradients();
  }

  /** Inference forward with zero initial states and full lengths. */
  public Output forward(Tensor input) {
    return forward(input, null, null, null, false);
  }

  /**
   * Forward pass.
   *
   * @param input    {@code [T, B, I]} or {@code [B, T, I]} with batchFirst
   * @param h0       {@code [L*D, B, P]} or null for zeros
   * @param c0       {@code [L*D, B, H]} (LSTM) or null for zeros
   * @param lengths  valid steps of each sequence, each in [1, T], or null for all T
   * @param training apply dropout between layers and keep what {@link #backward} needs
   * @throws IllegalArgumentException naming the tensor, the expected and the received shape
   */
  public Output forward(Tensor input, Tensor h0, Tensor c0, int[] lengths, boolean training) {
    if (input == null) {
      throw new IllegalArgumentException(name + ": input is null");
    }
    if (input.rank() != 3) {
      throw new IllegalArgumentException(name + ": expected input of rank 3 " + layoutText()
          + ", got shape " + input.shapeString());
    }
    int t = spec.batchFirst() ? input.dim(1) : input.dim(0);
    int b = spec.batchFirst() ? input.dim(0) : input.dim(1);
    if (input.dim(2) != spec.inputSize()) {
      throw new IllegalArgumentException(name + ": expected input size " + spec.inputSize()
          + " (last dimension of " + layoutText() + "), got shape " + input.shapeString());
    }
    if (t < 1 || b < 1) {
      throw new IllegalArgumentException(name + ": expected at least one step and one sequence, got shape "
          + input.shapeString());
    }
    int ld = spec.numLayers() * spec.numDirections();
    checkState("h0", h0, ld, b, spec.outputHiddenSize());
    if (c0 != null && spec.cell() != CellType.LSTM) {
      throw new IllegalArgumentException(name + ": c0 is an LSTM state; got c0 for " + spec.cell());
    }
    checkState("c0", c0, ld, b, spec.hiddenSize());
    if (lengths != null) {
      if (lengths.length != b) {
        throw new IllegalArgumentException(name + ": expected " + b + " lengths (one per sequence), got "
            + lengths.length);
      }
      for (int i = 0; i < b; i++) {
        if (lengths[i] < 1 || lengths[i] > t) {
          throw new IllegalArgumentException(name + ": expected each length in [1, " + t + "], got lengths["
              + i + "] = " + lengths[i]);
        }
      }
    }
    checkFinite("input", input.data());
    float[] x = spec.batchFirst() ? swapFirstTwo(input.data(), b, t, spec.inputSize()) : input.data();
    int p = spec.outputHiddenSize();
    float[] out = new float[t * b * spec.outputSize()];
    float[] hN = new float[ld * b * p];
    float[] cN = spec.cell() == CellType.LSTM ? new float[ld * b * spec.hiddenSize()] : null;
    stack.forward(x, t, b, lengths == null ? null : lengths.clone(), h0 == null ? null : h0.data(),
        c0 == null ? null : c0.data(), out, hN, cN, training);
    lastT = t;
    lastB = b;
    lastHadH0 = h0 != null;
    lastHadC0 = c0 != null;
    Tensor output = spec.batchFirst()
        ? new Tensor(swapFirstTwo(out, t, b, spec.outputSize()), b, t, spec.outputSize())
        : new Tensor(out, t, b, spec.outputSize());
    return new Output(output, new Tensor(hN, ld, b, p),
        cN == null ? null : new Tensor(cN, ld, b, spec.hiddenSize()));
  }

  private int lastT = -1;
  private int lastB = -1;
  private boolean lastHadH0;
  private boolean lastHadC0;

  /**
   * Backward through time of the last training forward: accumulates (+=) every parameter's gradient
   * and returns the gradients of the input and of the initial states.
   *
   * @param dOutput gradient of the output (shaped like it), or null for zeros
   * @param dHn     gradient of the final h, or null
   * @param dCn     gradient of the final c (LSTM), or null
   * @throws IllegalStateException when the last forward was not a training forward
   */
  public InputGradients backward(Tensor dOutput, Tensor dHn, Tensor dCn) {
    if (lastT < 0) {
      throw new IllegalStateException(name + ": backward called before a training forward");
    }
    int t = lastT;
    int b = lastB;
    int ld = spec.numLayers() * spec.numDirections();
    int[] outShape = spec.batchFirst() ? new int[] {b, t, spec.outputSize()}
        : new int[] {t, b, spec.outputSize()};
    if (dOutput != null && !java.util.Arrays.equals(dOutput.shape(), outShape)) {
      throw new IllegalArgumentException(name + ": expected output gradient of shape "
          + java.util.Arrays.toString(outShape) + ", got " + dOutput.shapeString());
    }
    checkState("dHn", dHn, ld, b, spec.outputHiddenSize());
    checkState("dCn", dCn, ld, b, spec.hiddenSize());
    float[] dOut = dOutput == null ? null
        : spec.batchFirst() ? swapFirstTwo(dOutput.data(), b, t, spec.outputSize()) : dOutput.data();
    float[] dX = new float[t * b * spec.inputSize()];
    float[] dH0 = new float[ld * b * spec.outputHiddenSize()];
    float[] dC0 = spec.cell() == CellType.LSTM ? new float[ld * b * spec.hiddenSize()] : null;
    stack.backward(dOut, dHn == null ? null : dHn.data(), dCn == null ? null : dCn.data(), dX, dH0, dC0);
    Tensor dInput = spec.batchFirst()
        ? new Tensor(swapFirstTwo(dX, t, b, spec.inputSize()), b, t, spec.inputSize())
        : new Tensor(dX, t, b, spec.inputSize());
    return new InputGradients(dInput, new Tensor(dH0, ld, b, spec.outputHiddenSize()),
        dC0 == null ? null : new Tensor(dC0, ld, b, spec.hiddenSize()));
  }

  /**
   * A streaming session: one caller's state, advanced one step at a time without allocating. Only for
   * unidirectional stacks (a reverse direction needs the whole sequence).
   *
   * @throws IllegalStateException for a bidirectional stack
   */
  public Session session() {
    return session(WeightPrecision.FLOAT32);
  }

  /**
   * A streaming session whose recurrent products read the weights in the given precision ({@link
   * WeightPrecision#BFLOAT16}: a copy rounded now, half the bytes streamed per step).
   *
   * @throws IllegalStateException for a bidirectional stack
   */
  public Session session(WeightPrecision precision) {
    if (precision == null) {
      throw new IllegalArgumentException(name + ": expected a weight precision, got null");
    }
    if (spec.bidirectional() || spec.reverse()) {
      throw new IllegalStateException(name + ": a streaming session needs a forward, unidirectional stack;"
          + " this one has a reverse direction, which reads the sequence from its end");
    }
    return new Session(this, store, precision);
  }

  private String layoutText() {
    return spec.batchFirst() ? "[batch, seq, " + spec.inputSize() + "] (batchFirst)"
        : "[seq, batch, " + spec.inputSize() + "]";
  }

  private void checkState(String what, Tensor s, int ld, int b, int size) {
    if (s == null) {
      return;
    }
    if (s.rank() != 3 || s.dim(0) != ld || s.dim(1) != b || s.dim(2) != size) {
      throw new IllegalArgumentException(name + ": expected " + what + " of shape [" + ld + ", " + b + ", "
          + size + "] (layers*directions, batch, size; never batch-first), got " + s.shapeString());
    }
    checkFinite(what, s.data());
  }

  private void checkFinite(String what, float[] v) {
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        throw new IllegalArgumentException(name + ": expected finite values in " + what + ", got " + v[i]
            + " at flat index " + i);
      }
    }
  }

  /** [A, C, F] -> [C, A, F]. */
  static float[] swapFirstTwo(float[] src, int a, int c, int f) {
    return new Tensor(src, a, c, f).swapFirstTwoAxes().data();
  }

  /** The engine stack (internal use: model assembly). */
  RecurrentStack stack() {
    return stack;
  }
}
