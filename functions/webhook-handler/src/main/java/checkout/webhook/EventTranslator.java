package checkout.webhook;

import checkout.fintoc.FintocCheckoutSession;
import checkout.fintoc.FintocRefund;
import checkout.http.ApiException;
import checkout.json.Json;
import checkout.log.Unknowns;
import checkout.session.Observation;
import checkout.session.RefundFact;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;

/**
 * What an event tells us, and of what kind: an {@link Observation} of a session or its payment, or
 * a {@link RefundFact}. Every {@code checkout_session.*}, {@code payment_intent.*} and {@code
 * refund.*} event carries the object itself in {@code data}, so its status is read from there (the
 * type's last word when the object has none), whatever it is: a type or a status Fintoc adds later
 * is taken as reported, never refused. Other families (payouts, …) are acknowledged and ignored,
 * each type noted once.
 */
final class EventTranslator {
  private EventTranslator() {}

  /** What an event is about: the handler dispatches on it. */
  sealed interface Translated permits SessionEvent, RefundEvent, Ignored {}

  /** About a checkout session or its payment: for the session's rules. */
  record SessionEvent(Observation fact) implements Translated {}

  /** About a refund: for the refund's rules ({@code Refunds.apply}). */
  record RefundEvent(RefundFact fact) implements Translated {}

  /** Of a family this shop does not use. */
  record Ignored() implements Translated {}

  /**
   * @param receivedAt when the event's own {@code created_at} is missing or unreadable
   */
  static Translated translate(WebhookEvent event, Instant receivedAt) {
    if (family(event).equals("refund")) {
      JsonNode refund = withStatus(event.data(), word(event));
      required(refund, "id");
      return new RefundEvent(FintocRefund.fact(refund, at(event, receivedAt)));
    }
    return observe(event, receivedAt).<Translated>map(SessionEvent::new).orElseGet(Ignored::new);
  }

  private static String family(WebhookEvent event) {
    return event.type().contains(".")
        ? event.type().substring(0, event.type().indexOf('.'))
        : event.type();
  }

  private static String word(WebhookEvent event) {
    return event.type().substring(event.type().indexOf('.') + 1);
  }

  private static Instant at(WebhookEvent event, Instant receivedAt) {
    return event.createdAt() != null ? event.createdAt() : receivedAt;
  }

  /**
   * @param receivedAt when the event's own {@code created_at} is missing or unreadable
   */
  static Optional<Observation> observe(WebhookEvent event, Instant receivedAt) {
    JsonNode data = event.data();
    Instant at = at(event, receivedAt);
    String word = word(event);
    return switch (family(event)) {
      case "checkout_session" -> {
        JsonNode session = withStatus(data, word);
        required(session, "id");
        yield Optional.of(FintocCheckoutSession.observe(session, at, false));
      }
      case "payment_intent" -> {
        JsonNode payment = withStatus(data, word);
        required(payment, "id");
        yield Optional.of(
            new Observation(
                linkedSession(data), null, FintocCheckoutSession.paymentFact(payment), at, false));
      }
      default -> {
        Unknowns.note("event_type", event.type());
        yield Optional.empty();
      }
    };
  }

  /** The object as sent; when it names no status, the one its event type names. */
  private static JsonNode withStatus(JsonNode data, String typeWord) {
    if (Json.text(data, "status") != null || typeWord.isBlank()) {
      return data;
    }
    return ((ObjectNode) data.deepCopy()).put("status", typeWord);
  }

  /**
   * Whether a payment_intent payload names its checkout session is not documented; use it when it
   * does, otherwise the link comes from the session's own events.
   */
  private static String linkedSession(JsonNode data) {
    JsonNode session = data.get("checkout_session");
    if (session != null && session.isTextual()) {
      return session.asText();
    }
    if (session != null && session.isObject()) {
      return Json.text(session, "id");
    }
    return Json.text(data, "checkout_session_id");
  }

  private static String required(JsonNode data, String field) {
    String value = Json.text(data, field);
    if (value == null || value.isBlank()) {
      throw ApiException.invalid("invalid_event", "The event's data has no " + field + ".", null);
    }
    return value;
  }
}
