package checkout.session;

import checkout.fintoc.FintocCheckoutSession;
import java.time.Instant;

/**
 * The one place that decides how a fact from Fintoc changes what we store. Pure: no I/O, so
 * every ordering can be tested without DynamoDB.
 *
 * <p>Every merge here is monotone — a session's status only moves forward, a payment's status
 * only moves forward and a final one never changes, a link once made stays — so applying the
 * same facts in any order, any number of times, ends in the same state.
 */
public final class SessionRules {
  public static final String PAID_AFTER_EXPIRY = "paid_after_expiry";

  private SessionRules() {}

  /**
   * The new states to write, each null when unchanged.
   *
   * @param newSession true when the session is not stored yet (write only if absent)
   */
  public record Result(CheckoutSession session, boolean newSession, PaymentRecord payment) {
    public boolean changesNothing() {
      return session == null && payment == null;
    }
  }

  /**
   * @param session the stored session the fact concerns, or null
   * @param payment the stored payment record the fact concerns, or null
   */
  public static Result apply(Observation fact, CheckoutSession session, PaymentRecord payment,
      String orderReferenceKey, Instant now) {
    CheckoutSession base = session;
    boolean newSession = false;
    if (base == null && fact.sessionData() != null) {
      base = FintocCheckoutSession.toSession(fact.sessionData(), orderReferenceKey, now);
      newSession = true;
    }

    PaymentRecord effectivePayment = payment;
    PaymentRecord newPayment = null;
    if (fact.paymentIntentId() != null) {
      PaymentRecord known = payment != null ? payment
          : new PaymentRecord(fact.paymentIntentId(), null, null, null, null, 0);
      PaymentStatus status = merge(known.status(), fact.paymentStatus());
      String nextAction = status != PaymentStatus.REQUIRES_ACTION ? null
          : fact.paymentStatus() == PaymentStatus.REQUIRES_ACTION && fact.nextAction() != null
              ? fact.nextAction() : known.nextAction();
      effectivePayment = new PaymentRecord(known.id(), status,
          known.sessionId() != null ? known.sessionId() : fact.sessionId(), nextAction, now, known.version() + 1);
      if (payment == null || !effectivePayment.sameStateAs(payment)) {
        newPayment = effectivePayment;
      }
    }

    CheckoutSession newSessionState = null;
    if (base != null) {
      SessionStatus status = base.status();
      if (fact.sessionStatus() != null && base.id().equals(fact.sessionId()) && status.canMoveTo(fact.sessionStatus())) {
        status = fact.sessionStatus();
      }
      boolean linked = effectivePayment != null
          && (base.id().equals(effectivePayment.sessionId()) || effectivePayment.id().equals(base.paymentIntentId()));
      PaymentStatus paymentStatus = base.paymentStatus();
      String nextAction = base.nextAction();
      if (linked) {
        paymentStatus = merge(paymentStatus, effectivePayment.status());
        nextAction = effectivePayment.nextAction() != null ? effectivePayment.nextAction() : nextAction;
      } else if (base.id().equals(fact.sessionId())) {
        paymentStatus = merge(paymentStatus, fact.paymentStatus());
      }
      if (paymentStatus != PaymentStatus.REQUIRES_ACTION) {
        nextAction = null;
      }
      // Money moved on a session we had closed: recorded, and flagged for the merchant.
      String attention = status == SessionStatus.EXPIRED && paymentStatus == PaymentStatus.SUCCEEDED
          ? PAID_AFTER_EXPIRY : base.attention();
      CheckoutSession candidate = new CheckoutSession(base.id(), status, paymentStatus,
          base.paymentIntentId() != null ? base.paymentIntentId() : linked ? effectivePayment.id() : null,
          base.amount(), base.currency(), base.orderReference(), base.mode(), base.successUrl(),
          base.cancelUrl(), base.redirectUrl(), base.createdAt(), base.expiresAt(), now, attention,
          nextAction, newSession ? 1 : base.version() + 1);
      if (newSession || !candidate.sameStateAs(base)) {
        newSessionState = candidate;
      }
    }
    return new Result(newSessionState, newSession, newPayment);
  }

  /** The further along of two payment statuses; the first final one wins for good. */
  static PaymentStatus merge(PaymentStatus current, PaymentStatus incoming) {
    if (current == null) {
      return incoming;
    }
    return incoming != null && current.canMoveTo(incoming) ? incoming : current;
  }
}
