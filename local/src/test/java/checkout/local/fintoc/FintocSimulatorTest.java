package checkout.local.fintoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import checkout.json.Json;
import checkout.local.http.Exchanges;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator's API as our FintocClient meets it; outcomes end to end are in LocalStackTest. */
class FintocSimulatorTest {
  static final String KEY = "sk_test_simulator";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
  static final String VALID =
      """
      {"amount": 15000, "currency": "CLP", "success_url": "http://localhost:3000/success.html",
       "cancel_url": "http://localhost:3000/cancel.html", "metadata": {"order_id": "o-1"}}""";

  final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  final AtomicInteger ids = new AtomicInteger();
  final HttpServer server;
  final URI base;
  final HttpClient http = HttpClient.newHttpClient();
  final FintocSimulator simulator;

  FintocSimulatorTest() {
    FintocSimulator[] holder = new FintocSimulator[1];
    server = Exchanges.serve(0, "fintoc", exchange -> holder[0].handle(exchange));
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    WebhookSender nowhere =
        new WebhookSender(
            URI.create("http://127.0.0.1:9/"),
            "whsec_x",
            WebhookSender.Chaos.NONE,
            Duration.ofMillis(1),
            0,
            CLOCK,
            timer);
    holder[0] =
        new FintocSimulator(
            KEY, base, CLOCK, prefix -> prefix + "_" + ids.incrementAndGet(), nowhere);
    simulator = holder[0];
  }

  @AfterEach
  void stop() {
    server.stop(0);
    timer.shutdownNow();
  }

  HttpResponse<String> post(String path, String key, String idempotencyKey, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Authorization", key);
    }
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aValidSessionIsCreatedWithAHostedPageRedirect() throws Exception {
    HttpResponse<String> response = post("/v2/checkout_sessions", KEY, null, VALID);
    JsonNode session = Json.parse(response.body());
    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(session.path("id").asText()).isEqualTo("cs_test_1");
    assertThat(session.path("status").asText()).isEqualTo("created");
    assertThat(session.path("expires_at").asText()).isEqualTo("2026-11-22T12:00:00Z");
    assertThat(session.path("redirect_url").asText()).isEqualTo(base + "/checkout/cs_test_1");
    assertThat(session.path("payment_resource").isNull()).isTrue();
  }

  @Test
  void aWrongKeyIsRefusedWithFintocsErrorBody() throws Exception {
    HttpResponse<String> response = post("/v2/checkout_sessions", "sk_test_other", null, VALID);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(Json.parse(response.body()).path("error").path("code").asText())
        .isEqualTo("invalid_api_key");
  }

  @Test
  void anUnsupportedCurrencyIsA400NamingTheParameter() throws Exception {
    HttpResponse<String> response =
        post("/v2/checkout_sessions", KEY, null, VALID.replace("CLP", "USD"));
    JsonNode error = Json.parse(response.body()).path("error");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("param").asText()).isEqualTo("currency");
  }

  @Test
  void anExpiryUnderTenMinutesAwayIsRefused() throws Exception {
    String soon =
        VALID.replace("\"metadata\"", "\"expires_at\": \"2026-11-21T12:05:00Z\", \"metadata\"");
    HttpResponse<String> response = post("/v2/checkout_sessions", KEY, null, soon);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Json.parse(response.body()).path("error").path("param").asText())
        .isEqualTo("expires_at");
  }

  @Test
  void theSameIdempotencyKeyReplaysTheFirstSession() throws Exception {
    HttpResponse<String> first = post("/v2/checkout_sessions", KEY, "order-o-1", VALID);
    HttpResponse<String> again = post("/v2/checkout_sessions", KEY, "order-o-1", VALID);
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
  }

  @Test
  void theSameIdempotencyKeyWithOtherParametersIsAnError() throws Exception {
    post("/v2/checkout_sessions", KEY, "order-o-2", VALID);
    HttpResponse<String> other =
        post("/v2/checkout_sessions", KEY, "order-o-2", VALID.replace("15000", "16000"));
    assertThat(other.statusCode()).isEqualTo(400);
    assertThat(Json.parse(other.body()).path("error").path("code").asText())
        .isEqualTo("idempotency_key_reused");
  }

  @Test
  void anErrorIsKeptUnderItsIdempotencyKeyAndReplayedAsFintocDoes() throws Exception {
    simulator.faults().failCreates(1, 500);

    HttpResponse<String> first = post("/v2/checkout_sessions", KEY, "k-1", VALID);
    HttpResponse<String> again = post("/v2/checkout_sessions", KEY, "k-1", VALID);
    HttpResponse<String> newKey = post("/v2/checkout_sessions", KEY, "k-2", VALID);

    assertThat(first.statusCode()).isEqualTo(500);
    assertThat(again.statusCode()).as("replayed, not retried").isEqualTo(500);
    assertThat(newKey.statusCode()).isEqualTo(201);
    assertThat(simulator.sessionsCreated()).isEqualTo(1);
  }

  @Test
  void aRefusalWithFintocsCodeAndParamIsKeptUnderItsKey() throws Exception {
    simulator
        .faults()
        .failCreates(
            1,
            409,
            "invalid_request_error",
            "customer_already_exists",
            "A customer with this tax_id exists",
            "customer_data");

    HttpResponse<String> first = post("/v2/checkout_sessions", KEY, "k-1", VALID);
    HttpResponse<String> again = post("/v2/checkout_sessions", KEY, "k-1", VALID);

    assertThat(first.statusCode()).isEqualTo(409);
    assertThat(Json.parse(first.body()).at("/error/code").asText())
        .isEqualTo("customer_already_exists");
    assertThat(Json.parse(first.body()).at("/error/param").asText()).isEqualTo("customer_data");
    assertThat(again.body()).as("replayed").isEqualTo(first.body());
  }

  @Test
  void theRateLimitersRefusalIsNotKeptUnderTheKeySoTheRetryWithItCreates() throws Exception {
    simulator.faults().rateLimitCreates(1);

    HttpResponse<String> limited = post("/v2/checkout_sessions", KEY, "k-1", VALID);
    HttpResponse<String> retried = post("/v2/checkout_sessions", KEY, "k-1", VALID);

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(Json.parse(limited.body()).at("/error/code").asText())
        .isEqualTo("rate_limit_exceeded");
    assertThat(retried.statusCode()).isEqualTo(201);
    assertThat(simulator.sessionsCreated()).isEqualTo(1);
  }

  @Test
  void aConnectionDroppedAfterCreatingLeavesTheSessionMadeUnderItsKey() throws Exception {
    simulator.faults().resetAfterCreating(1);

    assertThatThrownBy(() -> post("/v2/checkout_sessions", KEY, "k-1", VALID))
        .isInstanceOf(IOException.class);
    HttpResponse<String> retried = post("/v2/checkout_sessions", KEY, "k-1", VALID);

    assertThat(retried.statusCode()).isEqualTo(201);
    assertThat(Json.parse(retried.body()).path("id").asText()).isEqualTo("cs_test_1");
    assertThat(simulator.sessionsCreated()).isEqualTo(1);
  }

  @Test
  void retrievalsCanFailOnDemand() throws Exception {
    String id =
        Json.parse(post("/v2/checkout_sessions", KEY, null, VALID).body()).path("id").asText();
    simulator.faults().failRetrievals(1, 429);

    HttpRequest get =
        HttpRequest.newBuilder(base.resolve("/v2/checkout_sessions/" + id))
            .header("Authorization", KEY)
            .build();

    assertThat(http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(429);
    assertThat(http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
  }

  @Test
  void
      leavingMidTransferThenExpiringSendsTheSessionWithItsUnfinishedPaymentThenThePaymentExpired() {
    SimulatedSession session =
        new SimulatedSession(
            "cs_x",
            (ObjectNode) Json.parse(VALID),
            CLOCK.instant(),
            CLOCK.instant().plusSeconds(3600),
            "https://x/cs_x");
    simulator.choose(session, "in_progress", false);

    var events = session.expireNow();

    assertThat(events)
        .extracting(Map.Entry::getKey)
        .containsExactly("checkout_session.expired", "payment_intent.expired");
    assertThat(events.get(0).getValue().at("/payment_resource/payment_intent/status").asText())
        .isEqualTo("in_progress");
    assertThat(events.get(1).getValue().path("status").asText()).isEqualTo("expired");
  }

  @Test
  void anUnknownSessionIsA404() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(base.resolve("/v2/checkout_sessions/cs_nope"))
                .header("Authorization", KEY)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(Json.parse(response.body()).path("error").path("code").asText())
        .isEqualTo("resource_missing");
  }

  @Test
  void onlyACreatedSessionCanBeExpired() throws Exception {
    post("/v2/checkout_sessions", KEY, null, VALID);
    HttpResponse<String> expired = post("/v2/checkout_sessions/cs_test_1/expire", KEY, null, "");
    HttpResponse<String> again = post("/v2/checkout_sessions/cs_test_1/expire", KEY, null, "");
    assertThat(Json.parse(expired.body()).path("status").asText()).isEqualTo("expired");
    assertThat(again.statusCode()).isEqualTo(400);
  }

  @Test
  void theHostedPageOffersEveryOutcome() throws Exception {
    post("/v2/checkout_sessions", KEY, null, VALID);
    String page =
        http.send(
                HttpRequest.newBuilder(base.resolve("/checkout/cs_test_1")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    for (String outcome :
        new String[] {
          "succeeded", "failed", "rejected", "pending", "requires_action", "cancel", "expire"
        }) {
      assertThat(page).contains("value=\"" + outcome + "\"");
    }
    assertThat(page).contains("$15.000 CLP");
  }

  @Test
  void mxnAmountsShowInPesosAndCentavos() {
    assertThat(HostedPage.money(123456, "MXN")).isEqualTo("$1,234.56 MXN");
  }
}
