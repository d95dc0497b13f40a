package checkout.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which statuses are final: any other name Fintoc sends, known or not, means "no outcome yet". */
class StatusTransitionsTest {
  @Test
  void onlyFinishedAndExpiredSessionsAreOverAnyOtherStatusIsOpen() {
    assertThat(SessionStatus.FINISHED.isFinal()).isTrue();
    assertThat(SessionStatus.EXPIRED.isFinal()).isTrue();
    for (String open : List.of("created", "in_progress", "awaiting_customer")) {
      assertThat(SessionStatus.fromWire(open).isOpen()).as(open).isTrue();
    }
    assertThat(SessionStatus.fromWire("awaiting_customer").isKnown()).isFalse();
  }

  @Test
  void fourPaymentStatusesAreFinalAndEveryOtherNameIsNotYet() {
    for (String done : List.of("succeeded", "failed", "rejected", "expired")) {
      assertThat(PaymentStatus.fromWire(done).isFinal()).as(done).isTrue();
    }
    for (String notYet :
        List.of("created", "in_progress", "pending", "requires_action", "processing", "on_hold")) {
      assertThat(PaymentStatus.fromWire(notYet).isFinal()).as(notYet).isFalse();
    }
    assertThat(PaymentStatus.fromWire("processing").isKnown()).isFalse();
    assertThat(PaymentStatus.fromWire("processing").wire()).isEqualTo("processing");
  }

  @Test
  void aKnownNameIsTheKnownStatusAndNoNameIsNoStatus() {
    assertThat(PaymentStatus.fromWire("succeeded")).isSameAs(PaymentStatus.SUCCEEDED);
    assertThat(PaymentStatus.fromWire(null)).isNull();
    assertThat(SessionStatus.fromWire("")).isNull();
  }

  @Test
  void onlySucceededMovedMoney() {
    assertThat(PaymentStatus.SUCCEEDED.endedWithoutMoney()).isFalse();
    assertThat(PaymentStatus.FAILED.endedWithoutMoney()).isTrue();
    assertThat(PaymentStatus.PENDING.endedWithoutMoney()).as("not over yet").isFalse();
  }
}
