package org.rnn4j.nn;

/**
 * The immutable description of one layer of a {@link org.rnn4j.Sequential} model. Implementations
 * are records validated in their constructors; thread-safe.
 */
public sealed interface LayerSpec
    permits EmbeddingSpec, RecurrentLayerSpec, DropoutSpec, DenseSpec, PoolingSpec {

  /** The layer's name in the model: the prefix of its parameter names ({@code lstm.weight_ih_l0}). */
  String name();
}
