package org.rnn4j.cli.options;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnn4j.cli.Main;

/**
 * A new user's mistakes, as the issue lists them, on the embedded data: each is answered in one line
 * with exit status 2 before any training, and nothing is written.
 */
class FirstMinutesTest {

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource(delimiter = '|', value = {
      "train|--hidden 0|--hidden: expected an integer from 1 to 65536, received 0",
      "train|--epochs 0|--epochs: expected an integer from 1 to 1000000, received 0",
      "train|--batch-size -1|--batch-size: expected an integer from 1 to 1000000, received -1",
      "train|--lr -1|--lr: expected a number above 0 and at most 10, received -1.0",
      "train|--lr NaN|--lr: expected a number above 0 and at most 10, received NaN",
      "train|--dropout 2|--dropout: expected a number at least 0 and below 1, received 2.0",
      "train|--layers 0|--layers: expected an integer from 1 to 64, received 0",
      "train|--clip-norm -1|--clip-norm: expected a number from 0 to 1000000000, received -1.0",
      "train|--patience -1|--patience: expected an integer from 0 to 1000000, received -1",
      "train|--season 0|--season: expected auto or a whole number of rows >= 1, got '0'",
      "train|--hidden 1000000000|--hidden: expected an integer from 1 to 65536, received 1000000000",
      "train|--hidden 60000|--hidden 60000 with --layers 1 (lstm): the weights and their training state need at least",
      "train|--missing zero|--missing: expected interpolate, forward-fill, drop-rows or fail, received 'zero'",
      "backtest|--folds 0|--folds: expected an integer from 1 to 10000, received 0",
      "classify train|--test-fraction 0.5 --validation-fraction 0.5|--validation-fraction: expected test + validation < 1",
      "classify train|--hidden 0|--hidden: expected an integer from 1 to 65536, received 0",
      "generate train|--seq-length 0|--seq-length: expected an integer from 1 to 1000000, received 0",
      "generate train|--cell lstn|--cell: expected lstm, gru or rnn, received 'lstn'",
  })
  void answeredInOneLine(String command, String options, String message, @TempDir Path tmp) throws Exception {
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.addAll(List.of(options.split(" ")));
    Path out = tmp.resolve("out");
    args.addAll(List.of("--out", out.toString()));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args.toArray(String[]::new));
    String said = err.toString(StandardCharsets.UTF_8).strip();
    assertThat(status).as(said).isEqualTo(2);
    assertThat(said.lines()).hasSize(1);
    assertThat(said).contains(message).doesNotContain("Exception");
    assertThat(Files.exists(out)).isFalse();
  }
}
