package checkout.publisher;

import checkout.events.OrderEvent;
import checkout.events.OrderEvents;
import checkout.json.InvalidJsonException;
import checkout.json.Json;
import checkout.session.CheckoutSession;
import checkout.session.RefundRecord;
import checkout.session.StoredRefund;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An order event's detail, as docs/events.md writes it down: what a fulfilment worker needs so it
 * never has to call back. No secret and no URL the customer was sent to; a refund's detail carries
 * no customer data at all (the session's events already did).
 */
final class OrderEventDetail {
  private OrderEventDetail() {}

  static String json(OrderEvent event) {
    if (event.refund() != null) {
      return refund(event);
    }
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

  /**
   * A refund's event: which refund, of which order, how much, and how much of the payment had gone
   * back with it ({@code refunded_total}, written in the same transaction as the status, so it is
   * the total as of this refund's change, not a later read).
   */
  private static String refund(OrderEvent event) {
    StoredRefund stored = event.refund();
    RefundRecord refund = stored.refund();
    ObjectNode detail =
        Json.object()
            .put("id", event.id())
            .put("type", event.type())
            .put("occurred_at", event.occurredAt() == null ? null : event.occurredAt().toString())
            .put("refund_id", stored.id())
            .put("session_id", refund.sessionId())
            .put("order_reference", stored.orderReference())
            .put("amount", refund.amount())
            .put("currency", refund.currency())
            .put("payment_amount", stored.paymentAmount())
            .put("refunded_total", stored.refundedAfter())
            .put("refunded", OrderEvents.refunded(stored).wire())
            .put("origin", stored.origin())
            .put("fintoc_refund_id", refund.refundId());
    if (OrderEvents.REFUND_FAILED.equals(event.type())) {
      detail.put("failure_code", refund.failureCode());
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
