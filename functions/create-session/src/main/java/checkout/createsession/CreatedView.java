package checkout.createsession;

import checkout.json.Json;
import checkout.session.CheckoutSession;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** CreateSession's 201 body: where to send the customer, and what the server priced. */
final class CreatedView {
  private CreatedView() {}

  static ObjectNode of(CheckoutSession session) {
    return Json.object()
        .put("id", session.id())
        .put("redirect_url", session.redirectUrl())
        .put("status", session.status().wire())
        .put("amount", session.amount())
        .put("currency", session.currency())
        .put("expires_at", session.expiresAt() == null ? null : session.expiresAt().toString());
  }
}
