package org.rnn4j.serve;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.rnn4j.cli.UserInputException;

/**
 * The models in service and where they come from: files named on the command line ({@code --model
 * NAME=FILE}, version 1) and a repository folder ({@code --models DIR}: {@code DIR/NAME/VERSION/model.*},
 * the highest numeric version served). A load replaces the version in service only once the new one
 * has been read, so a failed load keeps the old one serving; a poll reloads what changed on disk.
 * Thread-safe: loads and unloads are serialised; lookups read a concurrent map.
 */
final class ModelRepository implements AutoCloseable {
  /** The model file names looked for in a version folder, in order of preference. */
  static final List<String> FILE_NAMES = List.of("model.rnn4j", "model.onnx", "model.safetensors", "model.pt",
      "model.keras", "model.h5");

  /** A model's entry in the repository index. */
  record Entry(String name, String version, String state, String reason) {}

  private record Source(String version, Path file) {}

  private final Map<String, Path> files;
  private final Path dir;
  private final ServeLimits limits;
  private final ServeMetrics metrics;
  private final PrintWriter log;
  private final Map<String, ServedModel> served = new ConcurrentHashMap<>();
  /** Why a model is not in service (unloaded, or its last load failed), by name. */
  private final Map<String, String> unavailable = new ConcurrentHashMap<>();
  /** Names unloaded on request: a poll leaves them alone until loaded again. */
  private final java.util.Set<String> unloaded = ConcurrentHashMap.newKeySet();
  /** The stamp of a file whose load failed, so a poll reports it once. */
  private final Map<String, String> failedStamp = new ConcurrentHashMap<>();

  ModelRepository(Map<String, Path> files, Path dir, ServeLimits limits, ServeMetrics metrics, PrintWriter log) {
    this.files = new LinkedHashMap<>(files);
    this.dir = dir;
    this.limits = limits;
    this.metrics = metrics;
    this.log = log;
  }

  /**
   * Loads every model at start.
   *
   * @throws UserInputException naming the model and file that cannot be read, or when there is none
   */
  synchronized void loadAll() {
    List<String> names = names();
    if (names.isEmpty()) {
      throw new UserInputException(dir != null ? "--models " + dir + ": no models found (expected "
          + dir.resolve("NAME").resolve("1").resolve("model.rnn4j") + ")" : "expected --model NAME=FILE or --models DIR");
    }
    for (String n : names) {
      Source s = source(n);
      if (s == null) {
        throw new UserInputException("--models: " + dir.resolve(n) + " holds no numbered version folder with one of "
            + FILE_NAMES);
      }
      install(load(n, s));
    }
  }

  private List<String> names() {
    List<String> names = new ArrayList<>(files.keySet());
    if (dir != null) {
      try (Stream<Path> list = Files.list(dir)) {
        list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted()
            .filter(n -> !files.containsKey(n)).forEach(names::add);
      } catch (IOException e) {
        throw new UserInputException("--models " + dir + ": cannot list the folder (" + e.getMessage() + ")");
      }
    }
    return names;
  }

  /** Where a name's model is read from now, or null when the repository holds none. */
  private Source source(String name) {
    Path f = files.get(name);
    if (f != null) {
      return new Source("1", f);
    }
    if (dir == null || !Files.isDirectory(dir.resolve(name))) {
      return null;
    }
    TreeSet<Long> versions = new TreeSet<>();
    try (Stream<Path> list = Files.list(dir.resolve(name))) {
      list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(v -> v.matches("[0-9]{1,18}"))
          .forEach(v -> versions.add(Long.parseLong(v)));
    } catch (IOException e) {
      return null;
    }
    for (Long v : versions.descendingSet()) {
      for (String fn : FILE_NAMES) {
        Path p = dir.resolve(name).resolve(String.valueOf(v)).resolve(fn);
        if (Files.isRegularFile(p)) {
          return new Source(String.valueOf(v), p);
        }
      }
    }
    return null;
  }

  private ServedModel load(String name, Source s) {
    ServeMetrics.ModelMetrics m = metrics.model(name, this, r -> r.queueDepth(name), r -> r.liveStreams(name));
    try {
      return ServedModel.load(name, s.version, s.file, limits, m);
    } catch (UserInputException e) {
      throw new UserInputException("model '" + name + "' version " + s.version + ": " + e.getMessage(), e);
    }
  }

  private void install(ServedModel m) {
    ServedModel old = served.put(m.name, m);
    unavailable.remove(m.name);
    unloaded.remove(m.name);
    failedStamp.remove(m.name);
    if (old != null) {
      old.close("reload");
    }
    log.println("model " + m.name + " version " + m.version + " from " + m.file.getFileName() + ": "
        + (m.task.isEmpty() ? "no task recorded" : m.task) + ", " + m.model.parameterCount() + " parameters");
    log.flush();
  }

  /** The model in service under a name. @throws HttpError 404 */
  ServedModel get(String name) {
    ServedModel m = served.get(name);
    if (m == null) {
      String why = unavailable.get(name);
      throw new HttpError(404, "model '" + name + "' is not served" + (why != null ? " (" + why + ")" : "")
          + "; served: " + new TreeSet<>(served.keySet()));
    }
    return m;
  }

  /** The model in service under a name and version (null: whichever is served). @throws HttpError 404 */
  ServedModel get(String name, String version) {
    ServedModel m = get(name);
    if (version != null && !version.equals(m.version)) {
      throw new HttpError(404, "model '" + name + "' version " + version + " is not served (version " + m.version
          + " is)");
    }
    return m;
  }

  /** Every model in service. */
  List<ServedModel> all() {
    return new ArrayList<>(served.values());
  }

  /**
   * Loads (or reloads) a model from its source; the version in service stays when the load fails.
   *
   * @throws HttpError 404 for a name the repository does not hold, 400 for a file that cannot be read
   */
  synchronized ServedModel load(String name) {
    Source s = source(name);
    if (s == null) {
      throw new HttpError(404, "model '" + name + "' is not in the repository"
          + (dir != null ? " (expected " + dir.resolve(name).resolve("VERSION").resolve("model.rnn4j") + ")" : ""));
    }
    ServedModel m;
    try {
      m = load(name, s);
    } catch (UserInputException e) {
      if (!served.containsKey(name)) {
        unavailable.put(name, "its load failed: " + e.getMessage());
      }
      throw new HttpError(400, e.getMessage() + (served.containsKey(name) ? "; version "
          + served.get(name).version + " stays in service" : ""));
    }
    install(m);
    return m;
  }

  /** Takes a model out of service (its queued requests are answered, its streams freed). @throws HttpError 404 */
  synchronized void unload(String name) {
    ServedModel m = served.remove(name);
    if (m == null) {
      throw new HttpError(404, "model '" + name + "' is not served");
    }
    unloaded.add(name);
    unavailable.put(name, "unloaded");
    m.close("unload");
    log.println("model " + name + " unloaded");
    log.flush();
  }

  /** The repository's index: every model it holds or serves, with its state. */
  synchronized List<Entry> index() {
    List<Entry> out = new ArrayList<>();
    TreeSet<String> names = new TreeSet<>(served.keySet());
    names.addAll(unavailable.keySet());
    try {
      names.addAll(names());
    } catch (UserInputException e) {
      // the folder went away: list what is known
    }
    for (String n : names) {
      ServedModel m = served.get(n);
      Source s = m == null ? source(n) : null;
      out.add(m != null ? new Entry(n, m.version, "READY", "")
          : new Entry(n, s == null ? "" : s.version, "UNAVAILABLE", unavailable.getOrDefault(n, "not loaded")));
    }
    return out;
  }

  /** Reloads what changed on disk: new models and versions, changed files; models gone are unloaded. */
  synchronized void poll() {
    List<String> names;
    try {
      names = names();
    } catch (UserInputException e) {
      return;
    }
    for (String n : names) {
      if (unloaded.contains(n)) {
        continue;
      }
      Source s = source(n);
      ServedModel m = served.get(n);
      if (s == null) {
        continue;
      }
      String stamp = ServedModel.stamp(s.file);
      if (m != null && m.version.equals(s.version) && m.file.equals(s.file) && m.fileStamp.equals(stamp)) {
        continue;
      }
      if (stamp.equals(failedStamp.get(n))) {
        continue;
      }
      try {
        install(load(n, s));
      } catch (UserInputException e) {
        failedStamp.put(n, stamp);
        log.println(e.getMessage() + (m != null ? "; version " + m.version + " stays in service" : ""));
        log.flush();
      }
    }
    if (dir != null) {
      for (String n : new ArrayList<>(served.keySet())) {
        if (!files.containsKey(n) && !Files.isDirectory(dir.resolve(n))) {
          ServedModel m = served.remove(n);
          m.close("unload");
          log.println("model " + n + " removed from the repository: unloaded");
          log.flush();
        }
      }
    }
  }

  double queueDepth(String name) {
    ServedModel m = served.get(name);
    return m == null ? 0 : m.batcher.depth();
  }

  double liveStreams(String name) {
    ServedModel m = served.get(name);
    return m == null ? 0 : m.streams.live();
  }

  /** Turns away new streams of every model. */
  void drain() {
    for (ServedModel m : served.values()) {
      m.streams.drain();
    }
  }

  /** Takes every model out of service, freeing live streams as {@code reason}. */
  synchronized void close(String reason) {
    for (ServedModel m : served.values()) {
      m.close(reason);
    }
    served.clear();
  }

  @Override
  public void close() {
    close("shutdown");
  }
}
