package checkout.testing;

import checkout.config.Config;
import checkout.fintoc.FintocCheckoutSession;
import checkout.fintoc.FintocClient;
import checkout.fintoc.FintocOptions;
import checkout.json.Json;
import checkout.platform.Platform;
import checkout.refund.Refunds;
import checkout.session.StoredRefund;
import checkout.store.RefundLedger;
import checkout.store.RefundRepository;
import checkout.store.SessionRepository;
import checkout.store.SessionUpdater;
import checkout.time.Deadline;
import checkout.time.Jitter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A paid session in the table and at the Fintoc simulator, and {@link Refunds} on the same table,
 * clock and Fintoc: where tests of the webhook and the sweeper start a refund from, as the
 * merchant's route would (its create sent once, no retry inside the call).
 */
public final class RefundFixture {
  public final SessionRepository sessions;
  public final RefundRepository refunds;
  public final Refunds service;
  private final Clock clock;

  /**
   * @param config the function's configuration (its table, its Fintoc URL)
   */
  public RefundFixture(Config config, Clock clock) {
    Platform platform = TestStack.platform(config).clock(clock).build();
    this.clock = clock;
    this.sessions = new SessionRepository(platform.dynamo(), platform.settings().table());
    this.refunds = new RefundRepository(platform.dynamo(), platform.settings().table());
    this.service =
        new Refunds(
            refunds,
            sessions,
            new FintocClient(
                FintocOptions.from(platform.settings().fintoc()).singleAttempt(),
                platform.secrets(),
                platform.sleeper(),
                new Jitter()),
            platform.settings().orderReferenceKey(),
            clock,
            platform.sleeper());
  }

  /**
   * Session {@code sessionId} paid 15 000 CLP by {@code paymentIntentId}: stored as the webhook
   * would store it, and held so at Fintoc.
   */
  public void paid(FintocStub fintoc, String sessionId, String paymentIntentId) {
    finished(fintoc, sessionId, paymentIntentId, "succeeded");
  }

  /**
   * Session {@code sessionId} finished at Fintoc with its payment in {@code paymentStatus}: stored
   * as the webhook would store it (now, on this clock), and held so at Fintoc.
   */
  public void finished(
      FintocStub fintoc, String sessionId, String paymentIntentId, String paymentStatus) {
    Instant now = clock.instant();
    sessions.insert(
        TestSessions.open(sessionId, "order-" + sessionId, now.plus(Duration.ofDays(1))));
    String event =
        FintocEvents.sessionFinished(
            "evt_finished_" + sessionId, sessionId, paymentIntentId, paymentStatus);
    new SessionUpdater(sessions, clock, new RecordingSleeper())
        .record(
            FintocCheckoutSession.observe(Json.parse(event).get("data"), now, false),
            "evt_finished_" + sessionId,
            "checkout_session.finished");
    fintoc.holdSession(sessionId, "finished", paymentIntentId, paymentStatus);
  }

  /** The merchant asks {@code amount} back under {@code idempotencyKey}: our refund as stored. */
  public StoredRefund request(String sessionId, long amount, String idempotencyKey) {
    return service.request(
        new Refunds.Request(
            sessionId,
            Refunds.idFor(sessionId, idempotencyKey),
            null,
            amount,
            null,
            null,
            Refunds.requestHash(amount, null, null),
            StoredRefund.MERCHANT),
        Deadline.in(Duration.ofSeconds(30), Duration.ZERO));
  }

  public StoredRefund stored(String refundId) {
    return refunds.find(refundId).orElseThrow();
  }

  public RefundLedger ledger(String paymentIntentId) {
    return refunds.findLedger(paymentIntentId).orElseThrow();
  }
}
