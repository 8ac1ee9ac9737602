package org.rnn4j.serve;

/**
 * The server's limits and policies, as {@code rnn4j serve} takes them. Immutable and thread-safe.
 *
 * @param maxBatchSize          rows gathered into one batch of a model (requests are never split)
 * @param maxQueueDelayMs       how long the first request of a batch waits for others; 0 batches whatever
 *                              is waiting, without waiting (as Triton's dynamic batcher does)
 * @param maxQueue              requests waiting per model before new ones are answered 503
 * @param maxRequestBytes       a larger request body is answered 413
 * @param sequenceIdleTimeoutS  a stream nobody feeds for this long is freed
 * @param maxSequences          live streams per model; a new one beyond is answered 503
 * @param drainS                on SIGTERM, how long requests in flight and live streams may take to finish
 * @param repositoryPollS       how often a model repository folder is checked for changed files (0: never)
 * @param accessLog             one line per request on standard output
 */
public record ServeLimits(int maxBatchSize, int maxQueueDelayMs, int maxQueue, long maxRequestBytes,
    int sequenceIdleTimeoutS, int maxSequences, int drainS, int repositoryPollS, boolean accessLog) {

  /** The defaults of {@code rnn4j serve}. */
  public static ServeLimits defaults() {
    return new ServeLimits(32, 0, 256, 64L << 20, 60, 1024, 30, 5, false);
  }
}
