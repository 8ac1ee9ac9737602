package org.rnn4j.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * The immutable description of a recurrent stack: PyTorch's {@code nn.RNN/LSTM/GRU} constructor
 * arguments plus the ONNX operator attributes (activations, clip, input_forget, peepholes, reset
 * placement). Validated when built. Immutable and thread-safe.
 *
 * @param cell           cell type
 * @param inputSize      features per step of the first layer's input
 * @param hiddenSize     H, size of the cell state and (without projection) of the output
 * @param numLayers      stacked layers (>= 1)
 * @param bias           whether the layers have the two bias vectors
 * @param batchFirst     input and output are {@code [B, T, F]} instead of {@code [T, B, F]}; states are
 *                       always {@code [layers*dirs, B, H]} as in PyTorch
 * @param dropout        dropout probability applied to the outputs of every layer but the last, in
 *                       training only
 * @param bidirectional  two directions per layer, outputs concatenated on the feature axis
 * @param reverse        with {@code bidirectional == false}: the single direction scans from the end
 *                       (ONNX {@code direction="reverse"}); its parameters carry the {@code _reverse}
 *                       suffix
 * @param projSize       LSTM only: PyTorch's {@code proj_size} (0 = none); h has this size
 * @param peepholes      LSTM only: ONNX peephole weights {@code weight_peep_l{k}} [3H] (order i, o, f)
 * @param resetAfter     GRU only: reset gate applied after the hidden product (PyTorch, ONNX
 *                       {@code linear_before_reset=1}); false = before it (ONNX default)
 * @param clip           when not null, every gate pre-activation is clipped to [-clip, clip] (ONNX)
 * @param inputForget    LSTM only: couple the forget gate to the input gate, {@code f = 1 - i} (ONNX)
 * @param activations    the ONNX activation list: empty for the cell's defaults, else
 *                       {@code activationCount} functions (used by every direction) or
 *                       {@code activationCount * 2} for a bidirectional stack (forward's, then reverse's)
 * @param recurrentDropout Keras's recurrent_dropout: in training, the h that enters the recurrent
 *                       product is multiplied by a dropout mask drawn once per sequence and kept for
 *                       all its steps (0 = off)
 */
public record RecurrentSpec(CellType cell, int inputSize, int hiddenSize, int numLayers, boolean bias,
    boolean batchFirst, float dropout, boolean bidirectional, boolean reverse, int projSize, boolean peepholes,
    boolean resetAfter, Float clip, boolean inputForget, List<Activation> activations,
    float recurrentDropout) {

  public RecurrentSpec {
    String who = (cell == null ? "recurrent" : cell.name()) + " spec";
    if (cell == null) {
      throw new IllegalArgumentException(who + ": expected a cell type, got null");
    }
    require(inputSize >= 1, who + ": expected inputSize >= 1, got " + inputSize);
    require(hiddenSize >= 1, who + ": expected hiddenSize >= 1, got " + hiddenSize);
    require(numLayers >= 1, who + ": expected numLayers >= 1, got " + numLayers);
    require(dropout >= 0f && dropout < 1f, who + ": expected dropout in [0, 1), got " + dropout);
    require(!(reverse && bidirectional),
        who + ": reverse names the single direction of a unidirectional stack; got it with bidirectional");
    require(projSize >= 0, who + ": expected projSize >= 0, got " + projSize);
    require(projSize == 0 || cell == CellType.LSTM,
        who + ": projSize is an LSTM option, got projSize " + projSize + " for " + cell);
    require(projSize < hiddenSize,
        who + ": expected projSize < hiddenSize " + hiddenSize + " (as PyTorch), got " + projSize);
    require(!peepholes || cell == CellType.LSTM, who + ": peepholes are an LSTM option");
    require(!inputForget || cell == CellType.LSTM, who + ": inputForget is an LSTM option");
    require(clip == null || (clip > 0f && Float.isFinite(clip)),
        who + ": expected clip > 0 (or none), got " + clip);
    require(recurrentDropout >= 0f && recurrentDropout < 1f,
        who + ": expected recurrentDropout in [0, 1), got " + recurrentDropout);
    activations = activations == null ? List.of() : List.copyOf(activations);
    int per = cell.activationCount();
    int dirs = bidirectional ? 2 : 1;
    require(activations.isEmpty() || activations.size() == per || activations.size() == per * dirs,
        who + ": expected " + (dirs == 2 ? per + " or " + per * dirs : String.valueOf(per))
            + " activation functions, got " + activations.size() + " " + activations);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** A builder with PyTorch's defaults: one layer, biases, seq-first, no dropout, unidirectional. */
  public static Builder builder(CellType cell, int inputSize, int hiddenSize) {
    return new Builder(cell, inputSize, hiddenSize);
  }

  /** True when direction index {@code d} scans from the end. */
  public boolean isReverse(int d) {
    return d == 1 || reverse;
  }

  /** PyTorch's parameter-name suffix of layer {@code l}, direction {@code d}: {@code _l0}, {@code _l0_reverse}. */
  public String parameterSuffix(int l, int d) {
    return "_l" + l + (isReverse(d) ? "_reverse" : "");
  }

  /** 2 for a bidirectional stack, else 1. */
  public int numDirections() {
    return bidirectional ? 2 : 1;
  }

  /** Size of h (and of each direction's output): projSize when set, else hiddenSize. */
  public int outputHiddenSize() {
    return projSize > 0 ? projSize : hiddenSize;
  }

  /** Features per step of the stack's output: {@code numDirections * outputHiddenSize}. */
  public int outputSize() {
    return numDirections() * outputHiddenSize();
  }

  /** Input features of layer {@code layer}. */
  public int layerInputSize(int layer) {
    return layer == 0 ? inputSize : outputSize();
  }

  /** The activation functions of one direction, defaults filled in. */
  public List<Activation> activationsFor(int direction) {
    int per = cell.activationCount();
    if (activations.isEmpty()) {
      List<Activation> d = new ArrayList<>();
      switch (cell) {
        case LSTM:
          d.add(Activation.SIGMOID);
          d.add(Activation.TANH);
          d.add(Activation.TANH);
          break;
        case GRU:
          d.add(Activation.SIGMOID);
          d.add(Activation.TANH);
          break;
        case RNN_TANH:
          d.add(Activation.TANH);
          break;
        case RNN_RELU:
          d.add(Activation.RELU);
          break;
        default:
          throw new AssertionError(cell);
      }
      return d;
    }
    int from = activations.size() == per ? 0 : direction * per;
    return activations.subList(from, from + per);
  }

  /** True when every direction uses the cell's default activations, no clip and no coupling. */
  public boolean usesDefaultMath() {
    if (clip != null || inputForget || peepholes) {
      return false;
    }
    for (int d = 0; d < numDirections(); d++) {
      List<Activation> a = activationsFor(d);
      List<Activation> def = withActivations(List.of()).activationsFor(d);
      if (!a.equals(def)) {
        return false;
      }
    }
    return true;
  }

  /** A copy with another activation list. */
  public RecurrentSpec withActivations(List<Activation> list) {
    return new RecurrentSpec(cell, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout,
        bidirectional, reverse, projSize, peepholes, resetAfter, clip, inputForget, list, recurrentDropout);
  }

  /**
   * Builds a {@link RecurrentSpec}; {@link #build()} validates and may be called more than once. Not
   * thread-safe.
   */
  public static final class Builder {
    private final CellType cell;
    private final int inputSize;
    private final int hiddenSize;
    private int numLayers = 1;
    private boolean bias = true;
    private boolean batchFirst;
    private float dropout;
    private boolean bidirectional;
    private boolean reverse;
    private int projSize;
    private boolean peepholes;
    private boolean resetAfter = true;
    private Float clip;
    private boolean inputForget;
    private List<Activation> activations = List.of();
    private float recurrentDropout;

    private Builder(CellType cell, int inputSize, int hiddenSize) {
      this.cell = cell;
      this.inputSize = inputSize;
      this.hiddenSize = hiddenSize;
    }

    public Builder numLayers(int v) {
      numLayers = v;
      return this;
    }

    public Builder bias(boolean v) {
      bias = v;
      return this;
    }

    public Builder batchFirst(boolean v) {
      batchFirst = v;
      return this;
    }

    public Builder dropout(float v) {
      dropout = v;
      return this;
    }

    public Builder bidirectional(boolean v) {
      bidirectional = v;
      return this;
    }

    public Builder reverse(boolean v) {
      reverse = v;
      return this;
    }

    public Builder projSize(int v) {
      projSize = v;
      return this;
    }

    public Builder peepholes(boolean v) {
      peepholes = v;
      return this;
    }

    public Builder resetAfter(boolean v) {
      resetAfter = v;
      return this;
    }

    public Builder clip(Float v) {
      clip = v;
      return this;
    }

    public Builder inputForget(boolean v) {
      inputForget = v;
      return this;
    }

    public Builder activations(List<Activation> v) {
      activations = v;
      return this;
    }

    public Builder recurrentDropout(float v) {
      recurrentDropout = v;
      return this;
    }

    public RecurrentSpec build() {
      return new RecurrentSpec(cell, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout,
          bidirectional, reverse, projSize, peepholes, resetAfter, clip, inputForget, activations,
          recurrentDropout);
    }
  }
}
