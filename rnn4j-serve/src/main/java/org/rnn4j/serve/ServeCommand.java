package org.rnn4j.serve;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.options.InputFile;
import org.rnn4j.cli.options.Range;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rnn4j serve}: serves model files over HTTP (see {@link InferenceServer}) until SIGTERM or
 * Ctrl-C, then drains and exits 0. Not thread-safe (a command runs once).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Serve models over HTTP.",
        "It speaks the Open Inference Protocol v2 (KServe, Triton) and task endpoints",
        "(:forecast, :classify, :generate), with dynamic batching, stateful streams",
        "and Prometheus metrics. Stops on SIGTERM or Ctrl-C: readiness turns false,",
        "requests in flight and streams finish."})
public final class ServeCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @InputFile
  @Option(names = "--model", paramLabel = "NAME=FILE", description = {"A model to serve under NAME (repeatable):"
      + " an rnn4j file, or a PyTorch (.safetensors, .pt), Keras (.keras, .h5) or ONNX (.onnx) file."})
  Map<String, Path> models = new LinkedHashMap<>();

  @InputFile(kind = InputFile.Kind.FOLDER)
  @Option(names = "--models", paramLabel = "DIR", description = "A model repository: DIR/NAME/VERSION/model.rnn4j"
      + " (or model.onnx, ...); the highest VERSION of each NAME is served, and reloaded when its file changes.")
  Path repository;

  @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE};"
      + " 0.0.0.0 for every interface).")
  String host;

  @Range(min = 0, max = 65535)
  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free"
      + " one and prints it).")
  int port;

  @Range(min = 1, max = 4096)
  @Option(names = "--max-batch-size", defaultValue = "32", paramLabel = "ROWS",
      description = "Rows gathered into one batch of a model (default: ${DEFAULT-VALUE}).")
  int maxBatchSize;

  @Range(min = 0, max = 60_000)
  @Option(names = "--max-queue-delay-ms", defaultValue = "0", paramLabel = "MS", description = "How long a batch"
      + " waits for more requests; 0 batches whatever is waiting (default: ${DEFAULT-VALUE}).")
  int maxQueueDelayMs;

  @Range(min = 1, max = 1_000_000)
  @Option(names = "--max-queue", defaultValue = "256", paramLabel = "N", description = "Requests waiting per model"
      + " before new ones get 503 with Retry-After (default: ${DEFAULT-VALUE}).")
  int maxQueue;

  @Range(min = 1, max = Integer.MAX_VALUE - 8)
  @Option(names = "--max-request-bytes", defaultValue = "67108864", paramLabel = "BYTES",
      description = "Larger request bodies get 413 (default: ${DEFAULT-VALUE}, 64 MiB).")
  long maxRequestBytes;

  @Range(min = 1, max = 86_400)
  @Option(names = "--sequence-idle-timeout-s", defaultValue = "60", paramLabel = "S",
      description = "A stream nobody feeds for this long is freed (default: ${DEFAULT-VALUE}).")
  int sequenceIdleTimeoutS;

  @Range(min = 1, max = 1_000_000)
  @Option(names = "--max-sequences", defaultValue = "1024", paramLabel = "N",
      description = "Live streams per model; a new one beyond gets 503 (default: ${DEFAULT-VALUE}).")
  int maxSequences;

  @Range(min = 0, max = 3600)
  @Option(names = "--drain-s", defaultValue = "30", paramLabel = "S", description = "On SIGTERM, how long requests"
      + " in flight and live streams may take to finish (default: ${DEFAULT-VALUE}).")
  int drainS;

  @Range(min = 0, max = 3600)
  @Option(names = "--repository-poll-s", defaultValue = "5", paramLabel = "S", description = "How often --models DIR"
      + " and the --model files are checked for changes; 0 = never (default: ${DEFAULT-VALUE}).")
  int repositoryPollS;

  @Option(names = "--access-log", description = "One line per request on standard output.")
  boolean accessLog;

  /** Counted down by SIGTERM, Ctrl-C or the JVM's shutdown to stop the server. */
  private final CountDownLatch stop = new CountDownLatch(1);

  ServeLimits limits() {
    return new ServeLimits(maxBatchSize, maxQueueDelayMs, maxQueue, maxRequestBytes, sequenceIdleTimeoutS,
        maxSequences, drainS, repositoryPollS, accessLog);
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    if (models.isEmpty() && repository == null) {
      throw new UserInputException("expected --model NAME=FILE (repeatable) or --models DIR, got neither");
    }
    for (String name : models.keySet()) {
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
        throw new UserInputException("--model " + name + "=...: expected a NAME of letters, digits, '_', '.' and '-'"
            + " (it goes into URLs), got '" + name + "'");
      }
    }
    InferenceServer s = new InferenceServer(models, repository, limits(), out);
    s.start(host, port);
    String shown = host.contains(":") ? "[" + host + "]" : host;
    out.println("listening on http://" + shown + ":" + s.port());
    out.flush();
    // SIGTERM and Ctrl-C drain and then exit 0 (a plain shutdown hook could not: the JVM would exit
    // with 143 and not wait for the drain); any other shutdown still drains, from the hook.
    CountDownLatch stopped = new CountDownLatch(1);
    for (String signal : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(signal), sig -> stop.countDown());
      } catch (IllegalArgumentException e) {
        // the signal is not available here (or the JVM uses it): the hook below covers it
      }
    }
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "rnn4j-serve-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    stop.await();
    out.println("stopping: draining requests in flight and live streams (up to " + drainS + " s)");
    out.flush();
    try {
      s.drainAndStop(drainS * 1000L);
    } finally {
      stopped.countDown();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down (SIGTERM): it waits for this thread to return
    }
    out.println("stopped");
    out.flush();
    return 0;
  }

  public static void main(String[] args) {
    System.exit(run(System.out, System.err, args));
  }

  /** Runs the command in-process; returns the exit status (2 for a user error, one line on stderr). */
  public static int run(PrintStream out, PrintStream err, String... args) {
    return org.rnn4j.cli.Main.execute(new ServeCommand(), "rnn4j serve", out, err, args);
  }
}
