package checkout.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Config;
import checkout.config.Settings;
import checkout.events.OrderEvent;
import checkout.events.OrderEvents;
import checkout.local.eventbridge.LocalEventBus;
import checkout.local.http.Exchanges;
import checkout.platform.Platform;
import checkout.session.CheckoutSession;
import checkout.session.PaymentStatus;
import checkout.session.SessionStatus;
import checkout.testing.LogCapture;
import checkout.testing.RecordingSleeper;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
  Platform platform;
  List<Duration> waits;
  OrderPublisherHandler handler;
  EventBridgePublisher publisher;

  @BeforeEach
  void start() throws Exception {
    eventBridge = new LocalEventBus(null, null, Clock.fixed(T0, ZoneOffset.UTC));
    server = Exchanges.serve(0, "eventbridge", eventBridge::handle);
    waits = new ArrayList<>();
    Config config =
        Config.of(
            Map.of(
                Settings.SESSIONS_TABLE, "sessions",
                Settings.AWS_REGION, "us-east-1",
                Settings.EVENT_BUS_NAME, "orders",
                Settings.EVENTBRIDGE_ENDPOINT, "http://127.0.0.1:" + server.getAddress().getPort(),
                Settings.PUBLISH_MAX_ATTEMPTS, "3"));
    platform = Platform.builder(config).sleeper(new RecordingSleeper(waits)).build();
    handler = new OrderPublisherHandler(platform);
    publisher = new OrderPublisherRoot(platform).publisher;
  }

  @AfterEach
  void stop() {
    server.stop(0);
    eventBridge.close();
  }

  static DynamodbStreamRecord record(
      String sequence, CheckoutSession before, CheckoutSession after) {
    return record(sequence, image(before), image(after));
  }

  static DynamodbStreamRecord record(
      String sequence, Map<String, AttributeValue> before, Map<String, AttributeValue> after) {
    StreamRecord change = new StreamRecord();
    change.setSequenceNumber(sequence);
    change.setOldImage(before);
    change.setNewImage(after);
    DynamodbStreamRecord record = new DynamodbStreamRecord();
    record.setEventName(before == null ? "INSERT" : "MODIFY");
    record.setDynamodb(change);
    return record;
  }

  static DynamodbEvent event(DynamodbStreamRecord... records) {
    DynamodbEvent event = new DynamodbEvent();
    event.setRecords(Arrays.asList(records));
    return event;
  }

  /** The item as the stream carries it: the table's attributes in Lambda's event types. */
  static Map<String, AttributeValue> image(CheckoutSession session) {
    return StreamImages.image(session);
  }

  @Test
  void aSessionThatBecamePaidIsPutOnTheBusOnceWithWhatFulfilmentNeeds() {
    StreamsEventResponse response =
        handler.handleRequest(event(record("1", null, OPEN), record("2", OPEN, PAID)), null);

    assertThat(response.getBatchItemFailures()).isEmpty();
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
    handler.handleRequest(event(record("2", OPEN, PAID)), null);
    handler.handleRequest(event(record("2", OPEN, PAID)), null);

    assertThat(eventBridge.details())
        .extracting(d -> d.path("id").asText())
        .containsExactly("cs_test_000001:paid", "cs_test_000001:paid");
  }

  @Test
  void writesThatChangeNoOutcomeAndItemsThatAreNotSessionsPutNothing() {
    Map<String, AttributeValue> claim = new LinkedHashMap<>();
    AttributeValue pk = new AttributeValue();
    pk.setS("IDEMPOTENCY#key-1");
    claim.put("pk", pk);

    StreamsEventResponse response =
        handler.handleRequest(
            event(
                record("1", null, OPEN),
                record("2", PAID, PAID.toBuilder().version(3).build()),
                record("3", null, claim)),
            null);

    assertThat(response.getBatchItemFailures()).isEmpty();
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
      StreamsEventResponse response =
          handler.handleRequest(
              event(
                  record("1", OPEN.toBuilder().id("cs_test_000003").build(), other),
                  record("2", OPEN, PAID),
                  record("3", OPEN, PAID.toBuilder().id("cs_test_000004").build())),
              null);

      assertThat(response.getBatchItemFailures())
          .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
          .containsExactly("2");
      assertThat(logs.all()).contains("order_events_not_published");
    }
    assertThat(eventBridge.details())
        .extracting(d -> d.path("id").asText())
        .as("the record before was put; the one after waits for the retry")
        .containsExactly("cs_test_000003:paid");
    assertThat(waits).as("3 attempts, 2 waits").hasSize(2);
  }

  @Test
  void aRecordWhoseImageIsNotASessionWeCanReadIsGivenBack() {
    Map<String, AttributeValue> broken = image(PAID);
    broken.get("amount").setN("fifteen thousand");

    StreamsEventResponse response =
        handler.handleRequest(event(record("7", image(OPEN), broken)), null);

    assertThat(response.getBatchItemFailures())
        .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly("7");
    assertThat(eventBridge.calls()).isEmpty();
  }

  @Test
  void primingDerivesAndSignsAPaidEventButPutsNothingOnTheBus() {
    OrderPublisherRoot root = new OrderPublisherRoot(platform);

    root.prime();

    assertThat(eventBridge.taken()).isEmpty();
    assertThat(eventBridge.calls()).isEmpty();
  }
}
