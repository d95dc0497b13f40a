package checkout.session;

import java.time.Instant;
import java.util.Objects;

/**
 * A checkout session as this deployment stores it. Build one with {@link #builder()} or change
 * one with {@link #toBuilder()}: never by position.
 *
 * @param amount what the order costs, in the currency's smallest unit (CLP: pesos; MXN:
 *     centavos), as priced on the server when the session was created
 * @param orderReference the merchant's order id: the signed order's {@code order_id}, or the
 *     label the storefront put in metadata (catalog orders; see docs/security.md)
 * @param paymentStatus null until a payment outcome is known
 * @param paymentIntentId null until Fintoc links a payment intent to the session
 * @param attention null, or why an operator should look at this session ({@link SessionRules})
 * @param nextAction Fintoc's next_action (JSON) while the payment is requires_action, else null
 * @param version incremented by every write; conditional updates compare it
 * @param paid true only when Fintoc reported a succeeded payment of exactly {@code amount} in
 *     {@code currency} on a session that was not expired; decided by {@link SessionRules}
 * @param paymentAmount the payment intent's amount as Fintoc reported it, or null
 * @param paymentCurrency the payment intent's currency as Fintoc reported it, or null
 * @param lineItems what was priced, as JSON (price ids, quantities, unit amounts), or null
 * @param pricing how the amount was decided: {@code catalog}, {@code signed_order}, or null for
 *     a session this deployment did not create
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
    long version,
    boolean paid,
    Long paymentAmount,
    String paymentCurrency,
    String lineItems,
    String pricing) {

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Same facts, ignoring when they were written ({@code updatedAt}, {@code version}). */
  public boolean sameStateAs(CheckoutSession other) {
    return other != null
        && status == other.status
        && paymentStatus == other.paymentStatus
        && Objects.equals(paymentIntentId, other.paymentIntentId)
        && Objects.equals(attention, other.attention)
        && Objects.equals(nextAction, other.nextAction)
        && paid == other.paid
        && Objects.equals(paymentAmount, other.paymentAmount)
        && Objects.equals(paymentCurrency, other.paymentCurrency);
  }

  /**
   * Nothing was paid and nothing can be any more: the session expired without a payment that
   * could still succeed, or its payment ended without money moving. A new checkout for the
   * same order may then start; in every other state the order keeps this session.
   */
  public boolean endedUnpaid() {
    boolean paymentFailed = paymentStatus != null && paymentStatus.isFinal() && paymentStatus != PaymentStatus.SUCCEEDED;
    return switch (status) {
      case EXPIRED -> paymentStatus == null || paymentFailed;
      case FINISHED -> paymentFailed;
      default -> false;
    };
  }

  /** Fills a session field by field; unset fields are null (or 0 / false). */
  public static final class Builder {
    private String id;
    private SessionStatus status;
    private PaymentStatus paymentStatus;
    private String paymentIntentId;
    private long amount;
    private String currency;
    private String orderReference;
    private String mode;
    private String successUrl;
    private String cancelUrl;
    private String redirectUrl;
    private Instant createdAt;
    private Instant expiresAt;
    private Instant updatedAt;
    private String attention;
    private String nextAction;
    private long version;
    private boolean paid;
    private Long paymentAmount;
    private String paymentCurrency;
    private String lineItems;
    private String pricing;

    private Builder() {}

    private Builder(CheckoutSession s) {
      id = s.id;
      status = s.status;
      paymentStatus = s.paymentStatus;
      paymentIntentId = s.paymentIntentId;
      amount = s.amount;
      currency = s.currency;
      orderReference = s.orderReference;
      mode = s.mode;
      successUrl = s.successUrl;
      cancelUrl = s.cancelUrl;
      redirectUrl = s.redirectUrl;
      createdAt = s.createdAt;
      expiresAt = s.expiresAt;
      updatedAt = s.updatedAt;
      attention = s.attention;
      nextAction = s.nextAction;
      version = s.version;
      paid = s.paid;
      paymentAmount = s.paymentAmount;
      paymentCurrency = s.paymentCurrency;
      lineItems = s.lineItems;
      pricing = s.pricing;
    }

    public Builder id(String value) {
      id = value;
      return this;
    }

    public Builder status(SessionStatus value) {
      status = value;
      return this;
    }

    public Builder paymentStatus(PaymentStatus value) {
      paymentStatus = value;
      return this;
    }

    public Builder paymentIntentId(String value) {
      paymentIntentId = value;
      return this;
    }

    public Builder amount(long value) {
      amount = value;
      return this;
    }

    public Builder currency(String value) {
      currency = value;
      return this;
    }

    public Builder orderReference(String value) {
      orderReference = value;
      return this;
    }

    public Builder mode(String value) {
      mode = value;
      return this;
    }

    public Builder successUrl(String value) {
      successUrl = value;
      return this;
    }

    public Builder cancelUrl(String value) {
      cancelUrl = value;
      return this;
    }

    public Builder redirectUrl(String value) {
      redirectUrl = value;
      return this;
    }

    public Builder createdAt(Instant value) {
      createdAt = value;
      return this;
    }

    public Builder expiresAt(Instant value) {
      expiresAt = value;
      return this;
    }

    public Builder updatedAt(Instant value) {
      updatedAt = value;
      return this;
    }

    public Builder attention(String value) {
      attention = value;
      return this;
    }

    public Builder nextAction(String value) {
      nextAction = value;
      return this;
    }

    public Builder version(long value) {
      version = value;
      return this;
    }

    public Builder paid(boolean value) {
      paid = value;
      return this;
    }

    public Builder paymentAmount(Long value) {
      paymentAmount = value;
      return this;
    }

    public Builder paymentCurrency(String value) {
      paymentCurrency = value;
      return this;
    }

    public Builder lineItems(String value) {
      lineItems = value;
      return this;
    }

    public Builder pricing(String value) {
      pricing = value;
      return this;
    }

    public CheckoutSession build() {
      return new CheckoutSession(id, status, paymentStatus, paymentIntentId, amount, currency, orderReference, mode,
          successUrl, cancelUrl, redirectUrl, createdAt, expiresAt, updatedAt, attention, nextAction, version, paid,
          paymentAmount, paymentCurrency, lineItems, pricing);
    }
  }
}
