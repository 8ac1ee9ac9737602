package org.rnn4j.interop;

import java.util.List;
import java.util.Map;
import org.rnn4j.Model;
import org.rnn4j.ModelSpec;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.Loss;
import org.rnn4j.nn.MergeMode;
import org.rnn4j.nn.Recurrent;
import org.rnn4j.nn.RecurrentLayerSpec;
import org.rnn4j.nn.RecurrentSpec;

/**
 * Builds rnn4j {@link Model}s from imported files, so they can be saved as rnn4j model files. A
 * PyTorch state dict becomes a model of one recurrent layer (named {@code lstm}, {@code gru} or
 * {@code rnn}) that returns every step's output, with its spec read off the tensors
 * ({@link TorchImport#inferSpec}). Stateless and thread-safe.
 */
public final class ModelImport {
  private ModelImport() {
  }

  /**
   * A model of the given spec holding the given values, every parameter checked to have one.
   *
   * @param file   the imported file, for messages
   * @param values values by the model's parameter names ({@code lstm.weight_ih_l0}, {@code dense.bias})
   * @param what   what a value is called in the file's world, for messages ("Keras weight")
   * @throws ImportException when the spec is not a valid model or a parameter has no value of its size
   */
  public static Model withParameters(String file, ModelSpec spec, Map<String, float[]> values, String what)
      throws ImportException {
    Model m;
    try {
      m = Model.create(spec, 0L);
    } catch (IllegalArgumentException e) {
      throw new ImportException(file + ": the layers do not make an rnn4j model: " + e.getMessage(), e);
    }
    for (String n : m.parameterNames()) {
      float[] v = values.get(n);
      if (v == null || v.length != m.parameter(n).length) {
        throw new ImportException(file + ": parameter '" + n + "' of the rnn4j model has no matching " + what
            + (v == null ? "" : " (" + v.length + " values, expected " + m.parameter(n).length + ")"));
      }
      m.setParameter(n, v);
    }
    return m;
  }

  /**
   * A model of one recurrent layer holding the state dict's values.
   *
   * @param rnnCell for a plain RNN, RNN_TANH or RNN_RELU (the file does not say); null for tanh
   * @throws ImportException naming the file and what does not fit
   */
  public static Model fromStateDict(StateDict sd, TorchImport.NameMapping mapping, CellType rnnCell)
      throws ImportException {
    RecurrentSpec spec = TorchImport.inferSpec(sd, mapping, rnnCell);
    Recurrent rnn = TorchImport.toRecurrent(sd, spec, mapping);
    String name = spec.cell() == CellType.LSTM ? "lstm" : spec.cell() == CellType.GRU ? "gru" : "rnn";
    Model m = Model.create(new ModelSpec(spec.inputSize(),
        List.of(new RecurrentLayerSpec(name, spec, true, MergeMode.CONCAT, Init.PYTORCH)), Loss.MSE), 0L);
    for (String p : rnn.parameterNames()) {
      m.setParameter(name + "." + p, rnn.parameter(p));
    }
    return m;
  }
}
