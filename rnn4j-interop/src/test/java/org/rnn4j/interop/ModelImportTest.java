package org.rnn4j.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Model;
import org.rnn4j.Tensor;
import org.rnn4j.interop.keras.KerasModel;
import org.rnn4j.io.ModelFiles;
import org.rnn4j.nn.Recurrent;
import org.rnn4j.nn.RecurrentSpec;

/** Imported files as rnn4j models: the same numbers as the importer, and a save/load round trip. */
class ModelImportTest {

  static Tensor random(long seed, int... shape) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return new Tensor(v, shape);
  }

  @Test
  void aStateDictBecomesAModelThatComputesWhatTheStackComputes(@TempDir Path tmp) throws Exception {
    StateDict sd = StateDict.read(TorchStateDictTest.resource("lstm_bidir_state_dict.pt"));
    Model m = ModelImport.fromStateDict(sd, TorchImport.NameMapping.auto(), null);
    assertThat(m.parameterNames()).contains("lstm.weight_ih_l0", "lstm.bias_hh_l0_reverse");
    RecurrentSpec spec = TorchImport.inferSpec(sd, TorchImport.NameMapping.auto(), null);
    Recurrent rnn = TorchImport.toRecurrent(sd, RecurrentSpec.builder(spec.cell(), 3, 4).bidirectional(true)
        .batchFirst(true).build());
    Tensor x = random(1, 2, 5, 3);
    float[] want = rnn.forward(x).output().data();
    assertThat(m.predict(x).data()).containsExactly(want);
    Path f = tmp.resolve("m.rnn4j");
    ModelFiles.save(m, f, Map.of("imported_from", "lstm_bidir_state_dict.pt"));
    ModelFiles.Loaded back = ModelFiles.load(f);
    assertThat(back.model().predict(x).data()).containsExactly(want);
    assertThat(back.metadata()).containsEntry("imported_from", "lstm_bidir_state_dict.pt");
  }

  @Test
  void kerasModelsBecomeModelsWithTheSameOutputs() throws Exception {
    for (String name : new String[] {"k3/model.keras", "k2/simple_flatten_lstm_tf_keras_2_model.h5"}) {
      KerasModel k = KerasModel.load(Path.of(ModelImportTest.class.getResource("/keras/" + name).toURI()));
      Model m = k.toModel();
      int features = name.startsWith("k3") ? 3 : 1;
      Tensor x = random(7, 3, 6, features);
      float[] want = k.predict(x).data();
      float[] got = m.predict(x).data();
      assertThat(got).hasSameSizeAs(want);
      for (int i = 0; i < want.length; i++) {
        assertThat(Math.abs(got[i] - want[i])).as(name + " [" + i + "]").isLessThan(1e-5f);
      }
    }
  }

  @Test
  void aStateDictThatIsNoRecurrentModuleIsRefused(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("fc.safetensors");
    org.rnn4j.io.SafeTensors.write(f, Map.of(), java.util.List.of(
        new org.rnn4j.io.SafeTensors.Tensor("fc.weight", new int[] {2, 3}, new float[6])));
    StateDict sd = StateDict.read(f);
    assertThatThrownBy(() -> ModelImport.fromStateDict(sd, TorchImport.NameMapping.auto(), null))
        .isInstanceOf(ImportException.class).hasMessageContaining("no tensor named 'weight_ih_l0'")
        .hasMessageContaining("[fc.weight]");
  }
}
