package checkout.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Config;
import checkout.json.Json;
import checkout.session.RefundRecord;
import checkout.session.RefundStatus;
import checkout.session.StoredRefund;
import checkout.store.RefundLedger;
import checkout.testing.FintocEvents;
import checkout.testing.LogCapture;
import checkout.testing.RefundFixture;
import checkout.testing.SecretsManagerStub;
import checkout.testing.TestStack;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code refund.*} events against DynamoDB Local, signed as Fintoc signs them, about refunds made
 * through {@code Refunds} at the Fintoc simulator: applied exactly once, in any order, through the
 * same merge as every other report; a refund we did not ask for writes nothing.
 */
class RefundWebhooksTest {
  static final TestStack stack = new TestStack();
  static final String CS = "cs_test_refunds";
  static final String PI = "pi_test_refunds";

  Config config;
  DynamoDbClient dynamo;
  WebhookHandler handler;
  RefundFixture refunds;

  @BeforeEach
  void aPaidSession() {
    stack.fintoc.reset();
    stack.secrets.reset();
    config = stack.config("refund-webhooks", Map.of());
    dynamo = stack.dynamo.client();
    handler = new WebhookHandler(TestStack.platform(config).build());
    refunds = new RefundFixture(config, TestStack.CLOCK);
    refunds.paid(stack.fintoc, CS, PI);
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  /** Fintoc's delivery of {@code event}: its status and outcome. */
  String deliver(String event) {
    APIGatewayV2HTTPResponse response =
        handler.handleRequest(
            FintocEvents.delivery(event, SecretsManagerStub.WEBHOOK_SECRET, TestStack.NOW), null);
    return response.getStatusCode() + " " + Json.parse(response.getBody()).path("outcome").asText();
  }

  /**
   * A {@code refund.<status>} event about the refund as Fintoc holds it, now in {@code status},
   * made at {@code createdAt}.
   */
  static String refundEvent(
      String eventId, JsonNode fintocRefund, String status, Instant createdAt) {
    ObjectNode data = (ObjectNode) fintocRefund.deepCopy();
    data.put("status", status);
    if (status.equals("failed")) {
      data.put("failure_code", "insufficient_funds");
    }
    return FintocEvents.at(FintocEvents.event(eventId, "refund." + status, data), createdAt);
  }

  /** The refund as Fintoc holds it (made by our create just now). */
  JsonNode atFintoc(StoredRefund refund) {
    return stack.fintoc.refunds().refund(refund.refund().refundId());
  }

  /** Every item in the table, by key. */
  Map<String, Map<String, AttributeValue>> items() {
    Map<String, Map<String, AttributeValue>> items = new TreeMap<>();
    dynamo
        .scan(r -> r.tableName(config.required("SESSIONS_TABLE")))
        .items()
        .forEach(i -> items.put(i.get("pk").s(), i));
    return items;
  }

  /** What a refund's record and its payment's ledger say, minus when it was decided. */
  String outcome(String refundId) {
    StoredRefund stored = refunds.stored(refundId);
    RefundRecord refund = stored.refund();
    RefundLedger ledger = refunds.ledger(PI);
    return refund.status()
        + " at "
        + refund.statusAt()
        + " failure="
        + refund.failureCode()
        + " freed="
        + refund.amountFreed()
        + " attention="
        + stored.attention()
        + " next_look="
        + stored.nextCheckAt()
        + " | held="
        + ledger.held()
        + " succeeded="
        + ledger.succeeded()
        + " refunded_after="
        + stored.refundedAfter();
  }

  static final Instant T1 = TestStack.NOW.plusSeconds(60);
  static final Instant T2 = TestStack.NOW.plusSeconds(120);

  static Stream<Arguments> everyOrderEachTwice() {
    return Stream.of(
        Arguments.of("in_progress,succeeded", "succeeded"),
        Arguments.of("succeeded,in_progress", "succeeded"),
        Arguments.of("in_progress,failed", "failed"),
        Arguments.of("failed,in_progress", "failed"));
  }

  @ParameterizedTest(name = "{0}, each delivered twice")
  @MethodSource("everyOrderEachTwice")
  void refundEventsInAnyOrderAndDuplicatedEndInTheSameRecordAndLedger(String order, String last) {
    StoredRefund refund = refunds.request(CS, 6000, "key-1");
    JsonNode fintoc = atFintoc(refund);
    Map<String, String> events = new TreeMap<>();
    events.put("in_progress", refundEvent("evt_r1", fintoc, "in_progress", T1));
    events.put(last, refundEvent("evt_r2", fintoc, last, T2));

    List<String> answers = new ArrayList<>();
    for (String status : order.split(",")) {
      answers.add(deliver(events.get(status)));
    }
    for (String status : order.split(",")) {
      answers.add(deliver(events.get(status)));
    }

    assertThat(answers)
        .containsExactly("200 applied", "200 applied", "200 duplicate", "200 duplicate");
    if (last.equals("succeeded")) {
      assertThat(outcome(refund.id()))
          .isEqualTo(
              "succeeded at "
                  + T2
                  + " failure=null freed=false attention=null next_look=null"
                  + " | held=6000 succeeded=6000 refunded_after=6000");
    } else {
      assertThat(outcome(refund.id()))
          .isEqualTo(
              "failed at "
                  + T2
                  + " failure=insufficient_funds freed=true attention=refund_failed"
                  + " next_look=null | held=0 succeeded=0 refunded_after=0");
    }
    assertThat(items()).as("one marker per event").containsKeys("EVENT#evt_r1", "EVENT#evt_r2");
  }

  @Test
  void aRefundEventThatArrivesBeforeOurCreatesAnswerWasStoredFindsItsRefundByMetadata() {
    // Fintoc made the refund, but its answer never reached us: we hold no Fintoc id yet.
    stack.fintoc.refunds().faults().resetAfterCreating(1);
    RefundFixture direct =
        new RefundFixture(
            config.with(Map.of("FINTOC_API_URL", stack.fintoc.directUrl())), TestStack.CLOCK);
    StoredRefund refund = direct.request(CS, 5000, "key-1");
    assertThat(refund.refund().refundId()).as("no answer was stored").isNull();
    assertThat(stack.fintoc.refunds().created()).isEqualTo(1);
    // The first id the simulator made (the session and its payment were held, not made).
    JsonNode fintoc = stack.fintoc.refunds().refund("ref_test_000001");
    assertThat(fintoc.at("/metadata/checkout_refund_id").asText()).isEqualTo(refund.id());

    assertThat(deliver(refundEvent("evt_r1", fintoc, "in_progress", T1))).isEqualTo("200 applied");

    StoredRefund after = refunds.stored(refund.id());
    assertThat(after.refund().refundId()).isEqualTo(fintoc.get("id").asText());
    assertThat(after.refund().status()).isEqualTo(RefundStatus.IN_PROGRESS);
    assertThat(refunds.ledger(PI).held()).as("still held, once").isEqualTo(5000);
  }

  @Test
  void aRefundEventWithoutOurRefundIdInItsMetadataIsForeignAndWritesNothing() {
    // Made in Fintoc's dashboard, or by another integration, of a payment of ours.
    ObjectNode data =
        Json.object()
            .put("id", "ref_dashboard_1")
            .put("object", "refund")
            .put("status", "succeeded")
            .put("amount", 1000)
            .put("currency", "CLP")
            .put("resource_type", "payment_intent")
            .put("resource_id", PI);
    data.set("metadata", Json.object());
    Map<String, Map<String, AttributeValue>> before = items();

    try (LogCapture logs = new LogCapture()) {
      assertThat(deliver(FintocEvents.event("evt_f1", "refund.succeeded", data)))
          .isEqualTo("200 foreign");
      assertThat(deliver(FintocEvents.event("evt_f1", "refund.succeeded", data)))
          .as("again: still foreign, no marker kept")
          .isEqualTo("200 foreign");
      assertThat(logs.all()).contains("\"WebhooksForeign\"").doesNotContain("\"WebhooksApplied\"");
    }

    assertThat(items()).isEqualTo(before);
  }

  @Test
  void aRefundEventNamingARefundIdWeDoNotHoldIsForeignAndWritesNothing() {
    // Another stack on the same Fintoc account: our metadata keys, its own refund.
    ObjectNode data =
        Json.object()
            .put("id", "ref_other_stack")
            .put("object", "refund")
            .put("status", "in_progress")
            .put("amount", 1000)
            .put("currency", "CLP")
            .put("resource_type", "payment_intent")
            .put("resource_id", "pi_other_stack");
    data.set(
        "metadata",
        Json.object()
            .put("checkout_session_id", "cs_other_stack")
            .put("checkout_refund_id", "rf_other_stack"));
    Map<String, Map<String, AttributeValue>> before = items();

    assertThat(deliver(FintocEvents.event("evt_f2", "refund.in_progress", data)))
        .isEqualTo("200 foreign");

    assertThat(items()).isEqualTo(before);
  }

  @Test
  void aRefundEventWhoseRefundIdCannotBeOursIsForeignNeverA5xx() {
    // Metadata is whatever made the refund put there (a dashboard, another integration): a value
    // under our key that is not one of our ids must not reach the table as a key (DynamoDB refuses
    // a key over 2048 bytes, and Fintoc would be answered 5xx for every redelivery).
    ObjectNode data =
        Json.object()
            .put("id", "ref_odd_1")
            .put("object", "refund")
            .put("status", "succeeded")
            .put("amount", 1000)
            .put("currency", "CLP")
            .put("resource_type", "payment_intent")
            .put("resource_id", PI);
    data.set(
        "metadata",
        Json.object().put("checkout_session_id", CS).put("checkout_refund_id", "x".repeat(3000)));
    Map<String, Map<String, AttributeValue>> before = items();

    assertThat(deliver(FintocEvents.event("evt_odd_1", "refund.succeeded", data)))
        .isEqualTo("200 foreign");

    assertThat(items()).isEqualTo(before);
  }

  @Test
  void aRefundStatusWeDoNotKnowIsStoredAndHoldsItsAmount() {
    StoredRefund refund = refunds.request(CS, 4000, "key-1");
    JsonNode fintoc = atFintoc(refund);

    assertThat(deliver(refundEvent("evt_u1", fintoc, "on_hold", T1))).isEqualTo("200 applied");

    StoredRefund after = refunds.stored(refund.id());
    assertThat(after.refund().status().wire()).isEqualTo("on_hold");
    assertThat(after.refund().isFinal()).isFalse();
    assertThat(after.nextCheckAt()).as("still looked at by the sweeper").isNotNull();
    assertThat(refunds.ledger(PI).held()).isEqualTo(4000);
    assertThat(deliver(refundEvent("evt_u2", fintoc, "succeeded", T2))).isEqualTo("200 applied");
    assertThat(refunds.stored(refund.id()).refund().status()).isEqualTo(RefundStatus.SUCCEEDED);
  }

  @Test
  void aFailedRefundIsMarkedForAPersonOnceHoweverOftenItIsReported() {
    StoredRefund refund = refunds.request(CS, 6000, "key-1");
    JsonNode fintoc = atFintoc(refund);

    try (LogCapture logs = new LogCapture()) {
      deliver(refundEvent("evt_x1", fintoc, "failed", T2));
      deliver(refundEvent("evt_x1", fintoc, "failed", T2));
      deliver(refundEvent("evt_x2", fintoc, "failed", T2.plusSeconds(5)));

      assertThat(ForeignSessionsTest.metricLines(logs))
          .filteredOn(line -> line.has("Attention") && line.has("Kind"))
          .singleElement()
          .satisfies(
              line -> {
                assertThat(line.get("Kind").asText()).isEqualTo("refund_failed");
                assertThat(line.get("Attention").asInt()).isEqualTo(1);
              });
      assertThat(logs.lines())
          .filteredOn(l -> l.contains("\"event\":\"refund_failed\""))
          .hasSize(1);
    }
    assertThat(refunds.stored(refund.id()).attention()).isEqualTo("refund_failed");
    assertThat(refunds.ledger(PI).held()).as("its amount freed").isZero();
  }

  @Test
  void aRefundFintocRefusedButThenReportsIsMarkedForAPersonOnceAndItsAmountStaysAsItWas() {
    stack.fintoc.refunds().faults().failCreates(1, 400);
    StoredRefund refused = refunds.request(CS, 4000, "key-1");
    assertThat(refused.refund().status()).isEqualTo(RefundStatus.REJECTED);
    ObjectNode reported = Json.object();
    reported.put("id", "ref_reported_late");
    reported.put("object", "refund");
    reported.put("amount", 4000);
    reported.put("currency", "CLP");
    reported.put("resource_type", "payment_intent");
    reported.put("resource_id", PI);
    reported
        .putObject("metadata")
        .put("checkout_session_id", CS)
        .put("checkout_refund_id", refused.id());

    try (LogCapture logs = new LogCapture()) {
      assertThat(deliver(refundEvent("evt_late1", reported, "succeeded", T1)))
          .isEqualTo("200 applied");
      assertThat(deliver(refundEvent("evt_late1", reported, "succeeded", T1)))
          .isEqualTo("200 duplicate");
      assertThat(deliver(refundEvent("evt_late2", reported, "succeeded", T2)))
          .isEqualTo("200 applied");

      assertThat(ForeignSessionsTest.metricLines(logs))
          .filteredOn(line -> line.has("Attention") && line.has("Kind"))
          .singleElement()
          .satisfies(
              line -> assertThat(line.get("Kind").asText()).isEqualTo("refund_after_rejection"));
    }
    StoredRefund after = refunds.stored(refused.id());
    assertThat(after.attention()).isEqualTo("refund_after_rejection");
    assertThat(after.refund().refundId()).isEqualTo("ref_reported_late");
    assertThat(after.refund().status())
        .as("our record of the refusal stays")
        .isEqualTo(RefundStatus.REJECTED);
    assertThat(refunds.ledger(PI).held()).as("a person reconciles; nothing counted twice").isZero();
  }
}
