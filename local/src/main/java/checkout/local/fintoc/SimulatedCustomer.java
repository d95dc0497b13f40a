package checkout.local.fintoc;

import checkout.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * One Fintoc Customer the simulator holds: made by a session's {@code customer_data}, by {@code
 * POST /v2/customers}, or by {@link FintocSimulator#addCustomer} (as in Fintoc's dashboard). Never
 * changed once made: Fintoc answers 409 rather than update a customer from a session.
 *
 * @param taxIdValue as Fintoc stores it (see {@link #normalize}), or null for an email-only one
 */
record SimulatedCustomer(
    String id,
    String mode,
    String name,
    String email,
    String taxIdType,
    String taxIdValue,
    JsonNode metadata) {

  /**
   * A tax id as Fintoc stores it: a RUT without dots or hyphens, uppercase (the check digit K); an
   * RFC uppercase. Two spellings of one tax id are one customer.
   */
  static String normalize(String type, String value) {
    String upper = value.trim().toUpperCase(Locale.ROOT);
    return "cl_rut".equals(type) ? upper.replace(".", "").replace("-", "") : upper;
  }

  /** What makes two customers of one mode the same one. */
  static String taxKey(String mode, String type, String value) {
    return mode + "|" + type + "|" + normalize(type, value);
  }

  /** The customer object, as sessions embed it and {@code GET /v2/customers/{id}} answers it. */
  ObjectNode toJson() {
    ObjectNode customer =
        Json.object()
            .put("id", id)
            .put("object", "customer")
            .put("mode", mode)
            .put("name", name)
            .put("email", email);
    customer.set("metadata", metadata == null ? Json.object() : metadata.deepCopy());
    if (taxIdType == null) {
      customer.putNull("tax_id");
    } else {
      customer.set("tax_id", Json.object().put("type", taxIdType).put("value", taxIdValue));
    }
    return customer;
  }
}
