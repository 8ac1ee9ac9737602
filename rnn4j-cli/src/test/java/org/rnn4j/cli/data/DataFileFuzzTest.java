package org.rnn4j.cli.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.text.TextTableReader;
import org.rnn4j.interop.fuzz.Fuzzing;

/**
 * The data readers under the same mutation fuzzing as the model-file readers: every mutant of a
 * sample CSV or TSV loads or is refused with one {@link UserInputException} naming the file, within
 * the harness's time and allocation bounds; the corpus in {@code fuzz-regressions/} is replayed; a
 * file larger than the JVM can hold is refused with its size before it is read.
 */
class DataFileFuzzTest {
  /** One read of a sample of a few hundred bytes may allocate at most this much. */
  private static final long MAX_ALLOCATED = 64L << 20;

  private static Fuzzing fuzzing;

  @BeforeAll
  static void start() {
    fuzzing = new Fuzzing(Fuzzing.namingTheFile(UserInputException.class), MAX_ALLOCATED);
  }

  @AfterAll
  static void stop() {
    fuzzing.close();
  }

  record Target(String kind, String sample, Fuzzing.Reader reader, long seed) {
    @Override
    public String toString() {
      return kind;
    }
  }

  static List<Target> targets() {
    return List.of(
        new Target("csv", "series.csv", f -> CsvSeriesReader.read(f, null, null), 11),
        new Target("csv-long", "long.csv", f -> CsvSeriesReader.readLong(f, "id", null, null), 22),
        new Target("tsv", "texts.tsv", f -> TextTableReader.read(f, "text", "label", null), 33),
        new Target("text-csv", "texts.csv", f -> TextTableReader.read(f, "text", "label", null), 44));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void reader(Target t, @TempDir Path tmp) throws Exception {
    fuzzing.fuzz(t.kind(), resource("fuzz-samples/" + t.sample()), t.reader(), t.seed(), tmp);
  }

  @Test
  void regressionsStayFixed() throws Exception {
    List<String> failures = fuzzing.replay(resource("fuzz-regressions"), kind -> targets().stream()
        .filter(t -> t.kind().equals(kind)).map(Target::reader).findFirst().orElse(null));
    assertThat(failures).isEmpty();
  }

  @Test
  void aFileLargerThanTheHeapCanHoldIsRefusedWithItsSize(@TempDir Path tmp) throws Exception {
    // A sparse file: its length is set, nothing is written, so it costs no disk.
    Path big = tmp.resolve("big.csv");
    long size = Runtime.getRuntime().maxMemory() + (1L << 30);
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(size);
    }
    assertThatThrownBy(() -> CsvSeriesReader.read(big, null, null)).isInstanceOf(UserInputException.class)
        .hasMessageStartingWith(big + ": the file is ").hasMessageContaining("raise -Xmx");
    assertThatThrownBy(() -> TextTableReader.read(big, "text", "label", null))
        .isInstanceOf(UserInputException.class).hasMessageStartingWith(big + ": the file is ");
  }

  static Path resource(String name) {
    try {
      return Paths.get(DataFileFuzzTest.class.getResource("/" + name).toURI());
    } catch (Exception e) {
      throw new IllegalStateException("test resource " + name + " is missing", e);
    }
  }
}
