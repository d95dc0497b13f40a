package checkout.refunds;

import checkout.fintoc.FintocClient;
import checkout.fintoc.FintocOptions;
import checkout.fintoc.FintocRefund;
import checkout.http.ApiEvent;
import checkout.json.Json;
import checkout.platform.Platform;
import checkout.refund.Refunds;
import checkout.session.RefundRecord;
import checkout.session.RefundRules;
import checkout.session.StoredRefund;
import checkout.snapstart.AdapterPriming;
import checkout.snapstart.Samples;
import checkout.store.RefundItems;
import checkout.store.RefundRepository;
import checkout.store.SessionRepository;
import checkout.time.Jitter;
import java.time.Instant;

/** The refund route's parts, built once from the platform, and its SnapStart priming. */
final class RefundsRoot {
  final Refunds refunds;
  final String orderReferenceKey;

  private final Platform platform;

  RefundsRoot(Platform platform) {
    this.platform = platform;
    this.orderReferenceKey = platform.settings().orderReferenceKey();
    String table = platform.settings().table();
    this.refunds =
        new Refunds(
            new RefundRepository(platform.dynamo(), table),
            new SessionRepository(platform.dynamo(), table),
            new FintocClient(
                FintocOptions.from(platform.settings().fintoc()),
                platform.secrets(),
                platform.sleeper(),
                new Jitter()),
            orderReferenceKey,
            platform.clock(),
            platform.sleeper());
  }

  /**
   * Short of Fintoc, of the secret and of any write: each route through the whole handler for a
   * session that does not exist (the request read, the refund's and the session's reads, the 404
   * body); the secret's read stopped before the wire; and a refund as Fintoc reports it, merged,
   * stored as an item and read back, and shown.
   */
  void prime(RefundsHandler handler) {
    String refunds = "/checkout-sessions/" + Samples.SESSION_ID + "/refunds";
    handler.handleRequest(
        ApiEvent.request("POST", "/checkout-sessions/{id}/refunds")
            .path(refunds)
            .pathParameter("id", Samples.SESSION_ID)
            .header("content-type", "application/json")
            .header("idempotency-key", "snapstart-priming")
            .body("{\"amount\": 1000, \"reason\": \"priming\", \"metadata\": {\"note\": \"p\"}}")
            .event(),
        null);
    handler.handleRequest(
        ApiEvent.request("GET", "/checkout-sessions/{id}/refunds")
            .path(refunds)
            .pathParameter("id", Samples.SESSION_ID)
            .event(),
        null);
    String refundId = Refunds.idFor(Samples.SESSION_ID, "snapstart-priming");
    handler.handleRequest(
        ApiEvent.request("POST", "/checkout-sessions/{id}/refunds/{refund_id}/cancel")
            .path(refunds + "/" + refundId + "/cancel")
            .pathParameter("id", Samples.SESSION_ID)
            .pathParameter("refund_id", refundId)
            .event(),
        null);
    AdapterPriming.secretRead(platform.secrets());
    Instant now = platform.clock().instant();
    StoredRefund sample =
        new StoredRefund(
            RefundRecord.requested(
                refundId, Samples.SESSION_ID, Samples.PAYMENT_ID, 1000, "CLP", "priming", now),
            StoredRefund.MERCHANT,
            "priming",
            null,
            Refunds.requestHash(1000L, "priming", null),
            "fcr_priming",
            1,
            now,
            null,
            0,
            now,
            null,
            1000,
            0);
    RefundRecord merged =
        RefundRules.merge(
            sample.refund(),
            FintocRefund.fact(
                Json.object()
                    .put("id", "ref_priming")
                    .put("object", "refund")
                    .put("amount", 1000)
                    .put("currency", "CLP")
                    .put("status", "pending")
                    .put("resource_id", Samples.PAYMENT_ID)
                    .put("resource_type", "payment_intent"),
                now),
            now);
    StoredRefund after = merged == null ? sample : sample.withRefund(merged);
    RefundView.of(RefundItems.fromItem(RefundItems.toItem(after)));
  }
}
