package org.rnn4j.serve;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.rnn4j.Model;
import org.rnn4j.Tensor;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.LayerSpec;
import org.rnn4j.nn.RecurrentLayerSpec;

/**
 * One model's stateful streams (the sequence extension of the inference protocol): each stream keeps
 * the recurrent state of its recurrent layers between requests, and one worker thread steps the
 * streams that have a request waiting together, as one batch: their states are gathered into the
 * batch layout {@code [L*D, B, P]}, the batch is run through a stateful copy of the model, and the
 * final states are scattered back. Rows keep their lengths and the engine is batch-invariant, so a
 * stream's outputs are, to the last bit, {@code Model.predict} on the whole sequence so far.
 *
 * <p>A stream's state is freed exactly once, by whichever comes first: its end, the idle timeout,
 * its client's connection closing, or the model being unloaded; each is counted by reason.
 * Thread-safe: requests from any thread; the worker alone runs the model copy.
 */
final class Streams implements AutoCloseable {
  /** One stream: its state ({@code name.h}: {@code [L*D, 1, P]}, {@code name.c}: {@code [L*D, 1, H]}), null before its first step. */
  static final class Stream {
    final String id;
    final boolean endOnDisconnect;
    Map<String, float[]> state;
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

  /** The state a recurrent layer carries: its key, layers*directions, and widths of h and c (0: none). */
  private record Carried(String name, int ld, int p, int h) {}

  private static final int ENDED_REMEMBERED = 4096;

  private final String name;
  private final Model model;
  private final ServeLimits limits;
  private final ServeMetrics.ModelMetrics metrics;
  private final String refusal;
  private final List<Carried> carried = new ArrayList<>();
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
  private final Thread worker;
  private volatile boolean closed;
  private volatile boolean draining;

  /**
   * @param served the model in service; the streams run a stateful copy of its weights
   */
  Streams(String name, Model served, ServeLimits limits, ServeMetrics.ModelMetrics metrics) {
    this.name = name;
    this.limits = limits;
    this.metrics = metrics;
    String why = null;
    try {
      served.session(); // refuses the layers that need the whole sequence: the one check of that
    } catch (IllegalStateException e) {
      why = e.getMessage();
    }
    this.refusal = why;
    this.model = why == null ? statefulCopy(served) : null;
    for (LayerSpec l : served.spec().layers()) {
      if (l instanceof RecurrentLayerSpec r) {
        int ld = r.rnn().numLayers() * r.rnn().numDirections();
        carried.add(new Carried(r.name(), ld, r.rnn().outputHiddenSize(),
            r.rnn().cell() == CellType.LSTM ? r.rnn().hiddenSize() : 0));
      }
    }
    this.worker = new Thread(this::loop, "rnn4j-streams-" + name);
    this.worker.setDaemon(true);
    this.worker.start();
  }

  private static Model statefulCopy(Model served) {
    Model copy = Model.create(served.spec(), served.seed());
    for (String p : served.parameterNames()) {
      copy.setParameter(p, served.parameter(p));
    }
    copy.setStateful(true);
    return copy;
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
    s.state = null;
    metrics.streamEnded(reason);
  }

  private void loop() {
    ArrayDeque<Job> deferred = new ArrayDeque<>();
    while (!closed) {
      try {
        Job first = !deferred.isEmpty() ? deferred.poll() : queue.poll(100, TimeUnit.MILLISECONDS);
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

  private void run(List<Job> batch) {
    int b = batch.size();
    List<Rows> rows = new ArrayList<>(b);
    for (Job j : batch) {
      rows.add(j.rows);
      metrics.queued(System.nanoTime() - j.rows.enqueuedNanos);
    }
    metrics.batch(b);
    try {
      Map<String, float[]> state = new HashMap<>();
      for (Carried c : carried) {
        state.put(c.name + ".h", gather(batch, c.name + ".h", c.ld, c.p));
        if (c.h > 0) {
          state.put(c.name + ".c", gather(batch, c.name + ".c", c.ld, c.h));
        }
      }
      model.setCarriedState(state);
      Tensor out = model.predict(Batches.assemble(model, rows), b);
      Map<String, float[]> after = model.carriedState();
      for (Carried c : carried) {
        scatter(batch, c.name + ".h", after.get(c.name + ".h"), c.ld, c.p);
        if (c.h > 0) {
          scatter(batch, c.name + ".c", after.get(c.name + ".c"), c.ld, c.h);
        }
      }
      Batches.complete(model, rows, out);
    } catch (RuntimeException e) {
      Batches.fail(rows, e);
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

  /** The batch's state {@code [ld, B, w]} from each stream's {@code [ld, 1, w]} (zeros for a new stream). */
  private static float[] gather(List<Job> batch, String key, int ld, int w) {
    int b = batch.size();
    float[] all = new float[ld * b * w];
    for (int i = 0; i < b; i++) {
      Map<String, float[]> mine = batch.get(i).stream.state;
      float[] s = mine == null ? null : mine.get(key);
      if (s != null) {
        for (int l = 0; l < ld; l++) {
          System.arraycopy(s, l * w, all, (l * b + i) * w, w);
        }
      }
    }
    return all;
  }

  private static void scatter(List<Job> batch, String key, float[] all, int ld, int w) {
    int b = batch.size();
    for (int i = 0; i < b; i++) {
      Stream s = batch.get(i).stream;
      if (s.state == null) {
        s.state = new HashMap<>();
      }
      // a stream's state arrays are made on its first step and overwritten on every later one
      float[] mine = s.state.computeIfAbsent(key, k -> new float[ld * w]);
      for (int l = 0; l < ld; l++) {
        System.arraycopy(all, (l * b + i) * w, mine, l * w, w);
      }
      s.state.put(key, mine);
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
