package checkout.session;

import java.time.Instant;

/**
 * A checkout session as this deployment stores it.
 *
 * @param amount in the currency's smallest unit (CLP: pesos; MXN: centavos)
 * @param orderReference the merchant's order id, copied from the session's metadata
 * @param paymentStatus null until a payment outcome is known
 * @param paymentIntentId null until Fintoc links a payment intent to the session
 * @param attention null, or why an operator should look at this session (e.g. paid after expiry)
 * @param nextAction Fintoc's next_action (JSON) while the payment is requires_action, else null
 * @param version incremented by every write; conditional updates compare it
 */
public record CheckoutSession(
    String id,
    SessionStatus status,
    PaymentStatus paymentStatus,
    String paymentIntentId,
    long amount,
    String currency,
    String orderReference,
    String mode,
    String successUrl,
    String cancelUrl,
    String redirectUrl,
    Instant createdAt,
    Instant expiresAt,
    Instant updatedAt,
    String attention,
    String nextAction,
    long version) {

  /** Same facts, ignoring when they were written ({@code updatedAt}, {@code version}). */
  public boolean sameStateAs(CheckoutSession other) {
    return other != null
        && status == other.status
        && paymentStatus == other.paymentStatus
        && java.util.Objects.equals(paymentIntentId, other.paymentIntentId)
        && java.util.Objects.equals(attention, other.attention)
        && java.util.Objects.equals(nextAction, other.nextAction);
  }
}
