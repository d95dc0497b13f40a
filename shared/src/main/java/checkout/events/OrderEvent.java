package checkout.events;

import checkout.session.CheckoutSession;
import checkout.session.StoredRefund;
import java.time.Instant;

/**
 * What the merchant's backend must hear about an order: one change of a session's outcome, or of
 * one of its refunds, as committed. Derived from two committed states of a session ({@link
 * OrderEvents#between}) or of a refund ({@link OrderEvents#refundBetween}), never from a webhook,
 * so it is already deduplicated and ordered.
 *
 * @param id deterministic: the session or refund and the transition ({@code cs_…:paid}, {@code
 *     rf_…:succeeded}), the same however often the change is read, so consumers dedupe on it
 * @param type one of {@link OrderEvents}' types ({@code checkout.session.paid}, {@code
 *     refund.succeeded} …)
 * @param occurredAt when Fintoc reported what caused it (the payment's, the session's or the
 *     refund's status time), else when it was committed
 * @param session the session as committed by the change; null for a refund's event
 * @param refund the refund as committed by the change; null for a session's event
 */
public record OrderEvent(
    String id, String type, Instant occurredAt, CheckoutSession session, StoredRefund refund) {

  /** A session's event. */
  public OrderEvent(String id, String type, Instant occurredAt, CheckoutSession session) {
    this(id, type, occurredAt, session, null);
  }

  /** A refund's event. */
  public OrderEvent(String id, String type, Instant occurredAt, StoredRefund refund) {
    this(id, type, occurredAt, null, refund);
  }
}
