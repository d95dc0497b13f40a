package checkout.store;

import checkout.session.Refundable;
import java.util.List;

/**
 * A payment's refunds, summed: the {@code REFUNDS#pi_…} item. Its sums change only in the same
 * transaction as one of its refunds (the request's reservation, a merged report), each conditioned
 * on what was read, so they always equal {@code Refundable.of(paid, refunds)}.
 *
 * @param paymentIntentId the payment
 * @param sessionId the session it paid
 * @param paid what it brought in, as Fintoc reported it
 * @param currency its currency
 * @param held what its refunds hold (requested, in flight, succeeded, unknown)
 * @param succeeded what went back
 * @param refundIds its refunds, oldest first (ours: {@code rf_…})
 * @param version 0 when no item exists yet
 */
public record RefundLedger(
    String paymentIntentId,
    String sessionId,
    long paid,
    String currency,
    long held,
    long succeeded,
    List<String> refundIds,
    long version) {

  public RefundLedger {
    refundIds = List.copyOf(refundIds);
  }

  /** A payment nothing was asked back of: no item yet. */
  public static RefundLedger empty(
      String paymentIntentId, String sessionId, long paid, String currency) {
    return new RefundLedger(paymentIntentId, sessionId, paid, currency, 0, 0, List.of(), 0);
  }

  public Refundable refundable() {
    return new Refundable(paid, held, succeeded);
  }

  /** The same ledger with one more refund (its amount is held through {@link #with}). */
  public RefundLedger adding(String refundId) {
    List<String> ids = new java.util.ArrayList<>(refundIds);
    if (!ids.contains(refundId)) {
      ids.add(refundId);
    }
    return new RefundLedger(
        paymentIntentId, sessionId, paid, currency, held, succeeded, ids, version);
  }

  /** The same ledger with these sums (from {@link Refundable}), one version on. */
  public RefundLedger with(Refundable sums) {
    return new RefundLedger(
        paymentIntentId,
        sessionId,
        paid,
        currency,
        sums.held(),
        sums.succeeded(),
        refundIds,
        version + 1);
  }
}
