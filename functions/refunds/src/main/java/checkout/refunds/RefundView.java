package checkout.refunds;

import checkout.json.Json;
import checkout.session.RefundRecord;
import checkout.session.StoredRefund;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * What the merchant's backend sees of a refund: the lead's contract (issue 24), nothing more — not
 * our Fintoc key, the request's hash or the merchant's metadata echoed back.
 */
final class RefundView {
  /** Our word for a refund Fintoc has not answered yet (its amount is held meanwhile). */
  static final String REQUESTED = "requested";

  private RefundView() {}

  static ObjectNode of(StoredRefund stored) {
    RefundRecord refund = stored.refund();
    return Json.object()
        .put("id", stored.id())
        .put("session_id", refund.sessionId())
        .put("status", refund.status() == null ? REQUESTED : refund.status().wire())
        .put("amount", refund.amount())
        .put("currency", refund.currency())
        .put("reason", refund.reason())
        .put("origin", stored.origin())
        .put("fintoc_refund_id", refund.refundId())
        .put("failure_code", refund.failureCode())
        .put("attention", stored.attention())
        .put("created_at", time(refund.createdAt()))
        .put("updated_at", time(refund.updatedAt()));
  }

  static ObjectNode list(List<StoredRefund> refunds) {
    ObjectNode body = Json.object();
    ArrayNode all = body.putArray("refunds");
    refunds.forEach(refund -> all.add(of(refund)));
    return body;
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
