package checkout.webhook;

import checkout.fintoc.FintocCheckoutSession;
import checkout.http.ApiException;
import checkout.json.Json;
import checkout.log.Unknowns;
import checkout.session.Observation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;

/**
 * What an event tells us, as an {@link Observation}. Every {@code checkout_session.*} and {@code
 * payment_intent.*} event carries the object itself in {@code data}, so its status is read from
 * there (the type's last word when the object has none), whatever it is: a type or a status Fintoc
 * adds later is taken as reported, never refused. Other families (refunds, payouts, …) are
 * acknowledged and ignored, each type noted once.
 */
final class EventTranslator {
  private EventTranslator() {}

  /**
   * @param receivedAt when the event's own {@code created_at} is missing or unreadable
   */
  static Optional<Observation> observe(WebhookEvent event, Instant receivedAt) {
    JsonNode data = event.data();
    Instant at = event.createdAt() != null ? event.createdAt() : receivedAt;
    String family =
        event.type().contains(".")
            ? event.type().substring(0, event.type().indexOf('.'))
            : event.type();
    String word = event.type().substring(event.type().indexOf('.') + 1);
    return switch (family) {
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
