package checkout.local.fintoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import checkout.fintoc.FintocClient;
import checkout.fintoc.FintocException;
import checkout.fintoc.FintocOptions;
import checkout.json.Json;
import checkout.local.http.Exchanges;
import checkout.log.Log;
import checkout.metrics.Metrics;
import checkout.secrets.FintocSecrets;
import checkout.secrets.SecretSource;
import checkout.time.Deadline;
import checkout.time.Jitter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Our FintocClient's refund calls against the simulator: the same retry, timeout, key and metric
 * discipline as its session calls. A front door before the simulator records what arrives and can
 * play a proxy's 503 that never reaches Fintoc.
 */
class FintocClientRefundsTest {
  static final String KEY = "sk_test_client";

  /** One request as it reached the front door. */
  record Arrival(String method, String path, String idempotencyKey, String version) {}

  final FintocSimulatorRefundsTest.HandClock clock = new FintocSimulatorRefundsTest.HandClock();
  final AtomicInteger ids = new AtomicInteger();
  final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
  final AtomicInteger proxy503s = new AtomicInteger();
  final List<Duration> waits = new CopyOnWriteArrayList<>();
  final List<String> logLines = new CopyOnWriteArrayList<>();
  final Log.Sink previousSink;
  final HttpServer server;
  final FintocSimulator simulator;
  final FintocClient client;

  FintocClientRefundsTest() {
    FintocSimulator[] holder = new FintocSimulator[1];
    server =
        Exchanges.serve(
            0,
            "fintoc",
            exchange -> {
              arrivals.add(
                  new Arrival(
                      exchange.getRequestMethod(),
                      exchange.getRequestURI().getPath(),
                      exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                      exchange.getRequestHeaders().getFirst("Fintoc-Version")));
              if (proxy503s.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                Exchanges.send(
                    exchange,
                    503,
                    "text/html",
                    "<html>Service Unavailable</html>".getBytes(StandardCharsets.UTF_8));
                return;
              }
              holder[0].handle(exchange);
            });
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    simulator =
        new FintocSimulator(KEY, base, clock, prefix -> prefix + "_" + ids.incrementAndGet(), null);
    holder[0] = simulator;
    simulator.hold("cs_paid", "finished", "pi_paid", "succeeded");
    simulator.refunds().timing(Duration.ofMinutes(1), Duration.ofMinutes(10));
    FintocSecrets secrets = new FintocSecrets(KEY, List.of("whsec_x"), null);
    client =
        new FintocClient(
            new FintocOptions(
                base,
                Duration.ofSeconds(1),
                Duration.ofMillis(400),
                3,
                Duration.ofSeconds(10),
                Duration.ofMillis(200),
                Duration.ofSeconds(2),
                Duration.ofSeconds(1),
                Duration.ofSeconds(16),
                5),
            new SecretSource() {
              @Override
              public FintocSecrets current() {
                return secrets;
              }

              @Override
              public FintocSecrets refresh() {
                return secrets;
              }
            },
            waits::add,
            new Jitter(new SplittableRandom(7)));
    previousSink = Log.useSink((level, line) -> logLines.add(line));
    Metrics.clear();
  }

  @AfterEach
  void stop() {
    Log.useSink(previousSink);
    Metrics.clear();
    server.stop(0);
  }

  static ObjectNode refundOf(long amount) {
    return Json.object()
        .put("resource_type", "payment_intent")
        .put("resource_id", "pi_paid")
        .put("amount", amount);
  }

  /** The FintocCalls outcomes counted so far, in order of first appearance. */
  List<String> outcomes() {
    Metrics.flush();
    return logLines.stream()
        .map(Json::parse)
        .filter(line -> line.has("FintocCalls"))
        .map(line -> line.path("Outcome").asText() + "=" + line.path("FintocCalls").asLong())
        .toList();
  }

  List<Arrival> refundCreates() {
    return arrivals.stream()
        .filter(a -> a.method().equals("POST") && a.path().equals("/v1/refunds"))
        .toList();
  }

  @Test
  void createRefundSendsOurKeyAndTheApiVersionAndAnswersThePendingRefund() {
    JsonNode refund = client.createRefund(refundOf(5000), "refund-k-1", Deadline.NONE);

    assertThat(refund.path("status").asText()).isEqualTo("pending");
    assertThat(refund.path("amount").asLong()).isEqualTo(5000);
    assertThat(refund.path("currency").asText()).isEqualTo("CLP");
    assertThat(refundCreates())
        .containsExactly(new Arrival("POST", "/v1/refunds", "refund-k-1", "2026-02-01"));
    assertThat(outcomes()).containsExactly("2xx=1");
  }

  @Test
  void getRefundAnswersTheRefundAsItIsNowWithTheApiVersion() {
    String id = client.createRefund(refundOf(5000), "k", Deadline.NONE).path("id").asText();
    clock.advance(Duration.ofMinutes(1));

    JsonNode refund = client.getRefund(id, Deadline.NONE);

    assertThat(refund.path("status").asText()).isEqualTo("in_progress");
    assertThat(arrivals.get(arrivals.size() - 1))
        .isEqualTo(new Arrival("GET", "/v1/refunds/" + id, null, "2026-02-01"));
  }

  @Test
  void cancelRefundAnswersItCanceledAndASecondCancelIsRejectedWithoutRetrying() {
    String id = client.createRefund(refundOf(5000), "k", Deadline.NONE).path("id").asText();

    JsonNode canceled = client.cancelRefund(id, Deadline.NONE);
    int before = arrivals.size();

    assertThat(canceled.path("status").asText()).isEqualTo("canceled");
    assertThatThrownBy(() -> client.cancelRefund(id, Deadline.NONE))
        .isInstanceOfSatisfying(
            FintocException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(FintocException.Kind.REJECTED);
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.getMessage()).contains("canceled");
            });
    assertThat(arrivals.size() - before).as("a 4xx is an answer: not retried").isEqualTo(1);
    assertThat(arrivals.get(before))
        .isEqualTo(new Arrival("POST", "/v1/refunds/" + id + "/cancel", null, "2026-02-01"));
  }

  @Test
  void aRefusalCarriesFintocsCodeAndParamAndIsNotRetried() {
    ObjectNode withCurrency = refundOf(5000).put("currency", "CLP");

    assertThatThrownBy(() -> client.createRefund(withCurrency, "k", Deadline.NONE))
        .isInstanceOfSatisfying(
            FintocException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(FintocException.Kind.REJECTED);
              assertThat(e.fintocCode()).isEqualTo("unknown_parameter");
              assertThat(e.param()).isEqualTo("currency");
            });
    assertThat(refundCreates()).hasSize(1);
    assertThat(outcomes()).containsExactly("4xx=1");
  }

  @Test
  void aProxys503IsRetriedWithTheSameKeyAndMakesOneRefund() {
    proxy503s.set(1);

    JsonNode refund = client.createRefund(refundOf(5000), "refund-k-2", Deadline.NONE);

    assertThat(refund.path("status").asText()).isEqualTo("pending");
    assertThat(refundCreates())
        .extracting(Arrival::idempotencyKey)
        .containsExactly("refund-k-2", "refund-k-2");
    assertThat(simulator.refunds().created()).isEqualTo(1);
    assertThat(waits).hasSize(1);
    assertThat(outcomes()).containsExactly("5xx=1", "2xx=1");
  }

  @Test
  void aFintoc500KeptUnderTheKeyIsReplayedToEveryRetrySoTheCallEndsUnavailable() {
    simulator.refunds().faults().failCreates(1, 500);

    assertThatThrownBy(() -> client.createRefund(refundOf(5000), "refund-k-3", Deadline.NONE))
        .isInstanceOfSatisfying(
            FintocException.class,
            e -> assertThat(e.kind()).isEqualTo(FintocException.Kind.UNAVAILABLE));
    assertThat(simulator.refunds().createKeys())
        .as("three attempts, one key: a new attempt needs a new key, the caller's")
        .containsExactly("refund-k-3", "refund-k-3", "refund-k-3");
    assertThat(simulator.refunds().created()).isZero();
  }

  @Test
  void aTimeoutIsRetriedWithTheSameKeyAndGetsTheRefundTheFirstAttemptMade() {
    simulator.refunds().faults().slowCreates(1, Duration.ofMillis(1500));

    JsonNode refund = client.createRefund(refundOf(5000), "refund-k-4", Deadline.NONE);

    assertThat(simulator.refunds().createKeys()).containsExactly("refund-k-4", "refund-k-4");
    assertThat(simulator.refunds().created()).as("the retry got the first one").isEqualTo(1);
    assertThat(simulator.refunds().refund(refund.path("id").asText())).isNotNull();
    assertThat(outcomes()).containsExactly("timeout=1", "2xx=1");
  }

  @Test
  void anUnknownRefundIsRejectedAs404() {
    assertThatThrownBy(() -> client.getRefund("ref_nope", Deadline.NONE))
        .isInstanceOfSatisfying(
            FintocException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(FintocException.Kind.REJECTED);
              assertThat(e.status()).isEqualTo(404);
            });
  }
}
