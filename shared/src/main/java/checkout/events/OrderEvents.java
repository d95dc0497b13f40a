package checkout.events;

import checkout.session.CheckoutSession;
import checkout.session.PaymentStatus;
import checkout.session.RefundRecord;
import checkout.session.RefundStatus;
import checkout.session.Refundable;
import checkout.session.SessionStatus;
import checkout.session.StoredRefund;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one place that decides which order events a committed change means. Pure: two states of one
 * session in, events out; the publisher reads them from the table's stream.
 *
 * <ul>
 *   <li>{@link #PAID}: {@code paid} became true (once per session);
 *   <li>{@link #PAYMENT_FAILED}: the payment ended without money moving — failed, rejected or
 *       expired (once: a final status never changes);
 *   <li>{@link #EXPIRED}: the session expired with no payment at all (once);
 *   <li>{@link #ACTION_REQUIRED}: the payment needs the customer (or another approver), with a
 *       {@code next_action} it did not have before (once per committed version);
 *   <li>{@link #ATTENTION}: money moved in a way an operator must reconcile — {@code
 *       paid_after_expiry}, {@code amount_mismatch}, {@code amount_unverified}, {@code
 *       duplicate_payment} (a second payment of a paid order: it stays paid), {@code
 *       unknown_at_fintoc} (once per kind).
 * </ul>
 *
 * An expired session whose payment is still pending says nothing yet: its payment's final status
 * does, later (a failure, or a payment after expiry that needs attention).
 *
 * <p>A refund's {@code REFUND#} item says {@link #REFUND_SUCCEEDED} or {@link #REFUND_FAILED} when
 * its status became that ({@link #refundBetween}). Both are final, so each is said at most once in
 * a refund's life; the statuses on the way ({@code pending}, {@code in_progress}, a cancel) say
 * nothing: the merchant's route shows them.
 */
public final class OrderEvents {
  /** A refund Fintoc reported succeeded: the money went back (once per refund). */
  public static final String REFUND_SUCCEEDED = "refund.succeeded";

  /** A refund Fintoc reported failed: the money did not go back, a person must act (once). */
  public static final String REFUND_FAILED = "refund.failed";

  public static final String PAID = "checkout.session.paid";
  public static final String PAYMENT_FAILED = "checkout.session.payment_failed";
  public static final String EXPIRED = "checkout.session.expired";
  public static final String ACTION_REQUIRED = "checkout.session.action_required";
  public static final String ATTENTION = "checkout.session.attention";

  private OrderEvents() {}

  /**
   * The events a change from {@code before} (null: the session was not stored) to {@code after}
   * means, in the order a consumer should act on them.
   */
  public static List<OrderEvent> between(CheckoutSession before, CheckoutSession after) {
    List<OrderEvent> events = new ArrayList<>();
    String id = after.id();
    PaymentStatus payment = after.paymentStatus();
    PaymentStatus paymentBefore = before == null ? null : before.paymentStatus();

    if (PaymentStatus.REQUIRES_ACTION.equals(payment)
        && after.nextAction() != null
        && (!PaymentStatus.REQUIRES_ACTION.equals(paymentBefore)
            || !Objects.equals(before.nextAction(), after.nextAction()))) {
      events.add(
          new OrderEvent(
              id + ":action_required:" + after.version(),
              ACTION_REQUIRED,
              at(after.paymentStatusAt(), after),
              after));
    }
    if (payment != null && payment.endedWithoutMoney() && !payment.equals(paymentBefore)) {
      events.add(
          new OrderEvent(
              id + ":payment_failed", PAYMENT_FAILED, at(after.paymentStatusAt(), after), after));
    }
    if (SessionStatus.EXPIRED.equals(after.status())
        && payment == null
        && (before == null || !SessionStatus.EXPIRED.equals(before.status()))) {
      events.add(new OrderEvent(id + ":expired", EXPIRED, at(after.statusAt(), after), after));
    }
    if (after.paid() && (before == null || !before.paid())) {
      events.add(new OrderEvent(id + ":paid", PAID, at(after.paymentStatusAt(), after), after));
    }
    if (after.attention() != null
        && (before == null || !after.attention().equals(before.attention()))) {
      events.add(
          new OrderEvent(
              id + ":attention:" + after.attention(),
              ATTENTION,
              at(after.paymentStatusAt(), after),
              after));
    }
    return events;
  }

  /**
   * The events a change of one refund from {@code before} (null: it was not stored) to {@code
   * after} means: its status became {@code succeeded} or {@code failed}. Ids are our refund id and
   * the kind ({@code rf_…:succeeded}), so a redelivered record or a replay gives the same id.
   */
  public static List<OrderEvent> refundBetween(StoredRefund before, StoredRefund after) {
    RefundRecord refund = after.refund();
    RefundStatus status = refund.status();
    RefundStatus statusBefore = before == null ? null : before.refund().status();
    if (status == null || status.equals(statusBefore)) {
      return List.of();
    }
    Instant at = refund.statusAt() != null ? refund.statusAt() : refund.updatedAt();
    if (RefundStatus.SUCCEEDED.equals(status)) {
      return List.of(new OrderEvent(after.id() + ":succeeded", REFUND_SUCCEEDED, at, after));
    }
    if (RefundStatus.FAILED.equals(status)) {
      return List.of(new OrderEvent(after.id() + ":failed", REFUND_FAILED, at, after));
    }
    return List.of();
  }

  /**
   * How much of its payment had gone back right after a refund's change: {@code none}, {@code
   * partial} or {@code full} ({@code refunded_after} against {@code payment_amount}, both written
   * with the refund's status). A refund that succeeded makes it at least {@code partial}.
   */
  public static Refundable.Refunded refunded(StoredRefund refund) {
    long total = refund.refundedAfter();
    if (total <= 0) {
      return Refundable.Refunded.NONE;
    }
    return total >= refund.paymentAmount() ? Refundable.Refunded.FULL : Refundable.Refunded.PARTIAL;
  }

  private static Instant at(Instant reported, CheckoutSession after) {
    return reported != null ? reported : after.updatedAt();
  }
}
