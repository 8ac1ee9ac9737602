package org.rnn4j;

import java.util.ArrayList;
import java.util.List;
import org.rnn4j.nn.DenseSpec;
import org.rnn4j.nn.DropoutSpec;
import org.rnn4j.nn.EmbeddingSpec;
import org.rnn4j.nn.LayerSpec;
import org.rnn4j.nn.Loss;
import org.rnn4j.nn.PoolingSpec;
import org.rnn4j.nn.RecurrentLayerSpec;

/**
 * The immutable description of a sequential model: input (features per step, or token ids into a
 * first {@link EmbeddingSpec}) -> layers -> loss. Validated when built: layer names unique, an
 * embedding only first, at most one switch from sequences to vectors, the output compatible with the
 * loss; pooling only over a sequence. Immutable and thread-safe.
 *
 * @param inputFeatures features per step of the input; 0 when the first layer is an embedding
 * @param layers        the layers in order
 * @param loss          the training objective
 */
public record ModelSpec(int inputFeatures, List<LayerSpec> layers, Loss loss) {

  public ModelSpec {
    layers = List.copyOf(layers);
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("model: expected at least one layer, got none");
    }
    if (loss == null) {
      throw new IllegalArgumentException("model: loss is null");
    }
    boolean embedding = layers.get(0) instanceof EmbeddingSpec;
    if (embedding != (inputFeatures == 0)) {
      throw new IllegalArgumentException(embedding
          ? "model: an embedding input takes token ids; expected inputFeatures 0, got " + inputFeatures
          : "model: expected inputFeatures >= 1 (or an Embedding as first layer), got " + inputFeatures);
    }
    if (inputFeatures < 0) {
      throw new IllegalArgumentException("model: expected inputFeatures >= 0, got " + inputFeatures);
    }
    List<String> names = new ArrayList<>();
    boolean sequence = true;
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec l = layers.get(i);
      if (names.contains(l.name())) {
        throw new IllegalArgumentException("model: layer name '" + l.name() + "' is used twice; names"
            + " prefix parameter names and must be unique");
      }
      names.add(l.name());
      if (l instanceof EmbeddingSpec && i > 0) {
        throw new IllegalArgumentException("model: an Embedding must be the first layer; '" + l.name()
            + "' is layer " + i);
      }
      if (l instanceof RecurrentLayerSpec && !sequence) {
        throw new IllegalArgumentException("model: recurrent layer '" + l.name() + "' needs a sequence,"
            + " but an earlier recurrent layer has returnSequences=false; set it to true");
      }
      if (l instanceof PoolingSpec && !sequence) {
        throw new IllegalArgumentException("model: pooling layer '" + l.name() + "' needs a sequence, but an"
            + " earlier layer gives one vector per example; set returnSequences(true) on the recurrent layer"
            + " before it");
      }
      if (l instanceof RecurrentLayerSpec r && !r.returnSequences() || l instanceof PoolingSpec) {
        sequence = false;
      }
    }
    LayerSpec last = layers.get(layers.size() - 1);
    if (!(last instanceof DenseSpec) && !(last instanceof RecurrentLayerSpec)
        && !(last instanceof DropoutSpec) && !(last instanceof PoolingSpec)) {
      throw new IllegalArgumentException("model: expected a Dense, recurrent or pooling output layer, got "
          + last.getClass().getSimpleName() + " '" + last.name() + "'");
    }
  }

  /** True when the model's input is token ids (first layer an embedding). */
  public boolean tokenInput() {
    return layers.get(0) instanceof EmbeddingSpec;
  }
}
