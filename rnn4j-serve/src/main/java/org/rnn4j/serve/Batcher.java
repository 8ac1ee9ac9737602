package org.rnn4j.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.rnn4j.Model;
import org.rnn4j.Tensor;

/**
 * Dynamic batching of one model's requests: a bounded queue and one worker thread that takes what is
 * waiting (up to {@code maxBatchSize} rows; with a queue delay, waiting that long for more) and runs
 * it as one batch. A full queue answers 503; a request whose deadline passes while it waits answers
 * 504. Thread-safe: {@link #submit} from any thread.
 */
final class Batcher implements AutoCloseable {
  private final Model model;
  private final ServeLimits limits;
  private final ServeMetrics.ModelMetrics metrics;
  private final ArrayBlockingQueue<Rows> queue;
  private final Thread worker;
  private volatile boolean closed;
  /** A request taken from the queue that did not fit the last batch: the first of the next one. */
  private Rows held;

  Batcher(String name, Model model, ServeLimits limits, ServeMetrics.ModelMetrics metrics) {
    this.model = model;
    this.limits = limits;
    this.metrics = metrics;
    this.queue = new ArrayBlockingQueue<>(limits.maxQueue());
    this.worker = new Thread(this::loop, "rnn4j-batcher-" + name);
    this.worker.setDaemon(true);
    this.worker.start();
  }

  /** Queues the rows; their future completes with the output, or an {@link HttpError}. */
  void submit(Rows rows) {
    if (closed) {
      throw new HttpError(503, "the model is being unloaded", 1);
    }
    if (!queue.offer(rows)) {
      metrics.rejected();
      throw new HttpError(503, "the queue of this model is full (" + limits.maxQueue() + " requests, --max-queue);"
          + " retry later", 1);
    }
  }

  /** Requests waiting. */
  int depth() {
    return queue.size() + (held != null ? 1 : 0);
  }

  private void loop() {
    long delay = TimeUnit.MILLISECONDS.toNanos(limits.maxQueueDelayMs());
    while (!closed || !queue.isEmpty() || held != null) {
      try {
        Rows first = held != null ? held : queue.poll(100, TimeUnit.MILLISECONDS);
        held = null;
        if (first == null) {
          continue;
        }
        List<Rows> batch = new ArrayList<>();
        batch.add(first);
        int rows = first.rows;
        long until = System.nanoTime() + delay;
        while (rows < limits.maxBatchSize()) {
          long wait = until - System.nanoTime();
          Rows next = delay > 0 && wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
          if (next == null) {
            break;
          }
          if (rows + next.rows > limits.maxBatchSize()) {
            held = next;
            break;
          }
          batch.add(next);
          rows += next.rows;
        }
        run(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void run(List<Rows> batch) {
    long now = System.nanoTime();
    List<Rows> live = new ArrayList<>(batch.size());
    for (Rows r : batch) {
      metrics.queued(now - r.enqueuedNanos);
      if (r.expired(now)) {
        r.result.completeExceptionally(new HttpError(504, "the request's deadline passed while it waited in the"
            + " queue (" + TimeUnit.NANOSECONDS.toMillis(now - r.enqueuedNanos) + " ms)"));
      } else {
        live.add(r);
      }
    }
    if (live.isEmpty()) {
      return;
    }
    int rows = 0;
    for (Rows r : live) {
      rows += r.rows;
    }
    metrics.batch(rows);
    try {
      Tensor out = model.predict(Batches.assemble(model, live), rows);
      Batches.complete(model, live, out);
    } catch (RuntimeException e) {
      Batches.fail(live, e);
    }
  }

  /** Stops taking requests; those queued are still answered. */
  @Override
  public void close() {
    closed = true;
  }

  /** Waits up to the given time for the queue to empty and the worker to stop. */
  void awaitStopped(long millis) throws InterruptedException {
    worker.join(Math.max(1, millis));
  }
}
