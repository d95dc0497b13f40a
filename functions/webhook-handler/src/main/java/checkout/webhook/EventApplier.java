package checkout.webhook;

import checkout.log.Log;
import checkout.session.CheckoutSession;
import checkout.session.Observation;
import checkout.session.PaymentRecord;
import checkout.session.SessionRepository;
import checkout.session.SessionRules;
import checkout.session.StorageUnavailableException;
import checkout.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Applies an event exactly once: read what it concerns, decide with {@link SessionRules},
 * commit the marker and the change in one transaction conditioned on what was read. A
 * concurrent change makes the commit fail cleanly; then it reads again and decides again.
 */
final class EventApplier {
  enum Outcome {
    APPLIED, DUPLICATE, IGNORED
  }

  /** Contention on one session is a handful of events at most; past this, let Fintoc retry. */
  private static final int MAX_ATTEMPTS = 8;

  private final SessionRepository sessions;
  private final String orderReferenceKey;
  private final Clock clock;
  private final Sleeper sleeper;
  private final RandomGenerator random = RandomGenerator.getDefault();

  EventApplier(SessionRepository sessions, String orderReferenceKey, Clock clock, Sleeper sleeper) {
    this.sessions = sessions;
    this.orderReferenceKey = orderReferenceKey;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  Outcome apply(WebhookEvent event) {
    Optional<Observation> observed = EventTranslator.observe(event);
    if (observed.isEmpty()) {
      return Outcome.IGNORED;
    }
    Observation fact = observed.get();
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      PaymentRecord payment = fact.paymentIntentId() == null ? null
          : sessions.findPayment(fact.paymentIntentId()).orElse(null);
      String sessionId = fact.sessionId() != null ? fact.sessionId() : payment == null ? null : payment.sessionId();
      CheckoutSession session = sessionId == null ? null : sessions.find(sessionId).orElse(null);

      SessionRules.Result result = SessionRules.apply(fact, session, payment, orderReferenceKey, clock.instant());
      SessionRepository.Commit commit = sessions.commitEvent(event.id(), event.type(), clock.instant(), result,
          session == null ? 0 : session.version(), payment == null ? 0 : payment.version());
      switch (commit) {
        case APPLIED:
          if (result.session() != null && SessionRules.PAID_AFTER_EXPIRY.equals(result.session().attention())
              && (session == null || session.attention() == null)) {
            Log.warn("paid_after_expiry", "session_id", result.session().id(), "event_id", event.id(),
                "action", "a payment succeeded on an expired session: reconcile the order");
          }
          return Outcome.APPLIED;
        case DUPLICATE:
          return Outcome.DUPLICATE;
        case CONFLICT:
          pause(attempt);
          break;
      }
    }
    throw new StorageUnavailableException("event " + event.id() + " kept conflicting with concurrent changes", null);
  }

  private void pause(int attempt) {
    try {
      sleeper.sleep(Duration.ofMillis(random.nextLong(5L << Math.min(attempt, 6)) + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageUnavailableException("interrupted", e);
    }
  }
}
