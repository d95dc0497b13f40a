package checkout.testing;

import checkout.fintoc.WebhookSignature;
import checkout.http.ApiEvent;
import checkout.json.Json;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** Fintoc webhook events as Fintoc sends them, and signed deliveries of them. */
public final class FintocEvents {
  private FintocEvents() {}

  public static String sessionFinished(
      String eventId, String sessionId, String paymentIntentId, String paymentStatus) {
    return sessionFinished(eventId, sessionId, paymentIntentId, paymentStatus, 15000, "CLP");
  }

  /**
   * A finished session whose payment is for {@code amount} {@code currency} (the session asked 15
   * 000 CLP).
   */
  public static String sessionFinished(
      String eventId,
      String sessionId,
      String paymentIntentId,
      String paymentStatus,
      long amount,
      String currency) {
    ObjectNode session = session(sessionId, "finished");
    ObjectNode intent =
        Json.object()
            .put("id", paymentIntentId)
            .put("object", "payment_intent")
            .put("status", paymentStatus)
            .put("amount", amount)
            .put("currency", currency);
    ObjectNode resource = Json.object();
    resource.set("payment_intent", intent);
    session.set("payment_resource", resource);
    return event(eventId, "checkout_session.finished", session);
  }

  public static String sessionExpired(String eventId, String sessionId) {
    return event(eventId, "checkout_session.expired", session(sessionId, "expired"));
  }

  /**
   * An expired session with the payment it left unfinished (Fintoc: expiring one expires the
   * other).
   */
  public static String sessionExpired(
      String eventId, String sessionId, String paymentIntentId, String paymentStatus) {
    ObjectNode session = session(sessionId, "expired");
    ObjectNode resource = Json.object();
    resource.set(
        "payment_intent",
        Json.object()
            .put("id", paymentIntentId)
            .put("object", "payment_intent")
            .put("status", paymentStatus)
            .put("amount", 15000)
            .put("currency", "CLP"));
    session.set("payment_resource", resource);
    return event(eventId, "checkout_session.expired", session);
  }

  /**
   * The same event, as Fintoc made it at {@code createdAt} (events are stamped; the rules order by
   * it).
   */
  public static String at(String event, Instant createdAt) {
    ObjectNode node = (ObjectNode) Json.parse(event);
    node.put("created_at", createdAt.toString());
    return Json.write(node);
  }

  /** A payment_intent.{status} event; {@code nextAction} is set for requires_action. */
  public static String paymentIntent(String eventId, String status, String paymentIntentId) {
    ObjectNode intent =
        Json.object()
            .put("id", paymentIntentId)
            .put("object", "payment_intent")
            .put("mode", "test")
            .put("status", status)
            .put("amount", 15000)
            .put("currency", "CLP")
            .putNull("error_reason")
            .put("payment_type", "bank_transfer");
    if (status.equals("requires_action")) {
      intent.set(
          "next_action",
          Json.object().put("type", "approval_required").put("approvers_pending", 1));
    }
    return event(eventId, "payment_intent." + status, intent);
  }

  public static String event(String eventId, String type, ObjectNode data) {
    ObjectNode event =
        Json.object()
            .put("id", eventId)
            .put("object", "event")
            .put("type", type)
            .put("mode", "test")
            .put("created_at", "2026-11-21T12:00:00Z");
    event.set("data", data);
    return Json.write(event);
  }

  private static ObjectNode session(String sessionId, String status) {
    ObjectNode session =
        Json.object()
            .put("id", sessionId)
            .put("object", "checkout_session")
            .put("mode", "test")
            .put("status", status)
            .put("amount", 15000)
            .put("currency", "CLP")
            .put("created_at", "2026-11-21T11:00:00Z")
            .put("expires_at", "2026-11-22T11:00:00Z")
            .put("success_url", "https://shop.example.com/paid")
            .put("cancel_url", "https://shop.example.com/cart")
            .put("redirect_url", "https://checkout.fintoc.com/checkout_sessions/" + sessionId);
    session.set("metadata", Json.object().put("order_id", "order-from-" + sessionId));
    session.putNull("payment_resource");
    return session;
  }

  /** The delivery Fintoc would make: the body as-is, signed with {@code secret} at {@code at}. */
  public static APIGatewayV2HTTPEvent delivery(String body, String secret, Instant at) {
    String signature =
        WebhookSignature.sign(body.getBytes(StandardCharsets.UTF_8), secret, at.getEpochSecond());
    return ApiEvent.post(
        "/webhooks/fintoc", body, Map.of("Fintoc-Signature", signature, "User-Agent", "Fintoc"));
  }
}
