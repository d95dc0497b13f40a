package checkout.createsession;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What the browser asked for, each field checked. It names no amount: either catalog prices and
 * quantities ({@code cart}) or an order the merchant's backend signed ({@code orderToken}), exactly
 * one of them.
 *
 * @param customerFields the customer's own choices, ready for Fintoc: success_url, cancel_url, and
 *     when sent customer_data, customer_email, metadata, expires_at
 * @param senderInstitution the bank the customer picked (from the shop's list), or null
 * @param replaces the earlier checkout this one replaces (a changed cart or a re-signed order), or
 *     null
 */
public record CheckoutRequest(
    List<CartLine> cart,
    String orderToken,
    ObjectNode customerFields,
    String senderInstitution,
    Replaces replaces) {

  /**
   * The request as the browser sent it, checked: what a client's key is bound to. {@code replaces}
   * is not part of it: it asks to end another checkout, it is not the order (a signed order's scope
   * does not see it either), and its secret is stored nowhere, not even hashed.
   */
  public ObjectNode asSent() {
    ObjectNode sent = customerFields.deepCopy();
    if (cart != null) {
      ArrayNode lines = sent.putArray("line_items");
      cart.forEach(
          line -> lines.addObject().put("price", line.price()).put("quantity", line.quantity()));
    }
    if (orderToken != null) {
      sent.put("order_token", orderToken);
    }
    if (senderInstitution != null) {
      sent.put("sender_institution", senderInstitution);
    }
    return sent;
  }

  /** One line of a catalog order. */
  public record CartLine(String price, long quantity) {}

  /**
   * "Expire this checkout of mine first": its id and the {@code checkout_secret} its create answer
   * carried. {@link #toString()} never shows the secret.
   */
  public record Replaces(String sessionId, String checkoutSecret) {
    @Override
    public String toString() {
      return "Replaces[sessionId=" + sessionId + ", checkoutSecret=***]";
    }
  }
}
