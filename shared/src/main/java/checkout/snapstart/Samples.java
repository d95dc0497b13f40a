package checkout.snapstart;

import checkout.json.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * The made-up data SnapStart priming runs on. Ids are shaped like Fintoc's, so they take the real
 * paths, but Fintoc issues one opaque token after the prefix ({@code cs_2vKOKniSGXRhX…}) and never
 * these; priming only ever reads them, and every write it makes is refused.
 */
public final class Samples {
  private Samples() {}

  public static final String SESSION_ID = "cs_snapstart_priming";
  public static final String PAYMENT_ID = "pi_snapstart_priming";

  /** A catalog price id no catalog has. */
  public static final String PRICE_ID = "snapstart_priming";

  /** An idempotency scope no request claims, and a claim token nobody holds. */
  public static final String SCOPE = "snapstart_priming";

  public static final String CLAIM_TOKEN = "snapstart_priming";

  /** A made-up webhook secret: the real one is never fetched before a snapshot. */
  public static final String WEBHOOK_SECRET = "whsec_snapstart_priming";

  /** A checkout session in Fintoc's shape; a finished one carries a succeeded payment. */
  public static ObjectNode fintocSession(String status) {
    ObjectNode session =
        Json.object()
            .put("id", SESSION_ID)
            .put("object", "checkout_session")
            .put("status", status)
            .put("amount", 1000)
            .put("currency", "CLP")
            .put("mode", "test")
            .put("redirect_url", "https://pay.fintoc.com/checkout/priming")
            .put("created_at", "2026-01-01T00:00:00Z")
            .put("expires_at", "2026-01-01T01:00:00Z");
    session.set("metadata", Json.object().put("order_id", "priming"));
    ObjectNode resource = session.putObject("payment_resource");
    if ("finished".equals(status)) {
      resource.set(
          "payment_intent",
          Json.object()
              .put("id", PAYMENT_ID)
              .put("status", "succeeded")
              .put("amount", 1000)
              .put("currency", "CLP"));
    }
    return session;
  }

  /**
   * Our id of a refund no one asked for: in our ids' shape, so a primed report is looked up as a
   * real one is (Refunds.isOurs).
   */
  public static final String REFUND_ID = "rf_00000000000000000000000000000000";

  /** A refund in Fintoc's shape, of {@link #PAYMENT_ID}, carrying our metadata. */
  public static ObjectNode fintocRefund(String status) {
    ObjectNode refund =
        Json.object()
            .put("id", "ref_snapstart_priming")
            .put("object", "refund")
            .put("status", status)
            .put("amount", 1000)
            .put("currency", "CLP")
            .put("resource_type", "payment_intent")
            .put("resource_id", PAYMENT_ID)
            .put("mode", "test")
            .put("created_at", "2026-01-01T00:00:00Z");
    refund.set(
        "metadata",
        Json.object().put("checkout_session_id", SESSION_ID).put("checkout_refund_id", REFUND_ID));
    return refund;
  }

  /** A webhook delivery's body: an event of {@code type} about {@link #fintocSession}. */
  public static byte[] webhookEvent(String type, String sessionStatus) {
    ObjectNode event =
        Json.object().put("id", "evt_snapstart_priming").put("object", "event").put("type", type);
    event.set("data", fintocSession(sessionStatus));
    return Json.write(event).getBytes(StandardCharsets.UTF_8);
  }
}
