package checkout.session;

import java.time.Duration;
import java.time.Instant;

/**
 * A fact Fintoc told us, by webhook or when the sweeper asked: about a session, a payment, or both,
 * as of a moment. Mapped from Fintoc's JSON at the edge; the rules see only this.
 *
 * @param sessionId the session it concerns, or null (a payment event does not name its session)
 * @param sessionStatus the session's status as of {@code observedAt}, or null
 * @param payment the payment intent it reports, or null
 * @param observedAt when Fintoc said it: the event's {@code created_at}, or when we asked
 * @param fromSweep true when the sweeper asked (it moves the next look at the session on)
 * @param notFound set when Fintoc answered 404 for {@code sessionId}: evidence it does not know the
 *     session (another organisation's or mode's key, a fault), never a status
 */
public record Observation(
    String sessionId,
    SessionStatus sessionStatus,
    PaymentFact payment,
    Instant observedAt,
    boolean fromSweep,
    NotFound notFound) {

  /** A fact with a status or a payment: Fintoc knows what it is about. */
  public Observation(
      String sessionId,
      SessionStatus sessionStatus,
      PaymentFact payment,
      Instant observedAt,
      boolean fromSweep) {
    this(sessionId, sessionStatus, payment, observedAt, fromSweep, null);
  }

  /**
   * Fintoc answered 404 when the sweeper asked.
   *
   * @param unknownAfter how long the 404s must last (over at least {@link
   *     SessionRules#MIN_NOT_FOUND_CHECKS} looks) before the session leaves the sweep for a person
   * @param keyMode the mode of the secret key that asked ({@code test}, {@code live}, or null when
   *     it does not say), compared with the session's own
   */
  public record NotFound(Duration unknownAfter, String keyMode) {}

  /**
   * What a payment intent said of itself.
   *
   * @param nextAction Fintoc's next_action (JSON), or null
   * @param amount in the currency's smallest unit, or null when not reported
   */
  public record PaymentFact(
      String id, PaymentStatus status, String nextAction, Long amount, String currency) {}

  /** Only that a session has this status (e.g. Fintoc has never heard of it: expired). */
  public static Observation sessionStatus(
      String sessionId, SessionStatus status, Instant observedAt, boolean fromSweep) {
    return new Observation(sessionId, status, null, observedAt, fromSweep);
  }

  /** The sweeper asked about a session and Fintoc answered 404. */
  public static Observation notFound(String sessionId, Instant observedAt, NotFound notFound) {
    return new Observation(sessionId, null, null, observedAt, true, notFound);
  }

  /**
   * The sweeper asked about a session and got no answer (a 5xx, a timeout, a 429): nothing is
   * known, but the look counts, so the session moves back in the sweep's queue.
   */
  public static Observation unanswered(String sessionId, Instant observedAt) {
    return new Observation(sessionId, null, null, observedAt, true, null);
  }
}
