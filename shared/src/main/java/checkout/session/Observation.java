package checkout.session;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A fact Fintoc told us (by webhook, or when asked): about a session, a payment, or both.
 * Every field may be null where the fact says nothing about it.
 *
 * @param sessionData Fintoc's checkout_session object, to store a session this deployment never
 *     created (e.g. one made in Fintoc's dashboard)
 */
public record Observation(
    String sessionId,
    SessionStatus sessionStatus,
    JsonNode sessionData,
    String paymentIntentId,
    PaymentStatus paymentStatus,
    String nextAction) {}
