package org.rnn4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training commands stopped from outside, as a user stops them: SIGINT (Ctrl-C) and SIGTERM leave the
 * last checkpoint intact and resumable and no model file, temporary file or half file; a resume with
 * other options is refused naming the option; a write that hits a file-size limit says which file and
 * why and leaves the previous file as it was. Each run is a child JVM on the test class path, bounded
 * in time (it is killed if it outlives its limit).
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class StopAndResumeTest {
  private static final long LIMIT_S = 120;

  private static final List<String> GENERATE = List.of("generate", "train", "--hidden", "32", "--layers", "1",
      "--seq-length", "32", "--batch-size", "16", "--checkpoint-every", "3", "--sample-length", "0");

  private static final List<String> CLASSIFY = List.of("classify", "train", "--hidden", "16", "--embedding", "8",
      "--batch-size", "64");

  @Test
  void ctrlCDuringGenerateTrainLeavesAResumableCheckpoint(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out");
    Process p = child(tmp, "", args(GENERATE, "--epochs", "50", "--out", out.toString()));
    Path checkpoint = out.resolve("checkpoint.safetensors");
    awaitFile(p, checkpoint);
    signal(p, "INT");
    assertThat(p.waitFor(LIMIT_S, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(130);
    assertStoppedCleanly(out);

    // Resumed with the same options (a smaller --epochs ends it soon): it picks up the checkpoint.
    Path logs = Files.createDirectories(tmp.resolve("resumed"));
    Process resumed = child(logs, "", args(GENERATE, "--epochs", "1", "--out", out.toString(), "--resume"));
    assertThat(resumed.waitFor(LIMIT_S, TimeUnit.SECONDS)).isTrue();
    assertThat(resumed.exitValue()).as(Files.readString(logs.resolve("stderr.txt"))).isZero();
    assertThat(Files.readString(logs.resolve("stdout.txt"))).contains("resumed from " + checkpoint);
    assertThat(out.resolve("model.rnn4j")).exists();
    assertThat(checkpoint).doesNotExist();
  }

  @Test
  void ctrlCDuringForecastTrainKeepsTheFinishedNetworksForAResume(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out");
    List<String> train = List.of("train", "--ensemble", "5", "--hidden", "16", "--out", out.toString());
    Process p = child(tmp, "", train);
    Path work = out.resolve("work");
    awaitFile(p, work);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_S);
    while (listing(work).isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    signal(p, "INT");
    assertThat(p.waitFor(LIMIT_S, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(130);
    assertStoppedCleanly(out);
    assertThat(temporaryFiles(work)).isEmpty();
    assertThat(listing(work)).as("finished networks or checkpoints kept for a resume").isNotEmpty();

    Path logs = Files.createDirectories(tmp.resolve("resumed"));
    List<String> resume = new ArrayList<>(train);
    resume.add("--resume");
    Process resumed = child(logs, "", resume);
    assertThat(resumed.waitFor(LIMIT_S, TimeUnit.SECONDS)).isTrue();
    assertThat(resumed.exitValue()).as(Files.readString(logs.resolve("stderr.txt"))).isZero();
    assertThat(out.resolve("model.rnn4j")).exists();
  }

  private static List<Path> listing(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.toList();
    }
  }

  @Test
  void sigtermDuringClassifyTrainLeavesTheCheckpointAndRefusesOtherOptions(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out");
    Process p = child(tmp, "", args(CLASSIFY, "--epochs", "200", "--out", out.toString()));
    Path checkpoint = out.resolve("checkpoint.safetensors");
    awaitFile(p, checkpoint);
    p.destroy(); // SIGTERM
    assertThat(p.waitFor(LIMIT_S, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(143);
    assertStoppedCleanly(out);
    byte[] kept = Files.readAllBytes(checkpoint);

    Run other = inProcess(args(List.of("classify", "train", "--hidden", "24", "--embedding", "8", "--batch-size",
        "64"), "--epochs", "200", "--out", out.toString(), "--resume"));
    assertThat(other.status).isEqualTo(2);
    assertThat(other.err.strip().lines()).hasSize(1);
    assertThat(other.err).contains("--resume: the state in " + out + " was made with --hidden 16, this run has"
        + " --hidden 24");
    assertThat(Files.readAllBytes(checkpoint)).as("the refused resume left the checkpoint alone").isEqualTo(kept);
  }

  @Test
  void aWriteOverTheFileSizeLimitNamesTheFileAndKeepsWhatWasThere(@TempDir Path tmp) throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    Path previous = Files.writeString(out.resolve("model.rnn4j"), "the previous model");
    // 64 blocks of 1 KiB: the run's small files fit, its first checkpoint (some 100 KB) does not.
    Process p = child(tmp, "ulimit -f 64; ", args(CLASSIFY, "--epochs", "3", "--out", out.toString()));
    assertThat(p.waitFor(LIMIT_S, TimeUnit.SECONDS)).isTrue();
    String err = Files.readString(tmp.resolve("stderr.txt")).strip();
    assertThat(p.exitValue()).as(err).isEqualTo(1);
    assertThat(err.lines().filter(l -> !l.startsWith("INFO: rnn4j: using scalar kernels"))).as(err)
        .containsExactly("rnn4j classify train: " + out.resolve("checkpoint.safetensors")
            + ": cannot write (File too large)");
    assertThat(Files.readString(previous)).isEqualTo("the previous model");
    assertThat(temporaryFiles(out)).isEmpty();
  }

  @Test
  void theKernelProvidersStartUpNoteIsOneLine(@TempDir Path tmp) throws Exception {
    // Without --add-modules jdk.incubator.vector the provider says once that it uses scalar kernels.
    Path testCase = Path.of(StopAndResumeTest.class.getResource("/conformance/onnx/test_rnn_seq_length/case.json")
        .toURI());
    Process p = child(tmp, "", List.of("conformance", testCase.toString()));
    assertThat(p.waitFor(LIMIT_S, TimeUnit.SECONDS)).isTrue();
    List<String> err = Files.readAllLines(tmp.resolve("stderr.txt"));
    assertThat(p.exitValue()).as(String.join("\n", err)).isZero();
    assertThat(err).hasSize(1);
    assertThat(err.get(0)).startsWith("INFO: rnn4j: using scalar kernels (").contains("--add-modules jdk.incubator.vector");
  }

  private static void assertStoppedCleanly(Path out) throws IOException {
    assertThat(out.resolve("model.rnn4j")).doesNotExist();
    assertThat(temporaryFiles(out)).isEmpty();
  }

  private static List<Path> temporaryFiles(Path out) throws IOException {
    try (Stream<Path> files = Files.list(out)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
    }
  }

  private static List<String> args(List<String> base, String... more) {
    List<String> all = new ArrayList<>(base);
    all.addAll(List.of(more));
    return all;
  }

  /** A child JVM running the command line, after {@code shellPrefix} (e.g. a ulimit) in bash. */
  private static Process child(Path tmp, String shellPrefix, List<String> args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-XX:-UsePerfData", "-Xmx1g", "-cp",
        System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(args);
    StringBuilder line = new StringBuilder(shellPrefix).append("exec");
    for (String c : command) {
      line.append(" '").append(c.replace("'", "'\\''")).append('\'');
    }
    return new ProcessBuilder("bash", "-c", line.toString())
        .redirectOutput(tmp.resolve("stdout.txt").toFile())
        .redirectError(tmp.resolve("stderr.txt").toFile())
        .start();
  }

  private static void awaitFile(Process p, Path file) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_S);
    while (!Files.exists(file)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new AssertionError("no " + file + " before the run ended or " + LIMIT_S + " s passed");
      }
      Thread.sleep(50);
    }
  }

  private static void signal(Process p, String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }

  private record Run(int status, String out, String err) {}

  private static Run inProcess(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args.toArray(String[]::new));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
