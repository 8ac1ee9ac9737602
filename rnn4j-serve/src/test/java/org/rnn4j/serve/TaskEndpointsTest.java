package org.rnn4j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.cli.Main;

/**
 * The task endpoints give the answers the commands give: {@code :classify} as {@code rnn4j classify
 * predict}, {@code :generate} (streamed as server-sent events, as chunked text, or whole) as {@code rnn4j
 * generate}, {@code :forecast} as {@code rnn4j forecast}, on models the commands trained.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TaskEndpointsTest {
  @TempDir
  static Path dir;
  static Harness h;
  static Path series;

  static Harness.Run rnn4j(String... args) {
    return Harness.run(Main::run, args);
  }

  @BeforeAll
  static void train() throws Exception {
    // three made-up languages with letters of their own
    String[] pools = {"aeiou", "bcdfg", "xyzwq"};
    String[] labels = {"vowelish", "consonantish", "rareish"};
    SplittableRandom r = new SplittableRandom(4);
    List<String> lines = new ArrayList<>(List.of("sentence\tlanguage"));
    for (int i = 0; i < 30; i++) {
      for (int c = 0; c < 3; c++) {
        StringBuilder sb = new StringBuilder();
        for (int w = 0; w < 3; w++) {
          for (int k = 0; k < 3; k++) {
            sb.append(pools[c].charAt(r.nextInt(5)));
          }
          sb.append(w < 2 ? " " : ".");
        }
        lines.add(sb + "\t" + labels[c]);
      }
    }
    Files.write(dir.resolve("langs.tsv"), lines);
    Harness.Run c = rnn4j("classify", "train", "--data", dir.resolve("langs.tsv").toString(), "--text-column", "sentence",
        "--label-column", "language", "--embedding", "4", "--hidden", "8", "--epochs", "3", "--lr", "0.05",
        "--window", "8", "--batch-size", "8", "--out", dir.resolve("clf").toString());
    assertThat(c.exit()).as(c.err()).isZero();
    Files.writeString(dir.resolve("corpus.txt"), "the cat sat on the mat.\nthe dog sat on the log.\n".repeat(30));
    Harness.Run g = rnn4j("generate", "train", "--data", dir.resolve("corpus.txt").toString(), "--hidden", "8", "--layers", "1",
        "--embedding", "4", "--batch-size", "4", "--seq-length", "16", "--epochs", "1", "--out",
        dir.resolve("lm").toString());
    assertThat(g.exit()).as(g.err()).isZero();
    List<String> rows = new ArrayList<>(List.of("day,load,temp"));
    java.time.LocalDate d = java.time.LocalDate.of(2020, 1, 1);
    for (int i = 0; i < 200; i++) {
      double temp = 10 + 8 * Math.sin(2 * Math.PI * i / 30.0) + Math.cos(i * 1.7);
      rows.add(d.plusDays(i) + "," + String.format(Locale.ROOT, "%.3f,%.3f", 50 - 1.5 * temp + Math.sin(i * 0.3), temp));
    }
    series = dir.resolve("series.csv");
    Files.write(series, rows);
    Harness.Run f = rnn4j("train", "--data", series.toString(), "--target", "temp", "--date-column", "day", "--lookback",
        "10", "--epochs", "2", "--hidden", "8", "--season", "30", "--out", dir.resolve("fc").toString());
    assertThat(f.exit()).as(f.err()).isZero();
    h = new Harness(Map.of("clf", dir.resolve("clf/model.rnn4j"), "lm", dir.resolve("lm/model.rnn4j"), "fc",
        dir.resolve("fc/model.rnn4j")), null, ServeLimits.defaults());
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @Test
  void classifyAnswersWhatClassifyPredictPrints() throws Exception {
    Harness.Run cli = rnn4j("classify", "predict", "--model", dir.resolve("clf/model.rnn4j").toString(), "--top-k", "3",
        "aeio ua", "bcdf gb", "zzz");
    assertThat(cli.exit()).as(cli.err()).isZero();
    Harness.Reply a = h.post("/v1/models/clf:classify", "{\"texts\": [\"aeio ua\", \"bcdf gb\", \"zzz\"], \"top_k\": 3}");
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    List<String> printed = cli.out().lines().toList();
    JsonNode p = a.body().get("predictions");
    assertThat(p.size()).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      StringBuilder line = new StringBuilder();
      for (JsonNode e : p.get(i)) {
        line.append(line.length() > 0 ? "\t" : "").append(e.get("label").asText()).append('\t')
            .append(String.format(Locale.ROOT, "%.4f", e.get("probability").asDouble()));
      }
      assertThat(line.toString()).isEqualTo(printed.get(i));
    }
    Harness.Reply bad = h.post("/v1/models/clf:classify", "{\"texts\": [\"ok\", \"  \"]}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().get("error").asText()).contains("texts[1]: expected a text with something to read");
    Harness.Reply k = h.post("/v1/models/clf:classify", "{\"texts\": [\"ok\"], \"top_k\": 4}");
    assertThat(k.body().get("error").asText()).isEqualTo("top_k: expected an integer in [1, 3] (the labels), got 4");
    Harness.Reply wrongTask = h.post("/v1/models/lm:classify", "{\"texts\": [\"ok\"]}");
    assertThat(wrongTask.status()).isEqualTo(404);
    assertThat(wrongTask.body().get("error").asText()).contains("not a text classifier").contains("'char-lm'");
  }

  @Test
  void generateStreamsWhatGeneratePrints() throws Exception {
    Harness.Run cli = rnn4j("generate", "--model", dir.resolve("lm/model.rnn4j").toString(), "--prime", "the ", "--length",
        "40", "--seed", "3", "--top-k", "5", "--temperature", "0.9");
    assertThat(cli.exit()).as(cli.err()).isZero();
    String body = "{\"prime\": \"the \", \"length\": 40, \"seed\": 3, \"top_k\": 5, \"temperature\": 0.9}";
    // server-sent events: one event per character, then the whole text
    HttpResponse<String> sse = h.client.send(HttpRequest.newBuilder(h.uri("/v1/models/lm:generate"))
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(sse.statusCode()).isEqualTo(200);
    assertThat(sse.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    StringBuilder drawn = new StringBuilder();
    String whole = null;
    for (String block : sse.body().split("\n\n")) {
      if (block.startsWith("data: ")) {
        drawn.append(Harness.JSON.readTree(block.substring(6)).get("text").asText());
      } else if (block.startsWith("event: done\ndata: ")) {
        whole = Harness.JSON.readTree(block.substring(18)).get("text").asText();
      }
    }
    assertThat(drawn.length()).isEqualTo(40);
    assertThat(whole).isEqualTo(drawn.toString());
    assertThat(cli.out().strip()).isEqualTo(("the " + drawn).strip());
    // chunked plain text, and one JSON answer
    HttpResponse<String> plain = h.client.send(HttpRequest.newBuilder(h.uri("/v1/models/lm:generate"))
        .header("Accept", "text/plain").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(plain.body()).isEqualTo(drawn.toString());
    Harness.Reply json = h.post("/v1/models/lm:generate", body.replace("}", ", \"stream\": false}"));
    assertThat(json.body().get("text").asText()).isEqualTo(drawn.toString());
    Harness.Reply badT = h.post("/v1/models/lm:generate", "{\"temperature\": 0}");
    assertThat(badT.status()).isEqualTo(400);
    assertThat(badT.body().get("error").asText()).contains("temperature: expected a number in (0, 100], got 0");
    Harness.Reply badLength = h.post("/v1/models/lm:generate", "{\"length\": -1}");
    assertThat(badLength.body().get("error").asText()).contains("length: expected an integer in [0, 100000000], got -1");
  }

  @Test
  void forecastAnswersWhatForecastPrints() throws Exception {
    Harness.Run cli = rnn4j("forecast", "--model", dir.resolve("fc/model.rnn4j").toString(), "--data", series.toString(), "--last");
    assertThat(cli.exit()).as(cli.err()).isZero();
    List<String> csv = cli.out().lines().toList();
    // the same data as JSON rows: the last 60 days
    List<String> lines = Files.readAllLines(series);
    StringBuilder rows = new StringBuilder("{\"rows\": [");
    for (int i = 1; i < lines.size(); i++) {
      String[] c = lines.get(i).split(",");
      rows.append(i > 1 ? "," : "").append("{\"day\": \"").append(c[0]).append("\", \"load\": ").append(c[1])
          .append(", \"temp\": ").append(c[2]).append('}');
    }
    rows.append("]}");
    Harness.Reply a = h.post("/v1/models/fc:forecast", rows.toString());
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    List<String> columns = new ArrayList<>();
    a.body().get("columns").forEach(c -> columns.add(c.asText()));
    assertThat(String.join(",", columns)).isEqualTo(csv.get(0));
    JsonNode out = a.body().get("rows");
    assertThat(out.size()).isEqualTo(csv.size() - 1);
    for (int i = 0; i < out.size(); i++) {
      List<String> cells = new ArrayList<>();
      for (String c : columns) {
        JsonNode v = out.get(i).get(c);
        cells.add(v.isNull() ? "" : v.asText());
      }
      assertThat(String.join(",", cells)).isEqualTo(csv.get(i + 1));
    }
    Harness.Reply missing = h.post("/v1/models/fc:forecast", "{\"rows\": []}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.body().get("error").asText()).startsWith("rows: expected an array of objects");
    Harness.Reply noColumn = h.post("/v1/models/fc:forecast", "{\"rows\": [{\"day\": \"2020-01-01\", \"x\": 1}]}");
    assertThat(noColumn.status()).as(noColumn.text()).isEqualTo(400);
  }
}
