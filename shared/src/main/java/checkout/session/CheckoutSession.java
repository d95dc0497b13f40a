package checkout.session;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A checkout session as this deployment stores it. Build one with {@link #builder()} or change one
 * with {@link #toBuilder()}: never by position.
 *
 * @param status any status Fintoc reports ({@link SessionStatus}); {@code statusAt} is when Fintoc
 *     reported it (an event's {@code created_at}, or when we asked)
 * @param paymentStatus what Fintoc last reported of the session's payment, null until anything is
 *     known; {@code paymentStatusAt} is when
 * @param amount what the order costs, in the currency's smallest unit (CLP: pesos; MXN: centavos),
 *     as priced on the server when the session was created
 * @param orderReference the merchant's order id: the signed order's {@code order_id}, or the label
 *     the storefront put in metadata (catalog orders; see docs/security.md)
 * @param paymentIntentId null until Fintoc links a payment intent to the session
 * @param attention null, or why an operator should look at this session ({@link SessionRules})
 * @param nextAction Fintoc's next_action (JSON) while the payment is requires_action, else null
 * @param version incremented by every write; conditional updates compare it
 * @param paid true only when Fintoc reported a succeeded payment of exactly {@code amount} in
 *     {@code currency} on a session that was not expired; decided by {@link SessionRules}
 * @param paymentAmount the payment intent's amount as Fintoc reported it, or null
 * @param paymentCurrency the payment intent's currency as Fintoc reported it, or null
 * @param lineItems what was priced, as JSON (price ids, quantities, unit amounts), or null
 * @param pricing how the amount was decided: {@code catalog}, {@code signed_order}, or null for a
 *     session this deployment did not create
 * @param customer who is buying, as JSON {@code {"name", "email"}} taken from the request's
 *     customer_data / customer_email (or the signed order's), or null when none was sent: personal
 *     data, kept so an order event can carry it (docs/security.md)
 * @param settleChecks how many times the sweeper has asked Fintoc about a payment that is not final
 *     on a session that is; {@code nextSettleCheckAt} is when it asks next (null when there is
 *     nothing to settle)
 * @param openChecks how many times the sweeper has asked Fintoc about this session while it was
 *     open past due and could not close it (Fintoc still had it open, or gave no answer); {@code
 *     nextOpenCheckAt} is when it asks next (null: at expires_at, nobody has asked yet)
 * @param notFoundSince when Fintoc first answered 404 for this session in the current run of 404s
 *     (null: it knows it, or nobody asked); {@code notFoundChecks} how many 404s since
 * @param unknownReason why the sweeper stopped asking about a session Fintoc kept not knowing (its
 *     attention is then {@code unknown_at_fintoc}), or null; any report from Fintoc about it clears
 *     it
 * @param claimScope the idempotency claim that made this session (a signed order's order_id or a
 *     client's Idempotency-Key, hashed), or null when none did: the claim keeps other checkouts of
 *     that order out for as long as this one can still take money ({@link #moneyMayStillMove})
 * @param replacedBy the idempotency scope of the order that replaced this checkout (it was ended
 *     unpaid for it), or null: a checkout is replaced by one order only
 * @param duplicatePaymentIds other payments that succeeded on this session besides the one it shows
 *     ({@code paymentIntentId}): money taken twice, attention {@code duplicate_payment}; never null
 *     ({@link SessionRules} decides which payment the session shows)
 * @param policyRefundsOwed payments this session owes an automatic refund (AutomaticRefunds on),
 *     until that refund is stored: the sweeper keeps looking at the session while it owes one, so a
 *     function that died after committing the payment still has its refund made; never null
 */
public record CheckoutSession(
    String id,
    SessionStatus status,
    Instant statusAt,
    PaymentStatus paymentStatus,
    Instant paymentStatusAt,
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
    String pricing,
    String customer,
    int settleChecks,
    Instant nextSettleCheckAt,
    int openChecks,
    Instant nextOpenCheckAt,
    Instant notFoundSince,
    int notFoundChecks,
    String unknownReason,
    String claimScope,
    String replacedBy,
    List<String> duplicatePaymentIds,
    List<String> policyRefundsOwed) {

  public CheckoutSession {
    duplicatePaymentIds =
        duplicatePaymentIds == null ? List.of() : List.copyOf(duplicatePaymentIds);
    policyRefundsOwed = policyRefundsOwed == null ? List.of() : List.copyOf(policyRefundsOwed);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Same facts, ignoring when they were written ({@code updatedAt}, {@code version}); when Fintoc
   * reported a status is a fact (a later report of the same status moves it on).
   */
  public boolean sameStateAs(CheckoutSession other) {
    return other != null
        && Objects.equals(status, other.status)
        && Objects.equals(statusAt, other.statusAt)
        && Objects.equals(paymentStatus, other.paymentStatus)
        && Objects.equals(paymentStatusAt, other.paymentStatusAt)
        && Objects.equals(paymentIntentId, other.paymentIntentId)
        && Objects.equals(attention, other.attention)
        && Objects.equals(nextAction, other.nextAction)
        && paid == other.paid
        && Objects.equals(paymentAmount, other.paymentAmount)
        && Objects.equals(paymentCurrency, other.paymentCurrency)
        && settleChecks == other.settleChecks
        && Objects.equals(nextSettleCheckAt, other.nextSettleCheckAt)
        && openChecks == other.openChecks
        && Objects.equals(nextOpenCheckAt, other.nextOpenCheckAt)
        && Objects.equals(notFoundSince, other.notFoundSince)
        && notFoundChecks == other.notFoundChecks
        && Objects.equals(unknownReason, other.unknownReason)
        && duplicatePaymentIds.equals(other.duplicatePaymentIds)
        && policyRefundsOwed.equals(other.policyRefundsOwed);
  }

  /** An automatic refund is owed and not stored yet: the sweeper keeps looking at the session. */
  public boolean owesPolicyRefund() {
    return !policyRefundsOwed.isEmpty();
  }

  /**
   * Nothing was paid and nothing can be any more: the session expired without a payment that could
   * still succeed, or its payment ended without money moving. A new checkout for the same order may
   * then start; in every other state the order keeps this session.
   */
  public boolean endedUnpaid() {
    if (status.equals(SessionStatus.EXPIRED)) {
      return paymentStatus == null || paymentStatus.endedWithoutMoney();
    }
    return status.equals(SessionStatus.FINISHED)
        && paymentStatus != null
        && paymentStatus.endedWithoutMoney();
  }

  /**
   * The session is over at Fintoc but its payment has no final answer yet (or a finished one names
   * none): the sweeper keeps asking until it has.
   */
  public boolean awaitsSettlement() {
    return status.isFinal()
        && (paymentStatus == null
            ? status.equals(SessionStatus.FINISHED)
            : !paymentStatus.isFinal());
  }

  /**
   * Money may still move on this session: it can still be paid (open at Fintoc), or its payment has
   * no final answer yet. While it may, nothing may open a second checkout for its order.
   */
  public boolean moneyMayStillMove() {
    return status.isOpen() || awaitsSettlement();
  }

  /** Fills a session field by field; unset fields are null (or 0 / false). */
  public static final class Builder {
    private String id;
    private SessionStatus status;
    private Instant statusAt;
    private PaymentStatus paymentStatus;
    private Instant paymentStatusAt;
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
    private String customer;
    private int settleChecks;
    private Instant nextSettleCheckAt;
    private int openChecks;
    private Instant nextOpenCheckAt;
    private Instant notFoundSince;
    private int notFoundChecks;
    private String unknownReason;
    private String claimScope;
    private String replacedBy;
    private List<String> duplicatePaymentIds;
    private List<String> policyRefundsOwed;

    private Builder() {}

    private Builder(CheckoutSession s) {
      id = s.id;
      status = s.status;
      statusAt = s.statusAt;
      paymentStatus = s.paymentStatus;
      paymentStatusAt = s.paymentStatusAt;
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
      customer = s.customer;
      settleChecks = s.settleChecks;
      nextSettleCheckAt = s.nextSettleCheckAt;
      openChecks = s.openChecks;
      nextOpenCheckAt = s.nextOpenCheckAt;
      notFoundSince = s.notFoundSince;
      notFoundChecks = s.notFoundChecks;
      unknownReason = s.unknownReason;
      claimScope = s.claimScope;
      replacedBy = s.replacedBy;
      duplicatePaymentIds = s.duplicatePaymentIds;
      policyRefundsOwed = s.policyRefundsOwed;
    }

    public Builder id(String value) {
      id = value;
      return this;
    }

    public Builder status(SessionStatus value) {
      status = value;
      return this;
    }

    public Builder statusAt(Instant value) {
      statusAt = value;
      return this;
    }

    public Builder paymentStatus(PaymentStatus value) {
      paymentStatus = value;
      return this;
    }

    public Builder paymentStatusAt(Instant value) {
      paymentStatusAt = value;
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

    public Builder customer(String value) {
      customer = value;
      return this;
    }

    public Builder settleChecks(int value) {
      settleChecks = value;
      return this;
    }

    public Builder nextSettleCheckAt(Instant value) {
      nextSettleCheckAt = value;
      return this;
    }

    public Builder openChecks(int value) {
      openChecks = value;
      return this;
    }

    public Builder nextOpenCheckAt(Instant value) {
      nextOpenCheckAt = value;
      return this;
    }

    public Builder notFoundSince(Instant value) {
      notFoundSince = value;
      return this;
    }

    public Builder notFoundChecks(int value) {
      notFoundChecks = value;
      return this;
    }

    public Builder unknownReason(String value) {
      unknownReason = value;
      return this;
    }

    public Builder claimScope(String value) {
      claimScope = value;
      return this;
    }

    public Builder replacedBy(String value) {
      replacedBy = value;
      return this;
    }

    public Builder duplicatePaymentIds(List<String> value) {
      duplicatePaymentIds = value;
      return this;
    }

    public Builder policyRefundsOwed(List<String> value) {
      policyRefundsOwed = value;
      return this;
    }

    public CheckoutSession build() {
      return new CheckoutSession(
          id,
          status,
          statusAt,
          paymentStatus,
          paymentStatusAt,
          paymentIntentId,
          amount,
          currency,
          orderReference,
          mode,
          successUrl,
          cancelUrl,
          redirectUrl,
          createdAt,
          expiresAt,
          updatedAt,
          attention,
          nextAction,
          version,
          paid,
          paymentAmount,
          paymentCurrency,
          lineItems,
          pricing,
          customer,
          settleChecks,
          nextSettleCheckAt,
          openChecks,
          nextOpenCheckAt,
          notFoundSince,
          notFoundChecks,
          unknownReason,
          claimScope,
          replacedBy,
          duplicatePaymentIds,
          policyRefundsOwed);
    }
  }
}
