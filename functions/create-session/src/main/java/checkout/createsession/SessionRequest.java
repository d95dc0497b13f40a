package checkout.createsession;

import checkout.config.Settings;
import checkout.http.ApiException;
import checkout.json.Json;
import checkout.secrets.Digests;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * The checkout session to ask Fintoc for: the priced order, the customer's own choices, and what
 * the deployment decides (payment methods and their options, the business profile) — assembled here
 * and nowhere else, so what reaches Fintoc is exactly this.
 *
 * @param fintocParams the body of {@code POST /v2/checkout_sessions}
 * @param scope what an idempotency claim is keyed by: {@code order:<sha256 of order_id>} for a
 *     signed order, {@code key:<sha256 of Idempotency-Key>} for a catalog order sent with a key,
 *     null for one sent without (each such request is its own checkout)
 * @param orderReference the signed order's order_id, or the storefront's label in metadata
 */
record SessionRequest(
    ObjectNode fintocParams, String scope, PricedOrder order, String orderReference) {

  static SessionRequest of(
      PricedOrder order, CheckoutRequest request, String clientKey, Settings settings) {
    ObjectNode customer = request.customerFields();
    ObjectNode params =
        Json.object().put("amount", order.amount()).put("currency", order.currency());
    params.put("success_url", customer.get("success_url").asText());
    params.put("cancel_url", customer.get("cancel_url").asText());
    if (order.lineItems() != null) {
      ArrayNode fintocLines = Json.array();
      order
          .lineItems()
          .forEach(line -> fintocLines.add(((ObjectNode) line.deepCopy()).without("price")));
      params.set("line_items", fintocLines);
    }
    ObjectNode customerData = order.customerData();
    if (customer.has("customer_data")) {
      if (customerData != null) {
        throw ApiException.invalid(
            "conflicting_parameters",
            "customer_data cannot be sent: the signed order sets it.",
            "customer_data");
      }
      customerData = (ObjectNode) customer.get("customer_data");
    }
    if (customerData != null) {
      params.set("customer_data", customerData);
    }
    copy(customer, params, "customer_email");
    ObjectNode metadata =
        metadata(order, (ObjectNode) customer.get("metadata"), settings.orderReferenceKey());
    if (metadata != null) {
      params.set("metadata", metadata);
    }
    copy(customer, params, "expires_at");
    if (!settings.checkout().paymentMethodTypes().isEmpty()) {
      ArrayNode methods = params.putArray("payment_method_types");
      settings.checkout().paymentMethodTypes().forEach(methods::add);
    }
    ObjectNode options =
        settings.checkout().paymentMethodOptions() == null
            ? null
            : settings.checkout().paymentMethodOptions().deepCopy();
    if (request.senderInstitution() != null) {
      options = options == null ? Json.object() : options;
      ObjectNode paymentIntent =
          options.has("payment_intent")
              ? (ObjectNode) options.get("payment_intent")
              : options.putObject("payment_intent");
      paymentIntent.putObject("sender_account").put("institution_id", request.senderInstitution());
    }
    if (options != null) {
      params.set("payment_method_options", options);
    }
    if (settings.checkout().businessProfile() != null) {
      params.set("business_profile", settings.checkout().businessProfile().deepCopy());
    }

    String scope =
        order.orderId() != null
            ? "order:" + Digests.sha256Hex(order.orderId())
            : clientKey != null ? keyScope(clientKey) : null;
    String reference =
        order.orderId() != null
            ? order.orderId()
            : Json.text(metadata, settings.orderReferenceKey());
    return new SessionRequest(params, scope, order, reference);
  }

  /**
   * Who is buying, for the stored session and the order events: customer_data's name and email
   * (customer_email when customer_data has none), as JSON, or null when neither was sent. What the
   * buyer typed, already validated; it decides nothing about the money.
   */
  String customer() {
    JsonNode data = fintocParams.get("customer_data");
    String name = data == null ? null : Json.text(data, "name");
    String email = data == null ? null : Json.text(data, "email");
    if (email == null) {
      email = Json.text(fintocParams, "customer_email");
    }
    if (name == null && email == null) {
      return null;
    }
    return Json.write(Json.object().put("name", name).put("email", email));
  }

  /** The claim scope of a client's Idempotency-Key: hashed, so the key itself is not stored. */
  static String keyScope(String clientKey) {
    return "key:" + Digests.sha256Hex(clientKey);
  }

  /**
   * A catalog order's metadata is the storefront's (labels, never trusted). A signed order's is the
   * backend's, with its order_id under the reference key; the browser may add keys of its own but
   * change none of them.
   */
  private static ObjectNode metadata(
      PricedOrder order, ObjectNode fromBrowser, String referenceKey) {
    if (order.orderId() == null) {
      return fromBrowser;
    }
    ObjectNode merged = order.metadata() == null ? Json.object() : order.metadata().deepCopy();
    merged.put(referenceKey, order.orderId());
    if (fromBrowser != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = fromBrowser.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        if (merged.has(entry.getKey())) {
          throw ApiException.invalid(
              "parameter_not_allowed",
              "metadata." + entry.getKey() + " cannot be sent: the signed order sets it.",
              "metadata." + entry.getKey());
        }
        merged.set(entry.getKey(), entry.getValue());
      }
      if (merged.size() > CheckoutRequestParser.MAX_METADATA_KEYS) {
        throw ApiException.invalid(
            "invalid_metadata",
            "metadata and the signed order's metadata hold more than "
                + CheckoutRequestParser.MAX_METADATA_KEYS
                + " keys together.",
            "metadata");
      }
    }
    return merged;
  }

  private static void copy(ObjectNode from, ObjectNode to, String field) {
    if (from.has(field)) {
      to.set(field, from.get(field));
    }
  }

  /**
   * What an idempotency claim compares to tell the same order from another: an HMAC of the order in
   * canonical JSON, keyed with something the table does not hold (the client's Idempotency-Key, or
   * the shop's signing secret). A plain hash could be reversed by whoever reads the table: every
   * other field is in the session row, and a RUT has only a few million values.
   */
  static String fingerprint(String key, String canonical) {
    return Digests.hmacHex(key.getBytes(StandardCharsets.UTF_8), canonical);
  }
}
