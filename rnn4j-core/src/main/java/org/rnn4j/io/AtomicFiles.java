package org.rnn4j.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Atomic file writes: the content goes to a temporary file in the same folder, is flushed to disk,
 * and is then renamed over the target, so a reader (or a crash) never sees half a file. A write that
 * fails (no space, a file-size limit, a read-only folder) leaves the previous file as it was and says
 * which file and why; a JVM stopped by SIGINT or SIGTERM mid-write deletes its temporary files on the
 * way out. Thread-safe (concurrent writers of one target: the last rename wins).
 */
public final class AtomicFiles {
  /** Temporary files being written now, deleted by a shutdown hook if the JVM stops mid-write. */
  private static final java.util.Set<Path> IN_FLIGHT = new java.util.HashSet<>();

  /**
   * Set by the shutdown hook. The other threads keep running while hooks run, so a write that starts
   * after the hook has swept would leave its temporary file behind: once the JVM is stopping, no
   * temporary file is created. Guarded by {@code IN_FLIGHT}.
   */
  private static boolean stopping;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      synchronized (IN_FLIGHT) {
        stopping = true;
        for (Path tmp : IN_FLIGHT) {
          try {
            Files.deleteIfExists(tmp);
          } catch (IOException ignored) {
            // the JVM is stopping: nothing else to do
          }
        }
        IN_FLIGHT.clear();
      }
    }, "rnn4j-atomic-files-cleanup"));
  }

  private AtomicFiles() {
  }

  /** What writes the content. */
  @FunctionalInterface
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /**
   * Temp files are created owner-only; give the result the permissions of the file it replaces, or
   * the usual rw-r--r-- for a new file (where the file system has POSIX permissions).
   */
  private static void relaxPermissions(Path tmp, Path target) {
    try {
      java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.exists(target)
          ? Files.getPosixFilePermissions(target)
          : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
      Files.setPosixFilePermissions(tmp, perms);
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: keep the defaults
    }
  }

  /**
   * Writes {@code target} atomically.
   *
   * @throws IOException naming the target when the folder is missing or not writable
   */
  public static void write(Path target, Writer writer) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      throw new IOException(target + ": the folder " + dir + " does not exist");
    }
    Path tmp;
    synchronized (IN_FLIGHT) {
      if (stopping) {
        throw new IOException(target + ": not written, the program is stopping");
      }
      try {
        tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
      } catch (IOException e) {
        throw new IOException(target + ": cannot write (" + reason(e) + ")", e);
      }
      IN_FLIGHT.add(tmp);
    }
    try {
      try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE);
          OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch),
              1 << 16)) {
        writer.write(out);
        out.flush();
        ch.force(true);
      }
      relaxPermissions(tmp, abs);
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new IOException(target + ": cannot write (" + reason(e) + ")"
          + (Files.exists(abs) ? "; the previous file is unchanged" : ""), e);
    } finally {
      synchronized (IN_FLIGHT) {
        Files.deleteIfExists(tmp);
        IN_FLIGHT.remove(tmp);
      }
    }
  }

  /** "File too large", "No space left on device", "Permission denied: /x". */
  private static String reason(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
