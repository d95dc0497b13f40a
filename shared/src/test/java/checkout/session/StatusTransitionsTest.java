package checkout.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatusTransitionsTest {
  @Test
  void aSessionOnlyMovesForward() {
    assertThat(SessionStatus.CREATED.canMoveTo(SessionStatus.IN_PROGRESS)).isTrue();
    assertThat(SessionStatus.IN_PROGRESS.canMoveTo(SessionStatus.FINISHED)).isTrue();
    assertThat(SessionStatus.CREATED.canMoveTo(SessionStatus.EXPIRED)).isTrue();
    assertThat(SessionStatus.IN_PROGRESS.canMoveTo(SessionStatus.CREATED)).isFalse();
    assertThat(SessionStatus.FINISHED.canMoveTo(SessionStatus.EXPIRED)).isFalse();
    assertThat(SessionStatus.EXPIRED.canMoveTo(SessionStatus.FINISHED)).isFalse();
  }

  @Test
  void onlyCreatedAndInProgressSessionsAreOpen() {
    assertThat(SessionStatus.CREATED.isOpen()).isTrue();
    assertThat(SessionStatus.IN_PROGRESS.isOpen()).isTrue();
    assertThat(SessionStatus.FINISHED.isOpen()).isFalse();
    assertThat(SessionStatus.EXPIRED.isOpen()).isFalse();
  }

  @Test
  void aFinalPaymentStatusNeverChanges() {
    for (PaymentStatus finalStatus : new PaymentStatus[] {PaymentStatus.SUCCEEDED, PaymentStatus.FAILED, PaymentStatus.REJECTED, PaymentStatus.EXPIRED}) {
      assertThat(finalStatus.isFinal()).isTrue();
      for (PaymentStatus next : PaymentStatus.values()) {
        assertThat(finalStatus.canMoveTo(next)).as(finalStatus + " → " + next).isFalse();
      }
    }
    assertThat(PaymentStatus.PENDING.canMoveTo(PaymentStatus.REQUIRES_ACTION)).isTrue();
    assertThat(PaymentStatus.REQUIRES_ACTION.canMoveTo(PaymentStatus.SUCCEEDED)).isTrue();
    assertThat(PaymentStatus.REQUIRES_ACTION.canMoveTo(PaymentStatus.PENDING)).isFalse();
  }
}
