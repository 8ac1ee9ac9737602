package org.rnn4j.cli.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.cli.Main;

/** {@code rnn4j classify} and {@code rnn4j generate} run in-process as a user would run them. */
class TextCommandsTest {

  record Run(int exit, String out, String err) {
  }

  static Run rnn4j(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Run rnn4jWithStdin(String stdin, String... args) {
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      return rnn4j(args);
    } finally {
      System.setIn(saved);
    }
  }

  /** Three made-up "languages" with their own letters; {@code perClass} rows each, in groups of 3. */
  static Path languages(Path dir, String name, int perClass, String separator) throws Exception {
    String[] pools = {"aeiou", "bcdfg", "xyzwq"};
    String[] labels = {"vowelish", "consonantish", "rareish"};
    SplittableRandom r = new SplittableRandom(4);
    List<String> lines = new ArrayList<>();
    lines.add(String.join(separator, "id", "sentence", "language"));
    for (int i = 0; i < perClass; i++) {
      for (int c = 0; c < 3; c++) {
        StringBuilder sb = new StringBuilder();
        int words = 2 + r.nextInt(4);
        for (int w = 0; w < words; w++) {
          for (int k = 0; k < 2 + r.nextInt(4); k++) {
            sb.append(pools[c].charAt(r.nextInt(5)));
          }
          sb.append(w + 1 < words ? " " : ".");
        }
        lines.add(String.join(separator, Integer.toString(i / 3), sb.toString(), labels[c]));
      }
    }
    Path f = dir.resolve(name);
    Files.write(f, lines);
    return f;
  }

  static final String[] SMALL = {"--embedding", "4", "--hidden", "8", "--epochs", "4", "--lr", "0.05",
      "--window", "8", "--batch-size", "8"};

  static String[] args(String[] head, String... tail) {
    List<String> a = new ArrayList<>(List.of(head));
    a.addAll(List.of(SMALL));
    a.addAll(List.of(tail));
    return a.toArray(new String[0]);
  }

  @Test
  void classifiesUserDataAndPredictsFromArgumentsAndStdin(@TempDir Path dir) throws Exception {
    Path tsv = languages(dir, "langs.tsv", 30, "\t");
    Path out = dir.resolve("run");
    Run r = rnn4j(args(new String[] {"classify", "train", "--data", tsv.toString(), "--text-column", "sentence",
        "--label-column", "language", "--group-column", "id", "--out", out.toString()}));
    assertThat(r.exit()).as(r.err() + r.out()).isZero();
    assertThat(r.out()).contains("3 classes").contains("split by id:").contains("accuracy").contains("macro F1")
        .contains("precision").contains("confusion matrix (rows: true class, columns: predicted)")
        .contains("consonantish").contains("training on");
    for (String f : new String[] {"model.rnn4j", "history.csv", "loss.png", "confusion.png"}) {
      assertThat(out.resolve(f)).exists();
    }
    assertThat(out.resolve("checkpoint.safetensors")).doesNotExist();
    String model = out.resolve("model.rnn4j").toString();
    Run p = rnn4j("classify", "predict", "--model", model, "aeio ua", "bcdf gb");
    assertThat(p.exit()).as(p.err()).isZero();
    List<String> lines = p.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).matches("[a-z]+\\t[01]\\.\\d{4}");
    Run k = rnn4j("classify", "predict", "--model", model, "--top-k", "3", "aeio ua");
    assertThat(k.out().strip().split("\t")).hasSize(6);
    // stdin, with a blank line and characters never seen in training
    Run s = rnn4jWithStdin("aeiou\n\n  \nbcdfg ÿÿ\n", "classify", "predict", "--model", model);
    assertThat(s.exit()).as(s.err()).isZero();
    assertThat(s.out().lines().toList()).hasSize(2);
    assertThat(s.err()).contains("skipped 2 blank line(s)").contains("2 tokens (1 distinct) not in the vocabulary")
        .contains("'ÿ' x2");
  }

  @Test
  void csvWithQuotesStratifiedSplitAndWordTokens(@TempDir Path dir) throws Exception {
    Path csv = languages(dir, "langs.csv", 12, ",");
    List<String> lines = new ArrayList<>(Files.readAllLines(csv));
    lines.add("9,\"quoted, with \"\"comma\"\"\",rareish");
    lines.add("9,,rareish"); // empty text: skipped with a note
    Files.write(csv, lines);
    Run r = rnn4j(args(new String[] {"classify", "train", "--data", csv.toString(), "--text-column", "sentence",
        "--label-column", "language", "--tokenizer", "word", "--no-bidirectional", "--pooling", "last",
        "--cell", "gru", "--out", dir.resolve("w").toString()}));
    assertThat(r.exit()).as(r.err() + r.out()).isZero();
    assertThat(r.out()).contains("split by label (stratified)").contains("word tokens")
        .contains("skipped 1 row with an empty text (line 39)");
  }

  @Test
  void badInputStopsWithOneClearLine(@TempDir Path dir) throws Exception {
    Path tsv = languages(dir, "langs.tsv", 6, "\t");
    String data = tsv.toString();
    Run missing = rnn4j("classify", "train", "--data", data, "--text-column", "sentence");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err().strip()).isEqualTo("rnn4j classify train: " + data + ": no column 'label' in the header"
        + " (line 1); the columns are [id, sentence, language]: choose one with --label-column");
    List<String> lines = new ArrayList<>(Files.readAllLines(tsv));
    lines.add("7\tonly one of these\tsingleton");
    Path single = dir.resolve("single.tsv");
    Files.write(single, lines);
    Run one = rnn4j("classify", "train", "--data", single.toString(), "--text-column", "sentence",
        "--label-column", "language");
    assertThat(one.exit()).isEqualTo(2);
    assertThat(one.err()).contains("class 'singleton' has a single example (line 20)")
        .contains("every class needs at least 2");
    Path empty = dir.resolve("empty.tsv");
    Files.write(empty, List.of("text\tlabel", " \ta", "\tb"));
    Run none = rnn4j("classify", "train", "--data", empty.toString());
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("expected rows with a text and a label after the header, got none")
        .contains("skipped 2 rows with an empty text (lines 2, 3)");
    assertThat(none.err().lines().count()).isEqualTo(1);
    Run noModel = rnn4j("classify", "predict", "--model", dir.resolve("nope.rnn4j").toString(), "x");
    assertThat(noModel.exit()).isEqualTo(2);
    assertThat(rnn4j("classify").exit()).isEqualTo(2);
    Run badOption = rnn4j("classify", "train", "--data", data, "--pooling", "sum");
    assertThat(badOption.err()).contains("--pooling: expected last, mean or max, received 'sum'");
  }

  @Test
  void predictRefusesEmptyTextsAndBadTopK(@TempDir Path dir) throws Exception {
    Path tsv = languages(dir, "langs.tsv", 12, "\t");
    Path out = dir.resolve("run");
    Run r = rnn4j(args(new String[] {"classify", "train", "--data", tsv.toString(), "--text-column", "sentence",
        "--label-column", "language", "--out", out.toString()}));
    assertThat(r.exit()).as(r.err() + r.out()).isZero();
    String model = out.resolve("model.rnn4j").toString();
    Run empty = rnn4j("classify", "predict", "--model", model, "aeiou", " ");
    assertThat(empty.exit()).isEqualTo(2);
    assertThat(empty.err()).contains("text 2 is empty: nothing to classify");
    Run topK = rnn4j("classify", "predict", "--model", model, "--top-k", "4", "aeiou");
    assertThat(topK.exit()).isEqualTo(2);
    assertThat(topK.err()).contains("--top-k: expected 1..3 (the model knows 3 labels), got 4");
    Run lm = rnn4j("generate", "--model", model);
    assertThat(lm.exit()).isEqualTo(2);
    assertThat(lm.err()).contains("not a character language model").contains("'text-classifier'");
  }

  @Test
  void trainsACharacterModelAndGeneratesTheSameTextForTheSameSeed(@TempDir Path dir) throws Exception {
    Path txt = dir.resolve("corpus.txt");
    Files.writeString(txt, "the cat sat on the mat.\r\nthe dog sat on the log.\r\n".repeat(40));
    Path out = dir.resolve("lm");
    Run t = rnn4j("generate", "train", "--data", txt.toString(), "--hidden", "16", "--layers", "1",
        "--embedding", "8", "--batch-size", "4", "--seq-length", "16", "--epochs", "2", "--lr", "0.01",
        "--checkpoint-every", "5", "--sample-length", "40", "--out", out.toString());
    assertThat(t.exit()).as(t.err() + t.out()).isZero();
    assertThat(t.out()).contains("15 distinct").contains("val bpc").contains("bits per character")
        .contains("sample (temperature 0.8, seed 0):");
    assertThat(t.out()).doesNotContain("\r");
    assertThat(out.resolve("model.rnn4j")).exists();
    assertThat(out.resolve("checkpoint.safetensors")).doesNotExist();
    String model = out.resolve("model.rnn4j").toString();
    Run a = rnn4j("generate", "--model", model, "--prime", "the ", "--length", "60", "--seed", "3",
        "--top-k", "5", "--top-p", "0.9");
    Run b = rnn4j("generate", "--model", model, "--prime", "the ", "--length", "60", "--seed", "3",
        "--top-k", "5", "--top-p", "0.9");
    assertThat(a.exit()).as(a.err()).isZero();
    assertThat(a.out()).startsWith("the ").hasSize(4 + 60 + System.lineSeparator().length()).isEqualTo(b.out());
    Run c = rnn4j("generate", "--model", model, "--length", "20");
    assertThat(c.exit()).isZero();
    assertThat(c.err()).contains("pass --seed");
  }

  @Test
  void generationRefusesBadSettingsAndUnknownPrimes(@TempDir Path dir) throws Exception {
    Path txt = dir.resolve("corpus.txt");
    Files.writeString(txt, "abc abd abe\n".repeat(30));
    Path out = dir.resolve("lm");
    Run t = rnn4j("generate", "train", "--data", txt.toString(), "--hidden", "4", "--layers", "1",
        "--embedding", "2", "--batch-size", "2", "--seq-length", "8", "--sample-length", "0",
        "--out", out.toString());
    assertThat(t.exit()).as(t.err() + t.out()).isZero();
    String model = out.resolve("model.rnn4j").toString();
    Run temp = rnn4j("generate", "--model", model, "--temperature", "0");
    assertThat(temp.exit()).isEqualTo(2);
    assertThat(temp.err()).contains("--temperature: expected a number above 0 and at most 100, received 0.0");
    Run negative = rnn4j("generate", "--model", model, "--temperature", "-1");
    assertThat(negative.exit()).isEqualTo(2);
    Run topP = rnn4j("generate", "--model", model, "--top-p", "1.5");
    assertThat(topP.exit()).isEqualTo(2);
    assertThat(topP.err()).contains("--top-p: expected a number above 0 and at most 1, received 1.5");
    assertThat(rnn4j("generate", "--model", model, "--top-p", "0").exit()).isEqualTo(2);
    Run prime = rnn4j("generate", "--model", model, "--prime", "abz!");
    assertThat(prime.exit()).isEqualTo(2);
    assertThat(prime.err().strip()).isEqualTo("rnn4j generate: --prime: 2 characters never seen in training:"
        + " 'z' (U+007A), '!' (U+0021); the model knows 7 characters: remove or replace them");
    Run noModel = rnn4j("generate");
    assertThat(noModel.exit()).isEqualTo(2);
    assertThat(noModel.err()).contains("expected --model FILE");
    Path tiny = dir.resolve("tiny.txt");
    Files.writeString(tiny, "too short");
    Run short1 = rnn4j("generate", "train", "--data", tiny.toString());
    assertThat(short1.exit()).isEqualTo(2);
    assertThat(short1.err()).contains("the training part (8 characters) is too short")
        .contains("expected at least 3201 tokens");
    Path empty = dir.resolve("empty.txt");
    Files.writeString(empty, "");
    assertThat(rnn4j("generate", "train", "--data", empty.toString()).err()).contains("--data: the file " + empty + " is empty");
    Path latin1 = dir.resolve("latin1.txt");
    Files.write(latin1, new byte[] {'a', (byte) 0xE9, 'b'});
    assertThat(rnn4j("generate", "train", "--data", latin1.toString()).err())
        .contains("expected UTF-8 text");
  }

  @Test
  void splittingByGroupKeepsEveryGroupInOnePart() {
    List<String> groups = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      groups.add(Integer.toString(i % 31));
    }
    int[] part = TextSplit.byGroup(groups, 0.2, 0.1, 42);
    java.util.Map<String, Integer> seen = new java.util.HashMap<>();
    int[] sizes = new int[3];
    for (int i = 0; i < part.length; i++) {
      Integer before = seen.putIfAbsent(groups.get(i), part[i]);
      assertThat(before == null || before == part[i]).as("group %s", groups.get(i)).isTrue();
      sizes[part[i]]++;
    }
    assertThat(sizes[TextSplit.TEST]).isBetween(60, 75);
    assertThat(sizes[TextSplit.VALIDATION]).isBetween(30, 45);
    assertThat(TextSplit.byGroup(groups, 0.2, 0.1, 42)).containsExactly(part);
  }
}
