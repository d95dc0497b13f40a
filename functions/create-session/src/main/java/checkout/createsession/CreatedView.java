package checkout.createsession;

import checkout.json.Json;
import checkout.session.CheckoutSession;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * CreateSession's 201 body: where to send the customer, what the server priced, and the {@code
 * checkout_secret} with which this browser (and only it) may later replace this checkout.
 */
final class CreatedView {
  private CreatedView() {}

  static ObjectNode of(CheckoutSession session, String checkoutSecret) {
    return Json.object()
        .put("id", session.id())
        .put("redirect_url", session.redirectUrl())
        .put("status", session.status().wire())
        .put("amount", session.amount())
        .put("currency", session.currency())
        .put("expires_at", session.expiresAt() == null ? null : session.expiresAt().toString())
        .put("checkout_secret", checkoutSecret);
  }
}
