package org.rnn4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Runs conformance case files (the format is in the conformance README): finds the JSON files,
 * recognises each by its {@code format} field, runs it and prints one line per case
 * ({@code PASS name}, {@code FAIL name: tensor index expected e got a}, {@code ERROR name: reason}),
 * reports unknown JSON files as skipped, and ends with {@code N passed, M failed}. Not thread-safe.
 */
final class ConformanceRunner {
  /** Counts of one run. */
  record Summary(int passed, int failed, int skipped) {
    boolean allPassed() {
      return failed == 0 && passed > 0;
    }
  }

  private final ObjectMapper json = new ObjectMapper();
  private final boolean viaOnnx;
  private final PrintWriter out;
  private final PrintWriter err;
  private int passed;
  private int failed;
  private int skipped;

  ConformanceRunner(boolean viaOnnx, PrintWriter out, PrintWriter err) {
    this.viaOnnx = viaOnnx;
    this.out = out;
    this.err = err;
  }

  /**
   * The case files under the given paths: a file as given, a folder searched recursively for
   * {@code *.json}, in path order.
   *
   * @throws UserInputException for a path that does not exist or cannot be read
   */
  static List<Path> collect(List<Path> paths) {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (!Files.exists(p)) {
        throw new UserInputException("no such file or folder: " + p);
      }
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p, FileVisitOption.FOLLOW_LINKS)) {
          s.filter(f -> Files.isRegularFile(f)
                  && f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json"))
              .sorted()
              .forEach(files::add);
        } catch (IOException | UncheckedIOException e) {
          Throwable c = e instanceof UncheckedIOException ? e.getCause() : e;
          String why = c instanceof FileSystemLoopException ? "a symbolic link loops back" : String.valueOf(c);
          throw new UserInputException("cannot search folder " + p + ": " + why, e);
        }
      } else if (!Files.isReadable(p)) {
        throw new UserInputException("cannot read file: " + p);
      } else {
        files.add(p);
      }
    }
    return files;
  }

  /** Runs every file, printing one line each and the summary line last. */
  Summary run(List<Path> files) {
    for (Path f : files) {
      runFile(f);
      out.flush();
    }
    if (passed + failed == 0) {
      out.println("no conformance case found (" + skipped + " file(s) skipped)");
    }
    out.println(passed + " passed, " + failed + " failed");
    out.flush();
    return new Summary(passed, failed, skipped);
  }

  private void runFile(Path file) {
    String stem = file.getFileName().toString().replaceFirst("(?i)\\.json$", "");
    JsonNode root;
    try {
      root = json.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      error(stem, "not valid JSON (" + file + "): " + e.getOriginalMessage());
      return;
    } catch (IOException e) {
      error(stem, "cannot read " + file + ": " + e.getMessage());
      return;
    }
    JsonNode formatNode = root == null || !root.isObject() ? null : root.get("format");
    if (formatNode == null || !formatNode.isTextual()) {
      skip(file, "no \"format\" field: not a conformance case");
      return;
    }
    String format = formatNode.asText();
    JsonNode nameNode = root.get("name");
    String name = nameNode != null && nameNode.isTextual() && !nameNode.asText().isBlank()
        ? nameNode.asText().trim().replaceAll("\\s+", "_") : stem;
    Checker check = new Checker();
    try {
      switch (format) {
        case TorchModuleCase.FORMAT:
          TorchModuleCase.run(root, check);
          break;
        case OnnxCase.FORMAT:
          if (viaOnnx) {
            ImportCase.runOnnxViaModel(root, file, check);
          } else {
            OnnxCase.run(root, check);
          }
          break;
        case TrainingCase.FORMAT_V1:
        case TrainingCase.FORMAT_V2:
          TrainingCase.run(root, check);
          break;
        case ImportCase.TORCH_STATE_DICT:
          ImportCase.runTorchStateDict(root, file, check);
          break;
        case ImportCase.ONNX_EXPORT:
          ImportCase.runOnnxExport(root, file, check);
          break;
        case ImportCase.KERAS:
          ImportCase.runKeras(root, file, check);
          break;
        default:
          if (format.startsWith("rnn-import-")) {
            throw new CaseException("import case (" + format + "): rnn4j's importers are not supported yet");
          }
          skip(file, "unknown format \"" + format + "\"");
          return;
      }
    } catch (CaseException e) {
      error(name, e.getMessage());
      return;
    } catch (IllegalArgumentException | IllegalStateException e) {
      // The engine refused the case (a shape, an option it cannot represent).
      error(name, e.getMessage());
      return;
    } catch (RuntimeException e) {
      // A bug: keep the stack trace, report the case, go on with the others.
      err.println("rnn4j conformance: internal error in case " + name + " (" + file + "):");
      e.printStackTrace(err);
      err.flush();
      error(name, "internal error: " + e);
      return;
    }
    String failure = check.failure();
    if (failure != null) {
      failed++;
      out.println("FAIL " + name + ": " + failure);
    } else if (check.compared() == 0) {
      error(name, "nothing to compare");
    } else {
      passed++;
      out.println("PASS " + name);
    }
  }

  private void error(String name, String reason) {
    failed++;
    out.println("ERROR " + name + ": " + oneLine(reason));
  }

  private void skip(Path file, String why) {
    skipped++;
    out.println("SKIP " + file + ": " + why + " (skipped, not counted)");
  }

  private static String oneLine(String s) {
    return s == null ? "(no message)" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
  }
}
