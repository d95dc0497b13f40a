package checkout.refunds;

import checkout.fintoc.FintocRefund;
import checkout.http.ApiException;
import checkout.http.HttpRequests;
import checkout.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the merchant's backend asked back, read and checked field by field before anything is read
 * or sent: a request refused here has changed nothing.
 *
 * @param amount null: all that remains of the payment
 * @param reason the merchant's text, or null
 * @param metadata the merchant's metadata as canonical JSON (keys sorted), or null when none
 */
record RefundRequest(Long amount, String reason, String metadata) {
  static final int MAX_BODY_BYTES = 16 * 1024;
  static final int MAX_REASON = 500;
  static final int MAX_METADATA_KEYS = 20;
  static final int MAX_METADATA_VALUE = 500;

  /** As CreateSession's metadata keys: letters, digits and {@code _.:-}, up to 40. */
  private static final Pattern METADATA_KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,40}");

  private static final Set<String> FIELDS = Set.of("amount", "reason", "metadata");

  /**
   * The metadata keys our own values go under at Fintoc (Refunds writes them last): a merchant's
   * value there would be overwritten, or for the session and refund ids, would make a refund lead
   * to another one. The order-reference key is the deployment's (Settings), added by the caller.
   */
  static final Set<String> OURS =
      Set.of(FintocRefund.SESSION_ID_KEY, FintocRefund.REFUND_ID_KEY, "reason");

  /**
   * Reads a body. An empty body is {@code {}}: all that remains, no reason, no metadata.
   *
   * @param orderReferenceKey the metadata key of the session's order reference (also ours)
   */
  static RefundRequest parse(byte[] body, String orderReferenceKey) {
    if (body.length == 0) {
      return new RefundRequest(null, null, null);
    }
    JsonNode root = HttpRequests.jsonObject(body, MAX_BODY_BYTES);
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw ApiException.invalid(
            "unknown_parameter",
            "Unknown field '" + name + "': a refund takes amount, reason and metadata.",
            name);
      }
    }
    return new RefundRequest(
        amount(root),
        root.hasNonNull("reason") ? reason(root.get("reason")) : null,
        root.hasNonNull("metadata") ? metadata(root.get("metadata"), orderReferenceKey) : null);
  }

  /**
   * A whole number of the currency's smallest unit, more than 0, that fits a long. Left out: all
   * that remains. An explicit null is refused rather than read as "all": a merchant's variable left
   * unset must not refund a whole payment.
   */
  private static Long amount(JsonNode root) {
    if (!root.has("amount")) {
      return null;
    }
    JsonNode amount = root.get("amount");
    if (!amount.isIntegralNumber() || !amount.canConvertToLong() || amount.asLong() <= 0) {
      throw ApiException.invalid(
          "invalid_amount",
          "amount must be a whole number greater than 0, in the currency's smallest unit (CLP:"
              + " pesos; MXN: centavos); leave it out to refund all that remains.",
          "amount");
    }
    return amount.asLong();
  }

  private static String reason(JsonNode node) {
    if (!node.isTextual()
        || node.asText().isBlank()
        || node.asText().length() > MAX_REASON
        || node.asText().chars().anyMatch(Character::isISOControl)) {
      throw ApiException.invalid(
          "invalid_reason",
          "reason must be text of 1 to " + MAX_REASON + " characters, without control characters.",
          "reason");
    }
    return node.asText();
  }

  /**
   * Fintoc's shape, bounded as CreateSession bounds a session's: a flat object of at most 20
   * strings. Returned as canonical JSON, so the same metadata in another key order is the same
   * request (and hashes the same); none (an empty object) is null.
   */
  private static String metadata(JsonNode node, String orderReferenceKey) {
    String field = "metadata";
    if (!node.isObject() || node.size() > MAX_METADATA_KEYS) {
      throw ApiException.invalid(
          "invalid_metadata",
          field + " must be an object of at most " + MAX_METADATA_KEYS + " string values.",
          field);
    }
    if (node.isEmpty()) {
      return null;
    }
    ObjectNode clean = Json.object();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String key = entry.getKey();
      String at = field + "." + key;
      if (!METADATA_KEY.matcher(key).matches()) {
        throw ApiException.invalid(
            "invalid_metadata", at + ": keys are 1 to 40 letters, digits, or _ . : -", at);
      }
      if (OURS.contains(key) || key.equals(orderReferenceKey)) {
        throw ApiException.invalid(
            "metadata_key_reserved",
            at
                + " is where this service puts its own value at Fintoc (the session, the refund,"
                + " the order reference, the reason): use another key, or the reason field.",
            at);
      }
      JsonNode value = entry.getValue();
      if (!value.isTextual()
          || value.asText().length() > MAX_METADATA_VALUE
          || value.asText().chars().anyMatch(Character::isISOControl)) {
        throw ApiException.invalid(
            "invalid_metadata",
            at
                + " must be a string of at most "
                + MAX_METADATA_VALUE
                + " characters (metadata is a flat map of strings).",
            at);
      }
      clean.put(key, value.asText());
    }
    return Json.canonical(clean);
  }
}
