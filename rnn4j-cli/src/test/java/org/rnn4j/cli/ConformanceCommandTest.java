package org.rnn4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rnn4j conformance} run in-process over the copy of the shared conformance sample in the test
 * resources, plus tampered and broken cases that must fail.
 */
class ConformanceCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What one in-process run printed. */
  record Run(int exit, List<String> out, List<String> err) {
    List<String> starting(String prefix) {
      return out.stream().filter(l -> l.startsWith(prefix)).collect(Collectors.toList());
    }

    String last() {
      return out.isEmpty() ? "" : out.get(out.size() - 1);
    }
  }

  static Run rnn4j(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Run(exit, lines(out), lines(err));
  }

  private static List<String> lines(ByteArrayOutputStream b) {
    String s = b.toString(StandardCharsets.UTF_8);
    return s.isEmpty() ? List.of() : Arrays.asList(s.split("\\R"));
  }

  static Path sample() throws URISyntaxException {
    return Path.of(ConformanceCommandTest.class.getResource("/conformance").toURI());
  }

  /** Names of the case files under a folder whose format field starts with the given text. */
  static List<String> caseNames(Path dir, String formatPrefix) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".json")).map(p -> {
        try {
          var n = JSON.readTree(p.toFile());
          return n.path("format").asText().startsWith(formatPrefix) ? n.path("name").asText() : null;
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).filter(n -> n != null).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void everyTorchOnnxAndTrainingCaseOfTheSamplePasses() throws Exception {
    Path torch = sample().resolve("torch");
    Path onnx = sample().resolve("onnx");
    Run r = rnn4j("conformance", torch.toString(), onnx.toString());
    List<String> expected = caseNames(torch, "rnn-");
    expected.addAll(caseNames(onnx, "rnn-"));
    assertThat(expected).hasSizeGreaterThanOrEqualTo(29)
        .contains("train_lstm_linear_sgd_adam", "lstm_packed", "torch_gru_lbr1_forward", "test_lstm_with_peepholes");
    assertThat(r.out()).noneMatch(l -> l.startsWith("FAIL") || l.startsWith("ERROR") || l.startsWith("SKIP"));
    assertThat(r.starting("PASS ")).extracting(l -> l.substring(5))
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(r.last()).isEqualTo(expected.size() + " passed, 0 failed");
    assertThat(r.exit()).isZero();
    assertThat(r.err()).isEmpty();
  }

  @Test
  void theSelfMadeCasesBeyondTheSamplePass() throws Exception {
    // numpy references from the spec equations (see conformance-extra/README.md): ONNX directions,
    // clip, activations, layouts; packed bidirectional stacks; training v2 with every optimizer
    Path extra = Path.of(ConformanceCommandTest.class.getResource("/conformance-extra").toURI());
    List<String> expected = caseNames(extra, "rnn-");
    assertThat(expected).hasSize(20);
    Run r = rnn4j("conformance", extra.toString());
    assertThat(r.out()).noneMatch(l -> l.startsWith("FAIL") || l.startsWith("ERROR") || l.startsWith("SKIP"));
    assertThat(r.starting("PASS ")).extracting(l -> l.substring(5)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(r.exit()).isZero();
  }

  @Test
  void thePyTorchGeneratedCasesBeyondTheSamplePass() throws Exception {
    // computed by PyTorch 1.13 itself (make_torch_cases.py): module cases for more combinations and
    // training v2 with every optimizer type, cross-entropy, last-step heads and clipping
    Path torch = Path.of(ConformanceCommandTest.class.getResource("/conformance-torch").toURI());
    List<String> expected = caseNames(torch, "rnn-");
    assertThat(expected).hasSize(11);
    Run r = rnn4j("conformance", torch.toString());
    assertThat(r.out()).noneMatch(l -> l.startsWith("FAIL") || l.startsWith("ERROR") || l.startsWith("SKIP"));
    assertThat(r.starting("PASS ")).extracting(l -> l.substring(5)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(r.exit()).isZero();
  }

  @Test
  void everyImportCasePassesThroughTheRealImporters() throws Exception {
    Path imports = sample().resolve("import");
    assertThat(caseNames(imports, "rnn-import-torch-state-dict/"))
        .containsExactlyInAnyOrder("lstm_2layer", "lstm_bidir_state_dict");
    assertThat(caseNames(imports, "rnn-import-onnx-export/")).containsExactly("lstm_1layer_bf_nostate_dynamic");
    assertThat(caseNames(imports, "rnn-import-keras-case/")).containsExactly("dl4j_lstm_keras2", "k3_lstm_seq_dense");
    Run r = rnn4j("conformance", imports.toString());
    assertThat(r.out()).containsExactly("PASS dl4j_lstm_keras2", "PASS k3_lstm_seq_dense",
        "PASS lstm_1layer_bf_nostate_dynamic", "PASS lstm_2layer", "PASS lstm_bidir_state_dict", "5 passed, 0 failed");
    assertThat(r.exit()).isZero();
    assertThat(r.err()).isEmpty();
  }

  @Test
  void aKerasCaseComparesEveryLayerOfEveryTestInEveryModelFile(@TempDir Path tmp) throws Exception {
    Path src = sample().resolve("import/keras/k3_lstm_seq_dense");
    for (String f : List.of("model.h5", "model.keras")) {
      Files.copy(src.resolve(f), tmp.resolve(f));
    }
    ObjectNode c = (ObjectNode) JSON.readTree(src.resolve("case.json").toFile());
    ArrayNode lstm = (ArrayNode) c.at("/tests/0/expected/lstm/data");
    lstm.set(7, lstm.get(7).asDouble() + 0.1);
    JSON.writeValue(tmp.resolve("case.json").toFile(), c);
    Run r = rnn4j("conformance", tmp.toString());
    assertThat(r.out().get(0)).matches("FAIL k3_lstm_seq_dense: model\\.(keras|h5):test0:lstm \\[0,1,2\\] expected \\S+ got \\S+");

    Files.write(tmp.resolve("model.keras"), Arrays.copyOf(Files.readAllBytes(src.resolve("model.keras")), 5000));
    JSON.writeValue(tmp.resolve("case.json").toFile(), JSON.readTree(src.resolve("case.json").toFile()));
    Run cut = rnn4j("conformance", tmp.toString());
    assertThat(cut.out().get(0)).startsWith("ERROR k3_lstm_seq_dense: ").contains("model.keras");
  }

  @Test
  void aBrokenOrTamperedImportCaseIsAnErrorOrAFailure(@TempDir Path tmp) throws Exception {
    Path src = sample().resolve("import/safetensors");
    byte[] bytes = Files.readAllBytes(src.resolve("lstm_2layer.safetensors"));
    Files.write(tmp.resolve("lstm_2layer.safetensors"), Arrays.copyOf(bytes, bytes.length - 8));
    Files.copy(src.resolve("lstm_2layer.json"), tmp.resolve("lstm_2layer.json"));
    Run cut = rnn4j("conformance", tmp.toString());
    assertThat(cut.out().get(0)).startsWith("ERROR lstm_2layer: ").contains("lstm_2layer.safetensors")
        .contains("weight_ih_l1").contains("truncated file?");
    assertThat(cut.exit()).isEqualTo(1);

    Files.write(tmp.resolve("lstm_2layer.safetensors"), bytes);
    ObjectNode c = (ObjectNode) JSON.readTree(src.resolve("lstm_2layer.json").toFile());
    ArrayNode hn = (ArrayNode) c.at("/expected/float32/h_n/data");
    hn.set(7, hn.get(7).asDouble() + 0.5);
    JSON.writeValue(tmp.resolve("lstm_2layer.json").toFile(), c);
    Run tampered = rnn4j("conformance", tmp.toString());
    assertThat(tampered.out().get(0)).startsWith("FAIL lstm_2layer: h_n [0,1,2] expected ");
  }

  @Test
  void theWholeSamplePasses() throws Exception {
    Run r = rnn4j("conformance", sample().toString());
    int cases = caseNames(sample(), "rnn-").size();
    assertThat(r.out()).noneMatch(l -> l.startsWith("FAIL") || l.startsWith("ERROR") || l.startsWith("SKIP"));
    assertThat(r.last()).isEqualTo(cases + " passed, 0 failed");
    assertThat(r.exit()).isZero();
  }

  @Test
  void viaOnnxRunsEveryOnnxCaseThroughTheImporter() throws Exception {
    Path onnx = sample().resolve("onnx");
    List<String> expected = caseNames(onnx, "rnn-holdout-onnx-case/");
    Run r = rnn4j("conformance", "--via-onnx", onnx.toString());
    assertThat(r.out()).noneMatch(l -> l.startsWith("FAIL") || l.startsWith("ERROR") || l.startsWith("SKIP"));
    assertThat(r.starting("PASS ")).extracting(l -> l.substring(5)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(r.exit()).isZero();
  }

  @Test
  void viaOnnxNeedsAModelFileAndChecksWhatItComputes(@TempDir Path tmp) throws Exception {
    Path src = sample().resolve("onnx/torch_lstm_forward");
    Path dir = tmp.resolve("torch_lstm_forward");
    Files.createDirectories(dir.resolve("test_data_set_0"));
    for (String f : List.of("model.onnx", "test_data_set_0/input_0.pb", "test_data_set_0/input_1.pb",
        "test_data_set_0/input_2.pb", "test_data_set_0/input_3.pb", "test_data_set_0/input_4.pb",
        "test_data_set_0/input_5.pb")) {
      Files.copy(src.resolve(f), dir.resolve(f));
    }
    ObjectNode c = (ObjectNode) JSON.readTree(src.resolve("case.json").toFile());
    ArrayNode y = (ArrayNode) c.at("/outputs/0/data");
    y.set(4, y.get(4).asDouble() + 1.0);
    JSON.writeValue(dir.resolve("case.json").toFile(), c);
    Run tampered = rnn4j("conformance", "--via-onnx", dir.toString());
    assertThat(tampered.out().get(0)).startsWith("FAIL torch_lstm_forward: Y [0,0,1,1] expected ");

    c.remove("files");
    JSON.writeValue(dir.resolve("case.json").toFile(), c);
    Run noModel = rnn4j("conformance", "--via-onnx", dir.toString());
    assertThat(noModel.out().get(0)).startsWith("ERROR torch_lstm_forward: --via-onnx: the case names no model file");
    assertThat(noModel.exit()).isEqualTo(1);
  }

  @Test
  void aTamperedTorchCaseFailsNamingTheWorstElement(@TempDir Path tmp) throws Exception {
    ObjectNode c = (ObjectNode) JSON.readTree(sample().resolve("torch/gru_bidir.json").toFile());
    ArrayNode data = (ArrayNode) c.at("/results/float64/grad/weight_hh_l0_reverse/data");
    data.set(3, data.get(3).asDouble() + 1.0);
    Path f = tmp.resolve("tampered.json");
    JSON.writeValue(f.toFile(), c);
    Run r = rnn4j("conformance", f.toString());
    assertThat(r.out()).hasSize(2);
    assertThat(r.out().get(0)).matches(
        "FAIL gru_bidir: grad\\.weight_hh_l0_reverse \\[0,3\\] expected \\S+ got \\S+");
    assertThat(r.last()).isEqualTo("0 passed, 1 failed");
    assertThat(r.exit()).isEqualTo(1);
  }

  @Test
  void aTamperedOnnxCaseFails(@TempDir Path tmp) throws Exception {
    ObjectNode c = (ObjectNode) JSON.readTree(sample().resolve("onnx/helper_lstm_peepholes/case.json").toFile());
    ArrayNode y = (ArrayNode) c.at("/outputs/0/data");
    y.set(5, y.get(5).asDouble() + 1.0);
    Path f = tmp.resolve("case.json");
    JSON.writeValue(f.toFile(), c);
    Run r = rnn4j("conformance", tmp.toString());
    assertThat(r.out().get(0)).startsWith("FAIL helper_lstm_peepholes: Y [0,0,1,2] expected ");
    assertThat(r.exit()).isEqualTo(1);
  }

  @Test
  void aTamperedTrainingCaseFails(@TempDir Path tmp) throws Exception {
    ObjectNode c = (ObjectNode) JSON.readTree(sample().resolve("torch/train_lstm_linear_sgd_adam.json").toFile());
    ArrayNode p = (ArrayNode) c.at("/runs/adam/float64/steps/2/params_after/head.bias/data");
    p.set(1, p.get(1).asDouble() + 1.0);
    Path f = tmp.resolve("train.json");
    JSON.writeValue(f.toFile(), c);
    Run r = rnn4j("conformance", f.toString());
    assertThat(r.out().get(0)).startsWith("FAIL train_lstm_linear_sgd_adam: adam.step3.params_after.head.bias [1] ");
    assertThat(r.exit()).isEqualTo(1);
  }

  @Test
  void aWrongOptimizerSettingIsCaught(@TempDir Path tmp) throws Exception {
    ObjectNode c = (ObjectNode) JSON.readTree(sample().resolve("torch/train_lstm_linear_sgd_adam.json").toFile());
    ((ObjectNode) c.at("/optimizers/sgd")).put("lr", 0.11);
    Path f = tmp.resolve("train.json");
    JSON.writeValue(f.toFile(), c);
    Run r = rnn4j("conformance", f.toString());
    assertThat(r.out().get(0)).startsWith("FAIL train_lstm_linear_sgd_adam: sgd.");
    assertThat(r.exit()).isEqualTo(1);
  }

  @Test
  void unknownJsonFilesAreReportedAndNotCounted(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve("a_unknown.json"), "{\"format\": \"something-else/1\", \"name\": \"x\"}");
    Files.writeString(tmp.resolve("b_plain.json"), "[1, 2, 3]");
    Files.writeString(tmp.resolve("notes.txt"), "not json, not looked at");
    Run alone = rnn4j("conformance", tmp.toString());
    assertThat(alone.starting("SKIP ")).hasSize(2);
    assertThat(alone.starting("SKIP ").get(0)).contains("a_unknown.json").contains("unknown format \"something-else/1\"");
    assertThat(alone.starting("PASS")).isEmpty();
    assertThat(alone.last()).isEqualTo("0 passed, 0 failed");
    assertThat(alone.exit()).as("no case ran: nothing passed").isEqualTo(1);

    Files.copy(sample().resolve("torch/lstm_1layer.json"), tmp.resolve("c_case.json"));
    Run mixed = rnn4j("conformance", tmp.toString());
    assertThat(mixed.starting("SKIP ")).hasSize(2);
    assertThat(mixed.out()).contains("PASS lstm_1layer");
    assertThat(mixed.last()).isEqualTo("1 passed, 0 failed");
    assertThat(mixed.exit()).isZero();
  }

  @Test
  void brokenAndUnsupportedCasesAreErrorsAndTheRunGoesOn(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve("a_broken.json"), "{\"format\": \"rnn-holdout-torch-case/1\", ");
    ObjectNode onnx = (ObjectNode) JSON.readTree(sample().resolve("onnx/torch_lstm_forward/case.json").toFile());
    ((ObjectNode) onnx.get("attributes")).put("some_future_attribute", 1);
    JSON.writeValue(tmp.resolve("b_onnx.json").toFile(), onnx);
    ObjectNode torch = (ObjectNode) JSON.readTree(sample().resolve("torch/lstm_packed.json").toFile());
    ((ArrayNode) torch.at("/packed/lengths")).set(0, 0); // the engine refuses a zero length
    JSON.writeValue(tmp.resolve("c_torch.json").toFile(), torch);
    Files.copy(sample().resolve("torch/gru_packed.json"), tmp.resolve("d_ok.json"));
    Run r = rnn4j("conformance", tmp.toString());
    assertThat(r.out()).hasSize(5);
    assertThat(r.out().get(0)).startsWith("ERROR a_broken: not valid JSON");
    assertThat(r.out().get(1)).isEqualTo("ERROR torch_lstm_forward: unsupported attribute 'some_future_attribute' for LSTM");
    assertThat(r.out().get(2)).startsWith("ERROR lstm_packed: ").contains("length");
    assertThat(r.out().get(3)).isEqualTo("PASS gru_packed");
    assertThat(r.last()).isEqualTo("1 passed, 3 failed");
    assertThat(r.exit()).isEqualTo(1);
  }

  @Test
  void aMissingPathIsOneLineAndExit2(@TempDir Path tmp) {
    Run r = rnn4j("conformance", tmp.resolve("nowhere").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).hasSize(1);
    assertThat(r.err().get(0)).startsWith("rnn4j conformance: PATH: no such file or folder: ").endsWith("nowhere");
  }

  @Test
  void usageErrorsAreOneLineAndExit2() {
    for (String[] args : List.of(new String[] {"conformance"}, new String[] {"conformance", "--nope", "x"},
        new String[] {"no-such-command"}, new String[0])) {
      Run r = rnn4j(args);
      assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err()).as(String.join(" ", args)).hasSize(1);
      assertThat(r.out()).isEmpty();
    }
  }

  @Test
  void versionAndHelp() {
    Run v = rnn4j("--version");
    assertThat(v.exit()).isZero();
    assertThat(v.out().get(0)).matches("rnn4j \\S+");
    Run h = rnn4j("conformance", "--help");
    assertThat(h.exit()).isZero();
    assertThat(String.join("\n", h.out())).contains("--via-onnx").contains("PATH");
  }
}
