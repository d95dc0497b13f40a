package checkout.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * "Paid" is a conclusion the rules draw, in memory: Fintoc said the payment succeeded, for exactly
 * the session's amount and currency, on a session that was not expired. Whatever the order the
 * facts arrive in, the conclusion is the same.
 */
class PaidRulesTest {
  static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

  static CheckoutSession open() {
    return CheckoutSession.builder()
        .id("cs_1")
        .status(SessionStatus.CREATED)
        .amount(15000)
        .currency("CLP")
        .createdAt(NOW)
        .expiresAt(NOW.plusSeconds(3600))
        .updatedAt(NOW)
        .version(1)
        .build();
  }

  static Observation finished(String payment, PaymentStatus status, Long amount, String currency) {
    return new Observation(
        "cs_1",
        SessionStatus.FINISHED,
        new Observation.PaymentFact(payment, status, null, amount, currency),
        NOW,
        false);
  }

  static Observation paymentEvent(
      String payment, PaymentStatus status, Long amount, String currency) {
    return new Observation(
        null,
        null,
        new Observation.PaymentFact(payment, status, null, amount, currency),
        NOW.plusSeconds(1),
        false);
  }

  /** Applies the facts one by one, as stored state would carry them; returns the session. */
  static CheckoutSession applyAll(List<Observation> facts) {
    CheckoutSession session = open();
    PaymentRecord payment = null;
    for (Observation fact : facts) {
      SessionRules.Result result =
          SessionRules.merge(fact, session, fact.payment() == null ? null : payment, NOW);
      session = result.session() != null ? result.session() : session;
      payment = result.payment() != null ? result.payment() : payment;
    }
    return session;
  }

  @ParameterizedTest(name = "succeeded for {0} {1} → paid {2}, attention {3}")
  @CsvSource(
      nullValues = "-",
      value = {
        "15000, CLP, true,  -",
        "1,     CLP, false, amount_mismatch",
        "15001, CLP, false, amount_mismatch",
        "15000, MXN, false, amount_mismatch",
        "-,     -,   false, amount_unverified",
      })
  void aSucceededPaymentIsPaidOnlyForExactlyTheSessionsAmountAndCurrency(
      Long amount, String currency, boolean paid, String attention) {
    CheckoutSession session =
        applyAll(List.of(finished("pi_1", PaymentStatus.SUCCEEDED, amount, currency)));

    assertThat(session.paymentStatus()).isEqualTo(PaymentStatus.SUCCEEDED);
    assertThat(session.paid()).isEqualTo(paid);
    assertThat(session.attention()).isEqualTo(attention);
  }

  @Test
  void aPaymentThatSucceedsOnAnExpiredSessionIsFlaggedAndNotPaid() {
    CheckoutSession session =
        applyAll(
            List.of(
                Observation.sessionStatus("cs_1", SessionStatus.EXPIRED, NOW, false),
                finished("pi_1", PaymentStatus.SUCCEEDED, 15000L, "CLP")));

    assertThat(session.status()).isEqualTo(SessionStatus.EXPIRED);
    assertThat(session.paid()).isFalse();
    assertThat(session.attention()).isEqualTo(SessionRules.PAID_AFTER_EXPIRY);
  }

  @Test
  void pendingFailedAndUnknownOutcomesAreNeverPaid() {
    for (PaymentStatus status :
        List.of(
            PaymentStatus.PENDING,
            PaymentStatus.REQUIRES_ACTION,
            PaymentStatus.FAILED,
            PaymentStatus.REJECTED,
            PaymentStatus.EXPIRED)) {
      CheckoutSession session = applyAll(List.of(finished("pi_1", status, 15000L, "CLP")));
      assertThat(session.paid()).as(status.wire()).isFalse();
      assertThat(session.attention()).as(status.wire()).isNull();
    }
  }

  @Test
  void theConclusionIsTheSameInEveryOrderOfTheFacts() {
    // The payment event (with its amount) may come before the session links it, or after.
    List<Observation> facts =
        List.of(
            paymentEvent("pi_1", PaymentStatus.PENDING, 15000L, "CLP"),
            finished("pi_1", PaymentStatus.PENDING, null, null),
            paymentEvent("pi_1", PaymentStatus.SUCCEEDED, 15000L, "CLP"));
    // (the finished event says "pending" at NOW, the payment events speak a second later)
    for (List<Observation> order : permutations(facts)) {
      CheckoutSession session = applyAll(order);

      assertThat(session.paid()).as(order.toString()).isTrue();
      assertThat(session.paymentAmount()).as(order.toString()).isEqualTo(15000L);
      assertThat(session.attention()).as(order.toString()).isNull();
    }
  }

  static <T> List<List<T>> permutations(List<T> items) {
    if (items.isEmpty()) {
      return List.of(List.of());
    }
    List<List<T>> all = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      List<T> rest = new ArrayList<>(items);
      T first = rest.remove(i);
      for (List<T> tail : permutations(rest)) {
        List<T> order = new ArrayList<>();
        order.add(first);
        order.addAll(tail);
        all.add(order);
      }
    }
    return all;
  }
}
