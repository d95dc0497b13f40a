package checkout.refund;

import checkout.http.ApiException;
import checkout.log.Log;
import checkout.session.CheckoutSession;
import checkout.session.SessionRules;
import checkout.session.StoredRefund;
import checkout.store.Contention;
import checkout.store.SessionRepository;
import checkout.time.Deadline;
import checkout.time.Sleeper;
import java.time.Clock;

/**
 * Makes the automatic refunds a session owes (AutomaticRefunds on; {@link
 * CheckoutSession#policyRefundsOwed}, written by {@link SessionRules} in the same commit as the
 * payment that made them owed). The webhook calls it right after its commit, the sweeper on every
 * look at a session that still owes one: whichever gets there first stores the refund ({@link
 * Refunds#requestByPolicy}, one id per payment, so both asking makes one refund), then takes the
 * payment off the session's list. A function that dies in between leaves the payment listed, and
 * the session in the sweeper's index, so the next look completes it.
 */
public final class PolicyRefunds {
  private final Refunds refunds;
  private final SessionRepository sessions;
  private final Clock clock;
  private final Contention contention;

  public PolicyRefunds(Refunds refunds, SessionRepository sessions, Clock clock, Sleeper sleeper) {
    this.refunds = refunds;
    this.sessions = sessions;
    this.clock = clock;
    this.contention = new Contention(sleeper);
  }

  /**
   * Requests each refund {@code session} owes, in turn, and marks each stored. A failure stops here
   * and is thrown: what is left stays owed, for the sweeper. Returns how many it took off the list
   * (0 when nothing was owed).
   */
  public int settle(CheckoutSession session, Deadline deadline) {
    if (session == null || !session.owesPolicyRefund()) {
      return 0;
    }
    int settled = 0;
    for (String paymentIntentId : session.policyRefundsOwed()) {
      String why =
          session.duplicatePaymentIds().contains(paymentIntentId)
              ? SessionRules.DUPLICATE_PAYMENT
              : session.attention();
      try {
        StoredRefund refund = refunds.requestByPolicy(session.id(), paymentIntentId, why, deadline);
        Log.info(
            "policy_refund",
            "session_id",
            session.id(),
            "payment_intent_id",
            paymentIntentId,
            "why",
            why,
            "refund_id",
            refund == null ? null : refund.id(),
            "amount",
            refund == null ? 0 : refund.refund().amount(),
            "outcome",
            refund == null ? "nothing_left" : "requested");
      } catch (ApiException refused) {
        if (refused.status() >= 500) {
          throw refused;
        }
        // Nothing this deployment can send (its amount unknown, no longer a succeeded payment of
        // this session): asking again would fail the same way, so it is left to a person, whom
        // the session's attention already calls.
        Log.warn(
            "policy_refund_refused",
            "session_id",
            session.id(),
            "payment_intent_id",
            paymentIntentId,
            "why",
            why,
            "code",
            refused.code(),
            "action",
            "refund it from Fintoc's dashboard if it should go back (docs/operations.md)");
      }
      if (stored(session.id(), paymentIntentId)) {
        settled++;
      }
    }
    return settled;
  }

  /** Takes the payment off the session's list, against whatever else changed the session. */
  private boolean stored(String sessionId, String paymentIntentId) {
    for (int attempt = 1; attempt <= Contention.MAX_ATTEMPTS; attempt++) {
      CheckoutSession now = sessions.find(sessionId).orElse(null);
      CheckoutSession after =
          now == null
              ? null
              : SessionRules.policyRefundStored(now, paymentIntentId, clock.instant());
      if (after == null) {
        return false; // another function took it off first
      }
      SessionRepository.Commit commit =
          sessions.commitEvent(
              null, null, clock.instant(), new SessionRules.Result(after, null), now.version(), 0);
      if (commit != SessionRepository.Commit.CONFLICT) {
        return true;
      }
      contention.pause(attempt);
    }
    throw Contention.exhausted();
  }
}
