package checkout.webhook;

import checkout.fintoc.FintocCheckoutSession;
import checkout.json.Json;
import checkout.session.Observation;
import checkout.session.PaymentStatus;
import checkout.session.SessionStatus;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** What each event type tells us, as an {@link Observation}; empty for types we do not use. */
final class EventTranslator {
  private EventTranslator() {}

  static Optional<Observation> observe(WebhookEvent event) {
    JsonNode data = event.data();
    return switch (event.type()) {
      case "checkout_session.finished" -> Optional.of(session(data, SessionStatus.FINISHED));
      case "checkout_session.expired" -> Optional.of(session(data, SessionStatus.EXPIRED));
      case "payment_intent.succeeded" -> Optional.of(payment(data, PaymentStatus.SUCCEEDED));
      case "payment_intent.failed" -> Optional.of(payment(data, PaymentStatus.FAILED));
      case "payment_intent.rejected" -> Optional.of(payment(data, PaymentStatus.REJECTED));
      case "payment_intent.expired" -> Optional.of(payment(data, PaymentStatus.EXPIRED));
      case "payment_intent.pending" -> Optional.of(payment(data, PaymentStatus.PENDING));
      case "payment_intent.requires_action" -> Optional.of(payment(data, PaymentStatus.REQUIRES_ACTION));
      default -> Optional.empty();
    };
  }

  private static Observation session(JsonNode data, SessionStatus status) {
    required(data, "id");
    return FintocCheckoutSession.observe(data, status);
  }

  private static Observation payment(JsonNode data, PaymentStatus status) {
    return new Observation(linkedSession(data), null, null, required(data, "id"), status,
        FintocCheckoutSession.nextAction(data), FintocCheckoutSession.amountOf(data), Json.text(data, "currency"));
  }

  /**
   * Whether a payment_intent payload names its checkout session is not documented; use it
   * when it does, otherwise the link comes from checkout_session.finished.
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
      throw checkout.http.ApiException.invalid("invalid_event", "The event's data has no " + field + ".", null);
    }
    return value;
  }
}
