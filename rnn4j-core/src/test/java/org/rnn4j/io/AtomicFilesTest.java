package org.rnn4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

  @Test
  void aWriteThatFailsHalfwayLeavesThePreviousFileAndNoTemporaryFile(@TempDir Path dir) throws IOException {
    Path target = Files.writeString(dir.resolve("model.rnn4j"), "previous");
    assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
      out.write("half of the new".getBytes(StandardCharsets.UTF_8));
      throw new IOException("No space left on device");
    })).isInstanceOf(IOException.class)
        .hasMessage(target + ": cannot write (No space left on device); the previous file is unchanged");
    assertThat(Files.readString(target)).isEqualTo("previous");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void aFailedFirstWriteLeavesNothing(@TempDir Path dir) {
    Path target = dir.resolve("new.csv");
    assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
      throw new IOException("File too large");
    })).hasMessage(target + ": cannot write (File too large)");
    assertThat(dir.toFile().list()).isEmpty();
  }

  @Test
  void aMissingFolderIsNamed(@TempDir Path dir) {
    Path target = dir.resolve("no/such/folder/x.csv");
    assertThatThrownBy(() -> AtomicFiles.write(target, out -> out.write(1)))
        .hasMessageContaining("does not exist");
  }
}
