package checkout.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Only CreateSession stores a session: a fact about a session with no stored row is someone else's
 * (Fintoc's dashboard, another integration, another stack on the same Fintoc account) and changes
 * nothing. In memory, as the rules are pure.
 */
class ForeignFactsTest {
  static final Instant NOW = InMemoryTable.T0;

  static Observation.PaymentFact succeeded(String payment) {
    return new Observation.PaymentFact(payment, PaymentStatus.SUCCEEDED, null, 15000L, "CLP");
  }

  @Test
  void aFinishedAndPaidSessionWithNoStoredRowIsForeignAndNothingIsWritten() {
    Observation finished =
        new Observation("cs_other", SessionStatus.FINISHED, succeeded("pi_other"), NOW, false);

    SessionRules.Result result = SessionRules.merge(finished, null, null, NOW);

    assertThat(result.foreign()).isTrue();
    assertThat(result.session()).as("no session is made from the event").isNull();
    assertThat(result.payment()).as("no payment record linked to someone else's").isNull();
  }

  @Test
  void aPaymentWhoseStoredLinkNamesASessionWithNoRowIsForeign() {
    PaymentRecord linked =
        new PaymentRecord(
            "pi_1", PaymentStatus.PENDING, NOW, "cs_gone", null, 15000L, "CLP", NOW, 2);
    Observation event = new Observation(null, null, succeeded("pi_1"), NOW.plusSeconds(1), false);

    SessionRules.Result result = SessionRules.merge(event, null, linked, NOW.plusSeconds(1));

    assertThat(result.foreign()).isTrue();
    assertThat(result.changesNothing()).isTrue();
  }

  @Test
  void aSweepOfASessionWhoseRowIsGoneRecreatesNothing() {
    SessionRules.Result result =
        SessionRules.merge(
            Observation.sessionStatus("cs_gone", SessionStatus.EXPIRED, NOW, true),
            null,
            null,
            NOW);

    assertThat(result.foreign()).isTrue();
    assertThat(result.changesNothing()).isTrue();
  }

  @Test
  void aPaymentThatNamesNoSessionYetIsKeptUnlinkedUntilTheLinkComes() {
    Observation event = new Observation(null, null, succeeded("pi_1"), NOW, false);

    SessionRules.Result result = SessionRules.merge(event, null, null, NOW);

    assertThat(result.foreign()).as("nobody can tell whose it is yet").isFalse();
    assertThat(result.payment().sessionId()).isNull();
    assertThat(result.payment().status()).isEqualTo(PaymentStatus.SUCCEEDED);
  }

  @Test
  void aFactAboutAStoredSessionLinksItsPaymentToIt() {
    InMemoryTable table = new InMemoryTable();
    table.apply(new Observation(null, null, succeeded("pi_1"), NOW, false));

    table.apply(
        new Observation(
            "cs_1", SessionStatus.FINISHED, succeeded("pi_1"), NOW.plusSeconds(1), false));

    assertThat(table.payments.get("pi_1").sessionId()).isEqualTo("cs_1");
    assertThat(table.outcome()).isEqualTo("finished/succeeded/paid/-");
  }
}
