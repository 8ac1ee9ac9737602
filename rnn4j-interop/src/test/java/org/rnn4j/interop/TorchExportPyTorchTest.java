package org.rnn4j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.Tensor;
import org.rnn4j.data.Dataset;
import org.rnn4j.io.SafeTensors;
import org.rnn4j.nn.DenseActivation;
import org.rnn4j.nn.MergeMode;
import org.rnn4j.nn.PoolingSpec;

/**
 * The safetensors export loads in PyTorch: for each model, {@link TorchExport#write} (what
 * {@code rnn4j export --format safetensors} runs) writes the state dict and the recipe; the recipe,
 * saved as printed, runs under PyTorch through src/test/python/check_torch_export.py, which loads the
 * file with {@code load_state_dict(strict=True)} and compares PyTorch's output with rnn4j's
 * {@code predict} on the same input. Runs when {@code /usr/bin/python3} can import torch (Debian's
 * python3-torch); skipped, saying so, otherwise.
 */
@Timeout(300)
class TorchExportPyTorchTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Path SCRIPT = Path.of("src/test/python/check_torch_export.py");

  @BeforeAll
  static void needsPyTorch() throws Exception {
    boolean ok = false;
    if (Files.isExecutable(PYTHON) && Files.exists(SCRIPT)) {
      Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      ok = p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
    Assumptions.assumeTrue(ok, "skipped: no " + PYTHON + " that can import torch (install Debian's python3-torch)"
        + " to check that exported state dicts load in PyTorch");
  }

  /** A model and whether its input carries lengths (only models with one output per sequence). */
  static Stream<Arguments> models() {
    List<Arguments> l = new ArrayList<>();
    l.add(Arguments.of("lstm 2 layers bidirectional proj_size, Dense per step", false,
        (Supplier<Model>) () -> Sequential.features(3)
            .lstm(6, o -> o.numLayers(2).bidirectional(true).projSize(4))
            .dense(2, DenseActivation.TANH).build(11)));
    l.add(Arguments.of("lstm 2 layers bidirectional proj_size, final state, lengths", true,
        (Supplier<Model>) () -> Sequential.features(3)
            .lstm(5, o -> o.numLayers(2).bidirectional(true).projSize(3).returnSequences(false))
            .dense(2).build(12)));
    l.add(Arguments.of("gru 2 layers on an embedding, final state, lengths", true,
        (Supplier<Model>) () -> Sequential.embedding(9, 4, 0)
            .gru(5, o -> o.numLayers(2).returnSequences(false))
            .dense(3, DenseActivation.SIGMOID).build(13)));
    l.add(Arguments.of("gru bidirectional, every step", false,
        (Supplier<Model>) () -> Sequential.features(3).gru(4, o -> o.bidirectional(true)).build(14)));
    l.add(Arguments.of("rnn tanh bidirectional sum, final state, lengths", true,
        (Supplier<Model>) () -> Sequential.features(3)
            .recurrent(org.rnn4j.nn.CellType.RNN_TANH, 5, o -> o.bidirectional(true).mergeMode(MergeMode.SUM)
                .returnSequences(false)).build(15)));
    l.add(Arguments.of("rnn relu 2 layers, every step, relu Dense", false,
        (Supplier<Model>) () -> Sequential.features(3)
            .recurrent(org.rnn4j.nn.CellType.RNN_RELU, 4, o -> o.numLayers(2))
            .dense(2, DenseActivation.RELU).build(16)));
    l.add(Arguments.of("lstm, max pooling over valid steps, lengths", true,
        (Supplier<Model>) () -> Sequential.features(3).lstm(4, o -> o.returnSequences(true)).pooling(PoolingSpec.Mode.MAX).dense(2).build(17)));
    l.add(Arguments.of("gru bidirectional average, mean pooling, lengths", true,
        (Supplier<Model>) () -> Sequential.features(3).gru(4, o -> o.bidirectional(true).mergeMode(MergeMode.AVERAGE).returnSequences(true))
            .pooling(PoolingSpec.Mode.MEAN).build(18)));
    return l.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void theRecipeLoadsTheStateDictStrictlyAndPyTorchGivesRnn4jsOutputs(String name, boolean withLengths,
      Supplier<Model> make, @TempDir Path tmp) throws Exception {
    Model m = make.get();
    Path file = tmp.resolve("model.safetensors");
    String recipe = TorchExport.write(m, file);
    Path recipeFile = tmp.resolve("recipe.py");
    Files.writeString(recipeFile, recipe);

    int n = 3;
    int t = 5;
    SplittableRandom r = new SplittableRandom(name.hashCode());
    int[] lengths = withLengths ? new int[] {5, 2, 4} : null;
    Dataset data;
    float[] x;
    boolean tokens = m.spec().tokenInput();
    if (tokens) {
      int[] ids = new int[n * t];
      x = new float[n * t];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = 1 + r.nextInt(8);
        x[i] = ids[i];
      }
      data = Dataset.ofTokens(ids, n, t, lengths, (int[]) null);
    } else {
      x = new float[n * t * 3];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (r.nextDouble() * 2 - 1);
      }
      data = Dataset.ofFeatures(new Tensor(x, n, t, 3), lengths, (Tensor) null);
    }
    Tensor y = m.predict(data);
    List<SafeTensors.Tensor> io = new ArrayList<>();
    io.add(new SafeTensors.Tensor("x", tokens ? new int[] {n, t} : new int[] {n, t, 3}, x));
    if (lengths != null) {
      io.add(new SafeTensors.Tensor("lengths", new int[] {n}, new float[] {lengths[0], lengths[1], lengths[2]}));
    }
    io.add(new SafeTensors.Tensor("y", y.shape(), y.data()));
    Path ioFile = tmp.resolve("io.safetensors");
    SafeTensors.write(ioFile, tokens ? Map.of("x_dtype", "long") : Map.of(), io);

    String out = run(recipeFile, ioFile);
    assertThat(out).as(name + "\n--- recipe ---\n" + recipe).contains("strict load ok");
  }

  private static String run(Path recipe, Path io) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(), recipe.toString(), io.toString(), "1e-5")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean done = p.waitFor(240, TimeUnit.SECONDS);
    assertThat(done).as("python finished").isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
