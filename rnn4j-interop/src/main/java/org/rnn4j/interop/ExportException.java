package org.rnn4j.interop;

import java.io.IOException;

/**
 * An rnn4j model that cannot be written in the requested format (a feature the target lacks), or a
 * write that failed; the message is one line that names the layer and the feature. Immutable and
 * thread-safe.
 */
public final class ExportException extends IOException {
  private static final long serialVersionUID = 1L;

  /** An export error with a one-line message for the user. */
  public ExportException(String message) {
    super(message);
  }
}
