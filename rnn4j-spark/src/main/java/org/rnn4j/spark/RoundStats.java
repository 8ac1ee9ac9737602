package org.rnn4j.spark;

/**
 * What one synchronous round of {@link DistributedTrainer} did and where its time went. Immutable and
 * thread-safe.
 *
 * @param epoch                1-based epoch
 * @param round                1-based round within the epoch
 * @param rounds               rounds in the epoch
 * @param globalRound          0-based round since the start of the run
 * @param updates              global updates in the round (1 for gradient averaging, up to k for
 *                             parameter averaging)
 * @param examples             examples in the round's global batch (or batches)
 * @param loss                 mean training loss of those examples (before the update)
 * @param partitions           partitions that held examples of the batch
 * @param seconds              wall time of the round on the driver
 * @param computeSeconds       compute on the round's critical path (a task's compute is: rebuild the
 *                             model, forward, backward): the slowest task, or the tasks' total over the
 *                             task slots ({@code defaultParallelism}) when tasks had to queue for one
 * @param taskSeconds          all tasks' compute time added up
 * @param driverSeconds        the driver's own work: clipping, the optimizer step, copying parameters
 * @param broadcastBytes       payload broadcast to every executor (parameters, and the optimizer state
 *                             when averaging parameters)
 * @param resultBytes          payload the partitions send back before the tree merges them (one vector
 *                             set of 4-byte floats per partition with examples)
 */
public record RoundStats(int epoch, int round, int rounds, long globalRound, int updates, long examples,
    double loss, int partitions, double seconds, double computeSeconds, double taskSeconds,
    double driverSeconds, long broadcastBytes, long resultBytes) {

  /**
   * Time not spent computing: scheduling, serialization, broadcast and aggregation ({@code seconds -
   * computeSeconds - driverSeconds}, at least 0).
   */
  public double communicationSeconds() {
    return Math.max(0, seconds - computeSeconds - driverSeconds);
  }
}
