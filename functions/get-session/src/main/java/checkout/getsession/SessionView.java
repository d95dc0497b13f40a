package checkout.getsession;

import checkout.json.Json;
import checkout.session.CheckoutSession;
import checkout.session.Refundable;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What GetSession shows of a session: its state, whether it is paid and how much of it went back;
 * nothing personal, and no payment or refund ids (a poll must not hand out what the merchant's
 * refund routes take).
 */
final class SessionView {
  private SessionView() {}

  static ObjectNode of(CheckoutSession session, Refundable.Refunded refunded) {
    ObjectNode body =
        Json.object()
            .put("id", session.id())
            .put("status", session.status().wire())
            // The one field a storefront may confirm an order on (see SessionRules).
            .put("paid", session.paid())
            .put(
                "payment_status",
                session.paymentStatus() == null ? null : session.paymentStatus().wire())
            // Coarse on purpose: none, partial or full, of money that went back for certain.
            .put("refunded", refunded.wire())
            .put("amount", session.amount())
            .put("currency", session.currency())
            .put("order", session.orderReference())
            .put("expires_at", session.expiresAt() == null ? null : session.expiresAt().toString())
            .put("updated_at", session.updatedAt() == null ? null : session.updatedAt().toString());
    if (session.nextAction() != null) {
      // What the customer must do next (e.g. more approvers on a business account).
      body.set("next_action", Json.parse(session.nextAction()));
    }
    if (session.attention() != null) {
      body.put("attention", session.attention());
    }
    return body;
  }
}
