package org.rnn4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package map of docs/ARCHITECTURE.md section 1, checked: each core package refers (in imports or
 * code, comments aside) only to the packages its row allows, so no arrow runs back up.
 */
class ArchitectureTest {
  private static final Map<String, Set<String>> MAY_IMPORT = Map.ofEntries(
      Map.entry("", Set.of("nn", "data", "internal.engine", "internal.kernels", "internal.model")),
      Map.entry("nn", Set.of("", "internal.engine", "internal.kernels")),
      Map.entry("data", Set.of("")),
      Map.entry("train", Set.of("", "data", "io", "internal.model", "internal.kernels")),
      Map.entry("forecast", Set.of("", "data", "io", "train")),
      Map.entry("text", Set.of("", "data", "io", "internal.io")),
      Map.entry("tune", Set.of("internal.io")),
      Map.entry("io", Set.of("", "nn", "internal.io")),
      Map.entry("internal.model", Set.of("", "nn", "data", "internal.engine", "internal.kernels")),
      Map.entry("internal.engine", Set.of("nn", "internal.kernels")),
      Map.entry("internal.kernels", Set.of()),
      Map.entry("internal.io", Set.of()));
  private static final Pattern REFERENCE = Pattern.compile("\\borg\\.rnn4j((?:\\.[a-z]+)*)\\.[A-Z]");

  @Test
  void everyCorePackageImportsOnlyWhatTheMapAllows() throws IOException {
    Path root = Path.of("src/main/java/org/rnn4j");
    List<String> breaches = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        String pkg = root.relativize(f.getParent()).toString().replace('/', '.').replace('\\', '.');
        seen.add(pkg);
        Set<String> allowed = MAY_IMPORT.get(pkg);
        assertThat(allowed).as("package %s is missing from the map", pkg.isEmpty() ? "org.rnn4j" : pkg).isNotNull();
        for (String line : Files.readAllLines(f)) {
          String code = line.strip();
          if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("//")) {
            continue;
          }
          Matcher m = REFERENCE.matcher(code);
          while (m.find()) {
            String target = m.group(1).isEmpty() ? "" : m.group(1).substring(1);
            if (!target.equals(pkg) && !allowed.contains(target)) {
              breaches.add(f.getFileName() + " (" + pkg + ") -> " + target);
            }
          }
        }
      }
    }
    assertThat(breaches).isEmpty();
    // the walk read the tree it means to check
    assertThat(seen).contains("", "nn", "train", "internal.kernels", "internal.engine");
  }
}
