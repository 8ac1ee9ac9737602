package org.rnn4j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Sequential;
import org.rnn4j.io.ModelFiles;

/**
 * {@code rnn4j serve} as a user runs it: bad options in one line with exit 2; a real process that
 * prints its models and address, answers, and on SIGTERM turns unready, drains and exits 0.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeCommandTest {
  static Harness.Run serve(String... args) {
    return Harness.run(ServeCommand::run, args);
  }

  @Test
  void refusesBadOptionsInOneLine(@TempDir Path dir) throws Exception {
    Harness.Run none = serve();
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err().strip()).isEqualTo("rnn4j serve: expected --model NAME=FILE (repeatable) or --models DIR,"
        + " got neither");
    Files.writeString(dir.resolve("bad.rnn4j"), "not a model");
    Harness.Run port = serve("--model", "a=" + dir.resolve("bad.rnn4j"), "--port", "70000");
    assertThat(port.exit()).isEqualTo(2);
    assertThat(port.err().lines().count()).isEqualTo(1);
    assertThat(port.err()).contains("--port").contains("70000");
    Harness.Run missing = serve("--model", "a=" + dir.resolve("x.rnn4j"));
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err().lines().count()).isEqualTo(1);
    assertThat(missing.err()).contains("--model").contains("x.rnn4j");
    Harness.Run bad = serve("--model", "a=" + dir.resolve("bad.rnn4j"), "--port", "0");
    assertThat(bad.exit()).as(bad.err()).isEqualTo(2);
    assertThat(bad.err().lines().count()).isEqualTo(1);
    assertThat(bad.err()).startsWith("rnn4j serve: model 'a' version 1: ");
    Harness.Run name = serve("--model", "a b=" + dir.resolve("bad.rnn4j"));
    assertThat(name.err()).contains("expected a NAME of letters, digits");
    Harness.Run queue = serve("--model", "a=" + dir.resolve("bad.rnn4j"), "--max-queue", "0");
    assertThat(queue.exit()).isEqualTo(2);
    assertThat(queue.err()).contains("--max-queue");
  }

  @Test
  void aServerProcessAnswersAndOnSigtermDrainsAndExitsZero(@TempDir Path dir) throws Exception {
    ModelFiles.save(Sequential.features(2).gru(4).dense(1).build(1), dir.resolve("m.rnn4j"), Map.of());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp",
        System.getProperty("java.class.path"), ServeCommand.class.getName(), "--model", "m=" + dir.resolve("m.rnn4j"),
        "--port", "0", "--drain-s", "5").redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String address = null;
      StringBuilder seen = new StringBuilder();
      for (String line; address == null && (line = out.readLine()) != null; ) {
        seen.append(line).append('\n');
        if (line.startsWith("listening on ")) {
          address = line.substring("listening on ".length());
        }
      }
      assertThat(address).as(seen.toString()).startsWith("http://127.0.0.1:");
      assertThat(seen.toString()).contains("model m version 1 from m.rnn4j");
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> ready = client.send(HttpRequest.newBuilder(URI.create(address + "/v2/health/ready"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
      // SIGTERM (Process.destroy would close the output we still read)
      assertThat(new ProcessBuilder("kill", "-TERM", String.valueOf(p.pid())).start().waitFor()).isZero();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      List<String> rest = out.lines().toList();
      assertThat(p.exitValue()).as(String.join("\n", rest)).isZero();
      assertThat(rest).anyMatch(l -> l.startsWith("stopping: draining")).contains("stopped");
    } finally {
      p.destroyForcibly();
    }
  }
}
