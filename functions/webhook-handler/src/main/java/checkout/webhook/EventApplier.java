package checkout.webhook;

import checkout.session.Observation;
import checkout.store.SessionRepository;
import checkout.store.SessionUpdater;
import java.time.Clock;
import java.util.Optional;

/** An event, applied exactly once through the shared {@link SessionUpdater}. */
final class EventApplier {
  enum Outcome {
    APPLIED, DUPLICATE, IGNORED
  }

  /** The outcome, and how many times the commit lost to a concurrent writer first. */
  record Applied(Outcome outcome, int retries) {}

  private final SessionUpdater updater;
  private final String orderReferenceKey;
  private final Clock clock;

  EventApplier(SessionUpdater updater, String orderReferenceKey, Clock clock) {
    this.updater = updater;
    this.orderReferenceKey = orderReferenceKey;
    this.clock = clock;
  }

  Applied apply(WebhookEvent event) {
    Optional<Observation> fact = EventTranslator.observe(event, orderReferenceKey, clock.instant());
    if (fact.isEmpty()) {
      return new Applied(Outcome.IGNORED, 0);
    }
    SessionUpdater.Update update = updater.record(fact.get(), event.id(), event.type());
    return new Applied(update.commit() == SessionRepository.Commit.DUPLICATE ? Outcome.DUPLICATE : Outcome.APPLIED,
        update.retries());
  }
}
