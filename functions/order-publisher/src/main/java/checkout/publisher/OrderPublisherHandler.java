package checkout.publisher;

import checkout.events.OrderEvent;
import checkout.events.OrderEvents;
import checkout.log.Log;
import checkout.metrics.Invocation;
import checkout.metrics.Metric;
import checkout.metrics.Metrics;
import checkout.platform.Platform;
import checkout.publisher.EventBridgePublisher.PublishException;
import checkout.session.CheckoutSession;
import checkout.session.StoredRefund;
import checkout.snapstart.Priming;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The table's stream → order events on EventBridge (the transactional outbox). Records are taken in
 * the shard's order. The code decides what a failure means:
 *
 * <ul>
 *   <li>EventBridge did not take the events (throttled, 5xx, unreachable): the record is reported
 *       as the batch's failure, so Lambda gives it and everything after it back, and keeps doing so
 *       for hours (template.yaml, {@code OrderEventsStreamMapping}) — a passing outage delays
 *       events, never loses them;
 *   <li>the record cannot be read (an image that is not a session or a refund we can read): it
 *       never will be, so it goes to the dead-letter queue at once ({@link DeadLetters}) and the
 *       shard moves on.
 * </ul>
 *
 * Nothing is published that was not committed: the records are the committed writes. The event is
 * read with our own mapper ({@link StreamBatch}), not the runtime's event classes.
 */
public final class OrderPublisherHandler implements RequestStreamHandler {
  private final EventBridgePublisher publisher;
  private final DeadLetters deadLetters;

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
    this.deadLetters = root.deadLetters;
    this.priming = Priming.register("OrderPublisher", root::prime);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    String response;
    try (Invocation invocation = Invocation.begin(context)) {
      response = StreamBatch.response(publish(StreamBatch.read(input.readAllBytes())));
    }
    output.write(response.getBytes(StandardCharsets.UTF_8));
  }

  /** The sequence number of the first record to give back, or null when all were handled. */
  String publish(List<StreamBatch.Change> changes) {
    int published = 0;
    int deadLettered = 0;
    for (StreamBatch.Change change : changes) {
      List<OrderEvent> events;
      try {
        events = eventsOf(change);
      } catch (RuntimeException unreadable) {
        if (!deadLetter(change, unreadable)) {
          return giveBack(change);
        }
        deadLettered++;
        continue;
      }
      try {
        publisher.publish(events);
      } catch (PublishException e) {
        Log.error(
            "order_events_not_published",
            e,
            "sequence_number",
            change.sequenceNumber(),
            "published_before",
            published);
        return giveBack(change);
      }
      published += events.size();
      events.forEach(e -> Metrics.count(Metric.EVENTS_PUBLISHED, e.type()));
    }
    Log.info(
        "order_events_published",
        "records",
        changes.size(),
        "events",
        published,
        "dead_lettered",
        deadLettered);
    return null;
  }

  private static String giveBack(StreamBatch.Change change) {
    // A record with no sequence number cannot be named: the whole batch comes back.
    return change.sequenceNumber() == null ? "" : change.sequenceNumber();
  }

  /** Whether the record left the shard for the dead-letter queue. */
  private boolean deadLetter(StreamBatch.Change change, RuntimeException unreadable) {
    String reason = reason(unreadable);
    if (!deadLetters.configured()) {
      Log.error(
          "order_record_unreadable",
          unreadable,
          "sequence_number",
          change.sequenceNumber(),
          "dead_letter_queue",
          "none");
      return false;
    }
    try {
      deadLetters.send(change, reason);
    } catch (RuntimeException e) {
      Log.error("order_record_not_dead_lettered", e, "sequence_number", change.sequenceNumber());
      return false;
    }
    Log.error(
        "order_record_dead_lettered",
        unreadable,
        "sequence_number",
        change.sequenceNumber(),
        "reason",
        reason);
    Metrics.count(Metric.EVENTS_DEAD_LETTERED);
    return true;
  }

  /** The failure in a line: its type and message, cut short (never the images). */
  static String reason(RuntimeException e) {
    String message = e.getClass().getSimpleName() + ": " + e.getMessage();
    return message.length() > 300 ? message.substring(0, 300) : message;
  }

  /** What one committed write means: nothing unless it changed a session's outcome. */
  static List<OrderEvent> eventsOf(StreamBatch.Change change) {
    if (change.sequenceNumber() == null) {
      throw new IllegalArgumentException("a record with no sequence number");
    }
    List<OrderEvent> events;
    if (StreamImages.isSession(change.newImage())) {
      CheckoutSession before = StreamImages.session(change.oldImage());
      CheckoutSession after = StreamImages.session(change.newImage());
      events = OrderEvents.between(before, after);
    } else if (StreamImages.isRefund(change.newImage())) {
      StoredRefund before = StreamImages.refund(change.oldImage());
      StoredRefund after = StreamImages.refund(change.newImage());
      events = OrderEvents.refundBetween(before, after);
    } else {
      return List.of(); // ledgers, claims, markers, prices: no outcome of their own
    }
    // The detail is built here, so a session it cannot describe is unreadable, not an outage.
    events.forEach(OrderEventDetail::json);
    return events;
  }
}
