package org.rnn4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module rows of the map in docs/ARCHITECTURE.md section 1, checked on the sources beside this
 * module: no module refers to one above it, and outside core nothing reaches into core's internals
 * (what a command needs of the engine, it reads and sets through {@code org.rnn4j.Engine}).
 */
class ModuleImportsTest {
  /** Module folder -> the rnn4j packages (prefixes) its code must not refer to. */
  private static final Map<String, List<String>> MUST_NOT = Map.of(
      "rnn4j-interop", List.of("cli", "spark", "serve"),
      "rnn4j-cli", List.of("spark", "serve"),
      "rnn4j-spark", List.of("serve"),
      "rnn4j-serve", List.of("spark"));
  private static final Pattern REFERENCE = Pattern.compile("\\borg\\.rnn4j\\.([a-z.]+)\\.([A-Z]\\w*)");

  @Test
  void noModuleReachesUpOrIntoCoresInternals() throws IOException {
    List<String> breaches = new ArrayList<>();
    int files = 0;
    for (Map.Entry<String, List<String>> module : MUST_NOT.entrySet()) {
      Path src = Path.of("..", module.getKey(), "src", "main", "java");
      try (Stream<Path> walk = Files.walk(src)) {
        for (Path f : (Iterable<Path>) walk.filter(p -> p.toString().endsWith(".java"))::iterator) {
          files++;
          for (String line : Files.readAllLines(f)) {
            String code = line.strip();
            if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("//")) {
              continue;
            }
            Matcher m = REFERENCE.matcher(code);
            while (m.find()) {
              String pkg = m.group(1);
              String top = pkg.split("\\.")[0];
              if (top.equals("internal") || module.getValue().contains(top)) {
                breaches.add(module.getKey() + ": " + f.getFileName() + " -> org.rnn4j." + pkg + "." + m.group(2));
              }
            }
          }
        }
      }
    }
    assertThat(breaches).isEmpty();
    assertThat(files).as("source files read").isGreaterThan(100);
  }
}
