package checkout.session;

import java.time.Instant;
import java.util.Objects;

/**
 * A refund as its {@code REFUND#} item holds it: the refund's facts ({@link RefundRecord}, changed
 * only by {@code RefundRules.merge}) and what we keep to finish it — how it is asked of Fintoc (the
 * key and its generation), when the sweeper next looks, and what the order events need.
 *
 * @param refund the facts; its {@code refundKey} is our refund id ({@code rf_…}), the item's key
 * @param origin who asked: {@code merchant}, or {@code policy:<why>} for an automatic refund
 * @param orderReference the session's order reference (events, Fintoc's metadata), or null
 * @param metadata the merchant's metadata as JSON (an object of strings), or null
 * @param requestHash what the request asked (amount or "what remains", reason, metadata): the same
 *     Idempotency-Key with another body is refused
 * @param fintocKey the random base of the Idempotency-Key sent to Fintoc ({@code <base>_<gen>})
 * @param generation moves on after Fintoc refused the create (a definite 4xx, status {@code
 *     rejected}), so asking again is a new request at Fintoc, not the refusal replayed
 * @param sentAt when this generation was first sent: Fintoc replays a key for 24 h, so a create
 *     whose answer was lost is sent again under it only within that window
 * @param rejectedCode Fintoc's error code when it refused the create, else null
 * @param checks how many looks the sweeper took since the last change it saw
 * @param nextCheckAt when the sweeper next looks (null: final, nothing to look at)
 * @param attention why a person must look ({@code refund_failed}), or null
 * @param paymentAmount what the payment brought in (the ledger's {@code paid})
 * @param refundedAfter what had gone back of the payment right after this refund's last change (the
 *     ledger's {@code succeeded}, written in the same transaction): for the order events
 */
public record StoredRefund(
    RefundRecord refund,
    String origin,
    String orderReference,
    String metadata,
    String requestHash,
    String fintocKey,
    int generation,
    Instant sentAt,
    String rejectedCode,
    int checks,
    Instant nextCheckAt,
    String attention,
    long paymentAmount,
    long refundedAfter) {

  public static final String MERCHANT = "merchant";
  public static final String POLICY_PREFIX = "policy:";
  public static final String REFUND_FAILED = "refund_failed";

  public StoredRefund {
    Objects.requireNonNull(refund, "refund");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(fintocKey, "fintocKey");
  }

  public String id() {
    return refund.refundKey();
  }

  /** The Idempotency-Key this attempt is sent to Fintoc under. */
  public String fintocIdempotencyKey() {
    return fintocKey + "_" + generation;
  }

  public StoredRefund withRefund(RefundRecord value) {
    return new StoredRefund(
        value,
        origin,
        orderReference,
        metadata,
        requestHash,
        fintocKey,
        generation,
        sentAt,
        rejectedCode,
        checks,
        nextCheckAt,
        attention,
        paymentAmount,
        refundedAfter);
  }

  public StoredRefund withAttempt(int newGeneration, Instant newSentAt, String newRejectedCode) {
    return new StoredRefund(
        refund,
        origin,
        orderReference,
        metadata,
        requestHash,
        fintocKey,
        newGeneration,
        newSentAt,
        newRejectedCode,
        checks,
        nextCheckAt,
        attention,
        paymentAmount,
        refundedAfter);
  }

  public StoredRefund withSchedule(int newChecks, Instant newNextCheckAt) {
    return new StoredRefund(
        refund,
        origin,
        orderReference,
        metadata,
        requestHash,
        fintocKey,
        generation,
        sentAt,
        rejectedCode,
        newChecks,
        newNextCheckAt,
        attention,
        paymentAmount,
        refundedAfter);
  }

  public StoredRefund withOutcome(String newAttention, long newRefundedAfter) {
    return new StoredRefund(
        refund,
        origin,
        orderReference,
        metadata,
        requestHash,
        fintocKey,
        generation,
        sentAt,
        rejectedCode,
        checks,
        nextCheckAt,
        newAttention,
        paymentAmount,
        newRefundedAfter);
  }
}
