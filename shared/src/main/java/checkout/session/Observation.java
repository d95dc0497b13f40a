package checkout.session;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A fact Fintoc told us (by webhook, or when asked): about a session, a payment, or both.
 * Every field may be null where the fact says nothing about it.
 *
 * @param sessionData Fintoc's checkout_session object, to store a session this deployment never
 *     created (e.g. one made in Fintoc's dashboard)
 * @param paymentAmount the payment intent's amount as Fintoc reported it (smallest unit)
 * @param paymentCurrency the payment intent's currency as Fintoc reported it
 */
public record Observation(
    String sessionId,
    SessionStatus sessionStatus,
    JsonNode sessionData,
    String paymentIntentId,
    PaymentStatus paymentStatus,
    String nextAction,
    Long paymentAmount,
    String paymentCurrency) {

  /** Only that a session has this status (e.g. Fintoc has never heard of it: expired). */
  public static Observation sessionStatus(String sessionId, SessionStatus status) {
    return new Observation(sessionId, status, null, null, null, null, null, null);
  }
}
