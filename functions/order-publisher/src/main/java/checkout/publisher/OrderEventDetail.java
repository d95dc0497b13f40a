package checkout.publisher;

import checkout.events.OrderEvent;
import checkout.json.InvalidJsonException;
import checkout.json.Json;
import checkout.session.CheckoutSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An order event's detail, as docs/events.md writes it down: what a fulfilment worker needs so it
 * never has to call back. No secret and no URL the customer was sent to.
 */
final class OrderEventDetail {
  private OrderEventDetail() {}

  static String json(OrderEvent event) {
    CheckoutSession session = event.session();
    ObjectNode detail =
        Json.object()
            .put("id", event.id())
            .put("type", event.type())
            .put("occurred_at", event.occurredAt() == null ? null : event.occurredAt().toString())
            .put("session_id", session.id())
            .put("order_id", session.orderReference())
            .put("amount", session.amount())
            .put("currency", session.currency())
            .put("pricing", session.pricing())
            .put("status", session.status().wire())
            .put("paid", session.paid())
            .put("attention", session.attention())
            .put("mode", session.mode());
    detail.set("line_items", jsonOrNull(session.lineItems()));
    detail.set("customer", jsonOrNull(session.customer()));
    if (session.paymentIntentId() != null) {
      ObjectNode payment = detail.putObject("payment");
      payment
          .put("id", session.paymentIntentId())
          .put("status", session.paymentStatus() == null ? null : session.paymentStatus().wire())
          .put("amount", session.paymentAmount())
          .put("currency", session.paymentCurrency());
      if (session.nextAction() != null) {
        try {
          payment.set("next_action", Json.parse(session.nextAction()));
        } catch (InvalidJsonException e) {
          payment.put("next_action", session.nextAction());
        }
      }
    } else {
      detail.putNull("payment");
    }
    return Json.write(detail);
  }

  /** A stored JSON attribute; null when absent or unreadable (an old item, a hand edit). */
  private static JsonNode jsonOrNull(String stored) {
    if (stored == null) {
      return NullNode.getInstance();
    }
    try {
      return Json.parse(stored);
    } catch (InvalidJsonException e) {
      return NullNode.getInstance();
    }
  }
}
