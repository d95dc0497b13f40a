package checkout.publisher;

import checkout.aws.AwsClients;
import checkout.config.Settings;
import checkout.events.OrderEvent;
import checkout.fintoc.FintocCheckoutSession;
import checkout.platform.Platform;
import checkout.session.CheckoutSession;
import checkout.snapstart.AdapterPriming;
import checkout.snapstart.Samples;
import checkout.time.Jitter;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/** The publisher's parts, built once from the platform, and its SnapStart priming. */
final class OrderPublisherRoot {
  final EventBridgeClient events;
  final EventBridgePublisher publisher;

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
  }

  /**
   * A made-up session's change from open to paid, read from stream images as the handler reads
   * them, and its event's PutEvents built and signed but stopped before the wire: nothing is put.
   */
  void prime() {
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    CheckoutSession paid =
        FintocCheckoutSession.toSession(Samples.fintocSession("finished"), "order_id", at);
    CheckoutSession open =
        FintocCheckoutSession.toSession(Samples.fintocSession("created"), "order_id", at);
    StreamRecord change = new StreamRecord();
    change.setSequenceNumber("0");
    change.setOldImage(StreamImages.image(open));
    change.setNewImage(StreamImages.image(paid));
    DynamodbStreamRecord record = new DynamodbStreamRecord();
    record.setEventName("MODIFY");
    record.setDynamodb(change);
    List<OrderEvent> derived = OrderPublisherHandler.eventsOf(record);
    AdapterPriming.beforeTheWire(
        plugin ->
            events.putEvents(
                r ->
                    r.entries(derived.stream().map(publisher::entry).toList())
                        .overrideConfiguration(o -> o.addPlugin(plugin))));
  }
}
