package checkout.publisher;

import checkout.aws.AwsClients;
import checkout.config.Settings;
import checkout.events.OrderEvent;
import checkout.fintoc.FintocCheckoutSession;
import checkout.json.Json;
import checkout.platform.Platform;
import checkout.session.CheckoutSession;
import checkout.session.RefundRecord;
import checkout.session.RefundStatus;
import checkout.session.StoredRefund;
import checkout.snapstart.AdapterPriming;
import checkout.snapstart.Samples;
import checkout.time.Jitter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The publisher's parts, built once from the platform, and its SnapStart priming. */
final class OrderPublisherRoot {
  final EventBridgeClient events;
  final EventBridgePublisher publisher;
  final DeadLetters deadLetters;

  OrderPublisherRoot(Platform platform) {
    Settings.Events settings = platform.settings().events();
    this.events =
        AwsClients.build(
            EventBridgeClient.builder(), platform.settings().aws(), settings.endpoint());
    this.publisher =
        new EventBridgePublisher(
            events,
            settings.busName(),
            settings.source(),
            settings.maxAttempts(),
            platform.sleeper(),
            new Jitter());
    this.deadLetters =
        settings.deadLetterQueueUrl().isEmpty()
            ? new DeadLetters(null, null)
            : new DeadLetters(
                AwsClients.build(
                    SqsClient.builder(), platform.settings().aws(), settings.queueEndpoint()),
                settings.deadLetterQueueUrl().get());
  }

  /**
   * A made-up batch as Lambda hands it — a session's change from open to paid — read and derived as
   * the handler does, and a refund's change to succeeded derived the same way; its PutEvents, and a
   * dead letter for it, built and signed but stopped before the wire: nothing is put or sent.
   */
  void prime() {
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    CheckoutSession paid =
        FintocCheckoutSession.toSession(Samples.fintocSession("finished"), "order_id", at);
    CheckoutSession open =
        FintocCheckoutSession.toSession(Samples.fintocSession("created"), "order_id", at);
    ObjectNode record = Json.object().put("eventID", "0").put("eventName", "MODIFY");
    record
        .putObject("dynamodb")
        .put("SequenceNumber", "0")
        .put("ApproximateCreationDateTime", at.getEpochSecond())
        .<ObjectNode>set("OldImage", StreamImages.image(open))
        .set("NewImage", StreamImages.image(paid));
    ObjectNode batch = Json.object();
    batch.putArray("Records").add(record);
    List<StreamBatch.Change> changes =
        StreamBatch.read(Json.write(batch).getBytes(StandardCharsets.UTF_8));
    List<OrderEvent> derived = OrderPublisherHandler.eventsOf(changes.get(0));
    // A refund's change too (REFUND# images read, its detail built): its classes load here.
    RefundRecord requested =
        RefundRecord.requested("rf_primed", paid.id(), "pi_primed", 1, "CLP", null, at);
    StoredRefund before =
        new StoredRefund(
            requested,
            StoredRefund.MERCHANT,
            null,
            null,
            null,
            "fcr_primed",
            1,
            at,
            null,
            0,
            at,
            null,
            1,
            0);
    StoredRefund after =
        before
            .withRefund(
                new RefundRecord(
                    "rf_primed",
                    paid.id(),
                    "pi_primed",
                    "ref_primed",
                    1,
                    "CLP",
                    RefundStatus.SUCCEEDED,
                    at,
                    null,
                    null,
                    at,
                    at,
                    2,
                    false))
            .withSchedule(0, null)
            .withOutcome(null, 1);
    OrderPublisherHandler.eventsOf(
        new StreamBatch.Change(
            "1",
            "1",
            "MODIFY",
            null,
            at.getEpochSecond(),
            null,
            StreamImages.image(before),
            StreamImages.image(after)));
    StreamBatch.response(null);
    AdapterPriming.beforeTheWire(
        plugin ->
            events.putEvents(
                r ->
                    r.entries(derived.stream().map(publisher::entry).toList())
                        .overrideConfiguration(o -> o.addPlugin(plugin))));
    if (deadLetters.configured()) {
      AdapterPriming.beforeTheWire(
          plugin ->
              deadLetters.sqs.sendMessage(
                  deadLetters.request(changes.get(0), "primed").toBuilder()
                      .overrideConfiguration(o -> o.addPlugin(plugin))
                      .build()));
    }
  }
}
