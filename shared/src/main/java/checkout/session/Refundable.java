package checkout.session;

import java.util.Collection;
import java.util.Locale;

/**
 * What one payment can still give back: the arithmetic of "the refunds of one payment never add up
 * to more than it". Pure; the store keeps {@code held} and {@code succeeded} beside the payment and
 * changes them only through {@link #reserve} (conditioned on the amounts read, so two requests that
 * race cannot both pass) and {@link #apply} (in the same write as the refund's merged status).
 *
 * <p>A refund holds its amount from the moment it is requested — before Fintoc is asked, so a
 * request whose answer is lost still counts — until it failed or was canceled. A status we do not
 * know holds it too: never refund the same money twice.
 *
 * @param paid what the payment brought in (Fintoc's amount for it, in the smallest unit)
 * @param held the sum of its refunds that have not freed their amount (requested, in flight,
 *     succeeded, or in a status we do not know)
 * @param succeeded the sum of its refunds Fintoc reported succeeded: part of {@code held}
 */
public record Refundable(long paid, long held, long succeeded) {

  /**
   * The coarse state GetSession may show the storefront, from the money that actually went back.
   *
   * <p>There is no {@code pending}: a refund in flight can still fail (Fintoc retries one short of
   * balance for 5 business days, then fails it), so "refunding" would be a promise the public page
   * might have to take back, the state going backwards to {@code none}. The customer hears of the
   * refund's progress from Fintoc itself (by the session's {@code customer_email}), and the
   * merchant sees each refund's status on its own route and in the order events; the public view
   * only needs what is certain.
   */
  public enum Refunded {
    /** No money went back (maybe some is on its way). */
    NONE,
    /** Some of the payment went back, not all. */
    PARTIAL,
    /** All of it went back. */
    FULL;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Refundable {
    if (succeeded < 0 || succeeded > held || held > paid) {
      throw new IllegalArgumentException(
          "refunds of a payment of " + paid + " cannot hold " + held + " with " + succeeded);
    }
  }

  /** A payment nothing was asked back of yet. */
  public static Refundable of(long paid) {
    return new Refundable(paid, 0, 0);
  }

  /**
   * The same sums, counted again from the refunds of one payment (what the counters must equal).
   */
  public static Refundable of(long paid, Collection<RefundRecord> refunds) {
    long held = 0;
    long succeeded = 0;
    for (RefundRecord refund : refunds) {
      held += refund.holdsItsAmount() ? refund.amount() : 0;
      succeeded += RefundStatus.SUCCEEDED.equals(refund.status()) ? refund.amount() : 0;
    }
    return new Refundable(paid, held, succeeded);
  }

  /** What can still be asked back: what a request without an amount asks for. */
  public long remaining() {
    return paid - held;
  }

  /** Whether a refund of this amount fits: more than nothing, and no more than remains. */
  public boolean canReserve(long amount) {
    return amount > 0 && amount <= remaining();
  }

  /** The sums once a refund of this amount is requested; refused when it does not fit. */
  public Refundable reserve(long amount) {
    if (!canReserve(amount)) {
      throw new IllegalArgumentException(
          "a refund of " + amount + " does not fit in the " + remaining() + " that remains");
    }
    return new Refundable(paid, held + amount, succeeded);
  }

  /**
   * The sums once one of its refunds changed from {@code before} to {@code after} (what {@link
   * RefundRules#merge} returned; null when nothing changed): a failure or cancel frees its amount,
   * a success counts it as gone back, each once.
   */
  public Refundable apply(RefundRecord before, RefundRecord after) {
    return new Refundable(
        paid,
        held - RefundRules.freed(before, after),
        succeeded + RefundRules.succeeded(before, after));
  }

  public Refunded refunded() {
    if (succeeded == 0) {
      return Refunded.NONE;
    }
    return succeeded >= paid ? Refunded.FULL : Refunded.PARTIAL;
  }
}
