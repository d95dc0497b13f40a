package checkout.store;

import checkout.log.Log;
import checkout.metrics.Metric;
import checkout.metrics.Metrics;
import checkout.session.CheckoutSession;
import checkout.session.Observation;
import checkout.session.PaymentRecord;
import checkout.session.SessionRules;
import checkout.time.Sleeper;
import java.time.Clock;

/**
 * Applies a fact from Fintoc to what we store, the one way every writer does (the webhook and the
 * sweeper): read what it concerns, decide with {@link SessionRules}, commit conditioned on the
 * versions read. A concurrent change makes the commit fail cleanly; then it reads again and decides
 * again, so a webhook racing the sweeper wins or loses cleanly and nothing moves back.
 */
public final class SessionUpdater {
  /** Contention on one session is a handful of writers at most; past this, let the caller retry. */
  private final SessionRepository sessions;

  private final IdempotencyStore claims;
  private final Clock clock;
  private final Contention contention;
  private final boolean automaticRefunds;

  public SessionUpdater(SessionRepository sessions, Clock clock, Sleeper sleeper) {
    this(sessions, clock, sleeper, false);
  }

  /**
   * @param automaticRefunds the AutomaticRefunds setting: the rules then mark a payment that should
   *     not have been taken as owed a refund, in the commit that records it
   */
  public SessionUpdater(
      SessionRepository sessions, Clock clock, Sleeper sleeper, boolean automaticRefunds) {
    this.automaticRefunds = automaticRefunds;
    this.sessions = sessions;
    this.claims = sessions.claims();
    this.clock = clock;
    this.contention = new Contention(sleeper);
  }

  /**
   * What the state was, and what it became (null when the session is unknown to us: {@code commit}
   * is then {@code FOREIGN} when the fact named a session, nothing written); {@code retries}: how
   * many commits lost to a concurrent change first (contention, for the logs).
   */
  public record Update(
      SessionRepository.Commit commit,
      CheckoutSession before,
      CheckoutSession after,
      int retries) {}

  /**
   * @param eventId the webhook event this fact came from (applied at most once), or null
   */
  public Update record(Observation fact, String eventId, String eventType) {
    for (int attempt = 1; attempt <= Contention.MAX_ATTEMPTS; attempt++) {
      PaymentRecord payment =
          fact.payment() == null ? null : sessions.findPayment(fact.payment().id()).orElse(null);
      String sessionId =
          fact.sessionId() != null
              ? fact.sessionId()
              : payment == null ? null : payment.sessionId();
      CheckoutSession session = sessionId == null ? null : sessions.find(sessionId).orElse(null);

      SessionRules.Result result =
          SessionRules.merge(fact, session, payment, clock.instant(), automaticRefunds);
      SessionRepository.Commit commit =
          sessions.commitEvent(
              eventId,
              eventType,
              clock.instant(),
              result,
              session == null ? 0 : session.version(),
              payment == null ? 0 : payment.version());
      if (commit != SessionRepository.Commit.CONFLICT) {
        CheckoutSession after = result.session() != null ? result.session() : session;
        if (commit == SessionRepository.Commit.APPLIED
            && after != null
            && after.attention() != null
            && (session == null || !after.attention().equals(session.attention()))) {
          logAttention(after, eventId);
        }
        if (commit == SessionRepository.Commit.APPLIED
            && session != null
            && after != null
            && after.claimScope() != null
            && session.moneyMayStillMove()
            && !after.moneyMayStillMove()) {
          // No money can move on it any more: its claim may go, after a margin (IdempotencyStore).
          claims.expireAfterSettled(after.claimScope(), after.id(), clock.instant());
        }
        return new Update(commit, session, after, attempt - 1);
      }
      contention.pause(attempt);
    }
    throw Contention.exhausted();
  }

  /** Money moved in a way the merchant must look at: said once, when it becomes true. */
  private static void logAttention(CheckoutSession session, String eventId) {
    Metrics.count(Metric.ATTENTION, session.attention());
    String action =
        switch (session.attention()) {
          case SessionRules.PAID_AFTER_EXPIRY ->
              "a payment succeeded on an expired session: reconcile the order";
          case SessionRules.UNKNOWN_AT_FINTOC ->
              "Fintoc kept answering 404 for this session, so the sweeper stopped asking: look it"
                  + " up in Fintoc's dashboard with the organisation and mode it was made in"
                  + " (reason); if the key was switched, put the right one back";
          case SessionRules.AMOUNT_MISMATCH ->
              "a payment succeeded for another amount or currency than the order's:"
                  + " do not fulfil; refund or collect the difference";
          case SessionRules.DUPLICATE_PAYMENT ->
              "a second payment succeeded on a session already paid: refund it"
                  + " (AutomaticRefunds on: it is refunded automatically)";
          default ->
              "a payment succeeded but Fintoc did not report its amount: check it in Fintoc's dashboard";
        };
    Log.warn(
        session.attention(),
        "session_id",
        session.id(),
        "event_id",
        eventId,
        "amount",
        session.amount(),
        "currency",
        session.currency(),
        "payment_amount",
        session.paymentAmount(),
        "payment_currency",
        session.paymentCurrency(),
        "mode",
        session.mode(),
        "reason",
        session.unknownReason(),
        "action",
        action);
  }
}
