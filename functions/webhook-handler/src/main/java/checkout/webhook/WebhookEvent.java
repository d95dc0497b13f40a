package checkout.webhook;

import checkout.fintoc.FintocCheckoutSession;
import checkout.http.ApiException;
import checkout.json.InvalidJsonException;
import checkout.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A Fintoc event: {@code {"id": "evt_…", "type": "…", "created_at": "…", "data": {the resource
 * itself}}}; {@code createdAt} is null when absent or not a time. Parsed only after its signature
 * was verified over the raw bytes.
 */
record WebhookEvent(String id, String type, Instant createdAt, JsonNode data) {
  static WebhookEvent parse(byte[] body) {
    JsonNode root;
    try {
      root = Json.parse(new String(body, StandardCharsets.UTF_8));
    } catch (InvalidJsonException e) {
      throw ApiException.invalid("invalid_event", "The event is not valid JSON.", null);
    }
    String id = Json.text(root, "id");
    String type = Json.text(root, "type");
    JsonNode data = root.get("data");
    if (id == null || id.isBlank() || type == null || data == null || !data.isObject()) {
      throw ApiException.invalid(
          "invalid_event", "The event needs an id, a type and a data object.", null);
    }
    return new WebhookEvent(id, type, FintocCheckoutSession.instant(root, "created_at"), data);
  }
}
