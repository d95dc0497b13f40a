package checkout.events;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.session.CheckoutSession;
import checkout.session.PaymentStatus;
import checkout.session.RefundRecord;
import checkout.session.RefundStatus;
import checkout.session.Refundable;
import checkout.session.SessionRules;
import checkout.session.SessionStatus;
import checkout.session.StoredRefund;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which events a committed change means, change by change. */
class OrderEventsTest {
  static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");

  static final CheckoutSession OPEN =
      CheckoutSession.builder()
          .id("cs_1")
          .status(SessionStatus.CREATED)
          .statusAt(T0)
          .amount(15000)
          .currency("CLP")
          .orderReference("order-1")
          .createdAt(T0)
          .expiresAt(T0.plusSeconds(3600))
          .updatedAt(T0)
          .version(1)
          .build();

  static CheckoutSession withPayment(
      CheckoutSession session, SessionStatus status, PaymentStatus payment, long version) {
    return session.toBuilder()
        .status(status)
        .statusAt(T0.plusSeconds(version))
        .paymentIntentId("pi_1")
        .paymentStatus(payment)
        .paymentStatusAt(T0.plusSeconds(version))
        .paymentAmount(15000L)
        .paymentCurrency("CLP")
        .version(version)
        .build();
  }

  static List<String> ids(CheckoutSession before, CheckoutSession after) {
    return OrderEvents.between(before, after).stream().map(e -> e.type() + " " + e.id()).toList();
  }

  @Test
  void aPaymentThatSucceedsForTheOrdersAmountIsPaidOnce() {
    CheckoutSession paid =
        withPayment(OPEN, SessionStatus.FINISHED, PaymentStatus.SUCCEEDED, 2).toBuilder()
            .paid(true)
            .build();

    assertThat(ids(OPEN, paid)).containsExactly("checkout.session.paid cs_1:paid");
    assertThat(OrderEvents.between(OPEN, paid).get(0).occurredAt()).isEqualTo(T0.plusSeconds(2));
    assertThat(ids(paid, paid.toBuilder().version(3).build()))
        .as("the same state committed again says nothing")
        .isEmpty();
  }

  @Test
  void aPaymentThatEndsWithoutMoneyIsAFailureWhateverItsFinalStatus() {
    for (PaymentStatus status :
        List.of(PaymentStatus.FAILED, PaymentStatus.REJECTED, PaymentStatus.EXPIRED)) {
      assertThat(ids(OPEN, withPayment(OPEN, SessionStatus.FINISHED, status, 2)))
          .as(status.wire())
          .containsExactly("checkout.session.payment_failed cs_1:payment_failed");
    }
  }

  @Test
  void aSessionThatExpiresWithoutAPaymentIsExpiredAndWithAnAbandonedOneIsAFailure() {
    CheckoutSession expired =
        OPEN.toBuilder()
            .status(SessionStatus.EXPIRED)
            .statusAt(T0.plusSeconds(9))
            .version(2)
            .build();

    assertThat(ids(OPEN, expired)).containsExactly("checkout.session.expired cs_1:expired");
    assertThat(ids(OPEN, withPayment(OPEN, SessionStatus.EXPIRED, PaymentStatus.EXPIRED, 2)))
        .containsExactly("checkout.session.payment_failed cs_1:payment_failed");
    assertThat(ids(OPEN, withPayment(OPEN, SessionStatus.EXPIRED, PaymentStatus.PENDING, 2)))
        .as("a pending payment may still succeed: its own outcome will say")
        .isEmpty();
  }

  @Test
  void eachNewNextActionIsAnActionRequiredOfItsOwn() {
    CheckoutSession action =
        withPayment(OPEN, SessionStatus.IN_PROGRESS, PaymentStatus.REQUIRES_ACTION, 2).toBuilder()
            .nextAction("{\"type\":\"approval_required\"}")
            .build();
    CheckoutSession again = action.toBuilder().version(3).build();
    CheckoutSession another =
        action.toBuilder().nextAction("{\"type\":\"otp\"}").version(4).build();

    assertThat(ids(OPEN, action))
        .containsExactly("checkout.session.action_required cs_1:action_required:2");
    assertThat(ids(action, again)).isEmpty();
    assertThat(ids(again, another))
        .containsExactly("checkout.session.action_required cs_1:action_required:4");
  }

  @Test
  void moneyThatMovedWrongNeedsAttentionOncePerKind() {
    CheckoutSession expired =
        OPEN.toBuilder()
            .status(SessionStatus.EXPIRED)
            .statusAt(T0.plusSeconds(1))
            .version(2)
            .build();
    CheckoutSession paidLate =
        withPayment(expired, SessionStatus.EXPIRED, PaymentStatus.SUCCEEDED, 3).toBuilder()
            .attention(SessionRules.PAID_AFTER_EXPIRY)
            .build();

    assertThat(ids(expired, paidLate))
        .containsExactly("checkout.session.attention cs_1:attention:paid_after_expiry");
    assertThat(ids(paidLate, paidLate.toBuilder().version(4).build())).isEmpty();
  }

  @Test
  void aSessionStoredForTheFirstTimeSaysWhatItsStateSays() {
    assertThat(ids(null, OPEN)).isEmpty();
    assertThat(ids(null, withPayment(OPEN, SessionStatus.FINISHED, PaymentStatus.FAILED, 1)))
        .containsExactly("checkout.session.payment_failed cs_1:payment_failed");
  }

  @Test
  void aPaymentStatusFintocAddsLaterSaysNothingUntilItIsFinal() {
    CheckoutSession unknown =
        withPayment(OPEN, SessionStatus.FINISHED, PaymentStatus.fromWire("processing"), 2);

    assertThat(ids(OPEN, unknown)).isEmpty();
    assertThat(
            ids(
                unknown,
                withPayment(OPEN, SessionStatus.FINISHED, PaymentStatus.SUCCEEDED, 3).toBuilder()
                    .paid(true)
                    .build()))
        .containsExactly("checkout.session.paid cs_1:paid");
  }

  // A refund's REFUND# item, change by change.

  static final StoredRefund REQUESTED =
      new StoredRefund(
          RefundRecord.requested("rf_1", "cs_1", "pi_1", 5000, "CLP", "damaged", T0),
          StoredRefund.MERCHANT,
          "order-1",
          null,
          "hash",
          "fcr_base",
          1,
          T0,
          null,
          0,
          T0.plusSeconds(120),
          null,
          15000,
          0);

  /** The refund after Fintoc reported this status, as Refunds.apply writes it. */
  static StoredRefund reported(
      StoredRefund before, RefundStatus status, long seconds, long refundedAfter) {
    RefundRecord was = before.refund();
    RefundRecord now =
        new RefundRecord(
            was.refundKey(),
            was.sessionId(),
            was.paymentIntentId(),
            "ref_fintoc_1",
            was.amount(),
            was.currency(),
            status,
            T0.plusSeconds(seconds),
            RefundStatus.FAILED.equals(status) ? "insufficient_funds" : null,
            was.reason(),
            was.createdAt(),
            T0.plusSeconds(seconds + 1),
            was.version() + 1,
            status.freesItsAmount());
    return before.withRefund(now).withOutcome(before.attention(), refundedAfter);
  }

  static List<String> ids(StoredRefund before, StoredRefund after) {
    return OrderEvents.refundBetween(before, after).stream()
        .map(e -> e.type() + " " + e.id())
        .toList();
  }

  @Test
  void aRefundThatSucceedsIsAnnouncedOnceWhateverCameBefore() {
    StoredRefund pending = reported(REQUESTED, RefundStatus.PENDING, 10, 0);
    StoredRefund inProgress = reported(pending, RefundStatus.IN_PROGRESS, 20, 0);
    StoredRefund succeeded = reported(inProgress, RefundStatus.SUCCEEDED, 30, 5000);

    assertThat(ids(null, REQUESTED)).as("requested: Fintoc has said nothing").isEmpty();
    assertThat(ids(REQUESTED, pending)).isEmpty();
    assertThat(ids(pending, inProgress)).isEmpty();
    assertThat(ids(inProgress, succeeded)).containsExactly("refund.succeeded rf_1:succeeded");
    assertThat(ids(REQUESTED, reported(REQUESTED, RefundStatus.SUCCEEDED, 30, 5000)))
        .as("straight from requested, its webhooks lost")
        .containsExactly("refund.succeeded rf_1:succeeded");
    assertThat(OrderEvents.refundBetween(inProgress, succeeded).get(0).occurredAt())
        .as("when Fintoc reported it")
        .isEqualTo(T0.plusSeconds(30));
    StoredRefund lookedAgain = succeeded.withRefund(succeeded.refund().touched(T0.plusSeconds(99)));
    assertThat(ids(succeeded, lookedAgain)).as("the same status written again").isEmpty();
  }

  @Test
  void aRefundThatFailsIsAnnouncedOnceAndOneCanceledOrRejectedIsNot() {
    StoredRefund pending = reported(REQUESTED, RefundStatus.PENDING, 10, 0);
    StoredRefund failed = reported(pending, RefundStatus.FAILED, 20, 0);

    assertThat(ids(pending, failed)).containsExactly("refund.failed rf_1:failed");
    assertThat(ids(failed, failed.withRefund(failed.refund().touched(T0.plusSeconds(50)))))
        .isEmpty();
    assertThat(ids(pending, reported(pending, RefundStatus.CANCELED, 20, 0)))
        .as("the merchant canceled it: their own route said so")
        .isEmpty();
    assertThat(ids(REQUESTED, REQUESTED.withRefund(REQUESTED.refund().rejected(T0.plusSeconds(5)))))
        .as("Fintoc refused the create: no money moved, the route's answer said so")
        .isEmpty();
    assertThat(ids(pending, reported(pending, RefundStatus.fromWire("on_hold"), 20, 0)))
        .as("a status Fintoc adds later")
        .isEmpty();
  }

  @Test
  void aRefundsEventSaysHowMuchOfThePaymentHadGoneBackWithIt() {
    StoredRefund partly = reported(REQUESTED, RefundStatus.SUCCEEDED, 30, 5000);
    StoredRefund all = reported(REQUESTED, RefundStatus.SUCCEEDED, 30, 15000);
    StoredRefund failedFirst = reported(REQUESTED, RefundStatus.FAILED, 30, 0);

    assertThat(OrderEvents.refunded(partly)).isEqualTo(Refundable.Refunded.PARTIAL);
    assertThat(OrderEvents.refunded(all)).isEqualTo(Refundable.Refunded.FULL);
    assertThat(OrderEvents.refunded(failedFirst)).isEqualTo(Refundable.Refunded.NONE);
    assertThat(OrderEvents.refundBetween(REQUESTED, partly).get(0).refund()).isSameAs(partly);
    assertThat(OrderEvents.refundBetween(REQUESTED, partly).get(0).session()).isNull();
  }

  @Test
  void aRefundStoredForTheFirstTimeSaysWhatItsStatusSaysSoAReplayRepeatsTheId() {
    StoredRefund succeeded = reported(REQUESTED, RefundStatus.SUCCEEDED, 30, 5000);

    assertThat(ids(null, succeeded)).containsExactly("refund.succeeded rf_1:succeeded");
    assertThat(ids(null, succeeded)).isEqualTo(ids(REQUESTED, succeeded));
  }
}
