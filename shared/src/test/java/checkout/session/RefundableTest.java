package checkout.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What one payment of 15 000 can still give back, and what GetSession may say of it. */
class RefundableTest {
  static final Instant T0 = InMemoryTable.T0;

  @ParameterizedTest(name = "with {0} held, a refund of {1} fits: {2}")
  @CsvSource({
    "0,     15000, true",
    "0,     15001, false",
    "0,     1,     true",
    "0,     0,     false",
    "0,     -1,    false",
    "10000, 5000,  true",
    "10000, 5001,  false",
    "15000, 1,     false",
  })
  void aRefundFitsWhenItIsSomethingAndNoMoreThanRemains(long held, long amount, boolean fits) {
    Refundable refundable = new Refundable(15000, held, 0);

    assertThat(refundable.remaining()).isEqualTo(15000 - held);
    assertThat(refundable.canReserve(amount)).isEqualTo(fits);
  }

  @Test
  void reservingHoldsTheAmountAndRefusesWhatDoesNotFit() {
    Refundable held = Refundable.of(15000).reserve(10000);

    assertThat(held).isEqualTo(new Refundable(15000, 10000, 0));
    assertThatThrownBy(() -> held.reserve(5001)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0} succeeded of 15000 (with {1} held) is {2}")
  @CsvSource({
    "0,     0,     none",
    "0,     15000, none",
    "1,     15000, partial",
    "14999, 14999, partial",
    "15000, 15000, full",
  })
  void getSessionShowsOnlyTheMoneyThatWentBack(long succeeded, long held, String refunded) {
    assertThat(new Refundable(15000, held, succeeded).refunded().wire()).isEqualTo(refunded);
  }

  @Test
  void aFailedRefundGivesItsAmountBackAndASucceededOneCountsAsGone() {
    RefundRecord first = RefundRecord.requested("k1", "cs_1", "pi_1", 10000, "CLP", null, T0);
    RefundRecord second = RefundRecord.requested("k2", "cs_1", "pi_1", 5000, "CLP", null, T0);
    Refundable held = Refundable.of(15000).reserve(10000).reserve(5000);
    RefundRecord failed = RefundRules.merge(first, fact("ref_1", RefundStatus.FAILED), T0);
    RefundRecord succeeded = RefundRules.merge(second, fact("ref_2", RefundStatus.SUCCEEDED), T0);

    Refundable after = held.apply(first, failed).apply(second, succeeded);

    assertThat(after).isEqualTo(new Refundable(15000, 5000, 5000));
    assertThat(after.remaining()).isEqualTo(10000);
    assertThat(after.refunded()).isEqualTo(Refundable.Refunded.PARTIAL);
    assertThat(Refundable.of(15000, List.of(failed, succeeded))).isEqualTo(after);
  }

  @Test
  void theSumsCannotSayMoreWasHeldThanPaidOrMoreSucceededThanHeld() {
    assertThatThrownBy(() -> new Refundable(15000, 15001, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Refundable(15000, 5000, 5001))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static RefundFact fact(String id, RefundStatus status) {
    return new RefundFact(id, "pi_1", status, null, "CLP", null, "cs_1", null, T0.plusSeconds(5));
  }
}
