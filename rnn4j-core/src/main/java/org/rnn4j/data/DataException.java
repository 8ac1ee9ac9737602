package org.rnn4j.data;

/**
 * The data itself (not the calling program) cannot be used as asked: a column that is entirely
 * missing, a missing value under {@link MissingValues#FAIL}, too few rows for one window. A command
 * line tool can report it to its user as one line; it is an {@link IllegalArgumentException}, so
 * callers that do not distinguish it still see an argument error. Immutable and thread-safe.
 */
public class DataException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** A data error with a message that says what was expected and what was found. */
  public DataException(String message) {
    super(message);
  }
}
