package checkout.session;

import checkout.fintoc.FintocCheckoutSession;
import java.time.Instant;

/**
 * The one place that decides how a fact from Fintoc changes what we store. Pure: no I/O, so
 * every ordering can be tested without DynamoDB.
 *
 * <p>Every merge here is monotone — a session's status only moves forward, a payment's status
 * only moves forward and a final one never changes, a link once made stays, an amount once
 * reported stays — and {@code paid} and {@code attention} are computed from the merged facts,
 * never carried over. So applying the same facts in any order, any number of times, ends in
 * the same state.
 */
public final class SessionRules {
  /** A payment succeeded on a session that had expired: money moved, reconcile the order. */
  public static final String PAID_AFTER_EXPIRY = "paid_after_expiry";
  /** A payment succeeded for another amount or currency than the order's: never paid. */
  public static final String AMOUNT_MISMATCH = "amount_mismatch";
  /** A payment succeeded but Fintoc did not say for how much: never paid until it does. */
  public static final String AMOUNT_UNVERIFIED = "amount_unverified";

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
      PaymentRecord known = payment != null ? payment : PaymentRecord.unknown(fact.paymentIntentId());
      PaymentStatus status = merge(known.status(), fact.paymentStatus());
      String nextAction = status != PaymentStatus.REQUIRES_ACTION ? null
          : fact.paymentStatus() == PaymentStatus.REQUIRES_ACTION && fact.nextAction() != null
              ? fact.nextAction() : known.nextAction();
      effectivePayment = new PaymentRecord(known.id(), status,
          first(known.sessionId(), fact.sessionId()), nextAction,
          first(known.amount(), fact.paymentAmount()), first(known.currency(), fact.paymentCurrency()),
          now, known.version() + 1);
      if (payment == null || !effectivePayment.sameStateAs(payment)) {
        newPayment = effectivePayment;
      }
    }

    CheckoutSession newSessionState = null;
    if (base != null) {
      CheckoutSession candidate = mergeIntoSession(base, fact, effectivePayment)
          .updatedAt(now).version(newSession ? 1 : base.version() + 1).build();
      if (newSession || !candidate.sameStateAs(base)) {
        newSessionState = candidate;
      }
    }
    return new Result(newSessionState, newSession, newPayment);
  }

  private static CheckoutSession.Builder mergeIntoSession(CheckoutSession base, Observation fact,
      PaymentRecord payment) {
    boolean aboutThisSession = base.id().equals(fact.sessionId());
    SessionStatus status = base.status();
    if (fact.sessionStatus() != null && aboutThisSession && status.canMoveTo(fact.sessionStatus())) {
      status = fact.sessionStatus();
    }
    boolean linked = payment != null
        && (base.id().equals(payment.sessionId()) || payment.id().equals(base.paymentIntentId()));
    PaymentStatus paymentStatus = base.paymentStatus();
    String nextAction = base.nextAction();
    Long paymentAmount = base.paymentAmount();
    String paymentCurrency = base.paymentCurrency();
    if (linked) {
      paymentStatus = merge(paymentStatus, payment.status());
      nextAction = payment.nextAction() != null ? payment.nextAction() : nextAction;
      paymentAmount = first(paymentAmount, payment.amount());
      paymentCurrency = first(paymentCurrency, payment.currency());
    } else if (aboutThisSession) {
      paymentStatus = merge(paymentStatus, fact.paymentStatus());
      paymentAmount = first(paymentAmount, fact.paymentAmount());
      paymentCurrency = first(paymentCurrency, fact.paymentCurrency());
    }
    if (paymentStatus != PaymentStatus.REQUIRES_ACTION) {
      nextAction = null;
    }
    boolean succeeded = paymentStatus == PaymentStatus.SUCCEEDED;
    boolean amountKnown = paymentAmount != null && paymentCurrency != null;
    boolean exactAmount = amountKnown && paymentAmount == base.amount() && paymentCurrency.equals(base.currency());
    return base.toBuilder()
        .status(status)
        .paymentStatus(paymentStatus)
        .paymentIntentId(base.paymentIntentId() != null ? base.paymentIntentId() : linked ? payment.id() : null)
        .nextAction(nextAction)
        .paymentAmount(paymentAmount)
        .paymentCurrency(paymentCurrency)
        .paid(succeeded && exactAmount && status != SessionStatus.EXPIRED)
        .attention(attention(succeeded, amountKnown, exactAmount, status));
  }

  /** Why money that moved needs an operator, or null when nothing does. */
  private static String attention(boolean succeeded, boolean amountKnown, boolean exactAmount, SessionStatus status) {
    if (!succeeded) {
      return null;
    }
    if (!amountKnown) {
      return AMOUNT_UNVERIFIED;
    }
    if (!exactAmount) {
      return AMOUNT_MISMATCH;
    }
    return status == SessionStatus.EXPIRED ? PAID_AFTER_EXPIRY : null;
  }

  /** The further along of two payment statuses; the first final one wins for good. */
  static PaymentStatus merge(PaymentStatus current, PaymentStatus incoming) {
    if (current == null) {
      return incoming;
    }
    return incoming != null && current.canMoveTo(incoming) ? incoming : current;
  }

  /** What was known first stays: a payment's amount, currency and session never change. */
  private static <T> T first(T known, T incoming) {
    return known != null ? known : incoming;
  }
}
