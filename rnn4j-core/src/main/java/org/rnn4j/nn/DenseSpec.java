package org.rnn4j.nn;

/**
 * A fully connected layer, PyTorch's {@code nn.Linear} (weight {@code [units, in]}, bias
 * {@code [units]}) followed by an activation. On a sequence it applies at every step (Keras
 * TimeDistributed); on a vector (after a recurrent layer with returnSequences false) once. Immutable
 * and thread-safe.
 *
 * @param name       parameter prefix
 * @param units      output features
 * @param activation applied after the affine map
 * @param bias       whether the layer has a bias
 */
public record DenseSpec(String name, int units, DenseActivation activation, boolean bias)
    implements LayerSpec {
  public DenseSpec {
    Specs.requireName(name, "Dense");
    Specs.require(units >= 1, "Dense '" + name + "': expected units >= 1, got " + units);
    Specs.require(activation != null, "Dense '" + name + "': activation is null");
  }
}
