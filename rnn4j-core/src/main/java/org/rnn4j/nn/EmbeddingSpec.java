package org.rnn4j.nn;

/**
 * A lookup table of {@code vocabSize} vectors of {@code dim} values (PyTorch {@code nn.Embedding},
 * weight {@code [vocabSize, dim]}); the model's input is then token ids. Immutable and thread-safe.
 *
 * @param name         parameter prefix
 * @param vocabSize    number of token ids, ids are in [0, vocabSize)
 * @param dim          size of each vector
 * @param paddingIndex an id whose vector stays zero and gets no gradient (PyTorch padding_idx), or -1
 */
public record EmbeddingSpec(String name, int vocabSize, int dim, int paddingIndex) implements LayerSpec {
  public EmbeddingSpec {
    Specs.requireName(name, "Embedding");
    Specs.require(vocabSize >= 1, "Embedding '" + name + "': expected vocabSize >= 1, got " + vocabSize);
    Specs.require(dim >= 1, "Embedding '" + name + "': expected dim >= 1, got " + dim);
    Specs.require(paddingIndex >= -1 && paddingIndex < vocabSize, "Embedding '" + name
        + "': expected paddingIndex in [-1, " + vocabSize + "), got " + paddingIndex);
  }
}
