package checkout.session;

import java.time.Instant;

/**
 * What a refund object said of itself, as of a moment: from a {@code refund.*} webhook or a {@code
 * GET /v1/refunds/{id}}. Mapped from Fintoc's JSON at the edge ({@code FintocRefund}); the rules
 * see only this.
 *
 * @param id Fintoc's refund id ({@code ref_…} or {@code re_…}: the prefix is not ours to check)
 * @param paymentIntentId the payment it returns money of ({@code resource_id}), or null
 * @param status as Fintoc named it, or null when it named none
 * @param amount in the currency's smallest unit, or null when not a whole number
 * @param currency the payment's, or null
 * @param failureCode why it failed ({@code insufficient_funds}, {@code fraud_risk}, …), or null
 * @param sessionId the checkout session our metadata names, or null (a refund made elsewhere)
 * @param refundRef our refund's id ({@code rf_…}) as our metadata names it, or null (a refund made
 *     elsewhere, or before refunds carried it)
 * @param observedAt when Fintoc said it: the event's {@code created_at}, or when we asked
 */
public record RefundFact(
    String id,
    String paymentIntentId,
    RefundStatus status,
    Long amount,
    String currency,
    String failureCode,
    String sessionId,
    String refundRef,
    Instant observedAt) {}
