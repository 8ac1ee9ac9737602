package org.rnn4j.serve;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.rnn4j.Tensor;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.forecast.ForecastRun;
import org.rnn4j.text.EncodedTexts;
import org.rnn4j.text.Sampler;
import org.rnn4j.text.TextClassifier;
import org.rnn4j.text.TextGenerator;

/**
 * The HTTP server of {@code rnn4j serve} on Jetty: the Open Inference Protocol v2 (health, server and
 * model metadata, inference with the sequence extension, the model repository extension), the task
 * endpoints {@code /v1/models/{name}:forecast|:classify|:generate}, and Prometheus metrics on {@code
 * /metrics}. Requests of a model go through its batcher (or, with a {@code sequence_id}, its streams),
 * so every answer equals {@code Model.predict} on the request alone. Thread-safe: Jetty calls the
 * handler from its pool; the state it shares is the repository's and the metrics'.
 */
public final class InferenceServer implements AutoCloseable {
  // Numbers are read as doubles (with Jackson's fast parser) and cast to FP32 once, as a client's
  // float32(x) does; a float written as its shortest text comes back as the same float.
  private static final ObjectMapper MAPPER = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER).build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final String VERSION = ServeCommand.class.getPackage().getImplementationVersion() == null
      ? "0.1.0" : ServeCommand.class.getPackage().getImplementationVersion();

  private final ModelRepository repository;
  private final ServeLimits limits;
  private final ServeMetrics metrics;
  private final PrintWriter log;
  private final Server server;
  private final ServerConnector connector;
  private final ScheduledExecutorService chores;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean ready;

  /**
   * @param models {@code NAME -> FILE} models to serve (version 1 each)
   * @param dir    a model repository folder, or null
   * @param log    where model loads, reloads and (with the access log) requests are reported
   */
  public InferenceServer(Map<String, java.nio.file.Path> models, java.nio.file.Path dir, ServeLimits limits,
      PrintWriter log) {
    this.limits = limits;
    this.metrics = new ServeMetrics();
    this.log = log;
    this.repository = new ModelRepository(models, dir, limits, metrics, log);
    QueuedThreadPool pool = new QueuedThreadPool(256, 4);
    pool.setName("rnn4j-http");
    this.server = new Server(pool);
    this.connector = new ServerConnector(server);
    connector.addEventListener(new Connection.Listener() {
      @Override
      public void onClosed(Connection connection) {
        for (ServedModel m : repository.all()) {
          m.streams.connectionClosed(connection);
        }
      }
    });
    server.addConnector(connector);
    server.setHandler(new Routes());
    if (limits.accessLog()) {
      server.setRequestLog(new CustomRequestLog(line -> {
        synchronized (log) {
          log.println(line);
          log.flush();
        }
      }, CustomRequestLog.EXTENDED_NCSA_FORMAT));
    }
    this.chores = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "rnn4j-serve-chores");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Loads the models and starts listening.
   *
   * @throws UserInputException for a model that cannot be read or an address that cannot be bound
   */
  public void start(String host, int port) {
    repository.loadAll();
    connector.setHost(host);
    connector.setPort(port);
    try {
      server.start();
    } catch (Exception e) {
      repository.close();
      throw new UserInputException("--host " + host + " --port " + port + ": cannot listen there ("
          + e.getMessage() + ")", e);
    }
    long reap = Math.max(50, Math.min(1000, limits.sequenceIdleTimeoutS() * 250L));
    chores.scheduleWithFixedDelay(() -> {
      for (ServedModel m : repository.all()) {
        m.streams.reapIdle();
      }
    }, reap, reap, TimeUnit.MILLISECONDS);
    if (limits.repositoryPollS() > 0) {
      chores.scheduleWithFixedDelay(this::pollQuietly, limits.repositoryPollS(), limits.repositoryPollS(),
          TimeUnit.SECONDS);
    }
    ready = true;
  }

  private void pollQuietly() {
    try {
      repository.poll();
    } catch (RuntimeException e) {
      log.println("model repository poll failed: " + e);
      log.flush();
    }
  }

  /** The port listened on (the one picked for port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** The meters, for the tests. */
  ServeMetrics metrics() {
    return metrics;
  }

  ModelRepository repository() {
    return repository;
  }

  /**
   * The graceful stop of SIGTERM: readiness turns false and new streams are refused; requests in flight
   * and live streams may finish for up to {@code drainMillis}; then the server stops.
   */
  public void drainAndStop(long drainMillis) throws InterruptedException {
    ready = false;
    repository.drain();
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(drainMillis);
    while (System.nanoTime() < until && (inFlight.get() > 0 || liveStreams() > 0)) {
      Thread.sleep(20);
    }
    close();
  }

  private int liveStreams() {
    int n = 0;
    for (ServedModel m : repository.all()) {
      n += m.streams.live();
    }
    return n;
  }

  @Override
  public void close() {
    ready = false;
    chores.shutdownNow();
    repository.close("shutdown");
    try {
      server.stop();
    } catch (Exception e) {
      log.println("stopping the HTTP server: " + e);
      log.flush();
    }
  }

  /** What a request is counted under in the metrics. */
  private static final class Call {
    String model = "";
    String endpoint = "other";
    int status = 200;
  }

  private final class Routes extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      long start = System.nanoTime();
      inFlight.incrementAndGet();
      Call call = new Call();
      try {
        route(request, response, callback, call);
      } catch (HttpError e) {
        call.status = e.status;
        error(response, callback, e.status, e.getMessage(), e.retryAfterSeconds);
      } catch (JsonProcessingException e) {
        call.status = 400;
        error(response, callback, 400, "body: malformed JSON: " + jsonMessage(e), 0);
      } catch (UserInputException | IllegalArgumentException e) {
        call.status = 400;
        error(response, callback, 400, e.getMessage(), 0);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        call.status = 503;
        error(response, callback, 503, "the server is stopping", 1);
      } catch (IOException e) {
        call.status = 500;
        callback.failed(e); // the client went away or the body could not be read
      } catch (RuntimeException e) {
        call.status = 500;
        synchronized (log) {
          log.println("error answering " + request.getMethod() + " " + request.getHttpURI().getPath() + ": " + e);
          e.printStackTrace(log);
          log.flush();
        }
        error(response, callback, 500, "internal error: " + e, 0);
      } finally {
        inFlight.decrementAndGet();
        metrics.request(call.model, call.endpoint, call.status, System.nanoTime() - start);
      }
      return true;
    }
  }

  private void route(Request request, Response response, Callback callback, Call call)
      throws IOException, InterruptedException {
    String path = request.getHttpURI().getPath();
    String method = request.getMethod();
    String[] p = path.length() > 1 && path.endsWith("/") ? path.substring(1, path.length() - 1).split("/")
        : path.substring(1).split("/");
    if (path.equals("/metrics")) {
      call.endpoint = "metrics";
      expect(method, "GET", path);
      reply(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
      return;
    }
    if (p.length >= 1 && p[0].equals("v2")) {
      routeV2(request, response, callback, call, p, method, path);
      return;
    }
    if (p.length == 3 && p[0].equals("v1") && p[1].equals("models") && p[2].indexOf(':') > 0) {
      String name = p[2].substring(0, p[2].lastIndexOf(':'));
      String verb = p[2].substring(p[2].lastIndexOf(':') + 1);
      call.model = name;
      call.endpoint = verb;
      expect(method, "POST", path);
      JsonNode body = body(request);
      ServedModel m = repository.get(name);
      switch (verb) {
        case "classify" -> json(response, callback, 200, classify(m, body, deadline(request, body)));
        case "forecast" -> json(response, callback, 200, forecast(m, body));
        case "generate" -> generate(m, body, request, response, callback);
        default -> throw new HttpError(404, "no task '" + verb + "': expected :forecast, :classify or :generate");
      }
      return;
    }
    throw new HttpError(404, "no route " + path + " (see GET /v2 and the README)");
  }

  private void routeV2(Request request, Response response, Callback callback, Call call, String[] p, String method,
      String path) throws IOException, InterruptedException {
    if (p.length == 1) {
      call.endpoint = "metadata";
      expect(method, "GET", path);
      ObjectNode o = Protocol.JSON.objectNode();
      o.put("name", "rnn4j");
      o.put("version", VERSION);
      o.putArray("extensions").add("model_repository").add("sequence").add("binary_tensor_data");
      json(response, callback, 200, o);
      return;
    }
    if (p.length == 3 && p[1].equals("health") && (p[2].equals("live") || p[2].equals("ready"))) {
      call.endpoint = "health";
      expect(method, "GET", path);
      boolean ok = p[2].equals("live") || ready;
      ObjectNode o = Protocol.JSON.objectNode();
      o.put(p[2], ok);
      json(response, callback, ok ? 200 : 400, o); // KServe: 200 is true, a 4xx false
      return;
    }
    if (p.length >= 2 && p[1].equals("repository")) {
      call.endpoint = "repository";
      expect(method, "POST", path);
      discardBody(request); // the optional parameters are not used; read, so the connection stays usable
      if (p.length == 3 && p[2].equals("index")) {
        ArrayNode a = Protocol.JSON.arrayNode();
        for (ModelRepository.Entry e : repository.index()) {
          ObjectNode o = a.addObject();
          o.put("name", e.name());
          o.put("version", e.version());
          o.put("state", e.state());
          o.put("reason", e.reason());
        }
        json(response, callback, 200, a);
        return;
      }
      if (p.length == 5 && p[2].equals("models") && (p[4].equals("load") || p[4].equals("unload"))) {
        call.model = p[3];
        if (p[4].equals("load")) {
          repository.load(p[3]);
        } else {
          repository.unload(p[3]);
        }
        json(response, callback, 200, Protocol.JSON.objectNode());
        return;
      }
      throw new HttpError(404, "no route " + path + ": expected /v2/repository/index or"
          + " /v2/repository/models/{name}/load|unload");
    }
    if (p.length >= 3 && p[1].equals("models")) {
      String name = p[2];
      String version = null;
      int rest = 3;
      if (p.length >= 5 && p[3].equals("versions")) {
        version = p[4];
        rest = 5;
      }
      call.model = name;
      if (p.length == rest) {
        call.endpoint = "metadata";
        expect(method, "GET", path);
        json(response, callback, 200, Protocol.metadata(repository.get(name, version)));
        return;
      }
      if (p.length == rest + 1 && p[rest].equals("ready")) {
        call.endpoint = "health";
        expect(method, "GET", path);
        ServedModel m = repository.get(name, version);
        ObjectNode o = Protocol.JSON.objectNode();
        o.put("name", m.name);
        o.put("ready", ready);
        json(response, callback, ready ? 200 : 400, o);
        return;
      }
      if (p.length == rest + 1 && p[rest].equals("infer")) {
        call.endpoint = "infer";
        expect(method, "POST", path);
        // the body is read before any refusal, so the connection stays usable for the client's next request
        Protocol.Payload body = payload(request);
        ServedModel m = repository.get(name, version);
        infer(m, body, deadline(request, body.json()), request, response, callback);
        return;
      }
    }
    throw new HttpError(404, "no route " + path + " (see GET /v2 and the README)");
  }

  private static void expect(String method, String wanted, String path) {
    if (!method.equals(wanted)) {
      throw new HttpError(405, path + ": expected " + wanted + ", got " + method);
    }
  }

  /** Reads and drops a request body of up to {@code --max-request-bytes}. */
  private void discardBody(Request request) throws IOException {
    try (InputStream in = Content.Source.asInputStream(request)) {
      for (long left = limits.maxRequestBytes(); left > 0; left--) {
        long skipped = in.skip(left);
        if (skipped > 0) {
          left -= skipped - 1;
        } else if (in.read() < 0) {
          return;
        }
      }
    }
  }

  /** A task's request body: JSON only, refused with 413 beyond {@code --max-request-bytes}. */
  private JsonNode body(Request request) throws IOException {
    Protocol.Payload p = payload(request);
    if (p.binary() != null) {
      throw HttpError.badRequest("header " + Protocol.HEADER_LENGTH + ": the binary data extension applies to"
          + " /v2/models/{name}/infer; send this request as JSON alone");
    }
    return p.json();
  }

  /**
   * A request body: JSON, or with the header {@value Protocol#HEADER_LENGTH} a JSON part followed by
   * binary tensor data; refused with 413 beyond {@code --max-request-bytes}.
   */
  private Protocol.Payload payload(Request request) throws IOException {
    long max = limits.maxRequestBytes();
    long declared = request.getLength();
    if (declared > max) {
      throw new HttpError(413, "body: " + declared + " bytes, more than --max-request-bytes " + max);
    }
    byte[] bytes;
    try (InputStream in = Content.Source.asInputStream(request)) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    }
    if (bytes.length > max) {
      throw new HttpError(413, "body: more than --max-request-bytes " + max + " bytes");
    }
    if (bytes.length == 0) {
      throw HttpError.badRequest("body: expected a JSON object, got an empty body");
    }
    String header = request.getHeaders().get(Protocol.HEADER_LENGTH);
    int jsonLength = bytes.length;
    if (header != null) {
      try {
        jsonLength = Integer.parseInt(header.trim());
      } catch (NumberFormatException e) {
        jsonLength = -1;
      }
      if (jsonLength < 1 || jsonLength > bytes.length) {
        throw HttpError.badRequest("header " + Protocol.HEADER_LENGTH + ": expected the length of the body's JSON"
            + " part, from 1 to the body's " + bytes.length + " bytes, got '" + header + "'");
      }
    }
    JsonNode node = MAPPER.readTree(bytes, 0, jsonLength);
    if (node == null || !node.isObject()) {
      throw HttpError.badRequest("body: expected a JSON object, got " + Protocol.describe(node));
    }
    ByteBuffer binary = header == null ? null
        : ByteBuffer.wrap(bytes, jsonLength, bytes.length - jsonLength).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    return new Protocol.Payload(node, binary);
  }

  private static String jsonMessage(JacksonException e) {
    String m = e.getOriginalMessage();
    m = m == null ? "unreadable" : m.lines().findFirst().orElse(m);
    JsonLocation at = e.getLocation();
    return m + (at != null ? " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")" : "");
  }

  /** The deadline from {@code parameters.timeout} (microseconds, as Triton) or {@code X-Request-Timeout-Ms}. */
  private static long deadline(Request request, JsonNode body) {
    JsonNode params = body.get("parameters");
    JsonNode t = params == null ? null : params.get("timeout");
    long nanos;
    if (t != null) {
      if (!t.isIntegralNumber() || t.asLong() < 1) {
        throw HttpError.badRequest("parameters.timeout: expected microseconds >= 1, got " + Protocol.describe(t));
      }
      nanos = TimeUnit.MICROSECONDS.toNanos(t.asLong());
    } else {
      String h = request.getHeaders().get("X-Request-Timeout-Ms");
      if (h == null) {
        return Long.MAX_VALUE;
      }
      try {
        nanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(h.trim()));
      } catch (NumberFormatException e) {
        nanos = -1;
      }
      if (nanos < 1) {
        throw HttpError.badRequest("header X-Request-Timeout-Ms: expected milliseconds >= 1, got '" + h + "'");
      }
    }
    long d = System.nanoTime() + nanos;
    return d == Long.MAX_VALUE ? d - 1 : d;
  }

  /** Answers an inference request, as JSON or, when its outputs are asked for as binary, JSON then binary. */
  private void infer(ServedModel m, Protocol.Payload payload, long deadline, Request request, Response response,
      Callback callback) throws InterruptedException, JsonProcessingException {
    JsonNode body = payload.json();
    Rows rows = Protocol.rows(payload, m, deadline);
    boolean binaryOutput = Protocol.binaryOutput(body);
    JsonNode params = body.get("parameters");
    JsonNode seq = params == null ? null : params.get("sequence_id");
    ObjectNode answerParams = null;
    if (seq != null && !seq.isNull() && !(seq.isNumber() && seq.asLong() == 0)) {
      if (!seq.isTextual() && !seq.isIntegralNumber()) {
        throw HttpError.badRequest("parameters.sequence_id: expected a string or an integer, got "
            + Protocol.describe(seq));
      }
      boolean start = Protocol.flag(params, "parameters.", "sequence_start", false);
      boolean end = Protocol.flag(params, "parameters.", "sequence_end", false);
      boolean onDisconnect = Protocol.flag(params, "parameters.", "sequence_end_on_disconnect", true);
      m.streams.step(seq.asText(), start, end, onDisconnect, rows, request.getConnectionMetaData().getConnection());
      answerParams = Protocol.JSON.objectNode();
      answerParams.set("sequence_id", seq);
    } else {
      m.batcher.submit(rows);
    }
    Tensor out = await(rows);
    ObjectNode answer = Protocol.answer(m, body.get("id"), out, answerParams, binaryOutput);
    if (!binaryOutput) {
      json(response, callback, 200, answer);
      return;
    }
    byte[] head = MAPPER.writeValueAsBytes(answer);
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
    response.getHeaders().put(Protocol.HEADER_LENGTH, String.valueOf(head.length));
    response.write(true, Protocol.binaryAnswer(head, out), callback);
  }

  private static Tensor await(Rows rows) throws InterruptedException {
    try {
      return rows.result.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private ObjectNode classify(ServedModel m, JsonNode body, long deadline) throws InterruptedException {
    TextClassifier c = m.classifier;
    if (c == null) {
      throw m.wrongTask("a text classifier", "classify", "classify train");
    }
    JsonNode texts = body.get("texts");
    if (texts == null || !texts.isArray() || texts.isEmpty()) {
      throw HttpError.badRequest("texts: expected an array of at least one text, got " + Protocol.describe(texts));
    }
    List<String> list = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      JsonNode t = texts.get(i);
      if (!t.isTextual() || t.asText().isBlank() || c.encoder().tokenizer().tokenize(t.asText()).isEmpty()) {
        throw HttpError.badRequest("texts[" + i + "]: expected a text with something to read, got "
            + Protocol.describe(t));
      }
      list.add(t.asText());
    }
    int k = 1;
    JsonNode topK = body.get("top_k");
    if (topK != null) {
      if (!topK.isIntegralNumber() || topK.asInt() < 1 || topK.asInt() > c.labels().size()) {
        throw HttpError.badRequest("top_k: expected an integer in [1, " + c.labels().size() + "] (the labels), got "
            + Protocol.describe(topK));
      }
      k = topK.asInt();
    }
    EncodedTexts enc = c.encoder().encode(list);
    Rows rows = new Rows(enc.count(), enc.steps(), null, enc.tokens(), enc.lengths(), deadline);
    m.batcher.submit(rows);
    float[] logits = await(rows).data();
    int classes = c.labels().size();
    ObjectNode o = Protocol.JSON.objectNode();
    ArrayNode predictions = o.putArray("predictions");
    for (int i = 0; i < list.size(); i++) {
      ArrayNode one = predictions.addArray();
      for (TextClassifier.Prediction pr : c.top(TextClassifier.softmax(logits, i * classes, classes), k)) {
        ObjectNode e = one.addObject();
        e.put("label", pr.label());
        e.put("probability", pr.probability());
      }
    }
    if (enc.unknownCount() > 0) {
      o.putArray("notes").add(enc.unknownSummary(8) + " (never or rarely seen in training)");
    }
    return o;
  }

  private ObjectNode forecast(ServedModel m, JsonNode body) {
    if (!"forecast".equals(m.task)) {
      throw m.wrongTask("a forecaster", "forecast", "train");
    }
    String csv = ForecastRows.csv(body);
    Integer horizon = null;
    JsonNode h = body.get("horizon");
    if (h != null && !h.isNull()) {
      if (!h.isIntegralNumber() || h.asInt() < 1) {
        throw HttpError.badRequest("horizon: expected an integer >= 1, got " + Protocol.describe(h));
      }
      horizon = h.asInt();
    }
    boolean all = Protocol.flag(body, "", "all_origins", false);
    ForecastRun.Table table = ForecastRun.forecast(m.loaded(), m.name, ForecastRun.Series.ofText(csv, "rows"),
        horizon, !all);
    return ForecastRows.answer(table);
  }

  private void generate(ServedModel m, JsonNode body, Request request, Response response, Callback callback)
      throws IOException {
    TextGenerator g = m.generator();
    JsonNode primeNode = body.get("prime");
    if (primeNode != null && !primeNode.isTextual()) {
      throw HttpError.badRequest("prime: expected a text, got " + Protocol.describe(primeNode));
    }
    String prime = primeNode == null || primeNode.asText().isEmpty() ? "\n" : primeNode.asText();
    int length = (int) number(body, "length", 200, 0, 100_000_000, true);
    float temperature = (float) number(body, "temperature", 0.8, 0, 100, false);
    if (temperature <= 0) {
      throw HttpError.badRequest("temperature: expected a number in (0, 100], got " + temperature);
    }
    int topK = (int) number(body, "top_k", 0, 0, Integer.MAX_VALUE, true);
    float topP = (float) number(body, "top_p", 1.0, 0, 1, false);
    if (topP <= 0) {
      throw HttpError.badRequest("top_p: expected a number in (0, 1], got " + topP);
    }
    long seed = body.has("seed") ? (long) number(body, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE, true)
        : new SplittableRandom().nextLong() >>> 16;
    Sampler sampler = Sampler.builder().temperature(temperature).topK(topK).topP(topP).seed(seed).build();
    List<String> unknown = g.unknownCharacters(prime);
    if (!unknown.isEmpty() && g.vocabulary().unknownId() < 0) {
      throw HttpError.badRequest("prime: " + unknown.size() + " character" + (unknown.size() == 1 ? "" : "s")
          + " never seen in training (" + String.join(", ", unknown.subList(0, Math.min(10, unknown.size())))
          + "); the model knows " + g.vocabulary().size() + " characters");
    }
    boolean events = Protocol.flag(body, "", "stream", true);
    String accept = request.getHeaders().get(HttpHeader.ACCEPT);
    boolean plain = accept != null && accept.contains("text/plain") && !accept.contains("text/event-stream");
    if (!events) {
      String text = g.generate(prime, length, sampler, null);
      ObjectNode o = Protocol.JSON.objectNode();
      o.put("text", text);
      o.put("seed", seed);
      json(response, callback, 200, o);
      return;
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, plain ? "text/plain; charset=utf-8"
        : "text/event-stream; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    response.getHeaders().put("X-Seed", String.valueOf(seed));
    OutputStream out = Content.Sink.asOutputStream(response);
    try {
      String text = g.generate(prime, length, sampler, c -> {
        try {
          out.write((plain ? c : "data: " + MAPPER.writeValueAsString(Map.of("text", c)) + "\n\n")
              .getBytes(StandardCharsets.UTF_8));
          out.flush(); // each character as it is drawn
        } catch (IOException e) {
          throw new ClientGone(e);
        }
      });
      if (!plain) {
        ObjectNode done = Protocol.JSON.objectNode();
        done.put("text", text);
        done.put("seed", seed);
        out.write(("event: done\ndata: " + MAPPER.writeValueAsString(done) + "\n\n").getBytes(StandardCharsets.UTF_8));
      }
      out.close();
      callback.succeeded();
    } catch (ClientGone e) {
      callback.failed(e.getCause()); // the client went away: generation stops here
    }
  }

  /** A streamed answer whose client has gone: stops the generation. */
  private static final class ClientGone extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClientGone(IOException cause) {
      super(cause);
    }
  }

  private static double number(JsonNode body, String name, double otherwise, double min, double max,
      boolean integral) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) {
      return otherwise;
    }
    if (!v.isNumber() || integral && !v.isIntegralNumber() || v.asDouble() < min || v.asDouble() > max) {
      throw HttpError.badRequest(name + ": expected " + (integral ? "an integer" : "a number") + " in [" + fmt(min)
          + ", " + fmt(max) + "], got " + Protocol.describe(v));
    }
    return integral ? v.asLong() : v.asDouble();
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
  }

  private static void json(Response response, Callback callback, int status, JsonNode body)
      throws JsonProcessingException {
    reply(response, callback, status, "application/json", MAPPER.writeValueAsString(body));
  }

  private static void reply(Response response, Callback callback, int status, String type, String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
  }

  private static void error(Response response, Callback callback, int status, String message, int retryAfter) {
    if (response.isCommitted()) {
      callback.failed(new IOException(message));
      return;
    }
    if (retryAfter > 0) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, String.valueOf(retryAfter));
    }
    ObjectNode o = Protocol.JSON.objectNode();
    o.put("error", message);
    try {
      json(response, callback, status, o);
    } catch (JsonProcessingException e) {
      callback.failed(e);
    }
  }
}
