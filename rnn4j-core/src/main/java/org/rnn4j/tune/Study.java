package org.rnn4j.tune;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.rnn4j.internal.io.Json;

/**
 * A hyperparameter search with Optuna's ask/tell interface: {@link #ask} a trial, train with its
 * settings, {@link Trial#report} the metric after each epoch (the pruner may stop it), then
 * {@link #tell} its value; lower is better. {@link #optimize} runs that loop for you, with trials in
 * parallel. With a journal file, every ask, report and tell is appended as one JSON line (a trial's
 * end forced to disk), so a killed search reopened on the same journal keeps its finished trials and runs the
 * unfinished ones again, with the same settings, before sampling new ones.
 *
 * <p>Thread-safe: trials may report and be told from several threads.
 */
public final class Study {

  /** Trains and scores one trial; lower is better. Throw {@link Trial.Pruned} when the pruner says so. */
  @FunctionalInterface
  public interface Objective {
    double evaluate(Trial trial) throws Exception;
  }

  private final SearchSpace space;
  private final Sampler sampler;
  private final Pruner pruner;
  private final long seed;
  private final FileChannel journal; // null: in memory only
  private final List<TrialRecord> trials = new ArrayList<>();
  private final Deque<Queued> queue = new ArrayDeque<>();
  private int nextNumber;

  /** Settings to run before sampling: enqueued, or an unfinished trial of a journal ({@code retries} >= 0). */
  private record Queued(Map<String, Object> params, int retries) {
  }

  private Study(SearchSpace space, Sampler sampler, Pruner pruner, long seed, FileChannel journal) {
    this.space = space;
    this.sampler = sampler;
    this.pruner = pruner;
    this.seed = seed;
    this.journal = journal;
  }

  /** A study kept in memory only. */
  public static Study inMemory(SearchSpace space, Sampler sampler, Pruner pruner, long seed) {
    return new Study(space, sampler, pruner, seed, null);
  }

  /**
   * A stand-in for a study that runs one of its trials in another process or on another machine (a
   * Spark task): it holds {@code others}, the study's records when the trial started, so that the
   * trial's reports meet the pruner's rule there as they would in the study, against the other trials'
   * values known at the start. Run the trial with {@link #runElsewhere} and send its record back, for
   * the study to replay with {@link Trial#replay}. In memory only.
   */
  public static Study replica(SearchSpace space, Pruner pruner, List<TrialRecord> others) {
    Study s = new Study(space, Sampler.random(), pruner, 0, null);
    for (TrialRecord t : others) {
      s.trials.add(t);
      s.nextNumber = Math.max(s.nextNumber, t.number() + 1);
    }
    return s;
  }

  /**
   * Runs trial {@code number} with {@code params} in this replica: the objective's reports go to the
   * pruner; a {@link Trial.Pruned} prunes it, an exception fails it (its message kept).
   *
   * @return the trial's record: its state, value, reports and note
   * @throws IllegalArgumentException when trial {@code number} has already finished in the replica
   */
  public TrialRecord runElsewhere(Objective objective, int number, Map<String, Object> params) throws IOException {
    Trial t;
    synchronized (this) {
      for (int i = trials.size() - 1; i >= 0; i--) {
        if (trials.get(i).number() == number) {
          if (trials.get(i).finished()) {
            throw new IllegalArgumentException("trial " + number + " has already finished in this replica");
          }
          trials.remove(i); // the study's own record of it, running
        }
      }
      trials.add(new TrialRecord(number, params, TrialRecord.State.RUNNING, Double.NaN, new java.util.TreeMap<>(),
          0, ""));
      t = new Trial(this, number, params);
    }
    runOne(objective, t);
    return trialRecord(number);
  }

  /**
   * A study journaled to {@code file}: a new one if the file does not exist, else the search it holds,
   * resumed (it must have been written for the same space).
   *
   * @throws IllegalArgumentException naming the file and line when it is not a journal of this space
   */
  public static Study open(Path file, SearchSpace space, Sampler sampler, Pruner pruner, long seed)
      throws IOException {
    byte[] bytes = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
    // every entry ends with a newline: bytes after the last one are a write torn by a kill, never
    // completed, so the event did not happen; they are cut before anything is appended
    int complete = bytes.length;
    while (complete > 0 && bytes[complete - 1] != '\n') {
      complete--;
    }
    String text = new String(bytes, 0, complete, StandardCharsets.UTF_8);
    List<String> lines = text.isEmpty() ? List.of() : List.of(text.split("\n"));
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    ch.truncate(complete);
    ch.position(complete);
    Study s = new Study(space, sampler, pruner, seed, ch);
    try {
      if (lines.isEmpty()) {
        s.append(Map.of("op", "study", "space", Json.parse(space.toJson())));
      } else {
        s.replay(file, lines);
      }
    } catch (RuntimeException | IOException e) {
      ch.close();
      throw e;
    }
    return s;
  }

  private void replay(Path file, List<String> lines) throws IOException {
    Map<Integer, TrialRecord> byNumber = new LinkedHashMap<>();
    Set<Integer> retried = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Map<?, ?> e;
      try {
        e = (Map<?, ?>) Json.parse(line);
      } catch (IllegalArgumentException | ClassCastException ex) {
        throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected a journal entry, got '"
            + abbreviate(line) + "'");
      }
      String op = String.valueOf(e.get("op"));
      if (i == 0) {
        if (!op.equals("study") || !Json.write(e.get("space")).equals(Json.write(Json.parse(space.toJson())))) {
          throw new IllegalArgumentException(file + ": a journal of another search space (line 1 is '"
              + abbreviate(line) + "'); use a new journal file or the same space");
        }
        continue;
      }
      int n = ((Number) e.get("trial")).intValue();
      switch (op) {
        case "ask" -> {
          Map<String, Object> params = typed((Map<?, ?>) e.get("params"));
          String problem = space.problem(params);
          if (problem != null) {
            throw new IllegalArgumentException(file + " line " + (i + 1) + ": trial " + n + ": " + problem);
          }
          byNumber.put(n, new TrialRecord(n, params, TrialRecord.State.RUNNING, Double.NaN, new java.util.TreeMap<>(),
              0, ""));
          if (e.get("retries") instanceof Number r) {
            retried.add(r.intValue());
          }
        }
        case "report" -> byNumber.put(n, byNumber.get(n).withIntermediate(((Number) e.get("step")).intValue(),
            ((Number) e.get("value")).doubleValue()));
        case "tell" -> byNumber.put(n, byNumber.get(n).finish(TrialRecord.State.valueOf(String.valueOf(e.get("state"))),
            e.get("value") instanceof Number v ? v.doubleValue() : Double.NaN,
            ((Number) e.get("seconds")).doubleValue(), e.get("note") == null ? "" : String.valueOf(e.get("note"))));
        default -> throw new IllegalArgumentException(file + " line " + (i + 1) + ": unknown journal entry '" + op + "'");
      }
    }
    for (TrialRecord t : byNumber.values()) {
      if (t.finished()) {
        trials.add(t);
      } else if (!retried.contains(t.number())) {
        queue.add(new Queued(t.params(), t.number()));
      }
    }
    nextNumber = byNumber.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  /** JSON's numbers back to the space's types. */
  private Map<String, Object> typed(Map<?, ?> raw) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : raw.entrySet()) {
      String k = String.valueOf(e.getKey());
      Param p = space.param(k);
      Object v = e.getValue();
      if (p instanceof Param.IntRange && v instanceof Number x) {
        v = x.intValue();
      } else if (p instanceof Param.RealRange && v instanceof Number x) {
        v = x.doubleValue();
      }
      out.put(k, v);
    }
    return out;
  }


  /** The space searched. */
  public SearchSpace space() {
    return space;
  }

  /**
   * Runs these settings before sampling (a known good configuration, the defaults), unless a trial
   * with the same settings has already finished or is queued (as Optuna's {@code skip_if_exists}).
   *
   * @throws IllegalArgumentException when they do not fit the space
   */
  public synchronized void enqueue(Map<String, Object> params) {
    String problem = space.problem(params);
    if (problem != null) {
      throw new IllegalArgumentException("enqueued settings: " + problem);
    }
    for (TrialRecord t : trials) {
      if (t.params().equals(params)) {
        return;
      }
    }
    for (Queued q : queue) {
      if (q.params().equals(params)) {
        return;
      }
    }
    queue.add(new Queued(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params)), -1));
  }

  /** The next trial: queued settings first, then the sampler's. */
  public synchronized Trial ask() throws IOException {
    int number = nextNumber++;
    Queued q = queue.poll();
    Map<String, Object> params = q != null ? q.params()
        : sampler.sample(space, java.util.Collections.unmodifiableList(trials), number, new Random(mix(seed, number)));
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("op", "ask");
    entry.put("trial", number);
    entry.put("params", new LinkedHashMap<>(params));
    if (q != null && q.retries() >= 0) {
      entry.put("retries", q.retries());
    }
    append(entry);
    trials.add(new TrialRecord(number, params, TrialRecord.State.RUNNING, Double.NaN, new java.util.TreeMap<>(), 0, ""));
    return new Trial(this, number, params);
  }

  /**
   * A well-spread seed for trial {@code number} (SplitMix64's finalizer): {@link Random}'s first draws
   * from consecutive seeds are nearly equal.
   */
  static long mix(long seed, int number) {
    long z = seed * 0x9E3779B97F4A7C15L + number;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  synchronized boolean report(Trial trial, int step, double value) {
    int at = indexOf(trial.number());
    TrialRecord t = trials.get(at).withIntermediate(step, value);
    trials.set(at, t);
    try {
      append(Map.of("op", "report", "trial", trial.number(), "step", step, "value", finiteOrNull(value)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    // a view, not a copy: the pruner runs under this lock, and a report comes after every epoch
    return pruner.prune(t, step, value, java.util.Collections.unmodifiableList(trials));
  }

  /** The trial finished with {@code value} (lower is better); a non-finite value fails it. */
  public void tell(Trial trial, double value) throws IOException {
    if (Double.isFinite(value)) {
      finish(trial, TrialRecord.State.COMPLETE, value, "");
    } else {
      finish(trial, TrialRecord.State.FAILED, Double.NaN, "the objective returned " + value);
    }
  }

  /** The trial was stopped by the pruner. */
  public void tellPruned(Trial trial) throws IOException {
    finish(trial, TrialRecord.State.PRUNED, Double.NaN, "pruned at step " + trialRecord(trial.number()).lastStep());
  }

  /** The trial failed, for {@code why}. */
  public void tellFailed(Trial trial, String why) throws IOException {
    finish(trial, TrialRecord.State.FAILED, Double.NaN, why);
  }

  private synchronized void finish(Trial trial, TrialRecord.State state, double value, String note)
      throws IOException {
    int at = indexOf(trial.number());
    if (trials.get(at).finished()) {
      throw new IllegalStateException("trial " + trial.number() + " was already told");
    }
    double seconds = (System.nanoTime() - trial.startedNanos) / 1e9;
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("op", "tell");
    entry.put("trial", trial.number());
    entry.put("state", state.name());
    entry.put("value", finiteOrNull(value));
    entry.put("seconds", seconds);
    entry.put("note", note);
    append(entry);
    trials.set(at, trials.get(at).finish(state, value, seconds, note));
  }

  private static Object finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private int indexOf(int number) {
    for (int i = trials.size() - 1; i >= 0; i--) {
      if (trials.get(i).number() == number) {
        return i;
      }
    }
    throw new IllegalArgumentException("no trial " + number + " in this study");
  }

  private synchronized TrialRecord trialRecord(int number) {
    return trials.get(indexOf(number));
  }

  /**
   * Appends one event. Only the study line and a trial's end are forced to disk (forcing also writes
   * what came before them): a report or an ask lost to a crash belongs to a trial that is run again
   * anyway, and forcing each epoch's report would cost a disk flush per epoch.
   */
  private void append(Map<String, Object> entry) throws IOException {
    if (journal == null) {
      return;
    }
    ByteBuffer b = ByteBuffer.wrap((Json.write(entry) + "\n").getBytes(StandardCharsets.UTF_8));
    while (b.hasRemaining()) {
      journal.write(b);
    }
    Object op = entry.get("op");
    if ("tell".equals(op) || "study".equals(op)) {
      journal.force(false);
    }
  }

  /** Every trial so far, in the order asked (a journal's finished ones first). */
  public synchronized List<TrialRecord> trials() {
    return List.copyOf(trials);
  }

  /** The complete trial with the lowest value (the earliest of equals), if any. */
  public synchronized Optional<TrialRecord> best() {
    return trials.stream().filter(t -> t.state() == TrialRecord.State.COMPLETE)
        .min(Comparator.comparingDouble(TrialRecord::value).thenComparingInt(TrialRecord::number));
  }

  /** Closes the journal; the study's records stay readable. */
  public void close() throws IOException {
    if (journal != null) {
      journal.close();
    }
  }

  /**
   * Runs trials until {@code trials} have finished in this study (a resumed journal's count), or the
   * time budget has passed (no trial starts after it; a running trial finishes), with {@code parallel}
   * trials at a time. An objective's exception fails its trial (the message is kept) and the search
   * goes on; an {@link Error} ends it.
   *
   * @param onFinished called with each finished trial's record, on the thread that ran it
   * @return the number of trials this call ran
   */
  public int optimize(Objective objective, int trials, Duration budget, int parallel, Consumer<TrialRecord> onFinished)
      throws IOException, InterruptedException {
    if (trials < 1 || parallel < 1) {
      throw new IllegalArgumentException("optimize: expected trials >= 1 and parallel >= 1, got " + trials + ", "
          + parallel);
    }
    long deadline = budget == null ? Long.MAX_VALUE : System.nanoTime() + budget.toNanos();
    AtomicInteger started = new AtomicInteger(finishedCount());
    AtomicInteger ran = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
      Thread t = new Thread(r, "rnn4j-trial");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < parallel; w++) {
        workers.add(pool.submit(() -> {
          while (System.nanoTime() < deadline && started.getAndIncrement() < trials) {
            Trial t = ask();
            runOne(objective, t);
            ran.incrementAndGet();
            if (onFinished != null) {
              onFinished.accept(trialRecord(t.number()));
            }
          }
          return null;
        }));
      }
      for (Future<?> f : workers) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          Throwable c = e.getCause();
          if (c instanceof IOException io) {
            throw io;
          }
          if (c instanceof RuntimeException re) {
            throw re;
          }
          throw (Error) c;
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return ran.get();
  }

  private void runOne(Objective objective, Trial t) throws IOException {
    double value;
    try {
      value = objective.evaluate(t);
    } catch (Trial.Pruned p) {
      tellPruned(t);
      return;
    } catch (Exception e) {
      tellFailed(t, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      return;
    }
    tell(t, value);
  }

  private synchronized int finishedCount() {
    return (int) trials.stream().filter(TrialRecord::finished).count();
  }
}
