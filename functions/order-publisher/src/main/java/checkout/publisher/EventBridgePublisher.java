package checkout.publisher;

import checkout.events.OrderEvent;
import checkout.log.Log;
import checkout.time.Jitter;
import checkout.time.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Puts order events on the bus. EventBridge may take some entries of a call and refuse others
 * (throttled, internal failure): only the refused ones are sent again, after a backoff that
 * doubles, so an event is never put twice by us for one read of the stream. Whatever is still
 * refused after the last attempt fails the call, and the stream gives the record back.
 */
final class EventBridgePublisher {
  /** PutEvents takes at most 10 entries a call. */
  static final int BATCH = 10;

  static final Duration FIRST_BACKOFF = Duration.ofMillis(100);

  private final EventBridgeClient events;
  private final String busName;
  private final String source;
  private final int maxAttempts;
  private final Sleeper sleeper;
  private final Jitter jitter;

  EventBridgePublisher(
      EventBridgeClient events,
      String busName,
      String source,
      int maxAttempts,
      Sleeper sleeper,
      Jitter jitter) {
    this.events = events;
    this.busName = busName;
    this.source = source;
    this.maxAttempts = maxAttempts;
    this.sleeper = sleeper;
    this.jitter = jitter;
  }

  /** The events put, in order; throws {@link PublishException} naming those that were not. */
  void publish(List<OrderEvent> orderEvents) {
    for (int from = 0; from < orderEvents.size(); from += BATCH) {
      putAll(orderEvents.subList(from, Math.min(from + BATCH, orderEvents.size())));
    }
  }

  private void putAll(List<OrderEvent> batch) {
    List<OrderEvent> pending = batch;
    Duration backoff = FIRST_BACKOFF;
    for (int attempt = 1; ; attempt++) {
      List<OrderEvent> refused = new ArrayList<>();
      List<PutEventsRequestEntry> entries = pending.stream().map(this::entry).toList();
      String reason;
      try {
        PutEventsResponse response = events.putEvents(r -> r.entries(entries));
        List<PutEventsResultEntry> results = response.entries();
        for (int i = 0; i < pending.size(); i++) {
          PutEventsResultEntry result = i < results.size() ? results.get(i) : null;
          if (result == null || result.errorCode() != null) {
            refused.add(pending.get(i));
          }
        }
        reason =
            refused.isEmpty()
                ? null
                : results.stream()
                    .map(PutEventsResultEntry::errorCode)
                    .filter(code -> code != null)
                    .findFirst()
                    .orElse("no result");
      } catch (SdkException e) {
        // The whole call failed (throttled, unreachable): nothing of it was put.
        refused = pending;
        reason = e.getClass().getSimpleName();
      }
      if (refused.isEmpty()) {
        return;
      }
      Log.warn(
          "order_events_refused",
          "count",
          refused.size(),
          "attempt",
          attempt,
          "reason",
          reason,
          "first_id",
          refused.get(0).id());
      if (attempt >= maxAttempts) {
        throw new PublishException(refused.stream().map(OrderEvent::id).toList(), reason);
      }
      try {
        sleeper.sleep(backoff.plus(jitter.upTo(backoff)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PublishException(refused.stream().map(OrderEvent::id).toList(), "interrupted");
      }
      backoff = backoff.multipliedBy(2);
      pending = refused;
    }
  }

  PutEventsRequestEntry entry(OrderEvent event) {
    return PutEventsRequestEntry.builder()
        .eventBusName(busName)
        .source(source)
        .detailType(event.type())
        .time(event.occurredAt())
        .detail(OrderEventDetail.json(event))
        .build();
  }

  /** Events EventBridge did not take after every attempt. */
  static final class PublishException extends RuntimeException {
    final List<String> ids;

    PublishException(List<String> ids, String reason) {
      super(ids.size() + " order events not put (" + reason + "): " + ids, null, false, false);
      this.ids = ids;
    }
  }
}
