package checkout.session;

import java.time.Instant;
import java.util.Objects;

/**
 * A refund as we store it: written by the merchant's request before anything is sent to Fintoc (so
 * its amount is held against the payment first), then changed only by {@link RefundRules#merge}
 * with what Fintoc reports of it.
 *
 * @param refundKey our key for the request (from the merchant's {@code Idempotency-Key}): the same
 *     key gives back this refund
 * @param sessionId the checkout session whose payment it returns money of
 * @param paymentIntentId that payment ({@code resource_id} at Fintoc)
 * @param refundId Fintoc's refund id, null until Fintoc answered or reported it
 * @param amount what was asked back, in the currency's smallest unit: always set, since a request
 *     without an amount asks for what remains and that is computed before anything is stored
 * @param currency the payment's (a refund at Fintoc has no currency of its own)
 * @param status what Fintoc last reported (any status, one we do not know included), null until it
 *     reported one; {@code statusAt} when it reported it
 * @param failureCode why Fintoc failed it ({@code insufficient_funds}, {@code fraud_risk}, …), only
 *     with {@code failed}
 * @param reason the merchant's text, sent to Fintoc in the metadata
 * @param version 1 once stored by the request; each merge that changes it adds one
 * @param amountFreed true once a failed or canceled refund has given its amount back to the
 *     payment: it is written in the same change as the status that frees it, so {@link
 *     RefundRules#freed} counts the amount exactly once
 */
public record RefundRecord(
    String refundKey,
    String sessionId,
    String paymentIntentId,
    String refundId,
    long amount,
    String currency,
    RefundStatus status,
    Instant statusAt,
    String failureCode,
    String reason,
    Instant createdAt,
    Instant updatedAt,
    long version,
    boolean amountFreed) {

  public RefundRecord {
    Objects.requireNonNull(refundKey, "refundKey");
    if (amount <= 0) {
      throw new IllegalArgumentException("a refund returns some money: " + amount);
    }
    // The flag says the amount went back; only a status that gives it back can say so, or the
    // payment could be refunded past what it paid.
    if (amountFreed && (status == null || !status.freesItsAmount())) {
      throw new IllegalArgumentException("only a failed or canceled refund frees its amount");
    }
  }

  /** What the merchant's request stores, before Fintoc is asked: its amount held, no answer yet. */
  public static RefundRecord requested(
      String refundKey,
      String sessionId,
      String paymentIntentId,
      long amount,
      String currency,
      String reason,
      Instant now) {
    return new RefundRecord(
        refundKey,
        sessionId,
        paymentIntentId,
        null,
        amount,
        currency,
        null,
        null,
        null,
        reason,
        now,
        now,
        1,
        false);
  }

  /** The same facts written again (a new attempt or a look): one version on, updated now. */
  public RefundRecord touched(Instant now) {
    return new RefundRecord(
        refundKey,
        sessionId,
        paymentIntentId,
        refundId,
        amount,
        currency,
        status,
        statusAt,
        failureCode,
        reason,
        createdAt,
        now,
        version + 1,
        amountFreed);
  }

  /**
   * Fintoc refused to create it (a definite 4xx under its key): {@link RefundStatus#REJECTED}, its
   * amount freed, one version on. Only for a refund Fintoc never reported (no id, no status).
   */
  public RefundRecord rejected(Instant now) {
    if (refundId != null || status != null) {
      throw new IllegalStateException("Fintoc reported this refund: it was not refused");
    }
    return new RefundRecord(
        refundKey,
        sessionId,
        paymentIntentId,
        null,
        amount,
        currency,
        RefundStatus.REJECTED,
        now,
        null,
        reason,
        createdAt,
        now,
        version + 1,
        true);
  }

  /** A refused refund asked again (its key's next generation): its amount held again. */
  public RefundRecord askedAgain(Instant now) {
    if (!RefundStatus.REJECTED.equals(status)) {
      throw new IllegalStateException("only a refund Fintoc refused is asked again");
    }
    return new RefundRecord(
        refundKey,
        sessionId,
        paymentIntentId,
        null,
        amount,
        currency,
        null,
        null,
        null,
        reason,
        createdAt,
        now,
        version + 1,
        false);
  }

  /** Fintoc gave its final answer: nothing it reports later changes this refund. */
  public boolean isFinal() {
    return status != null && status.isFinal();
  }

  /** Whether its amount still counts against what the payment can refund. */
  public boolean holdsItsAmount() {
    return !amountFreed;
  }

  /** The same facts, whenever and however often they were written (updatedAt and version aside). */
  public boolean sameStateAs(RefundRecord other) {
    return other != null
        && refundKey.equals(other.refundKey)
        && Objects.equals(sessionId, other.sessionId)
        && Objects.equals(paymentIntentId, other.paymentIntentId)
        && Objects.equals(refundId, other.refundId)
        && amount == other.amount
        && Objects.equals(currency, other.currency)
        && Objects.equals(status, other.status)
        && Objects.equals(statusAt, other.statusAt)
        && Objects.equals(failureCode, other.failureCode)
        && Objects.equals(reason, other.reason)
        && Objects.equals(createdAt, other.createdAt)
        && amountFreed == other.amountFreed;
  }
}
