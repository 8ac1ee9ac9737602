package org.rnn4j.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The server's Prometheus metrics (Micrometer): {@code rnn4j_requests_total{model,endpoint,outcome}},
 * {@code rnn4j_request_duration_seconds} and {@code rnn4j_queue_duration_seconds} histograms, the
 * {@code rnn4j_batch_size} histogram, {@code rnn4j_streams_live} and {@code rnn4j_queue_depth} gauges,
 * and {@code rnn4j_streams_ended_total{model,reason}}. Gauges read the model in service under a name
 * at scrape time, so a reload keeps them right. Thread-safe: Micrometer's meters are.
 */
final class ServeMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, ModelMetrics> models = new ConcurrentHashMap<>();

  /** Renders every meter in the Prometheus text format. */
  String scrape() {
    return registry.scrape();
  }

  /** Counts one answered request. */
  void request(String model, String endpoint, int status, long nanos) {
    String outcome = status < 400 ? "success" : status == 503 ? "rejected" : status == 504 ? "timeout"
        : status < 500 ? "client_error" : "server_error";
    Counter.builder("rnn4j.requests").description("HTTP requests answered")
        .tags("model", model, "endpoint", endpoint, "outcome", outcome).register(registry).increment();
    Timer.builder("rnn4j.request.duration").description("Time from reading a request to its answer")
        .tags("model", model, "endpoint", endpoint).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(50_000)).maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry).record(Duration.ofNanos(nanos));
  }

  /**
   * The meters of one model name, created once; the gauges ask {@code source} for the values of
   * whatever model serves that name when scraped.
   */
  <T> ModelMetrics model(String name, T source, ToDoubleFunction<T> queueDepth, ToDoubleFunction<T> liveStreams) {
    return models.computeIfAbsent(name, n -> {
      Gauge.builder("rnn4j.queue.depth", source, queueDepth).description("Requests waiting to be batched")
          .tag("model", n).strongReference(true).register(registry);
      Gauge.builder("rnn4j.streams.live", source, liveStreams).description("Stateful streams holding state")
          .tag("model", n).strongReference(true).register(registry);
      return new ModelMetrics(n);
    });
  }

  /** One model's batching and stream meters. Thread-safe. */
  final class ModelMetrics {
    private final String name;
    private final Timer queueTime;
    private final DistributionSummary batchSize;
    private final Counter rejected;

    private ModelMetrics(String name) {
      this.name = name;
      this.queueTime = Timer.builder("rnn4j.queue.duration").description("Time a request waited to be batched")
          .tag("model", name).publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(1_000))
          .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
      this.batchSize = DistributionSummary.builder("rnn4j.batch.size").description("Rows in each batch run")
          .tag("model", name).serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
          .register(registry);
      this.rejected = Counter.builder("rnn4j.queue.rejected").description("Requests refused: the queue was full")
          .tag("model", name).register(registry);
    }

    void queued(long nanos) {
      queueTime.record(Duration.ofNanos(nanos));
    }

    void batch(int rows) {
      batchSize.record(rows);
    }

    void rejected() {
      rejected.increment();
    }

    /** Counts a stream whose state was freed, by why: end, timeout, disconnect, unload, shutdown. */
    void streamEnded(String reason) {
      Counter.builder("rnn4j.streams.ended").description("Stateful streams freed").tags("model", name, "reason",
          reason).register(registry).increment();
    }

    /** Streams freed so far for the reason (what the tests read). */
    double streamsEnded(String reason) {
      Counter c = registry.find("rnn4j.streams.ended").tags("model", name, "reason", reason).counter();
      return c == null ? 0 : c.count();
    }
  }
}
