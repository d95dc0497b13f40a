package checkout.sweeper;

import checkout.fintoc.FintocCheckoutSession;
import checkout.fintoc.FintocClient;
import checkout.fintoc.FintocOptions;
import checkout.fintoc.FintocRefund;
import checkout.platform.Platform;
import checkout.refund.PolicyRefunds;
import checkout.refund.Refunds;
import checkout.session.SessionRules;
import checkout.snapstart.AdapterPriming;
import checkout.snapstart.Samples;
import checkout.store.RefundRepository;
import checkout.store.SessionRepository;
import checkout.store.SessionUpdater;
import checkout.time.Jitter;
import checkout.time.Pace;
import java.time.Instant;

/** ExpirySweeper's parts, built once from the platform, and its SnapStart priming. */
final class ExpirySweeperRoot {
  final Sweeper sweeper;

  private final Platform platform;
  private final SessionRepository sessions;
  private final RefundRepository refundStore;

  ExpirySweeperRoot(Platform platform) {
    this.platform = platform;
    this.sessions = new SessionRepository(platform.dynamo(), platform.settings().table());
    FintocClient fintoc =
        new FintocClient(
            // No retry inside a call: an unanswered session moves back in the sweep's own queue.
            FintocOptions.from(platform.settings().fintoc()).singleAttempt(),
            platform.secrets(),
            platform.sleeper(),
            new Jitter());
    this.refundStore = new RefundRepository(platform.dynamo(), platform.settings().table());
    Refunds refunds =
        new Refunds(
            refundStore,
            sessions,
            fintoc,
            platform.settings().orderReferenceKey(),
            platform.clock(),
            platform.sleeper());
    this.sweeper =
        new Sweeper(
            sessions,
            fintoc,
            new SessionUpdater(
                sessions,
                platform.clock(),
                platform.sleeper(),
                platform.settings().automaticRefunds()),
            refundStore,
            refunds,
            new PolicyRefunds(refunds, sessions, platform.clock(), platform.sleeper()),
            platform.settings().sweep(),
            new Pace(platform.settings().sweep().callsPerSecond(), platform.sleeper()),
            platform.clock());
  }

  /**
   * A page of each sweep index that can hold nothing; the secret's read stopped before it is sent;
   * made-up Fintoc answers (a session, a refund) observed and decided; the storage paths, their
   * writes refused.
   */
  void prime() {
    Instant now = platform.clock().instant();
    AdapterPriming.sweepQueries(sessions);
    AdapterPriming.secretRead(platform.secrets());
    SessionRules.merge(
        FintocCheckoutSession.observe(Samples.fintocSession("expired"), now, true),
        null,
        null,
        now);
    AdapterPriming.sessionStorage(
        sessions,
        FintocCheckoutSession.toSession(
            Samples.fintocSession("expired"), platform.settings().orderReferenceKey(), now),
        now);
    FintocRefund.fact(Samples.fintocRefund("succeeded"), now);
    AdapterPriming.refundStorage(refundStore, now);
  }
}
