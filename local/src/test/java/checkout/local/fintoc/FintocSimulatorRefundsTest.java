package checkout.local.fintoc;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.json.Json;
import checkout.local.http.Exchanges;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator's refunds ({@code /v1/refunds}), as {@code shared/docs/fintoc.md} has them. */
class FintocSimulatorRefundsTest {
  static final String KEY = "sk_test_simulator";

  /** A Saturday, so "five business days" spans a weekend. */
  static final Instant START = Instant.parse("2026-11-21T12:00:00Z");

  /** A clock the test moves by hand (the local module cannot use test-support's). */
  static final class HandClock extends Clock {
    private volatile Instant now = START;

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("always UTC");
    }
  }

  final HandClock clock = new HandClock();
  final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  final AtomicInteger ids = new AtomicInteger();
  final List<JsonNode> received = new CopyOnWriteArrayList<>();
  final HttpServer merchant;
  final HttpServer server;
  final URI base;
  final HttpClient http = HttpClient.newHttpClient();
  final WebhookSender webhooks;
  final FintocSimulator simulator;

  FintocSimulatorRefundsTest() {
    merchant =
        Exchanges.serve(
            0,
            "merchant",
            exchange -> {
              received.add(
                  Json.parse(new String(Exchanges.body(exchange), StandardCharsets.UTF_8)));
              Exchanges.json(exchange, 200, "{}");
            });
    webhooks =
        new WebhookSender(
            URI.create("http://127.0.0.1:" + merchant.getAddress().getPort() + "/webhooks"),
            "whsec_x",
            WebhookSender.Chaos.NONE,
            Duration.ofMillis(1),
            0,
            clock,
            timer);
    FintocSimulator[] holder = new FintocSimulator[1];
    server = Exchanges.serve(0, "fintoc", exchange -> holder[0].handle(exchange));
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    holder[0] =
        new FintocSimulator(
            KEY, base, clock, prefix -> prefix + "_" + ids.incrementAndGet(), webhooks);
    simulator = holder[0];
    // 15 000 CLP, paid; and one whose payment has not succeeded.
    simulator.hold("cs_paid", "finished", "pi_paid", "succeeded");
    simulator.hold("cs_waiting", "finished", "pi_waiting", "pending");
    simulator.refunds().timing(Duration.ofMinutes(1), Duration.ofMinutes(10));
  }

  @AfterEach
  void stop() {
    server.stop(0);
    merchant.stop(0);
    timer.shutdownNow();
  }

  HttpResponse<String> post(String path, String idempotencyKey, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .header("Authorization", KEY)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(base.resolve(path)).header("Authorization", KEY).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@code POST /v1/refunds} of pi_paid with these extra fields (e.g. {@code "amount": 5000}). */
  HttpResponse<String> refund(String key, String extra) throws Exception {
    String fields = extra.isEmpty() ? "" : ", " + extra;
    return post(
        "/v1/refunds",
        key,
        "{\"resource_type\": \"payment_intent\", \"resource_id\": \"pi_paid\"" + fields + "}");
  }

  /** The id of a refund made now. */
  String made(String extra) throws Exception {
    HttpResponse<String> response = refund(null, extra);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return Json.parse(response.body()).path("id").asText();
  }

  static JsonNode error(HttpResponse<String> response) {
    return Json.parse(response.body()).path("error");
  }

  String status(String id) throws Exception {
    return Json.parse(get("/v1/refunds/" + id).body()).path("status").asText();
  }

  /** The refund webhooks delivered so far, as "type status". */
  List<String> refundEvents() throws InterruptedException {
    assertThat(webhooks.awaitIdle(Duration.ofSeconds(10))).isTrue();
    return received.stream()
        .filter(e -> e.path("type").asText().startsWith("refund."))
        .map(e -> e.path("type").asText() + " " + e.at("/data/status").asText())
        .toList();
  }

  // ---- creating ----------------------------------------------------------------------------

  @Test
  void aRefundWithoutAmountReturnsAllOfThePaymentInItsCurrencyAndStartsPending() throws Exception {
    HttpResponse<String> response =
        refund(null, "\"metadata\": {\"checkout_session_id\": \"cs_paid\"}");
    JsonNode refund = Json.parse(response.body());

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(refund.path("id").asText()).startsWith("ref_test");
    assertThat(refund.path("object").asText()).isEqualTo("refund");
    assertThat(refund.path("amount").asLong()).isEqualTo(15000);
    assertThat(refund.path("currency").asText()).isEqualTo("CLP");
    assertThat(refund.path("status").asText()).isEqualTo("pending");
    assertThat(refund.path("failure_code").isNull()).isTrue();
    assertThat(refund.path("resource_id").asText()).isEqualTo("pi_paid");
    assertThat(refund.path("resource_type").asText()).isEqualTo("payment_intent");
    assertThat(refund.at("/metadata/checkout_session_id").asText()).isEqualTo("cs_paid");
    assertThat(refund.path("mode").asText()).isEqualTo("test");
    assertThat(refund.path("created_at").asText()).isEqualTo("2026-11-21T12:00:00Z");
    assertThat(refund.path("updated_at").asText()).isEqualTo("2026-11-21T12:00:00Z");
  }

  @Test
  void theResourceTypeIsRequiredAndOnlyPaymentIntentIsAccepted() throws Exception {
    HttpResponse<String> missing = post("/v1/refunds", null, "{\"resource_id\": \"pi_paid\"}");
    HttpResponse<String> other =
        post("/v1/refunds", null, "{\"resource_type\": \"payout\", \"resource_id\": \"pi_paid\"}");

    for (HttpResponse<String> response : List.of(missing, other)) {
      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(error(response).path("type").asText()).isEqualTo("invalid_request_error");
      assertThat(error(response).path("param").asText()).isEqualTo("resource_type");
      assertThat(error(response).path("message").asText()).isNotBlank();
      assertThat(error(response).path("doc_url").asText()).startsWith("https://");
    }
    assertThat(simulator.refunds().created()).isZero();
  }

  @Test
  void onlyASucceededPaymentCanBeRefunded() throws Exception {
    HttpResponse<String> response =
        post(
            "/v1/refunds",
            null,
            "{\"resource_type\": \"payment_intent\", \"resource_id\": \"pi_waiting\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response).path("param").asText()).isEqualTo("resource_id");
    assertThat(error(response).path("message").asText()).contains("pending");
  }

  @Test
  void anUnknownPaymentIsRefusedNamingTheResourceId() throws Exception {
    HttpResponse<String> response =
        post(
            "/v1/refunds",
            null,
            "{\"resource_type\": \"payment_intent\", \"resource_id\": \"pi_x\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response).path("code").asText()).isEqualTo("resource_missing");
    assertThat(error(response).path("param").asText()).isEqualTo("resource_id");
  }

  @Test
  void aLiveKeyCannotRefundATestPaymentNorSeeATestRefund() throws Exception {
    String id = made("\"amount\": 1000");
    simulator.acceptOnlyKey("sk_live_simulator");

    HttpResponse<String> refused =
        http.send(
            HttpRequest.newBuilder(base.resolve("/v1/refunds"))
                .header("Authorization", "sk_live_simulator")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"resource_type\": \"payment_intent\", \"resource_id\": \"pi_paid\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> unseen =
        http.send(
            HttpRequest.newBuilder(base.resolve("/v1/refunds/" + id))
                .header("Authorization", "sk_live_simulator")
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(error(refused).path("code").asText()).isEqualTo("resource_missing");
    assertThat(unseen.statusCode()).isEqualTo(404);
  }

  @Test
  void aCurrencyIsRefusedAsAnUnknownParameterTheRefundTakesThePayments() throws Exception {
    HttpResponse<String> response = refund(null, "\"currency\": \"CLP\"");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response).path("code").asText()).isEqualTo("unknown_parameter");
    assertThat(error(response).path("param").asText()).isEqualTo("currency");
  }

  @Test
  void aRecipientAccountIsRefusedForABankTransfer() throws Exception {
    HttpResponse<String> response =
        refund(
            null, "\"recipient_account\": {\"number\": \"123\", \"type\": \"checking_account\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response).path("param").asText()).isEqualTo("recipient_account");
    assertThat(simulator.refunds().created()).isZero();
  }

  @Test
  void anAmountMustBeAPositiveWholeNumber() throws Exception {
    for (String amount : List.of("0", "-5", "1.5", "\"100\"", "null")) {
      HttpResponse<String> response = refund(null, "\"amount\": " + amount);
      assertThat(response.statusCode()).as(amount).isEqualTo(400);
      assertThat(error(response).path("param").asText()).as(amount).isEqualTo("amount");
    }
    assertThat(simulator.refunds().created()).isZero();
  }

  @Test
  void metadataMustBeAnObjectOfStrings() throws Exception {
    HttpResponse<String> response = refund(null, "\"metadata\": {\"n\": 1}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response).path("param").asText()).isEqualTo("metadata");
  }

  @Test
  void twoRefundsThatTogetherExceedThePaymentTheSecondIsRefused() throws Exception {
    made("\"amount\": 10000");

    HttpResponse<String> second = refund(null, "\"amount\": 6000");
    HttpResponse<String> rest = refund(null, "");
    HttpResponse<String> nothingLeft = refund(null, "");

    assertThat(second.statusCode()).isEqualTo(400);
    assertThat(error(second).path("param").asText()).isEqualTo("amount");
    assertThat(error(second).path("message").asText()).contains("5000 of 15000 remain");
    assertThat(rest.statusCode()).as("all that remains").isEqualTo(201);
    assertThat(Json.parse(rest.body()).path("amount").asLong()).isEqualTo(5000);
    assertThat(nothingLeft.statusCode()).isEqualTo(400);
    assertThat(simulator.refunds().created()).isEqualTo(2);
  }

  @Test
  void refundsThatRaceCannotTogetherExceedThePayment() throws Exception {
    ExecutorService racers = Executors.newFixedThreadPool(8);
    List<Callable<Integer>> requests = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      requests.add(() -> refund(null, "\"amount\": 10000").statusCode());
    }
    List<Integer> statuses = new ArrayList<>();
    try {
      for (Future<Integer> answer : racers.invokeAll(requests)) {
        statuses.add(answer.get());
      }
    } finally {
      racers.shutdownNow();
    }

    assertThat(statuses).containsOnly(201, 400).filteredOn(s -> s == 201).hasSize(1);
    assertThat(simulator.refunds().created()).isEqualTo(1);
  }

  @Test
  void aFailedRefundFreesItsAmount() throws Exception {
    simulator.refunds().faults().failRefunds(1, "fraud_risk");
    String failed = made("");
    assertThat(refund(null, "\"amount\": 1").statusCode()).as("all of it is taken").isEqualTo(400);

    clock.advance(Duration.ofMinutes(11));
    simulator.refunds().advance();

    assertThat(status(failed)).isEqualTo("failed");
    assertThat(refund(null, "").statusCode()).as("all of it again").isEqualTo(201);
  }

  @Test
  void aCanceledRefundFreesItsAmount() throws Exception {
    String canceled = made("");
    assertThat(post("/v1/refunds/" + canceled + "/cancel", null, "{}").statusCode()).isEqualTo(200);

    assertThat(refund(null, "").statusCode()).isEqualTo(201);
  }

  // ---- the Idempotency-Key -----------------------------------------------------------------

  @Test
  void theSameKeyReplaysTheFirstRefundAndMakesNoOther() throws Exception {
    HttpResponse<String> first = refund("refund-1", "\"amount\": 5000");
    HttpResponse<String> again = refund("refund-1", "\"amount\": 5000");

    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(simulator.refunds().created()).isEqualTo(1);
    assertThat(simulator.refunds().createKeys()).containsExactly("refund-1", "refund-1");
  }

  @Test
  void theSameKeyWithOtherParametersIsAnErrorAndMakesNothing() throws Exception {
    refund("refund-1", "\"amount\": 5000");
    HttpResponse<String> other = refund("refund-1", "\"amount\": 6000");

    assertThat(other.statusCode()).isEqualTo(400);
    assertThat(error(other).path("code").asText()).isEqualTo("idempotency_key_reused");
    assertThat(simulator.refunds().created()).isEqualTo(1);
  }

  @Test
  void aRefusalIsKeptUnderItsKeyAndReplayedEvenWhenItWouldNowPass() throws Exception {
    String taken = made("");
    HttpResponse<String> refused = refund("refund-2", "");
    post("/v1/refunds/" + taken + "/cancel", null, "{}");

    HttpResponse<String> again = refund("refund-2", "");

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(again.statusCode()).as("replayed, not tried again").isEqualTo(400);
    assertThat(again.body()).isEqualTo(refused.body());
  }

  @Test
  void aFintocErrorIsKeptUnderItsKeyAndANewKeyMakesTheRefund() throws Exception {
    simulator.refunds().faults().failCreates(1, 500);

    HttpResponse<String> first = refund("k-1", "");
    HttpResponse<String> again = refund("k-1", "");
    HttpResponse<String> newKey = refund("k-2", "");

    assertThat(first.statusCode()).isEqualTo(500);
    assertThat(again.statusCode()).isEqualTo(500);
    assertThat(newKey.statusCode()).isEqualTo(201);
    assertThat(simulator.refunds().created()).isEqualTo(1);
  }

  @Test
  void aKeyUsedForASessionIsAnotherRequestForARefund() throws Exception {
    post(
        "/v2/checkout_sessions",
        "shared-key",
        """
        {"amount": 15000, "currency": "CLP", "success_url": "http://localhost/s",
         "cancel_url": "http://localhost/c"}""");

    HttpResponse<String> response = refund("shared-key", "");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response).path("code").asText()).isEqualTo("idempotency_key_reused");
  }

  // ---- moving on the clock, and its webhooks -------------------------------------------------

  @Test
  void aRefundMovesPendingThenInProgressThenSucceededOnTheClockWithAWebhookEach() throws Exception {
    String id = made("\"amount\": 5000");
    assertThat(simulator.refunds().advance()).as("nothing due yet").isZero();

    clock.advance(Duration.ofMinutes(1));
    simulator.refunds().advance();
    String midway = status(id);
    clock.advance(Duration.ofMinutes(10));
    simulator.refunds().advance();

    assertThat(midway).isEqualTo("in_progress");
    assertThat(status(id)).isEqualTo("succeeded");
    assertThat(refundEvents())
        .containsExactly("refund.in_progress in_progress", "refund.succeeded succeeded");
    JsonNode succeeded = received.get(received.size() - 1);
    assertThat(succeeded.at("/data/id").asText()).isEqualTo(id);
    assertThat(succeeded.at("/data/resource_id").asText()).isEqualTo("pi_paid");
    assertThat(succeeded.at("/data/updated_at").asText()).isEqualTo("2026-11-21T12:11:00Z");
    assertThat(succeeded.path("mode").asText()).isEqualTo("test");
  }

  @Test
  void aReadMovesARefundWhoseTimeHasComeAndSendsWhatIsDue() throws Exception {
    String id = made("");

    clock.advance(Duration.ofHours(1));

    assertThat(status(id)).isEqualTo("succeeded");
    assertThat(refundEvents())
        .as("both transitions, in order, once")
        .containsExactly("refund.in_progress in_progress", "refund.succeeded succeeded");
    assertThat(simulator.refunds().advance()).isZero();
  }

  @Test
  void insufficientFundsFailsTheRefundOnlyAfterFiveBusinessDaysInProgress() throws Exception {
    simulator.refunds().faults().failRefunds(1, "insufficient_funds");
    String id = made("");
    clock.advance(Duration.ofMinutes(1)); // in progress from Saturday 12:01

    // Saturday + 5 business days = the next Friday 12:01; a minute before, still trying.
    clock.advance(Duration.ofDays(6).minus(Duration.ofMinutes(1)));
    String aMinuteBefore = status(id);
    clock.advance(Duration.ofMinutes(1));
    JsonNode refund = Json.parse(get("/v1/refunds/" + id).body());

    assertThat(aMinuteBefore).isEqualTo("in_progress");
    assertThat(refund.path("status").asText()).isEqualTo("failed");
    assertThat(refund.path("failure_code").asText()).isEqualTo("insufficient_funds");
    assertThat(refund.path("updated_at").asText()).isEqualTo("2026-11-27T12:01:00Z");
    assertThat(refundEvents())
        .containsExactly("refund.in_progress in_progress", "refund.failed failed");
  }

  @Test
  void fiveBusinessDaysSkipTheWeekend() {
    assertThat(SimulatedRefunds.plusBusinessDays(Instant.parse("2026-11-20T10:00:00Z"), 5))
        .as("Friday + 5 = the next Friday")
        .isEqualTo(Instant.parse("2026-11-27T10:00:00Z"));
    assertThat(SimulatedRefunds.plusBusinessDays(Instant.parse("2026-11-23T10:00:00Z"), 5))
        .as("Monday + 5 = the next Monday")
        .isEqualTo(Instant.parse("2026-11-30T10:00:00Z"));
  }

  @Test
  void lostRefundWebhooksAreNeverSentButTheRefundStillMovesOn() throws Exception {
    simulator.refunds().faults().loseWebhooks(2);
    String id = made("");

    clock.advance(Duration.ofHours(1));
    simulator.refunds().advance();

    assertThat(status(id)).isEqualTo("succeeded");
    assertThat(refundEvents()).isEmpty();
  }

  // ---- cancel ------------------------------------------------------------------------------

  @Test
  void aRefundHeldPendingStaysPendingWhateverTheClockAndCanBeCanceledOnceWithoutAWebhook()
      throws Exception {
    simulator.refunds().faults().holdPending(1);
    String id = made("");
    clock.advance(Duration.ofDays(30));

    HttpResponse<String> canceled = post("/v1/refunds/" + id + "/cancel", null, "{}");
    HttpResponse<String> again = post("/v1/refunds/" + id + "/cancel", null, "{}");

    assertThat(canceled.statusCode()).isEqualTo(200);
    assertThat(Json.parse(canceled.body()).path("status").asText()).isEqualTo("canceled");
    assertThat(Json.parse(canceled.body()).path("updated_at").asText())
        .isEqualTo("2026-12-21T12:00:00Z");
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(error(again).path("message").asText()).contains("canceled");
    assertThat(status(id)).isEqualTo("canceled");
    assertThat(refundEvents()).as("Fintoc sends no refund.canceled").isEmpty();
  }

  @Test
  void aRefundInProgressCannotBeCanceled() throws Exception {
    String id = made("");
    clock.advance(Duration.ofMinutes(1));

    HttpResponse<String> response = post("/v1/refunds/" + id + "/cancel", null, "{}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response).path("message").asText()).contains("in_progress");
    assertThat(status(id)).isEqualTo("in_progress");
  }

  @Test
  void anUnknownRefundIsA404ForGetAndCancel() throws Exception {
    assertThat(get("/v1/refunds/ref_nope").statusCode()).isEqualTo(404);
    assertThat(error(get("/v1/refunds/ref_nope")).path("code").asText())
        .isEqualTo("resource_missing");
    assertThat(post("/v1/refunds/ref_nope/cancel", null, "{}").statusCode()).isEqualTo(404);
  }

  // ---- the list, and the key ---------------------------------------------------------------

  @Test
  void theListIsNewestFirstAndFiltersByStatusAndTime() throws Exception {
    String first = made("\"amount\": 1000");
    clock.advance(Duration.ofMinutes(5)); // first in progress
    String second = made("\"amount\": 2000");
    String third = made("\"amount\": 3000");

    JsonNode all = Json.parse(get("/v1/refunds").body());
    JsonNode pending = Json.parse(get("/v1/refunds?status=pending").body());
    JsonNode early = Json.parse(get("/v1/refunds?until=2026-11-21T12:01:00Z").body());
    JsonNode late = Json.parse(get("/v1/refunds?since=2026-11-21T12:05:00Z").body());

    assertThat(all.findValuesAsText("id")).containsExactly(third, second, first);
    assertThat(pending.findValuesAsText("id")).containsExactly(third, second);
    assertThat(early.findValuesAsText("id")).containsExactly(first);
    assertThat(late.findValuesAsText("id")).containsExactly(third, second);
    assertThat(get("/v1/refunds?since=yesterday").statusCode()).isEqualTo(400);
  }

  @Test
  void aWrongKeyIsRefusedOnTheRefundRoutesToo() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(base.resolve("/v1/refunds"))
                .header("Authorization", "sk_test_other")
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(error(response).path("code").asText()).isEqualTo("invalid_api_key");
  }
}
