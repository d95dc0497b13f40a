package checkout.publisher;

import checkout.events.OrderEvent;
import checkout.events.OrderEvents;
import checkout.log.Log;
import checkout.metrics.Invocation;
import checkout.metrics.Metric;
import checkout.metrics.Metrics;
import checkout.platform.Platform;
import checkout.session.CheckoutSession;
import checkout.snapstart.Priming;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.util.List;

/**
 * The table's stream → order events on EventBridge (the transactional outbox). Records are taken in
 * the shard's order; the first one that cannot be published is reported as the batch's failure, so
 * Lambda gives it and everything after it back (and, with bisecting and an on-failure destination,
 * a record that never publishes leaves the shard instead of blocking it). Nothing is published that
 * was not committed: the records are the committed writes.
 */
public final class OrderPublisherHandler
    implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
  private final EventBridgePublisher publisher;

  /** Held here: the runtime keeps hooks weakly. */
  private final Priming priming;

  /** Lambda's: built from the environment, once per container. */
  public OrderPublisherHandler() {
    this(Platform.fromEnvironment());
  }

  /** For tests and the local stack. */
  public OrderPublisherHandler(Platform platform) {
    OrderPublisherRoot root = new OrderPublisherRoot(platform);
    this.publisher = root.publisher;
    this.priming = Priming.register("OrderPublisher", root::prime);
  }

  @Override
  public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
    try (Invocation invocation = Invocation.begin(context)) {
      return publish(event);
    }
  }

  private StreamsEventResponse publish(DynamodbEvent event) {
    int published = 0;
    for (DynamodbStreamRecord record : event.getRecords()) {
      try {
        List<OrderEvent> events = eventsOf(record);
        publisher.publish(events);
        published += events.size();
        events.forEach(e -> Metrics.count(Metric.EVENTS_PUBLISHED, e.type()));
      } catch (RuntimeException e) {
        String sequence = record.getDynamodb().getSequenceNumber();
        Log.error(
            "order_events_not_published",
            e,
            "sequence_number",
            sequence,
            "published_before",
            published);
        return StreamsEventResponse.builder()
            .withBatchItemFailures(List.of(new StreamsEventResponse.BatchItemFailure(sequence)))
            .build();
      }
    }
    Log.info("order_events_published", "records", event.getRecords().size(), "events", published);
    return StreamsEventResponse.builder().withBatchItemFailures(List.of()).build();
  }

  /** What one committed write means: nothing unless it changed a session's outcome. */
  static List<OrderEvent> eventsOf(DynamodbStreamRecord record) {
    var images = record.getDynamodb();
    if (!StreamImages.isSession(images.getNewImage())) {
      return List.of();
    }
    CheckoutSession before = StreamImages.session(images.getOldImage());
    CheckoutSession after = StreamImages.session(images.getNewImage());
    return OrderEvents.between(before, after);
  }
}
