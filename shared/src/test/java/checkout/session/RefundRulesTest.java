package checkout.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a merge keeps besides the status: Fintoc's id, the failure code, and the freed amount. */
class RefundRulesTest {
  static final Instant T0 = InMemoryTable.T0;
  static final Instant NOW = T0.plusSeconds(1000);

  static RefundRecord requested() {
    return RefundRecord.requested("key_1", "cs_1", "pi_1", 5000, "CLP", "damaged", T0);
  }

  static RefundFact fact(String id, RefundStatus status, String failureCode, int second) {
    return new RefundFact(
        id, "pi_1", status, 5000L, "CLP", failureCode, "cs_1", null, T0.plusSeconds(second));
  }

  static RefundFact fact(RefundStatus status, int second) {
    return fact("ref_1", status, null, second);
  }

  @Test
  void fintocsFirstAnswerGivesTheRequestedRefundItsIdAndStatus() {
    RefundRecord answered = RefundRules.merge(requested(), fact(RefundStatus.PENDING, 1), NOW);

    assertThat(answered.refundId()).isEqualTo("ref_1");
    assertThat(answered.status()).isEqualTo(RefundStatus.PENDING);
    assertThat(answered.statusAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(answered.updatedAt()).isEqualTo(NOW);
    assertThat(answered.version()).isEqualTo(2);
    assertThat(answered)
        .usingRecursiveComparison()
        .comparingOnlyFields("refundKey", "sessionId", "paymentIntentId", "amount", "reason")
        .isEqualTo(requested());
  }

  @Test
  void aReportWithoutAStatusTeachesTheIdAndNothingElse() {
    RefundRecord answered = RefundRules.merge(requested(), fact(null, 1), NOW);

    assertThat(answered.refundId()).isEqualTo("ref_1");
    assertThat(answered.status()).isNull();
    assertThat(RefundRules.merge(answered, fact(null, 2), NOW)).isNull();
  }

  @Test
  void onceItsIdIsKnownAFactAboutAnotherRefundChangesNothing() {
    RefundRecord pending = RefundRules.merge(requested(), fact(RefundStatus.PENDING, 1), NOW);

    assertThat(RefundRules.merge(pending, fact("ref_2", RefundStatus.FAILED, null, 2), NOW))
        .isNull();
    assertThat(RefundRules.isAbout(pending, fact("ref_2", RefundStatus.FAILED, null, 2))).isFalse();
  }

  @Test
  void aFactNamingAnotherPaymentOrSessionChangesNothing() {
    RefundFact otherPayment =
        new RefundFact(
            "ref_1",
            "pi_2",
            RefundStatus.FAILED,
            5000L,
            "CLP",
            null,
            "cs_1",
            null,
            T0.plusSeconds(2));
    RefundFact otherSession =
        new RefundFact(
            "ref_1",
            "pi_1",
            RefundStatus.FAILED,
            5000L,
            "CLP",
            null,
            "cs_2",
            null,
            T0.plusSeconds(2));

    assertThat(RefundRules.merge(requested(), otherPayment, NOW)).isNull();
    assertThat(RefundRules.merge(requested(), otherSession, NOW)).isNull();
  }

  @Test
  void aFailedRefundKeepsTheFirstFailureCodeReported() {
    RefundRecord failed =
        RefundRules.merge(
            requested(), fact("ref_1", RefundStatus.FAILED, "insufficient_funds", 5), NOW);
    RefundRecord again =
        RefundRules.merge(failed, fact("ref_1", RefundStatus.FAILED, "fraud_risk", 3), NOW);

    assertThat(failed.failureCode()).isEqualTo("insufficient_funds");
    assertThat(again.failureCode()).isEqualTo("insufficient_funds");
    assertThat(again.statusAt()).isEqualTo(T0.plusSeconds(3));
  }

  @Test
  void aFailureCodeComesOnlyWithAFailure() {
    RefundRecord inProgress =
        RefundRules.merge(
            requested(), fact("ref_1", RefundStatus.IN_PROGRESS, "insufficient_funds", 2), NOW);

    assertThat(inProgress.failureCode()).isNull();
  }

  @Test
  void aFailedRefundFreesItsAmountOnceHoweverOftenAndInWhateverFormItIsReported() {
    RefundRecord inProgress =
        RefundRules.merge(requested(), fact(RefundStatus.IN_PROGRESS, 2), NOW);
    RefundRecord failed = RefundRules.merge(inProgress, fact(RefundStatus.FAILED, 9), NOW);
    RefundRecord sweptLater = RefundRules.merge(failed, fact(RefundStatus.FAILED, 30), NOW);
    RefundRecord canceledToo = RefundRules.merge(failed, fact(RefundStatus.CANCELED, 31), NOW);

    assertThat(RefundRules.freed(inProgress, failed)).isEqualTo(5000);
    assertThat(failed.amountFreed()).isTrue();
    assertThat(sweptLater).isNull();
    assertThat(RefundRules.freed(failed, sweptLater)).isZero();
    assertThat(canceledToo).isNull();
  }

  @Test
  void aRecordThatAlreadyFreedItsAmountFreesNothingMore() {
    RefundRecord failed = RefundRules.merge(requested(), fact(RefundStatus.FAILED, 9), NOW);

    assertThat(RefundRules.freed(failed, failed)).isZero();
    assertThat(RefundRules.freed(null, failed)).isEqualTo(5000);
  }

  @Test
  void aSucceededRefundCountsAsGoneBackOnceAndNeverFreesItsAmount() {
    RefundRecord inProgress =
        RefundRules.merge(requested(), fact(RefundStatus.IN_PROGRESS, 2), NOW);
    RefundRecord succeeded = RefundRules.merge(inProgress, fact(RefundStatus.SUCCEEDED, 9), NOW);
    RefundRecord earlierReport = RefundRules.merge(succeeded, fact(RefundStatus.SUCCEEDED, 8), NOW);

    assertThat(RefundRules.succeeded(inProgress, succeeded)).isEqualTo(5000);
    assertThat(RefundRules.freed(inProgress, succeeded)).isZero();
    assertThat(succeeded.amountFreed()).isFalse();
    assertThat(RefundRules.succeeded(succeeded, earlierReport)).isZero();
  }

  @Test
  void aStatusWeDoNotKnowHoldsTheAmountAndIsNotAnAnswer() {
    RefundRecord onHold =
        RefundRules.merge(requested(), fact(RefundStatus.fromWire("on_hold"), 2), NOW);

    assertThat(onHold.status().wire()).isEqualTo("on_hold");
    assertThat(onHold.isFinal()).isFalse();
    assertThat(onHold.holdsItsAmount()).isTrue();
    assertThat(RefundRules.freed(requested(), onHold)).isZero();
  }

  @Test
  void onlyAFailedOrCanceledRefundCanSayItFreedItsAmount() {
    assertThatThrownBy(
            () ->
                new RefundRecord(
                    "key_1",
                    "cs_1",
                    "pi_1",
                    "ref_1",
                    5000,
                    "CLP",
                    RefundStatus.SUCCEEDED,
                    T0,
                    null,
                    null,
                    T0,
                    T0,
                    2,
                    true))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
