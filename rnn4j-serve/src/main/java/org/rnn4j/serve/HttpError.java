package org.rnn4j.serve;

/**
 * A request the server answers with an HTTP error status and a JSON {@code {"error": message}}; the
 * message names the field, what was expected and what was received. Immutable.
 */
final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final int status;
  /** Seconds for a Retry-After header (503), or 0 for none. */
  final int retryAfterSeconds;

  HttpError(int status, String message) {
    this(status, message, 0);
  }

  HttpError(int status, String message, int retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static HttpError badRequest(String message) {
    return new HttpError(400, message);
  }
}
