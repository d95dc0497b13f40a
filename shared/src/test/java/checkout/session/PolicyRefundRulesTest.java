package checkout.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which payment a session shows when it has several, which payments are money it should not have
 * taken, and how AutomaticRefunds marks them owed once, in memory: the same facts in any order end
 * in the same session.
 */
class PolicyRefundRulesTest {
  static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

  static CheckoutSession open() {
    return PaidRulesTest.open();
  }

  /** checkout_session.finished carrying {@code payment} (it links the payment to the session). */
  static Observation finished(String payment, PaymentStatus status, long amount, int second) {
    return new Observation(
        "cs_1",
        SessionStatus.FINISHED,
        new Observation.PaymentFact(payment, status, null, amount, "CLP"),
        NOW.plusSeconds(second),
        false);
  }

  static Observation expired(int second) {
    return Observation.sessionStatus("cs_1", SessionStatus.EXPIRED, NOW.plusSeconds(second), false);
  }

  /** payment_intent.* (names no session: linked only once a session event has named it). */
  static Observation paymentEvent(String payment, PaymentStatus status, int second) {
    return new Observation(
        null,
        null,
        new Observation.PaymentFact(payment, status, null, 15000L, "CLP"),
        NOW.plusSeconds(second),
        false);
  }

  /** The session and its payments' records, as the table would carry them between commits. */
  static final class Table {
    CheckoutSession session = open();
    final Map<String, PaymentRecord> payments = new HashMap<>();

    Table apply(Observation fact, boolean automaticRefunds) {
      PaymentRecord payment = fact.payment() == null ? null : payments.get(fact.payment().id());
      SessionRules.Result result =
          SessionRules.merge(fact, session, payment, NOW.plusSeconds(100), automaticRefunds);
      if (result.session() != null) {
        session = result.session();
      }
      if (result.payment() != null) {
        payments.put(result.payment().id(), result.payment());
      }
      return this;
    }

    Table applyAll(List<Observation> facts, boolean automaticRefunds) {
      facts.forEach(fact -> apply(fact, automaticRefunds));
      return this;
    }

    String state() {
      return session.paymentIntentId()
          + "/"
          + session.paymentStatus().wire()
          + "/paid="
          + session.paid()
          + "/"
          + session.attention()
          + "/duplicates="
          + session.duplicatePaymentIds()
          + "/owed="
          + session.policyRefundsOwed();
    }
  }

  @Test
  void aPaymentThatFailedThenAnotherThatSucceededLeavesTheSessionPaidByTheSucceededOne() {
    List<Observation> facts =
        List.of(
            finished("pi_failed", PaymentStatus.FAILED, 15000, 1),
            finished("pi_ok", PaymentStatus.SUCCEEDED, 15000, 2));

    for (List<Observation> order : List.of(facts, reversed(facts))) {
      Table table = new Table().applyAll(order, true);

      assertThat(table.state())
          .as("the refund route and policy refund session.paymentIntentId(): it must be paid one")
          .isEqualTo("pi_ok/succeeded/paid=true/null/duplicates=[]/owed=[]");
    }
  }

  @Test
  void aLaterFailureOfAnotherPaymentDoesNotHideTheOneThatMayStillSucceed() {
    Table table =
        new Table()
            .applyAll(
                List.of(
                    finished("pi_pending", PaymentStatus.PENDING, 15000, 2),
                    finished("pi_failed", PaymentStatus.FAILED, 15000, 1)),
                true);

    assertThat(table.session.paymentIntentId()).isEqualTo("pi_pending");
    assertThat(table.session.awaitsSettlement()).isTrue();
  }

  @Test
  void aSecondSucceededPaymentIsListedAsADuplicateAndOwedARefundInEitherOrder() {
    List<Observation> facts =
        List.of(
            finished("pi_first", PaymentStatus.SUCCEEDED, 15000, 1),
            finished("pi_second", PaymentStatus.SUCCEEDED, 15000, 2));

    for (List<Observation> order : List.of(facts, reversed(facts))) {
      Table table = new Table().applyAll(order, true);

      assertThat(table.state())
          .isEqualTo(
              "pi_first/succeeded/paid=true/duplicate_payment/duplicates=[pi_second]"
                  + "/owed=[pi_second]");
    }
  }

  @Test
  void aMismatchedPaymentDisplacedByAnExactOneIsTheDuplicateAndTheOrderIsPaid() {
    List<Observation> facts =
        List.of(
            finished("pi_short", PaymentStatus.SUCCEEDED, 14000, 1),
            finished("pi_exact", PaymentStatus.SUCCEEDED, 15000, 2));

    for (List<Observation> order : List.of(facts, reversed(facts))) {
      Table table = new Table().applyAll(order, true);

      assertThat(table.state())
          .isEqualTo(
              "pi_exact/succeeded/paid=true/duplicate_payment/duplicates=[pi_short]"
                  + "/owed=[pi_short]");
    }
  }

  @ParameterizedTest(name = "{0}: attention {1}, owed {2}")
  @CsvSource(
      nullValues = "-",
      value = {
        "paid,              -,                 []",
        "paid_after_expiry, paid_after_expiry, [pi_1]",
        "short,             amount_mismatch,   [pi_1]",
        "unverified,        amount_unverified, []",
      })
  void onlyMoneyThatShouldNotHaveBeenTakenIsOwedARefund(
      String payment, String attention, String owed) {
    List<Observation> facts = new ArrayList<>();
    if (payment.equals("paid_after_expiry")) {
      facts.add(expired(0));
    }
    Long amount =
        switch (payment) {
          case "short" -> 14000L;
          case "unverified" -> null;
          default -> 15000L;
        };
    facts.add(
        new Observation(
            "cs_1",
            payment.equals("paid_after_expiry") ? null : SessionStatus.FINISHED,
            new Observation.PaymentFact(
                "pi_1", PaymentStatus.SUCCEEDED, null, amount, amount == null ? null : "CLP"),
            NOW.plusSeconds(1),
            false));

    Table on = new Table().applyAll(facts, true);
    Table off = new Table().applyAll(facts, false);

    assertThat(on.session.attention()).isEqualTo(attention);
    assertThat(on.session.policyRefundsOwed().toString()).isEqualTo(owed);
    assertThat(off.session.attention()).as("off: the same attention").isEqualTo(attention);
    assertThat(off.session.policyRefundsOwed()).as("off: nothing owed").isEmpty();
  }

  @Test
  void anOwedRefundKeepsTheSessionInTheSweepUntilItIsStoredAndIsNeverOwedAgain() {
    List<Observation> facts =
        List.of(
            finished("pi_first", PaymentStatus.SUCCEEDED, 15000, 1),
            finished("pi_second", PaymentStatus.SUCCEEDED, 15000, 2));
    Table table = new Table().applyAll(facts, true);
    assertThat(table.session.nextSettleCheckAt())
        .as("a paid session owing a refund is looked at by the sweeper")
        .isNotNull();

    CheckoutSession stored =
        SessionRules.policyRefundStored(table.session, "pi_second", NOW.plusSeconds(200));
    assertThat(stored.policyRefundsOwed()).isEmpty();
    assertThat(stored.nextSettleCheckAt()).as("out of the sweep").isNull();
    assertThat(stored.version()).isEqualTo(table.session.version() + 1);
    assertThat(SessionRules.policyRefundStored(stored, "pi_second", NOW)).isNull();

    table.session = stored;
    table.applyAll(facts, true).applyAll(reversed(facts), true);
    assertThat(table.session.policyRefundsOwed()).as("redeliveries owe nothing again").isEmpty();
    assertThat(table.session.duplicatePaymentIds()).containsExactly("pi_second");
  }

  @Test
  void everyOrderAndDuplicationOfSeveralPaymentsEndsInTheSameSession() {
    List<Observation> facts =
        List.of(
            finished("pi_a", PaymentStatus.FAILED, 15000, 1),
            finished("pi_b", PaymentStatus.SUCCEEDED, 15000, 3),
            finished("pi_c", PaymentStatus.SUCCEEDED, 15000, 5),
            paymentEvent("pi_b", PaymentStatus.SUCCEEDED, 3),
            paymentEvent("pi_a", PaymentStatus.FAILED, 1));
    List<String> states = new ArrayList<>();
    permutations(facts, new ArrayList<>(), states);

    assertThat(states).hasSize(120);
    assertThat(states)
        .containsOnly("pi_b/succeeded/paid=true/duplicate_payment/duplicates=[pi_c]/owed=[pi_c]");
  }

  private static List<Observation> reversed(List<Observation> facts) {
    List<Observation> reversed = new ArrayList<>(facts);
    java.util.Collections.reverse(reversed);
    return reversed;
  }

  private static void permutations(
      List<Observation> left, List<Observation> taken, List<String> states) {
    if (left.isEmpty()) {
      Table table = new Table().applyAll(taken, true).applyAll(taken, true);
      states.add(table.state());
      return;
    }
    for (int i = 0; i < left.size(); i++) {
      List<Observation> rest = new ArrayList<>(left);
      taken.add(rest.remove(i));
      permutations(rest, taken, states);
      taken.remove(taken.size() - 1);
    }
  }
}
