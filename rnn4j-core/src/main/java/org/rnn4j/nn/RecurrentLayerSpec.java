package org.rnn4j.nn;

/**
 * A recurrent layer of a {@link org.rnn4j.Sequential} model: a {@link RecurrentSpec} stack plus what
 * the model needs around it. Immutable and thread-safe.
 *
 * @param name             parameter prefix ({@code lstm.weight_ih_l0})
 * @param rnn              the stack (its inputSize is the previous layer's output size; batchFirst is
 *                         ignored: the model is batch-first at its edge and time-major inside)
 * @param returnSequences  true: the output of every step goes on; false: only the final state (the
 *                         state at each sequence's last valid step; for a bidirectional layer the
 *                         reverse direction's state after reading the whole sequence, as Keras)
 * @param mergeMode        how the two directions combine (bidirectional only)
 * @param init             initialisation scheme
 */
public record RecurrentLayerSpec(String name, RecurrentSpec rnn, boolean returnSequences,
    MergeMode mergeMode, Init init) implements LayerSpec {
  public RecurrentLayerSpec {
    Specs.requireName(name, "recurrent layer");
    Specs.require(rnn != null, "recurrent layer '" + name + "': spec is null");
    Specs.require(mergeMode != null, "recurrent layer '" + name + "': mergeMode is null");
    Specs.require(init != null, "recurrent layer '" + name + "': init is null");
  }

  /** Features per step (or of the final state) after merging the directions. */
  public int outputSize() {
    int p = rnn.outputHiddenSize();
    return rnn.bidirectional() && mergeMode == MergeMode.CONCAT ? 2 * p : p;
  }
}
