package checkout.webhook;

import static checkout.testing.FintocEvents.paymentIntent;
import static checkout.testing.FintocEvents.sessionExpired;
import static checkout.testing.FintocEvents.sessionFinished;
import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Config;
import checkout.fintoc.WebhookSignature;
import checkout.json.Json;
import checkout.session.CheckoutSession;
import checkout.session.PaymentStatus;
import checkout.session.SessionStatus;
import checkout.store.SessionRepository;
import checkout.testing.FaultInjector;
import checkout.testing.FintocEvents;
import checkout.testing.LogCapture;
import checkout.testing.SecretsManagerStub;
import checkout.testing.TestSessions;
import checkout.testing.TestStack;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/** WebhookHandler against DynamoDB Local, with deliveries signed as Fintoc signs them. */
class WebhookHandlerTest {
  static final TestStack stack = new TestStack();
  static final String SECRET = SecretsManagerStub.WEBHOOK_SECRET;
  static final String CS = "cs_test_000001";
  static final String PI = "pi_test_000001";

  Config config;
  DynamoDbClient dynamo;
  SessionRepository sessions;
  WebhookHandler handler;

  @BeforeEach
  void aStoredOpenSession() {
    stack.secrets.reset();
    config = stack.config("webhook", Map.of());
    dynamo = stack.dynamo.client();
    sessions = new SessionRepository(dynamo, config.required("SESSIONS_TABLE"));
    sessions.insert(TestSessions.open(CS, "order-42", Instant.parse("2026-11-22T12:00:00Z")));
    handler = new WebhookHandler(TestStack.platform(config).build());
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  APIGatewayV2HTTPResponse deliver(String body) {
    return deliver(handler, body);
  }

  static APIGatewayV2HTTPResponse deliver(WebhookHandler handler, String body) {
    return handler.handleRequest(FintocEvents.delivery(body, SECRET, TestStack.NOW), null);
  }

  CheckoutSession stored() {
    return sessions.find(CS).orElseThrow();
  }

  /** What GetSession would show, minus timestamps. */
  String state() {
    CheckoutSession s = stored();
    return s.status().wire()
        + "/"
        + (s.paymentStatus() == null ? "-" : s.paymentStatus().wire())
        + "/"
        + s.paymentIntentId()
        + "/"
        + s.attention()
        + "/"
        + s.nextAction();
  }

  // --- verification ---------------------------------------------------------------------------

  @Test
  void aSignedEventIsAppliedAndAnswered200() {
    APIGatewayV2HTTPResponse response = deliver(sessionFinished("evt_1", CS, PI, "succeeded"));

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(Json.parse(response.getBody()).get("outcome").asText()).isEqualTo("applied");
    assertThat(stored().status()).isEqualTo(SessionStatus.FINISHED);
    assertThat(stored().paymentStatus()).isEqualTo(PaymentStatus.SUCCEEDED);
  }

  static Stream<Arguments> refusedDeliveries() {
    String body = sessionFinished("evt_1", CS, PI, "succeeded");
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    long t = TestStack.NOW.getEpochSecond();
    return Stream.of(
        Arguments.of("no header", null, "MISSING_HEADER", "no Fintoc-Signature header"),
        Arguments.of(
            "a malformed header",
            "v1=abcdef",
            "MALFORMED_HEADER",
            "Fintoc-Signature is not of the form t=<unix seconds>,v1=<hex>"),
        Arguments.of(
            "a stale timestamp",
            WebhookSignature.sign(bytes, SECRET, t - 301),
            "TIMESTAMP_OUTSIDE_TOLERANCE",
            "the signature's timestamp is outside the tolerance"),
        Arguments.of(
            "another secret",
            WebhookSignature.sign(bytes, "whsec_attacker", t),
            "NO_MATCHING_SIGNATURE",
            "no v1 signature matches the body with any webhook secret"));
  }

  @ParameterizedTest(name = "{0} is refused with 400 and changes nothing")
  @MethodSource("refusedDeliveries")
  void aDeliveryThatFailsVerificationIsRefusedAndChangesNothing(
      String what, String header, String reason, String message) {
    APIGatewayV2HTTPEvent request =
        FintocEvents.delivery(sessionFinished("evt_1", CS, PI, "succeeded"), SECRET, TestStack.NOW);
    request.getHeaders().remove("fintoc-signature");
    if (header != null) {
      request.getHeaders().put("fintoc-signature", header);
    }

    try (LogCapture logs = new LogCapture()) {
      APIGatewayV2HTTPResponse response = handler.handleRequest(request, null);

      assertThat(response.getStatusCode()).isEqualTo(400);
      assertThat(Json.parse(response.getBody()).at("/error/code").asText())
          .isEqualTo("invalid_signature");
      assertThat(Json.parse(response.getBody()).at("/error/message").asText()).isEqualTo(message);
      assertThat(logs.all())
          .contains("webhook_signature_rejected")
          .contains("\"reason\":\"" + reason + "\"")
          .doesNotContain(SECRET);
    }
    assertThat(state()).isEqualTo("created/-/null/null/null");
    assertThat(sessions.findPayment(PI)).isEmpty();
  }

  @Test
  void aBase64EncodedBodyIsVerifiedOverItsDecodedBytes() {
    String body =
        "{\r\n  \"id\": \"evt_1\",\r\n  \"type\": \"checkout_session.expired\",\r\n  \"data\": {\"id\": \""
            + CS
            + "\", \"status\": \"expired\"}\r\n}\r\n";
    APIGatewayV2HTTPEvent request = FintocEvents.delivery(body, SECRET, TestStack.NOW);
    request.setBody(Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)));
    request.setIsBase64Encoded(true);

    assertThat(handler.handleRequest(request, null).getStatusCode()).isEqualTo(200);
    assertThat(stored().status()).isEqualTo(SessionStatus.EXPIRED);
  }

  @Test
  void aRotatedSecretIsPickedUpWithoutARedeploy() {
    stack.secrets.holdSecret("sk_test_x", "whsec_rotated");

    APIGatewayV2HTTPResponse response =
        handler.handleRequest(
            FintocEvents.delivery(sessionExpired("evt_1", CS), "whsec_rotated", TestStack.NOW),
            null);

    assertThat(response.getStatusCode()).isEqualTo(200);
  }

  // --- every event type -------------------------------------------------------------------------

  static Stream<Arguments> eventTypes() {
    return Stream.of(
        Arguments.of(
            sessionFinished("evt_1", CS, PI, "pending"),
            "finished/pending/pi_test_000001/null/null"),
        Arguments.of(sessionExpired("evt_1", CS), "expired/-/null/null/null"),
        Arguments.of(
            linkThen(paymentIntent("evt_1", "succeeded", PI)),
            "created/succeeded/pi_test_000001/null/null"),
        Arguments.of(
            linkThen(paymentIntent("evt_1", "failed", PI)),
            "created/failed/pi_test_000001/null/null"),
        Arguments.of(
            linkThen(paymentIntent("evt_1", "rejected", PI)),
            "created/rejected/pi_test_000001/null/null"),
        Arguments.of(
            linkThen(paymentIntent("evt_1", "expired", PI)),
            "created/expired/pi_test_000001/null/null"),
        Arguments.of(
            linkThen(paymentIntent("evt_1", "pending", PI)),
            "created/pending/pi_test_000001/null/null"),
        Arguments.of(
            linkThen(paymentIntent("evt_1", "requires_action", PI)),
            "created/requires_action/pi_test_000001/null/{\"type\":\"approval_required\",\"approvers_pending\":1}"));
  }

  /** A payment event whose payload names its session, so it applies on its own. */
  static String linkThen(String paymentEvent) {
    var event = (ObjectNode) Json.parse(paymentEvent);
    ((ObjectNode) event.get("data")).put("checkout_session", CS);
    return Json.write(event);
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("eventTypes")
  void eachEventTypeMovesTheSessionToItsState(String event, String expected) {
    assertThat(deliver(event).getStatusCode()).isEqualTo(200);
    assertThat(state()).isEqualTo(expected);
  }

  // --- no status is fatal ---------------------------------------------------------------------

  static final List<String> EVERY_STATUS =
      List.of(
          "created",
          "in_progress",
          "pending",
          "requires_action",
          "succeeded",
          "failed",
          "rejected",
          "expired",
          "processing");

  static Stream<Arguments> everyStatusInEveryEventType() {
    List<Arguments> cases = new ArrayList<>();
    for (String status : EVERY_STATUS) {
      cases.add(
          Arguments.of(
              "checkout_session.finished",
              status,
              sessionFinished("evt_1", CS, PI, status),
              "finished"));
      cases.add(
          Arguments.of(
              "checkout_session.expired",
              status,
              FintocEvents.sessionExpired("evt_1", CS, PI, status),
              "expired"));
      cases.add(
          Arguments.of(
              "payment_intent." + status,
              status,
              linkThen(paymentIntent("evt_1", status, PI)),
              "created"));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} with a {1} payment is stored and answered 200")
  @MethodSource("everyStatusInEveryEventType")
  void anyPaymentStatusInAnyEventTypeIsStoredAndAnswered200(
      String type, String status, String event, String session) {
    APIGatewayV2HTTPResponse response = deliver(event);

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(stored().status().wire()).isEqualTo(session);
    assertThat(stored().paymentStatus().wire()).isEqualTo(status);
    assertThat(stored().paid()).isEqualTo(status.equals("succeeded") && !session.equals("expired"));
  }

  @Test
  void anAbandonedTransferExpiresTheSessionAndWaitsForItsPaymentsFinalStatus() {
    // The issue's case: Fintoc expires the session while the transfer is in_progress.
    APIGatewayV2HTTPResponse response =
        deliver(FintocEvents.sessionExpired("evt_e", CS, PI, "in_progress"));

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(state()).isEqualTo("expired/in_progress/pi_test_000001/null/null");
    assertThat(stored().awaitsSettlement()).as("the sweeper keeps asking").isTrue();
    assertThat(stored().nextSettleCheckAt()).isEqualTo(TestStack.NOW.plus(Duration.ofMinutes(10)));

    deliver(paymentIntent("evt_x", "expired", PI));

    assertThat(state()).isEqualTo("expired/expired/pi_test_000001/null/null");
    assertThat(stored().awaitsSettlement()).isFalse();
    assertThat(stored().nextSettleCheckAt()).isNull();
  }

  @Test
  void aStatusFintocAddsLaterIsStoredAsReportedAndLoggedOnceWithItsName() {
    try (LogCapture logs = new LogCapture()) {
      deliver(linkThen(paymentIntent("evt_1", "on_hold", PI)));
      deliver(linkThen(paymentIntent("evt_2", "on_hold", PI)));

      assertThat(logs.lines())
          .filteredOn(line -> line.contains("unknown_payment_status"))
          .singleElement()
          .satisfies(line -> assertThat(line).startsWith("WARN").contains("\"name\":\"on_hold\""));
    }
    assertThat(state()).isEqualTo("created/on_hold/pi_test_000001/null/null");
  }

  @Test
  void
      aPaymentShowsWhatFintocReportedLastEvenBackFromRequiresActionToPendingWithoutAStaleNextAction() {
    deliver(
        FintocEvents.at(
            linkThen(paymentIntent("evt_1", "pending", PI)), TestStack.NOW.plusSeconds(1)));
    deliver(
        FintocEvents.at(
            linkThen(paymentIntent("evt_2", "requires_action", PI)), TestStack.NOW.plusSeconds(2)));
    assertThat(stored().nextAction()).isNotNull();

    deliver(
        FintocEvents.at(
            linkThen(paymentIntent("evt_3", "pending", PI)), TestStack.NOW.plusSeconds(3)));

    assertThat(state()).isEqualTo("created/pending/pi_test_000001/null/null");
  }

  @Test
  void anOlderReportArrivingLateNeverReplacesANewerOne() {
    deliver(
        FintocEvents.at(
            linkThen(paymentIntent("evt_3", "pending", PI)), TestStack.NOW.plusSeconds(3)));
    deliver(
        FintocEvents.at(
            linkThen(paymentIntent("evt_2", "requires_action", PI)), TestStack.NOW.plusSeconds(2)));

    assertThat(state()).isEqualTo("created/pending/pi_test_000001/null/null");
  }

  @Test
  void anUnknownEventTypeIsAcknowledgedAndIgnored() {
    String payout =
        FintocEvents.event("evt_9", "payout.succeeded", Json.object().put("id", "po_1"));

    try (LogCapture logs = new LogCapture()) {
      APIGatewayV2HTTPResponse response = deliver(payout);
      deliver(FintocEvents.event("evt_10", "payout.succeeded", Json.object().put("id", "po_2")));

      assertThat(response.getStatusCode()).isEqualTo(200);
      assertThat(Json.parse(response.getBody()).get("outcome").asText()).isEqualTo("ignored");
      assertThat(logs.lines())
          .filteredOn(line -> line.contains("unknown_event_type"))
          .as("once, with its name")
          .singleElement()
          .satisfies(line -> assertThat(line).contains("payout.succeeded"));
    }
    assertThat(state()).isEqualTo("created/-/null/null/null");
  }

  @Test
  void aSignedBodyThatIsNotAnEventIsA400() {
    APIGatewayV2HTTPResponse response = deliver("{\"hello\": \"world\"}");

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(Json.parse(response.getBody()).at("/error/code").asText())
        .isEqualTo("invalid_event");
  }

  // --- exactly once
  // ---------------------------------------------------------------------------------

  @Test
  void aDuplicateAfterSuccessChangesNothing() {
    String event = linkThen(paymentIntent("evt_1", "requires_action", PI));
    deliver(event);
    CheckoutSession afterFirst = stored();

    APIGatewayV2HTTPResponse again = deliver(event);

    assertThat(again.getStatusCode()).isEqualTo(200);
    assertThat(Json.parse(again.getBody()).get("outcome").asText()).isEqualTo("duplicate");
    assertThat(stored()).isEqualTo(afterFirst);
  }

  @Test
  void twentyConcurrentDeliveriesOfOneEventApplyItOnce() throws Exception {
    String event = sessionFinished("evt_1", CS, PI, "succeeded");
    ExecutorService pool = Executors.newFixedThreadPool(20);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<APIGatewayV2HTTPResponse>> responses = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      WebhookHandler container = new WebhookHandler(TestStack.platform(config).build());
      responses.add(
          pool.submit(
              () -> {
                start.await();
                return deliver(container, event);
              }));
    }
    start.countDown();

    List<String> outcomes = new ArrayList<>();
    for (Future<APIGatewayV2HTTPResponse> response : responses) {
      assertThat(response.get().getStatusCode()).isEqualTo(200);
      outcomes.add(Json.parse(response.get().getBody()).get("outcome").asText());
    }
    pool.shutdown();
    assertThat(outcomes).filteredOn("applied"::equals).hasSize(1);
    assertThat(outcomes).filteredOn("duplicate"::equals).hasSize(19);
    assertThat(stored().version()).as("one write after the insert").isEqualTo(2);
  }

  @Test
  void aFaultWhileApplyingLeavesNothingSoFintocsRedeliveryAppliesIt() {
    FaultInjector faults = new FaultInjector();
    WebhookHandler flaky =
        new WebhookHandler(TestStack.platform(config).dynamo(stack.dynamo.client(faults)).build());
    faults.failNext(1, request -> request instanceof TransactWriteItemsRequest);
    String event = sessionFinished("evt_1", CS, PI, "succeeded");

    APIGatewayV2HTTPResponse failed = deliver(flaky, event);

    assertThat(failed.getStatusCode())
        .as("a 5xx, so Fintoc redelivers")
        .isGreaterThanOrEqualTo(500);
    assertThat(faults.injected()).isEqualTo(1);
    assertThat(state()).isEqualTo("created/-/null/null/null");

    APIGatewayV2HTTPResponse redelivered = deliver(flaky, event);

    assertThat(redelivered.getStatusCode()).isEqualTo(200);
    assertThat(Json.parse(redelivered.getBody()).get("outcome").asText()).isEqualTo("applied");
    assertThat(state()).isEqualTo("finished/succeeded/pi_test_000001/null/null");
  }

  // --- order-proof
  // ----------------------------------------------------------------------------------

  /** Events of one real payment story; within a story every pair must commute. */
  static Stream<Arguments> pairsOfEvents() {
    List<List<String>> stories =
        List.of(
            List.of(
                sessionFinished("evt_f", CS, PI, "pending"),
                paymentIntent("evt_p", "pending", PI),
                paymentIntent("evt_a", "requires_action", PI),
                paymentIntent("evt_s", "succeeded", PI)),
            List.of(
                sessionFinished("evt_f", CS, PI, "pending"),
                paymentIntent("evt_p", "pending", PI),
                paymentIntent("evt_x", "failed", PI)),
            List.of(
                sessionFinished("evt_f", CS, PI, "rejected"),
                paymentIntent("evt_r", "rejected", PI)),
            List.of(
                sessionExpired("evt_e", CS), linkThen(paymentIntent("evt_s", "succeeded", PI))));
    List<Arguments> pairs = new ArrayList<>();
    for (List<String> story : stories) {
      for (int i = 0; i < story.size(); i++) {
        for (int j = i + 1; j < story.size(); j++) {
          pairs.add(
              Arguments.of(type(story.get(i)), type(story.get(j)), story.get(i), story.get(j)));
        }
      }
    }
    return pairs.stream();
  }

  static String type(String event) {
    return Json.parse(event).get("type").asText()
        + "("
        + Json.parse(event).at("/data/status").asText()
        + Json.parse(event).at("/data/payment_resource/payment_intent/status").asText()
        + ")";
  }

  @ParameterizedTest(name = "{0} and {1} end alike in either order")
  @MethodSource("pairsOfEvents")
  void eachPairOfEventsEndsInTheSameStateInEitherOrder(
      String a, String b, String first, String second) {
    deliver(first);
    deliver(second);
    String forward = state();

    aStoredOpenSession();
    deliver(second);
    deliver(first);

    assertThat(state()).isEqualTo(forward);
  }

  @Test
  void aPaymentEventBeforeItsSessionIsLinkedIsKeptAndMergedWhenTheLinkArrives() {
    deliver(paymentIntent("evt_s", "succeeded", PI));
    assertThat(state()).as("not linked yet").isEqualTo("created/-/null/null/null");
    assertThat(sessions.findPayment(PI).orElseThrow().status()).isEqualTo(PaymentStatus.SUCCEEDED);

    deliver(sessionFinished("evt_f", CS, PI, "pending"));

    assertThat(state()).isEqualTo("finished/succeeded/pi_test_000001/null/null");
    assertThat(sessions.findPayment(PI).orElseThrow().sessionId()).isEqualTo(CS);
  }

  @Test
  void anUnlinkedPaymentRecordExpiresAfter30DaysUnlessALinkToOurSessionKeepsIt() {
    // A payment event names no session: it might be another integration's, so while nothing
    // links it to a session of ours its record carries the table's TTL.
    deliver(paymentIntent("evt_s", "succeeded", PI));
    assertThat(item("PAYMENT#" + PI))
        .containsEntry(
            "ttl",
            AttributeValue.fromN(
                String.valueOf(TestStack.NOW.plus(Duration.ofDays(30)).getEpochSecond())));

    deliver(sessionFinished("evt_f", CS, PI, "pending"));

    assertThat(item("PAYMENT#" + PI))
        .as("linked to our session: kept as long as it")
        .containsEntry("session_id", AttributeValue.fromS(CS))
        .doesNotContainKey("ttl");
  }

  Map<String, AttributeValue> item(String pk) {
    return dynamo
        .getItem(
            r ->
                r.tableName(config.required("SESSIONS_TABLE"))
                    .key(Map.of("pk", AttributeValue.fromS(pk))))
        .item();
  }

  @Test
  void aPaymentEventRacingTheLinkingEventEndsWithTheMostAdvancedStatus() throws Exception {
    race(
        paymentIntent("evt_s", "succeeded", PI),
        sessionFinished("evt_f", CS, PI, "pending"),
        "finished/succeeded/pi_test_000001/null/null");
  }

  @Test
  void twoEventsRacingOnOneSessionBothLandNeitherOverwritesTheOther() throws Exception {
    race(
        sessionExpired("evt_e", CS),
        linkThen(paymentIntent("evt_s", "succeeded", PI)),
        "expired/succeeded/pi_test_000001/paid_after_expiry/null");
  }

  /** Delivers two events at the same moment to two containers, ten times over. */
  void race(String first, String second, String expected) throws Exception {
    for (int round = 0; round < 10; round++) {
      aStoredOpenSession();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<APIGatewayV2HTTPResponse>> responses = new ArrayList<>();
      for (String event : List.of(first, second)) {
        WebhookHandler container = new WebhookHandler(TestStack.platform(config).build());
        responses.add(
            pool.submit(
                () -> {
                  start.await();
                  return deliver(container, event);
                }));
      }
      start.countDown();

      for (Future<APIGatewayV2HTTPResponse> response : responses) {
        assertThat(response.get().getStatusCode()).isEqualTo(200);
      }
      pool.shutdown();
      assertThat(state()).as("round " + round).isEqualTo(expected);
    }
  }

  @Test
  void aPaymentThatSucceedsOnAnExpiredSessionIsRecordedAndFlagged() {
    deliver(sessionExpired("evt_e", CS));

    try (LogCapture logs = new LogCapture()) {
      deliver(sessionFinished("evt_f", CS, PI, "succeeded"));

      assertThat(logs.all()).contains("paid_after_expiry");
    }
    assertThat(state()).isEqualTo("expired/succeeded/pi_test_000001/paid_after_expiry/null");
    assertThat(stored().paid()).isFalse();
  }

  @Test
  void aPaymentThatSucceedsForTheSessionsAmountMakesItPaid() {
    deliver(sessionFinished("evt_f", CS, PI, "succeeded"));

    assertThat(stored().paid()).isTrue();
    assertThat(stored().paymentAmount()).isEqualTo(15000L);
    assertThat(stored().attention()).isNull();
  }

  @ParameterizedTest(
      name = "a payment of {0} {1} on a 15000 CLP session is recorded, flagged and never paid")
  @CsvSource({"1, CLP", "15000, MXN", "150000, CLP"})
  void aPaymentThatSucceedsForAnotherAmountIsRecordedFlaggedAndNeverPaid(
      long amount, String currency) {
    try (LogCapture logs = new LogCapture()) {
      deliver(sessionFinished("evt_f", CS, PI, "succeeded", amount, currency));

      assertThat(logs.lines())
          .anySatisfy(
              line ->
                  assertThat(line)
                      .startsWith("WARN")
                      .contains("\"amount_mismatch\"")
                      .contains("\"payment_amount\":" + amount));
    }
    assertThat(state()).isEqualTo("finished/succeeded/pi_test_000001/amount_mismatch/null");
    assertThat(stored().paid()).isFalse();
    assertThat(stored().paymentAmount()).isEqualTo(amount);
    assertThat(stored().paymentCurrency()).isEqualTo(currency);
  }

  @Test
  void aPaymentMovesOnFromRequiresActionAndDropsTheNextAction() {
    deliver(sessionFinished("evt_f", CS, PI, "pending"));
    deliver(paymentIntent("evt_a", "requires_action", PI));
    assertThat(stored().nextAction()).contains("approval_required");

    deliver(paymentIntent("evt_s", "succeeded", PI));

    assertThat(state()).isEqualTo("finished/succeeded/pi_test_000001/null/null");
  }

  @Test
  void aFinalPaymentStatusNeverChanges() {
    deliver(sessionFinished("evt_f", CS, PI, "failed"));
    deliver(paymentIntent("evt_s", "succeeded", PI));
    deliver(paymentIntent("evt_p", "pending", PI));

    assertThat(state()).isEqualTo("finished/failed/pi_test_000001/null/null");
  }

  // Until issue 22 an event about a session with no row stored one from the event's own data, so
  // a dashboard session, another integration's, or another stack's became ours (and `paid`). Only
  // CreateSession stores a session now: such events are foreign (ForeignSessionsTest).
  @Test
  void anEventForASessionThisDeploymentNeverCreatedIsForeignAndStoresNoSession() {
    APIGatewayV2HTTPResponse response =
        deliver(sessionFinished("evt_1", "cs_dashboard_1", "pi_dashboard_1", "succeeded"));

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(Json.parse(response.getBody()).get("outcome").asText()).isEqualTo("foreign");
    assertThat(sessions.find("cs_dashboard_1")).isEmpty();
    assertThat(sessions.findPayment("pi_dashboard_1")).isEmpty();
  }

  @Test
  void aClosedSessionLeavesTheOpenIndex() {
    deliver(sessionExpired("evt_e", CS));

    var item =
        dynamo
            .getItem(
                r ->
                    r.tableName(config.required("SESSIONS_TABLE"))
                        .key(Map.of("pk", AttributeValue.fromS("SESSION#" + CS))))
            .item();
    assertThat(item).doesNotContainKeys("open_shard", "open_expires_at");
  }
}
