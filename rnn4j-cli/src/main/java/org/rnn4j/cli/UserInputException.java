package org.rnn4j.cli;

/**
 * An error in what the user gave the tool (a file, an option, a cell of a CSV file), as opposed to a
 * bug. Its message is complete on its own and says what was expected and what was found, with file,
 * line and column where there is one; the command line prints it as one line and exits with status 2,
 * without a stack trace. Immutable and thread-safe.
 */
public class UserInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An error with a one-line message for the user. */
  public UserInputException(String message) {
    super(message);
  }

  /** An error with a one-line message for the user and the exception that revealed it. */
  public UserInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
