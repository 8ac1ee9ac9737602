package org.rnn4j.interop;

import java.io.IOException;

/**
 * A model file that cannot be imported: not the format it claims, truncated, corrupted, hostile, or
 * holding something rnn4j cannot represent. The message is complete on its own: it names the file and
 * the part (tensor, zip entry, pickle opcode, graph node, HDF5 path) and gives the expected and the
 * received value where there are two. Immutable and thread-safe.
 */
public final class ImportException extends IOException {
  private static final long serialVersionUID = 1L;

  /** An import error with a one-line message for the user. */
  public ImportException(String message) {
    super(message);
  }

  /** An import error with a one-line message and the exception that revealed it. */
  public ImportException(String message, Throwable cause) {
    super(message, cause);
  }
}
