package checkout.fintoc;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.json.Json;
import checkout.session.RefundFact;
import checkout.session.RefundStatus;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A refund object, as Fintoc answers it and puts it in refund.* events, read into a fact. */
class FintocRefundTest {
  static final Instant AT = Instant.parse("2026-11-21T12:00:00Z");

  static final String SUCCEEDED =
      """
      {"id": "ref_test_1", "object": "refund", "amount": 5000, "currency": "CLP",
       "status": "succeeded", "failure_code": null, "resource_id": "pi_test_1",
       "resource_type": "payment_intent",
       "metadata": {"checkout_session_id": "cs_test_1", "order_id": "o-1"}, "mode": "test",
       "created_at": "2026-11-21T11:00:00Z", "updated_at": "2026-11-21T11:05:00Z"}""";

  @Test
  void aRefundObjectBecomesAFactWithItsPaymentAmountAndSession() {
    RefundFact fact = FintocRefund.fact(Json.parse(SUCCEEDED), AT);

    assertThat(fact)
        .isEqualTo(
            new RefundFact(
                "ref_test_1",
                "pi_test_1",
                RefundStatus.SUCCEEDED,
                5000L,
                "CLP",
                null,
                "cs_test_1",
                null,
                AT));
  }

  @Test
  void aFailedRefundKeepsItsFailureCode() {
    RefundFact fact =
        FintocRefund.fact(
            Json.parse(
                SUCCEEDED
                    .replace("\"succeeded\"", "\"failed\"")
                    .replace("\"failure_code\": null", "\"failure_code\": \"insufficient_funds\"")),
            AT);

    assertThat(fact.status()).isEqualTo(RefundStatus.FAILED);
    assertThat(fact.failureCode()).isEqualTo("insufficient_funds");
  }

  @Test
  void aStatusFintocAddsLaterIsKeptAsDataAndIsNotFinal() {
    RefundFact fact =
        FintocRefund.fact(
            Json.parse(SUCCEEDED.replace("\"succeeded\"", "\"awaiting_balance\"")), AT);

    assertThat(fact.status().wire()).isEqualTo("awaiting_balance");
    assertThat(fact.status().isKnown()).isFalse();
    assertThat(fact.status().isFinal()).isFalse();
    assertThat(fact.status().freesItsAmount()).as("an unknown status holds its amount").isFalse();
  }

  @Test
  void aRefundMadeElsewhereHasNoSessionAndAnOddAmountIsNoAmount() {
    RefundFact fact =
        FintocRefund.fact(
            Json.parse(
                """
                {"id": "re_1", "status": "pending", "amount": "5000", "resource_id": "pi_1"}"""),
            AT);

    assertThat(fact.id()).as("re_ prefix accepted: not ours to check").isEqualTo("re_1");
    assertThat(fact.sessionId()).isNull();
    assertThat(fact.amount()).isNull();
    assertThat(fact.currency()).isNull();
  }

  @Test
  void anObjectWithoutAnIdIsNoFact() {
    assertThat(FintocRefund.fact(Json.parse("{\"status\": \"succeeded\"}"), AT)).isNull();
    assertThat(FintocRefund.fact(null, AT)).isNull();
  }

  @Test
  void pendingAndCreatedAreBothTheFirstStateTheOnlyCancelableOne() {
    assertThat(RefundStatus.fromWire("pending").isFirst()).isTrue();
    assertThat(RefundStatus.fromWire("created").isFirst()).isTrue();
    assertThat(RefundStatus.fromWire("in_progress").isFirst()).isFalse();
    assertThat(RefundStatus.fromWire("pending").isFinal()).isFalse();
  }

  @Test
  void succeededFailedAndCanceledAreFinalAndOnlyFailedAndCanceledFreeTheirAmount() {
    assertThat(
            Stream.of("pending", "created", "in_progress", "succeeded", "failed", "canceled")
                .map(RefundStatus::fromWire)
                .filter(RefundStatus::isFinal))
        .extracting(RefundStatus::wire)
        .containsExactly("succeeded", "failed", "canceled");
    assertThat(RefundStatus.SUCCEEDED.freesItsAmount()).isFalse();
    assertThat(RefundStatus.FAILED.freesItsAmount()).isTrue();
    assertThat(RefundStatus.CANCELED.freesItsAmount()).isTrue();
    assertThat(RefundStatus.IN_PROGRESS.freesItsAmount()).isFalse();
  }

  @Test
  void noStatusIsNull() {
    assertThat(RefundStatus.fromWire(null)).isNull();
    assertThat(RefundStatus.fromWire(" ")).isNull();
  }
}
