package checkout.fintoc;

import checkout.json.Json;
import checkout.log.Unknowns;
import checkout.session.RefundFact;
import checkout.session.RefundStatus;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** Reading Fintoc's refund object into our model: the edge. */
public final class FintocRefund {
  /**
   * The metadata key our refunds carry their checkout session's id under, so a refund object (in a
   * webhook or a GET) leads back to its session: Fintoc's payment intent names no session.
   */
  public static final String SESSION_ID_KEY = "checkout_session_id";

  /**
   * The metadata key our refunds carry our own refund id under ({@code rf_…}): a {@code refund.*}
   * webhook finds its stored refund by it, even when it arrives before the answer to our create
   * (and so before Fintoc's id is stored).
   */
  public static final String REFUND_ID_KEY = "checkout_refund_id";

  private FintocRefund() {}

  /**
   * What a refund object says of itself as of {@code observedAt}, whatever status it names; null
   * when it has no id (nothing it could be about).
   */
  public static RefundFact fact(JsonNode refund, Instant observedAt) {
    String id = Json.text(refund, "id");
    if (id == null || id.isBlank()) {
      return null;
    }
    return new RefundFact(
        id,
        Json.text(refund, "resource_id"),
        status(Json.text(refund, "status")),
        FintocCheckoutSession.amountOf(refund),
        Json.text(refund, "currency"),
        Json.text(refund, "failure_code"),
        Json.text(refund.path("metadata"), SESSION_ID_KEY),
        Json.text(refund.path("metadata"), REFUND_ID_KEY),
        observedAt);
  }

  /** Any status Fintoc names; one we do not know is noted once and taken as it is. */
  public static RefundStatus status(String wire) {
    RefundStatus status = RefundStatus.fromWire(wire);
    if (status != null && !status.isKnown()) {
      Unknowns.note("refund_status", status.wire());
    }
    return status;
  }
}
