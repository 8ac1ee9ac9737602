package org.rnn4j.interop.keras;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnn4j.Model;
import org.rnn4j.ModelSpec;
import org.rnn4j.interop.ImportException;
import org.rnn4j.interop.ModelImport;
import org.rnn4j.nn.Activation;
import org.rnn4j.nn.DenseActivation;
import org.rnn4j.nn.DenseSpec;
import org.rnn4j.nn.DropoutSpec;
import org.rnn4j.nn.EmbeddingSpec;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.LayerSpec;
import org.rnn4j.nn.Loss;
import org.rnn4j.nn.MergeMode;
import org.rnn4j.nn.Recurrent;
import org.rnn4j.nn.RecurrentLayerSpec;
import org.rnn4j.nn.RecurrentSpec;

/**
 * Turns an imported Keras model into an rnn4j {@link Model} when rnn4j's Model can express it: layer
 * for layer, same names, Keras's weights already in PyTorch's layout (Dense kernel transposed to
 * {@code weight [units, in]}). Refused, with the layer and the reason: masking (Masking, Embedding
 * mask_zero), go_backwards, softmax or other activations a Dense spec lacks, Activation layers.
 * Stateless.
 */
final class KerasToModel {
  private KerasToModel() {
  }

  static Model convert(String file, List<KerasLayer> layers) throws ImportException {
    List<LayerSpec> specs = new ArrayList<>();
    Map<String, float[]> values = new LinkedHashMap<>();
    int inputFeatures = -1;
    for (KerasLayer l : layers) {
      String where = file + ": layer '" + l.name() + "' (" + l.className() + ")";
      if (l instanceof KerasLayer.Identity id) {
        if (l.className().equals("InputLayer")) {
          if (id.features > 0 && inputFeatures < 0) {
            inputFeatures = id.features;
          }
        } else if (id.rate > 0f && id.rate < 1f) {
          specs.add(new DropoutSpec(l.name(), id.rate));
        }
      } else if (l instanceof KerasLayer.Embedding e) {
        if (e.maskZero) {
          throw new ImportException(where + ": mask_zero=True masks steps, which an rnn4j model file cannot express"
              + " yet (the layers still run through KerasModel)");
        }
        specs.add(new EmbeddingSpec(l.name(), e.vocab, e.dim, -1));
        values.put(l.name() + ".weight", e.table);
        inputFeatures = 0;
      } else if (l instanceof KerasLayer.Dense d) {
        DenseActivation act = denseActivation(where, d.act);
        specs.add(new DenseSpec(l.name(), d.units, act, d.bias != null));
        float[] w = new float[d.kernel.length];
        for (int i = 0; i < d.in; i++) {
          for (int j = 0; j < d.units; j++) {
            w[j * d.in + i] = d.kernel[i * d.units + j];
          }
        }
        values.put(l.name() + ".weight", w);
        if (d.bias != null) {
          values.put(l.name() + ".bias", d.bias);
        }
        if (inputFeatures < 0) {
          inputFeatures = d.in;
        }
      } else if (l instanceof KerasLayer.Rnn r) {
        requireForward(where, r.core);
        RecurrentSpec s = r.core.rnn.spec();
        specs.add(new RecurrentLayerSpec(l.name(), s, r.core.returnSequences, MergeMode.CONCAT, Init.PYTORCH));
        copy(r.core.rnn, l.name() + ".", "", values);
        if (inputFeatures < 0) {
          inputFeatures = s.inputSize();
        }
      } else if (l instanceof KerasLayer.Bidi b) {
        requireForward(where, b.fw);
        RecurrentSpec f = b.fw.rnn.spec();
        RecurrentSpec s = RecurrentSpec.builder(f.cell(), f.inputSize(), f.hiddenSize()).bias(f.bias())
            .bidirectional(true).resetAfter(f.resetAfter()).activations(f.activations()).build();
        MergeMode mode = switch (b.merge) {
          case "sum" -> MergeMode.SUM;
          case "mul" -> MergeMode.MUL;
          case "ave" -> MergeMode.AVERAGE;
          default -> MergeMode.CONCAT;
        };
        specs.add(new RecurrentLayerSpec(l.name(), s, b.fw.returnSequences, mode, Init.PYTORCH));
        copy(b.fw.rnn, l.name() + ".", "", values);
        copy(b.bw.rnn, l.name() + ".", "_reverse", values);
        if (inputFeatures < 0) {
          inputFeatures = s.inputSize();
        }
      } else {
        throw new ImportException(where + ": has no rnn4j model layer (Masking, Activation and Flatten layers run"
            + " only through KerasModel)");
      }
    }
    if (specs.isEmpty() || inputFeatures < 0) {
      throw new ImportException(file + ": no layer that an rnn4j model can hold");
    }
    return ModelImport.withParameters(file, new ModelSpec(inputFeatures, specs, Loss.MSE), values,
        "Keras weight");
  }

  private static void requireForward(String where, KerasLayer.RnnCore c) throws ImportException {
    if (c.goBackwards) {
      throw new ImportException(where + ": go_backwards=True (outputs in reversed time order) cannot be expressed"
          + " by an rnn4j model file yet");
    }
  }

  private static void copy(Recurrent rnn, String prefix, String suffix, Map<String, float[]> out) {
    for (String n : rnn.parameterNames()) {
      out.put(prefix + n + suffix, rnn.parameter(n));
    }
  }

  private static DenseActivation denseActivation(String where, Activation a) throws ImportException {
    if (a == null) {
      throw new ImportException(where + ": softmax is not a Dense activation of an rnn4j model (losses apply it);"
          + " the layer still runs through KerasModel");
    }
    if (a.kind() == Activation.Kind.AFFINE && a.alpha() == 1f && a.beta() == 0f) {
      return DenseActivation.LINEAR;
    }
    return switch (a.kind()) {
      case RELU -> DenseActivation.RELU;
      case TANH -> DenseActivation.TANH;
      case SIGMOID -> DenseActivation.SIGMOID;
      default -> throw new ImportException(where + ": activation " + a + " is not a Dense activation of an rnn4j model");
    };
  }
}
