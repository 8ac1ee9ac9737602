package org.rnn4j.cli;

/**
 * A conformance case that cannot be run: a malformed file, or something rnn4j cannot represent. Its
 * message becomes the case's {@code ERROR <name>: <reason>} line. Immutable.
 */
final class CaseException extends Exception {
  private static final long serialVersionUID = 1L;

  CaseException(String reason) {
    super(reason);
  }
}
