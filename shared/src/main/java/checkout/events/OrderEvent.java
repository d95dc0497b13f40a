package checkout.events;

import checkout.session.CheckoutSession;
import java.time.Instant;

/**
 * What the merchant's backend must hear about an order: one change of a session's outcome, as
 * committed. Derived from two committed states of a session by {@link OrderEvents#between}, never
 * from a webhook, so it is already deduplicated and ordered.
 *
 * @param id deterministic: the session and the transition ({@code cs_…:paid}), the same however
 *     often the change is read, so consumers dedupe on it
 * @param type one of {@link OrderEvents}' types ({@code checkout.session.paid} …)
 * @param occurredAt when Fintoc reported what caused it (the payment's or the session's status
 *     time), else when it was committed
 * @param session the session as committed by the change
 */
public record OrderEvent(String id, String type, Instant occurredAt, CheckoutSession session) {}
