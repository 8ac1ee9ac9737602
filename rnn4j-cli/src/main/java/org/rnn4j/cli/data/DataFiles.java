package org.rnn4j.cli.data;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.rnn4j.cli.UserInputException;

/**
 * Reads a user's data file (CSV, TSV, text) whole, the one way every reader does: a folder, a missing
 * or unreadable file, or a file too large for this JVM's memory is refused in one line naming the
 * file (and its size), before anything is allocated for it. Stateless and thread-safe.
 */
public final class DataFiles {
  /**
   * Share of the JVM's maximum heap a data file may take as bytes: the text, its decoded string and
   * the parsed columns live together while reading, a few times the file's size.
   */
  static final double HEAP_SHARE = 0.25;

  private DataFiles() {}

  /** The file's bytes, or one line saying why they cannot be read. */
  public static byte[] readAll(Path file) {
    if (Files.isDirectory(file)) {
      throw new UserInputException(file + ": expected a file, got a directory");
    }
    try {
      long size = Files.size(file);
      long limit = (long) (Runtime.getRuntime().maxMemory() * HEAP_SHARE);
      if (size > limit) {
        throw new UserInputException(String.format(Locale.ROOT, "%s: the file is %s, more than the %s this JVM can"
            + " read into memory (a quarter of its -Xmx %s): split the file, or raise -Xmx", file, bytes(size),
            bytes(limit), bytes(Runtime.getRuntime().maxMemory())));
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new UserInputException(file + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new UserInputException(file + ": cannot read the file (permission denied)", e);
    } catch (IOException e) {
      throw new UserInputException(file + ": cannot read the file: " + e.getMessage(), e);
    } catch (OutOfMemoryError e) {
      // the heap was already in use by something else: still one line, never a crash
      throw new UserInputException(file + ": not enough memory to read the file; raise -Xmx", null);
    }
  }

  /** "5.0 GB". */
  static String bytes(double b) {
    String[] units = {"B", "KB", "MB", "GB", "TB"};
    int u = 0;
    while (b >= 1024 && u < units.length - 1) {
      b /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", b, units[u]);
  }
}
