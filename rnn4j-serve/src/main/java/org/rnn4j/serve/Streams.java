package org.rnn4j.serve;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.rnn4j.Model;
import org.rnn4j.ModelStreams;
import org.rnn4j.Tensor;

/**
 * One model's stateful streams (the sequence extension of the inference protocol): each stream keeps
 * the recurrent state of its recurrent layers between requests, in one {@link ModelStreams} where it
 * stays between steps, and one worker thread steps the streams that have a request waiting together,
 * as one batch per time step (the longest request first, so the streams still reading are always the
 * first rows). Each row of a step is computed as {@code predict} computes it, whatever else is in the
 * batch, so a stream's outputs are, to the last bit, {@code Model.predict} on the whole sequence so far.
 *
 * <p>A stream's state is freed exactly once, by whichever comes first: its end, the idle timeout,
 * its client's connection closing, or the model being unloaded; each is counted by reason. Only the
 * worker touches the {@link ModelStreams}: a stream freed on another thread is queued for it to close.
 * Thread-safe: requests from any thread; the worker alone runs the model.
 */
final class Streams implements AutoCloseable {
  /** One stream: its handle in the model's {@link ModelStreams}, opened by the worker on its first step. */
  static final class Stream {
    final String id;
    final boolean endOnDisconnect;
    /** Its handle: -1 before its first step, then the handle until the worker closes it. Worker only. */
    int handle = -1;
    volatile long lastFedNanos = System.nanoTime();
    volatile Object connection;
    /** Requests of this stream queued or running; the idle timeout waits for them. */
    int pending;

    Stream(String id, boolean endOnDisconnect) {
      this.id = id;
      this.endOnDisconnect = endOnDisconnect;
    }
  }

  private record Job(Stream stream, Rows rows, boolean end) {}

  private static final int ENDED_REMEMBERED = 4096;

  private final String name;
  /** The streams' states and the engine that steps them; null when the model cannot stream. Worker only. */
  private final ModelStreams streams;
  private final int outputSize;
  private final boolean sequenceOutput;
  private final boolean tokens;
  private final int features;
  private final ServeLimits limits;
  private final ServeMetrics.ModelMetrics metrics;
  private final String refusal;
  private final Map<String, Stream> live = new ConcurrentHashMap<>();
  /** Recently freed ids and why, so a late request is told the stream ended rather than that it never was. */
  private final Map<String, String> ended = new LinkedHashMap<>() {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> e) {
      return size() > ENDED_REMEMBERED;
    }
  };
  private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
  /** Streams freed off the worker whose handles the worker has still to close. */
  private final ConcurrentLinkedQueue<Stream> toClose = new ConcurrentLinkedQueue<>();
  private final Thread worker;
  private volatile boolean closed;
  private volatile boolean draining;

  /**
   * @param served the model in service; the streams read its weights (which the server never changes)
   */
  Streams(String name, Model served, ServeLimits limits, ServeMetrics.ModelMetrics metrics) {
    this.name = name;
    this.limits = limits;
    this.metrics = metrics;
    String why = null;
    ModelStreams made = null;
    try {
      made = served.streams(0); // refuses the layers that need the whole sequence: the one check of that
    } catch (IllegalStateException e) {
      why = e.getMessage();
    }
    this.refusal = why;
    this.streams = made;
    this.outputSize = served.outputFeatures();
    this.sequenceOutput = served.sequenceOutput();
    this.tokens = served.spec().tokenInput();
    this.features = served.spec().inputFeatures();
    this.worker = new Thread(this::loop, "rnn4j-streams-" + name);
    this.worker.setDaemon(true);
    this.worker.start();
  }

  /** Why this model cannot keep streams (a layer needs the whole sequence), or null when it can. */
  String refusal() {
    return refusal;
  }

  /** Live streams. */
  int live() {
    return live.size();
  }

  /**
   * Queues one request of stream {@code id}; its rows' future completes with the stream's output.
   *
   * @throws HttpError 400 for a model that cannot keep streams, more than one row, a start of a live
   *     id, or a step of an unknown or ended id; 503 beyond {@code --max-sequences} or while draining
   */
  void step(String id, boolean start, boolean end, boolean endOnDisconnect, Rows rows, Object connection) {
    if (refusal != null) {
      throw HttpError.badRequest("parameters.sequence_id: model '" + name + "' cannot keep stream state: "
          + refusal);
    }
    if (rows.rows != 1) {
      throw HttpError.badRequest("inputs: a request of a stream carries that stream's next steps as one"
          + " sequence: expected a batch of 1, got " + rows.rows);
    }
    if (rows.lengths[0] != rows.steps) {
      throw HttpError.badRequest("inputs: lengths: a request of a stream reads all of its steps: expected "
          + rows.steps + ", got " + rows.lengths[0] + " (send only the steps to read)");
    }
    Stream s;
    if (start) {
      if (draining || closed) {
        throw new HttpError(503, "the server is shutting down: no new streams", 1);
      }
      synchronized (ended) {
        if (live.containsKey(id)) {
          throw HttpError.badRequest("parameters.sequence_id: stream '" + id + "' is already live; end it"
              + " (sequence_end) or start another id");
        }
        if (live.size() >= limits.maxSequences()) {
          throw new HttpError(503, "model '" + name + "' holds " + live.size() + " live streams, the most"
              + " allowed (--max-sequences " + limits.maxSequences() + "); end one or retry later", 1);
        }
        s = new Stream(id, endOnDisconnect);
        live.put(id, s);
        ended.remove(id);
      }
    } else {
      s = live.get(id);
      if (s == null) {
        String why;
        synchronized (ended) {
          why = ended.get(id);
        }
        throw HttpError.badRequest("parameters.sequence_id: stream '" + id + "' "
            + (why != null ? "has ended (" + why + "); start a new one with parameters.sequence_start=true"
                : "is not live; start it with parameters.sequence_start=true"));
      }
    }
    synchronized (s) {
      s.pending++;
      s.connection = connection;
    }
    queue.add(new Job(s, rows, end));
  }

  /** Frees the streams whose last request came over this closed connection (and that asked for it). */
  void connectionClosed(Object connection) {
    for (Stream s : live.values()) {
      if (s.connection == connection && s.endOnDisconnect) {
        free(s, "disconnect");
      }
    }
  }

  /** Frees the streams nobody has fed for the idle timeout. */
  void reapIdle() {
    long limit = TimeUnit.SECONDS.toNanos(limits.sequenceIdleTimeoutS());
    long now = System.nanoTime();
    for (Stream s : live.values()) {
      boolean idle;
      synchronized (s) {
        idle = s.pending == 0 && now - s.lastFedNanos > limit;
      }
      if (idle) {
        free(s, "timeout");
      }
    }
  }

  private void free(Stream s, String reason) {
    synchronized (ended) {
      if (!live.remove(s.id, s)) {
        return; // freed already, by another path
      }
      ended.put(s.id, reason);
    }
    toClose.add(s); // the worker closes its handle: it alone touches the ModelStreams
    metrics.streamEnded(reason);
  }

  private void loop() {
    ArrayDeque<Job> deferred = new ArrayDeque<>();
    while (!closed) {
      try {
        Job first = !deferred.isEmpty() ? deferred.poll() : queue.poll(100, TimeUnit.MILLISECONDS);
        closeFreed();
        if (first == null) {
          continue;
        }
        // distinct streams only: a second request of a stream already in this batch waits for the next
        List<Job> batch = new ArrayList<>();
        Set<Stream> in = new HashSet<>();
        batch.add(first);
        in.add(first.stream);
        ArrayDeque<Job> later = new ArrayDeque<>();
        while (batch.size() < limits.maxBatchSize()) {
          Job next = !deferred.isEmpty() ? deferred.poll() : queue.poll();
          if (next == null) {
            break;
          }
          if (in.add(next.stream)) {
            batch.add(next);
          } else {
            later.add(next);
          }
        }
        later.addAll(deferred);
        deferred = later;
        run(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Closes the handles of the streams freed since the last batch. Worker only. */
  private void closeFreed() {
    for (Stream s; (s = toClose.poll()) != null; ) {
      if (s.handle >= 0) {
        streams.close(s.handle);
      }
      s.handle = -2; // closed (or never opened): its state is gone
    }
  }

  private void run(List<Job> batch) {
    metrics.batch(batch.size());
    List<Job> live = new ArrayList<>(batch.size());
    for (Job j : batch) {
      metrics.queued(System.nanoTime() - j.rows.enqueuedNanos);
      if (j.stream.handle == -2) {
        // freed (its connection closed) while this request waited: nobody keeps its state any more
        j.rows.result.completeExceptionally(HttpError.badRequest("parameters.sequence_id: stream '"
            + j.stream.id + "' has ended while this request waited"));
      } else {
        live.add(j);
      }
    }
    try {
      stepTogether(live);
    } catch (RuntimeException e) {
      Batches.fail(live.stream().map(Job::rows).toList(), e);
    } finally {
      long now = System.nanoTime();
      for (Job j : batch) {
        synchronized (j.stream) {
          j.stream.pending--;
          j.stream.lastFedNanos = now;
        }
        if (j.end) {
          free(j.stream, "end");
        }
      }
    }
  }

  /**
   * Steps the jobs' streams together, one time step at a time, and completes each job with its
   * output ({@code [1, steps, U]} for a sequence model, else {@code [1, U]} after its last step).
   * Longest first: at step t the streams with more than t steps are the first rows.
   */
  private void stepTogether(List<Job> jobs) {
    int b = jobs.size();
    if (b == 0) {
      return;
    }
    Job[] order = jobs.toArray(new Job[0]);
    Arrays.sort(order, (x, y) -> Integer.compare(y.rows.steps, x.rows.steps));
    int[] handles = new int[b];
    float[][] outs = new float[b][];
    for (int i = 0; i < b; i++) {
      Stream s = order[i].stream;
      if (s.handle == -1) {
        s.handle = streams.open();
      }
      handles[i] = s.handle;
      outs[i] = new float[(sequenceOutput ? order[i].rows.steps : 1) * outputSize];
    }
    float[] x = tokens ? null : new float[b * features];
    int[] ids = tokens ? new int[b] : null;
    int u = outputSize;
    for (int t = 0, n = b; t < order[0].rows.steps; t++) {
      while (order[n - 1].rows.steps <= t) {
        n--;
      }
      for (int i = 0; i < n; i++) {
        Rows r = order[i].rows;
        if (tokens) {
          ids[i] = r.tokens[t];
        } else {
          System.arraycopy(r.features, t * features, x, i * features, features);
        }
      }
      float[] y = tokens ? streams.step(handles, n, ids) : streams.step(handles, n, x);
      for (int i = 0; i < n; i++) {
        if (sequenceOutput) {
          System.arraycopy(y, i * u, outs[i], t * u, u);
        } else if (t == order[i].rows.steps - 1) {
          System.arraycopy(y, i * u, outs[i], 0, u);
        }
      }
    }
    for (int i = 0; i < b; i++) {
      Rows r = order[i].rows;
      r.result.complete(sequenceOutput ? new Tensor(outs[i], 1, r.steps, u) : new Tensor(outs[i], 1, u));
    }
  }

  /** Turns away new streams; live ones may still be fed and ended. */
  void drain() {
    draining = true;
  }

  /** Stops the worker and frees every live stream, counted under {@code reason}. */
  void close(String reason) {
    closed = true;
    for (Stream s : live.values()) {
      free(s, reason);
    }
    for (Job j; (j = queue.poll()) != null; ) {
      j.rows.result.completeExceptionally(new HttpError(503, "model '" + name + "' was unloaded", 1));
    }
  }

  @Override
  public void close() {
    close("unload");
  }
}
