package checkout.events;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.session.CheckoutSession;
import checkout.session.PaymentStatus;
import checkout.session.SessionRules;
import checkout.session.SessionStatus;
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
}
