package org.rnn4j.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.io.SafeTensors;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.DenseActivation;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.MergeMode;
import org.rnn4j.nn.RecurrentLayerSpec;
import org.rnn4j.nn.RecurrentSpec;

/** {@link TorchExport}: the state dict reads back with PyTorch's names and shapes; refusals name the feature. */
class TorchExportTest {

  @Test
  void writesAStateDictWithPyTorchNamesAndARecipe(@TempDir Path tmp) throws Exception {
    Model m = Sequential.embedding(50, 8, 0)
        .lstm(6, o -> o.numLayers(2).bidirectional(true).projSize(4).returnSequences(false).name("lstm"))
        .dropout(0.2f)
        .dense(3, DenseActivation.TANH)
        .build(7);
    Path file = tmp.resolve("m.safetensors");
    String recipe = TorchExport.write(m, file);

    SafeTensors.Contents c = SafeTensors.read(file);
    assertThat(c.metadata()).containsEntry("format", "pt");
    assertThat(new ArrayList<>(c.tensors().keySet())).containsExactlyElementsOf(m.parameterNames());
    assertThat(c.tensors().keySet()).contains("embedding.weight", "lstm.weight_ih_l0", "lstm.weight_hh_l1_reverse",
        "lstm.weight_hr_l0", "dense.weight", "dense.bias");
    for (String n : m.parameterNames()) {
      assertThat(c.tensors().get(n).shape()).as(n).containsExactly(m.parameterShape(n));
      assertThat(c.tensors().get(n).data()).as(n).containsExactly(m.parameter(n));
    }
    // PyTorch's shapes: weight_ih_l1 takes both directions' projected outputs, weight_hh the projection.
    assertThat(c.tensors().get("lstm.weight_ih_l1").shape()).containsExactly(24, 8);
    assertThat(c.tensors().get("lstm.weight_hh_l0").shape()).containsExactly(24, 4);
    assertThat(c.tensors().get("lstm.weight_hr_l0").shape()).containsExactly(4, 6);
    assertThat(c.tensors().get("dense.weight").shape()).containsExactly(3, 8);

    assertThat(recipe)
        .contains("self.embedding = nn.Embedding(50, 8, padding_idx=0)")
        .contains("self.lstm = nn.LSTM(8, 6, num_layers=2, batch_first=True, bidirectional=True, proj_size=4)")
        .contains("self.dropout = nn.Dropout(0.2)")
        .contains("self.dense = nn.Linear(8, 3)")
        .contains("x = _recurrent(self.lstm, x, lengths, return_sequences=False, merge='concat')")
        .contains("x = torch.tanh(self.dense(x))")
        .contains("model.load_state_dict(load_file(\"m.safetensors\"), strict=True)");
  }

  @Test
  void everyPlainCellHasItsModule() throws Exception {
    String gru = TorchExport.of(Sequential.features(3).gru(4, o -> o.bias(false)).dense(1).build(1)).recipe();
    assertThat(gru).contains("self.gru = nn.GRU(3, 4, bias=False, batch_first=True)");
    String relu = TorchExport.of(Sequential.features(3)
        .recurrent(CellType.RNN_RELU, 4, o -> o.bidirectional(true).mergeMode(MergeMode.AVERAGE)).build(1)).recipe();
    assertThat(relu).contains("nn.RNN(3, 4, nonlinearity='relu', batch_first=True, bidirectional=True)")
        .contains("merge='average'");
  }

  @Test
  void refusesWhatPyTorchLacks(@TempDir Path tmp) {
    List<Object[]> cases = List.of(
        new Object[] {RecurrentSpec.builder(CellType.LSTM, 3, 4).peepholes(true).build(), "peepholes"},
        new Object[] {RecurrentSpec.builder(CellType.GRU, 3, 4).resetAfter(false).build(), "resetAfter=false"},
        new Object[] {RecurrentSpec.builder(CellType.LSTM, 3, 4).clip(3f).build(), "clip 3.0"},
        new Object[] {RecurrentSpec.builder(CellType.LSTM, 3, 4).inputForget(true).build(), "inputForget"},
        new Object[] {RecurrentSpec.builder(CellType.RNN_TANH, 3, 4).reverse(true).build(), "reverse-only"},
        new Object[] {RecurrentSpec.builder(CellType.RNN_TANH, 3, 4)
            .activations(List.of(org.rnn4j.nn.Activation.of("Softsign"))).build(), "default activations"});
    for (Object[] c : cases) {
      RecurrentSpec s = (RecurrentSpec) c[0];
      Model m = Sequential.features(3).add(new RecurrentLayerSpec("rec", s, true, MergeMode.CONCAT, Init.PYTORCH))
          .build(3);
      Path out = tmp.resolve("x.safetensors");
      assertThatThrownBy(() -> TorchExport.write(m, out)).isInstanceOf(ExportException.class)
          .hasMessageStartingWith("PyTorch export: " + s.cell() + " layer 'rec': ")
          .hasMessageContaining((String) c[1]);
      assertThat(Files.exists(out)).as("no partial output").isFalse();
    }
  }
}
