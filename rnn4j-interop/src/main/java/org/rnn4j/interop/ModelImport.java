package org.rnn4j.interop;

import java.util.List;
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
