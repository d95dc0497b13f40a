package checkout.session;

import java.time.Instant;

/**
 * A fact Fintoc told us, by webhook or when the sweeper asked: about a session, a payment, or both,
 * as of a moment. Mapped from Fintoc's JSON at the edge; the rules see only this.
 *
 * @param sessionId the session it concerns, or null (a payment event does not name its session)
 * @param sessionStatus the session's status as of {@code observedAt}, or null
 * @param snapshot the session as Fintoc describes it, to store one this deployment never created
 *     (e.g. one made in Fintoc's dashboard); no payment fields, those come in {@code payment}; or
 *     null
 * @param payment the payment intent it reports, or null
 * @param observedAt when Fintoc said it: the event's {@code created_at}, or when we asked
 * @param fromSweep true when the sweeper asked (it moves the next check of an unsettled payment)
 */
public record Observation(
    String sessionId,
    SessionStatus sessionStatus,
    CheckoutSession snapshot,
    PaymentFact payment,
    Instant observedAt,
    boolean fromSweep) {

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
    return new Observation(sessionId, status, null, null, observedAt, fromSweep);
  }
}
