package checkout.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Config;
import checkout.config.Settings;
import checkout.events.OrderEvent;
import checkout.events.OrderEvents;
import checkout.json.Json;
import checkout.local.eventbridge.LocalEventBus;
import checkout.local.http.Exchanges;
import checkout.local.sqs.LocalQueue;
import checkout.platform.Platform;
import checkout.session.CheckoutSession;
import checkout.session.PaymentStatus;
import checkout.session.RefundRecord;
import checkout.session.RefundStatus;
import checkout.session.SessionStatus;
import checkout.session.StoredRefund;
import checkout.store.DynamoJson;
import checkout.store.RefundItems;
import checkout.store.RefundLedger;
import checkout.testing.LogCapture;
import checkout.testing.RecordingSleeper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The publisher, fed stream records as Lambda hands them and putting events on EventBridge's wire
 * format: each committed outcome once, only refused entries sent again, and a record that cannot be
 * published given back with everything after it.
 */
class OrderPublisherTest {
  static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");

  static final CheckoutSession OPEN =
      CheckoutSession.builder()
          .id("cs_test_000001")
          .status(SessionStatus.CREATED)
          .statusAt(T0)
          .amount(15000)
          .currency("CLP")
          .orderReference("order-1001")
          .mode("test")
          .pricing("catalog")
          .lineItems("[{\"price\":\"price_grano_1kg\",\"quantity\":1,\"unit_amount\":15000}]")
          .customer("{\"name\":\"Ana Pérez\",\"email\":\"ana@example.com\"}")
          .createdAt(T0)
          .expiresAt(T0.plusSeconds(3600))
          .updatedAt(T0)
          .version(1)
          .build();

  static final CheckoutSession PAID =
      OPEN.toBuilder()
          .status(SessionStatus.FINISHED)
          .statusAt(T0.plusSeconds(60))
          .paymentIntentId("pi_test_000001")
          .paymentStatus(PaymentStatus.SUCCEEDED)
          .paymentStatusAt(T0.plusSeconds(55))
          .paymentAmount(15000L)
          .paymentCurrency("CLP")
          .paid(true)
          .version(2)
          .build();

  LocalEventBus eventBridge;
  HttpServer server;
  LocalQueue deadLetters;
  HttpServer queueServer;
  Platform platform;
  List<Duration> waits;
  OrderPublisherHandler handler;
  EventBridgePublisher publisher;

  @BeforeEach
  void start() throws Exception {
    eventBridge = new LocalEventBus(null, null, Clock.fixed(T0, ZoneOffset.UTC));
    server = Exchanges.serve(0, "eventbridge", eventBridge::handle);
    queueServer = Exchanges.serve(0, "sqs", exchange -> deadLetters.handle(exchange));
    String queueEndpoint = "http://127.0.0.1:" + queueServer.getAddress().getPort();
    deadLetters = new LocalQueue(queueEndpoint + "/000000000000/order-events-dlq", null);
    waits = new ArrayList<>();
    Config config =
        Config.of(
            Map.of(
                Settings.SESSIONS_TABLE, "sessions",
                Settings.AWS_REGION, "us-east-1",
                Settings.EVENT_BUS_NAME, "orders",
                Settings.EVENTBRIDGE_ENDPOINT, "http://127.0.0.1:" + server.getAddress().getPort(),
                Settings.PUBLISH_MAX_ATTEMPTS, "3",
                Settings.ORDER_EVENTS_DLQ_URL, deadLetters.url(),
                Settings.SQS_ENDPOINT, queueEndpoint));
    platform = Platform.builder(config).sleeper(new RecordingSleeper(waits)).build();
    handler = new OrderPublisherHandler(platform);
    publisher = new OrderPublisherRoot(platform).publisher;
  }

  @AfterEach
  void stop() {
    server.stop(0);
    queueServer.stop(0);
    eventBridge.close();
  }

  static ObjectNode record(String sequence, CheckoutSession before, CheckoutSession after) {
    return record(sequence, image(before), image(after));
  }

  /** A record as Lambda hands it: DynamoDB's JSON, images as the table's items. */
  static ObjectNode record(String sequence, ObjectNode before, ObjectNode after) {
    ObjectNode record =
        Json.object()
            .put("eventID", "event-" + sequence)
            .put("eventName", before == null ? "INSERT" : "MODIFY")
            .put("eventSource", "aws:dynamodb");
    ObjectNode change = record.putObject("dynamodb");
    change.put("ApproximateCreationDateTime", T0.getEpochSecond());
    JsonNode keyed = after != null ? after : before;
    change.putObject("Keys").set("pk", keyed.get("pk"));
    if (before != null) {
      change.set("OldImage", before);
    }
    change.set("NewImage", after);
    change.put("SequenceNumber", sequence).put("StreamViewType", "NEW_AND_OLD_IMAGES");
    return record;
  }

  static byte[] event(ObjectNode... records) {
    ObjectNode event = Json.object();
    event.putArray("Records").addAll(List.of(records));
    return Json.write(event).getBytes(StandardCharsets.UTF_8);
  }

  /** The item as the stream carries it: the table's attributes in DynamoDB's JSON. */
  static ObjectNode image(CheckoutSession session) {
    return StreamImages.image(session);
  }

  /** Runs the handler as the runtime does (bytes in, bytes out); the records it gives back. */
  List<String> handle(byte[] event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      handler.handleRequest(new ByteArrayInputStream(event), out, null);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    JsonNode response = Json.parse(out.toString(StandardCharsets.UTF_8));
    return response.path("batchItemFailures").findValuesAsText("itemIdentifier");
  }

  @Test
  void aSessionThatBecamePaidIsPutOnTheBusOnceWithWhatFulfilmentNeeds() {
    List<String> givenBack = handle(event(record("1", null, OPEN), record("2", OPEN, PAID)));

    assertThat(givenBack).isEmpty();
    assertThat(eventBridge.taken()).hasSize(1);
    JsonNode entry = eventBridge.taken().get(0);
    assertThat(entry.path("EventBusName").asText()).isEqualTo("orders");
    assertThat(entry.path("Source").asText()).isEqualTo("fintoc-checkout");
    assertThat(entry.path("DetailType").asText()).isEqualTo("checkout.session.paid");
    JsonNode detail = eventBridge.details().get(0);
    assertThat(detail.path("id").asText()).isEqualTo("cs_test_000001:paid");
    assertThat(detail.path("session_id").asText()).isEqualTo("cs_test_000001");
    assertThat(detail.path("order_id").asText()).isEqualTo("order-1001");
    assertThat(detail.path("amount").asLong()).isEqualTo(15000);
    assertThat(detail.path("currency").asText()).isEqualTo("CLP");
    assertThat(detail.at("/line_items/0/price").asText()).isEqualTo("price_grano_1kg");
    assertThat(detail.at("/customer/name").asText()).isEqualTo("Ana Pérez");
    assertThat(detail.at("/customer/email").asText()).isEqualTo("ana@example.com");
    assertThat(detail.at("/payment/id").asText()).isEqualTo("pi_test_000001");
    assertThat(detail.at("/payment/status").asText()).isEqualTo("succeeded");
    assertThat(detail.path("occurred_at").asText()).isEqualTo("2026-11-21T12:00:55Z");
  }

  @Test
  void aRecordReadAgainPutsTheSameIdsSoConsumersDedupe() {
    handle(event(record("2", OPEN, PAID)));
    handle(event(record("2", OPEN, PAID)));

    assertThat(eventBridge.details())
        .extracting(d -> d.path("id").asText())
        .containsExactly("cs_test_000001:paid", "cs_test_000001:paid");
  }

  @Test
  void writesThatChangeNoOutcomeAndItemsThatAreNotSessionsPutNothing() {
    ObjectNode claim = Json.object();
    claim.putObject("pk").put("S", "IDEMPOTENCY#key-1");

    List<String> givenBack =
        handle(
            event(
                record("1", null, OPEN),
                record("2", PAID, PAID.toBuilder().version(3).build()),
                record("3", null, claim)));

    assertThat(givenBack).isEmpty();
    assertThat(eventBridge.calls()).isEmpty();
  }

  @Test
  void onlyTheEntriesEventBridgeRefusedAreSentAgainAfterABackoff() {
    CheckoutSession failed =
        OPEN.toBuilder()
            .id("cs_test_000002")
            .status(SessionStatus.FINISHED)
            .paymentIntentId("pi_test_000002")
            .paymentStatus(PaymentStatus.FAILED)
            .paymentStatusAt(T0.plusSeconds(30))
            .version(2)
            .build();
    eventBridge.refuse(e -> e.path("DetailType").asText().equals("checkout.session.paid"), 1);
    List<OrderEvent> both = new ArrayList<>(OrderEvents.between(OPEN, PAID));
    both.addAll(OrderEvents.between(OPEN, failed));

    publisher.publish(both);

    assertThat(eventBridge.calls().get(0)).as("both in one call").hasSize(2);
    assertThat(eventBridge.calls().get(1)).as("the refused entry, alone").hasSize(1);
    assertThat(eventBridge.calls().get(1).get(0).path("DetailType").asText())
        .isEqualTo("checkout.session.paid");
    assertThat(eventBridge.details())
        .extracting(d -> d.path("id").asText())
        .containsExactly("cs_test_000002:payment_failed", "cs_test_000001:paid");
    assertThat(waits)
        .singleElement()
        .satisfies(w -> assertThat(w).isBetween(Duration.ofMillis(100), Duration.ofMillis(200)));
  }

  @Test
  void aRecordThatCannotBePublishedIsGivenBackWithEverythingAfterIt() {
    CheckoutSession other =
        PAID.toBuilder().id("cs_test_000003").orderReference("order-1003").build();
    eventBridge.refuse(
        e -> e.path("Detail").asText().contains("cs_test_000001"), Integer.MAX_VALUE);

    try (LogCapture logs = new LogCapture()) {
      List<String> givenBack =
          handle(
              event(
                  record("1", OPEN.toBuilder().id("cs_test_000003").build(), other),
                  record("2", OPEN, PAID),
                  record("3", OPEN, PAID.toBuilder().id("cs_test_000004").build())));

      assertThat(givenBack).containsExactly("2");
      assertThat(logs.all()).contains("order_events_not_published");
    }
    assertThat(eventBridge.details())
        .extracting(d -> d.path("id").asText())
        .as("the record before was put; the one after waits for the retry")
        .containsExactly("cs_test_000003:paid");
    assertThat(waits).as("3 attempts, 2 waits").hasSize(2);
  }

  @Test
  void anEventBridgeOutageGivesTheRecordBackAndSendsNothingToTheDeadLetterQueue() {
    eventBridge.outageUntil(T0.plusSeconds(600));

    List<String> givenBack = handle(event(record("5", OPEN, PAID)));

    assertThat(givenBack).as("Lambda retries it, for hours").containsExactly("5");
    assertThat(eventBridge.outageCalls()).isGreaterThanOrEqualTo(3);
    assertThat(deadLetters.messages()).isEmpty();
  }

  @Test
  void aRecordWhoseImageIsNotASessionWeCanReadGoesToTheDeadLetterQueueAndTheRestIsPublished() {
    ObjectNode broken = image(PAID);
    ((ObjectNode) broken.get("amount")).put("N", "fifteen thousand");
    CheckoutSession other =
        PAID.toBuilder().id("cs_test_000009").orderReference("order-1009").build();

    try (LogCapture logs = new LogCapture()) {
      List<String> givenBack =
          handle(
              event(
                  record("7", image(OPEN), broken),
                  record("8", OPEN.toBuilder().id("cs_test_000009").build(), other)));

      assertThat(givenBack).as("nothing for Lambda to retry").isEmpty();
      assertThat(logs.all()).contains("order_record_dead_lettered");
    }
    assertThat(eventBridge.details())
        .extracting(d -> d.path("id").asText())
        .containsExactly("cs_test_000009:paid");
    JsonNode message = deadLetters.messages().get(0);
    assertThat(deadLetters.messages()).hasSize(1);
    assertThat(message.path("condition").asText()).isEqualTo("UnreadableRecord");
    assertThat(message.path("sequence_number").asText()).isEqualTo("7");
    assertThat(message.path("session_id").asText()).isEqualTo("cs_test_000001");
    assertThat(message.path("reason").asText()).contains("NumberFormatException");
    assertThat(message.toString())
        .as("a pointer, never the buyer's data")
        .doesNotContain("ana@example.com", "Ana");
  }

  @Test
  void anUnreadableRecordIsGivenBackWhenTheDeadLetterQueueCannotTakeIt() {
    ObjectNode broken = image(PAID);
    broken.remove("id");
    broken.set("status", Json.object().put("N", "1"));
    deadLetters.refuseCalls(Integer.MAX_VALUE);

    List<String> givenBack = handle(event(record("9", image(OPEN), broken)));

    assertThat(givenBack).containsExactly("9");
    assertThat(deadLetters.messages()).isEmpty();
  }

  @Test
  void withNoDeadLetterQueueAnUnreadableRecordIsGivenBack() {
    Config config =
        Config.of(
            Map.of(
                Settings.SESSIONS_TABLE, "sessions",
                Settings.AWS_REGION, "us-east-1",
                Settings.EVENT_BUS_NAME, "orders",
                Settings.EVENTBRIDGE_ENDPOINT,
                    "http://127.0.0.1:" + server.getAddress().getPort()));
    handler =
        new OrderPublisherHandler(
            Platform.builder(config).sleeper(new RecordingSleeper(waits)).build());
    ObjectNode broken = image(PAID);
    broken.set("created_at", Json.object().put("S", "yesterday"));

    assertThat(handle(event(record("4", image(OPEN), broken)))).containsExactly("4");
  }

  @Test
  void primingDerivesAndSignsAPaidEventButPutsNothingOnTheBus() {
    OrderPublisherRoot root = new OrderPublisherRoot(platform);

    root.prime();

    assertThat(eventBridge.taken()).isEmpty();
    assertThat(eventBridge.calls()).isEmpty();
    assertThat(deadLetters.messages()).isEmpty();
  }

  // Refunds: a REFUND# item's changes, as Refunds writes them.

  static final StoredRefund REQUESTED =
      new StoredRefund(
          RefundRecord.requested(
              "rf_test_000001",
              "cs_test_000001",
              "pi_test_000001",
              5000,
              "CLP",
              "damaged",
              T0.plusSeconds(100)),
          StoredRefund.MERCHANT,
          "order-1001",
          "{\"ticket\":\"T-9\"}",
          "hash",
          "fcr_0123456789abcdef0123456789abcdef",
          1,
          T0.plusSeconds(100),
          null,
          0,
          T0.plusSeconds(220),
          null,
          15000,
          0);

  /** Fintoc's report merged and written with the ledger's sum, as Refunds.apply does. */
  static StoredRefund reported(
      StoredRefund before, RefundStatus status, long second, long refundedAfter) {
    RefundRecord was = before.refund();
    return before
        .withRefund(
            new RefundRecord(
                was.refundKey(),
                was.sessionId(),
                was.paymentIntentId(),
                "ref_fintoc_000001",
                was.amount(),
                was.currency(),
                status,
                T0.plusSeconds(second),
                RefundStatus.FAILED.equals(status) ? "insufficient_funds" : null,
                was.reason(),
                was.createdAt(),
                T0.plusSeconds(second + 1),
                was.version() + 1,
                status.freesItsAmount()))
        .withSchedule(0, status.isFinal() ? null : T0.plusSeconds(second + 600))
        .withOutcome(
            RefundStatus.FAILED.equals(status) ? StoredRefund.REFUND_FAILED : null, refundedAfter);
  }

  static ObjectNode record(String sequence, StoredRefund before, StoredRefund after) {
    return record(sequence, StreamImages.image(before), StreamImages.image(after));
  }

  static ObjectNode ledger(long held, long succeeded) {
    return DynamoJson.json(
        RefundItems.toItem(
            new RefundLedger(
                "pi_test_000001",
                "cs_test_000001",
                15000,
                "CLP",
                held,
                succeeded,
                List.of("rf_test_000001"),
                2)));
  }

  @Test
  void aRefundGoingFromRequestedToSucceededIsPutOnceWithHowMuchWentBack() {
    StoredRefund pending = reported(REQUESTED, RefundStatus.PENDING, 110, 0);
    StoredRefund inProgress = reported(pending, RefundStatus.IN_PROGRESS, 130, 0);
    StoredRefund succeeded = reported(inProgress, RefundStatus.SUCCEEDED, 150, 5000);

    List<String> givenBack =
        handle(
            event(
                record("10", (StoredRefund) null, REQUESTED),
                record("11", null, ledger(5000, 0)),
                record("12", REQUESTED, pending),
                record("13", pending, inProgress),
                record("14", inProgress, succeeded),
                record("15", ledger(5000, 0), ledger(5000, 5000))));

    assertThat(givenBack).isEmpty();
    assertThat(eventBridge.taken()).hasSize(1);
    JsonNode entry = eventBridge.taken().get(0);
    assertThat(entry.path("DetailType").asText()).isEqualTo("refund.succeeded");
    assertThat(entry.path("Source").asText()).isEqualTo("fintoc-checkout");
    assertThat(eventBridge.details().get(0))
        .isEqualTo(
            Json.parse(
                """
                {"id": "rf_test_000001:succeeded", "type": "refund.succeeded",
                 "occurred_at": "2026-11-21T12:02:30Z",
                 "refund_id": "rf_test_000001", "session_id": "cs_test_000001",
                 "order_reference": "order-1001", "amount": 5000, "currency": "CLP",
                 "payment_amount": 15000, "refunded_total": 5000, "refunded": "partial",
                 "origin": "merchant", "fintoc_refund_id": "ref_fintoc_000001"}"""));
  }

  @Test
  void aRefundThatFailedIsPutOnceWithWhyAndNoCustomerData() {
    StoredRefund pending = reported(REQUESTED, RefundStatus.PENDING, 110, 0);
    StoredRefund failed = reported(pending, RefundStatus.FAILED, 150, 0);

    List<String> givenBack =
        handle(
            event(
                record("20", REQUESTED, pending),
                record("21", pending, failed),
                // The sweeper's look after it: written again, nothing new to say.
                record(
                    "22",
                    failed,
                    failed.withRefund(failed.refund().touched(T0.plusSeconds(900))))));

    assertThat(givenBack).isEmpty();
    assertThat(eventBridge.taken())
        .singleElement()
        .satisfies(e -> assertThat(e.path("DetailType").asText()).isEqualTo("refund.failed"));
    JsonNode detail = eventBridge.details().get(0);
    assertThat(detail.path("id").asText()).isEqualTo("rf_test_000001:failed");
    assertThat(detail.path("failure_code").asText()).isEqualTo("insufficient_funds");
    assertThat(detail.path("refunded_total").asLong()).isZero();
    assertThat(detail.path("refunded").asText()).isEqualTo("none");
    assertThat(detail.toString())
        .as("no customer data, no merchant metadata, no reason text")
        .doesNotContain("ana@example.com", "Ana", "T-9", "damaged");
  }

  @Test
  void aRefundRecordReadAgainPutsTheSameIdSoConsumersDedupe() {
    StoredRefund all =
        reported(
            REQUESTED.withRefund(
                RefundRecord.requested(
                    "rf_test_000001",
                    "cs_test_000001",
                    "pi_test_000001",
                    15000,
                    "CLP",
                    null,
                    T0.plusSeconds(100))),
            RefundStatus.SUCCEEDED,
            150,
            15000);

    handle(event(record("30", REQUESTED, all)));
    handle(event(record("30", REQUESTED, all)));

    assertThat(eventBridge.details())
        .extracting(d -> d.path("id").asText() + " " + d.path("refunded").asText())
        .containsExactly("rf_test_000001:succeeded full", "rf_test_000001:succeeded full");
  }

  @Test
  void aRefundImageWeCannotReadGoesToTheDeadLetterQueueNamingTheRefund() {
    StoredRefund succeeded = reported(REQUESTED, RefundStatus.SUCCEEDED, 150, 5000);
    ObjectNode broken = StreamImages.image(succeeded);
    ((ObjectNode) broken.get("amount")).put("N", "five thousand");

    try (LogCapture logs = new LogCapture()) {
      List<String> givenBack =
          handle(
              event(record("40", StreamImages.image(REQUESTED), broken), record("41", OPEN, PAID)));

      assertThat(givenBack).as("nothing for Lambda to retry").isEmpty();
      assertThat(logs.all()).contains("order_record_dead_lettered");
    }
    assertThat(eventBridge.details())
        .extracting(d -> d.path("id").asText())
        .containsExactly("cs_test_000001:paid");
    assertThat(deadLetters.messages())
        .singleElement()
        .satisfies(
            message -> {
              assertThat(message.path("sequence_number").asText()).isEqualTo("40");
              assertThat(message.path("refund_id").asText()).isEqualTo("rf_test_000001");
              assertThat(message.path("reason").asText()).contains("NumberFormatException");
            });
  }
}
