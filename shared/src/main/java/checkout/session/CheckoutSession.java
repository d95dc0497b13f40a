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
    long version) {}
