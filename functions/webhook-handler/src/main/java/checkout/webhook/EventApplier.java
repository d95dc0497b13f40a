package checkout.webhook;

import checkout.session.Observation;
import checkout.session.SessionRepository;
import checkout.session.SessionUpdater;
import java.util.Optional;

/** An event, applied exactly once through the shared {@link SessionUpdater}. */
final class EventApplier {
  enum Outcome {
    APPLIED, DUPLICATE, IGNORED
  }

  private final SessionUpdater updater;

  EventApplier(SessionUpdater updater) {
    this.updater = updater;
  }

  Outcome apply(WebhookEvent event) {
    Optional<Observation> fact = EventTranslator.observe(event);
    if (fact.isEmpty()) {
      return Outcome.IGNORED;
    }
    SessionUpdater.Update update = updater.apply(fact.get(), event.id(), event.type());
    return update.commit() == SessionRepository.Commit.DUPLICATE ? Outcome.DUPLICATE : Outcome.APPLIED;
  }
}
