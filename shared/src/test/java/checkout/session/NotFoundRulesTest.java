package checkout.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A 404 from Fintoc, merged: evidence counted over time, never a status. In memory. */
class NotFoundRulesTest {
  static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
  static final Observation.NotFound AFTER_AN_HOUR =
      new Observation.NotFound(Duration.ofHours(1), "test");

  static CheckoutSession open() {
    return CheckoutSession.builder()
        .id("cs_1")
        .status(SessionStatus.CREATED)
        .amount(15000)
        .currency("CLP")
        .mode("test")
        .expiresAt(T0.minus(Duration.ofHours(1)))
        .version(1)
        .build();
  }

  static CheckoutSession after(CheckoutSession session, Observation fact) {
    SessionRules.Result result = SessionRules.merge(fact, session, null, fact.observedAt());
    return result.session() == null ? session : result.session();
  }

  static CheckoutSession notFoundAt(CheckoutSession session, Duration later) {
    return after(session, Observation.notFound("cs_1", T0.plus(later), AFTER_AN_HOUR));
  }

  @Test
  void a404NeverChangesTheStatusAndMovesTheNextLookOn() {
    CheckoutSession once = notFoundAt(open(), Duration.ZERO);

    assertThat(once.status()).isEqualTo(SessionStatus.CREATED);
    assertThat(once.attention()).isNull();
    assertThat(once.notFoundChecks()).isEqualTo(1);
    assertThat(once.notFoundSince()).isEqualTo(T0);
    assertThat(once.nextOpenCheckAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
  }

  @Test
  void three404sOverThePeriodGiveUpWithAttentionTwoDoNot() {
    CheckoutSession twice = notFoundAt(notFoundAt(open(), Duration.ZERO), Duration.ofHours(2));
    assertThat(twice.attention()).as("two 404s, however far apart").isNull();

    CheckoutSession thrice = notFoundAt(twice, Duration.ofHours(3));
    assertThat(thrice.attention()).isEqualTo(SessionRules.UNKNOWN_AT_FINTOC);
    assertThat(thrice.status()).isEqualTo(SessionStatus.CREATED);
    assertThat(thrice.unknownReason()).startsWith("Fintoc answered 404 to 3 looks since " + T0);
  }

  @Test
  void threeQuick404sWithinThePeriodDoNotGiveUp() {
    CheckoutSession session = open();
    for (int i = 0; i < 5; i++) {
      session = notFoundAt(session, Duration.ofMinutes(10L * i));
    }
    assertThat(session.attention()).isNull();
    assertThat(session.notFoundChecks()).isEqualTo(5);
  }

  @Test
  void anyReportFromFintocClearsThe404sAndTheAttention() {
    CheckoutSession givenUp = open();
    for (int i = 0; i < 3; i++) {
      givenUp = notFoundAt(givenUp, Duration.ofHours(i));
    }
    assertThat(givenUp.attention()).isEqualTo(SessionRules.UNKNOWN_AT_FINTOC);

    CheckoutSession reported =
        after(
            givenUp,
            Observation.sessionStatus(
                "cs_1", SessionStatus.EXPIRED, T0.plus(Duration.ofHours(4)), false));

    assertThat(reported.status()).isEqualTo(SessionStatus.EXPIRED);
    assertThat(reported.attention()).isNull();
    assertThat(reported.unknownReason()).isNull();
    assertThat(reported.notFoundChecks()).isZero();
  }

  @Test
  void a404ChangesNothingOnASessionThatIsOverAndSettled() {
    CheckoutSession expired = open().toBuilder().status(SessionStatus.EXPIRED).statusAt(T0).build();

    SessionRules.Result result =
        SessionRules.merge(
            Observation.notFound("cs_1", T0.plusSeconds(1), AFTER_AN_HOUR),
            expired,
            null,
            T0.plusSeconds(1));

    assertThat(result.changesNothing()).isTrue();
  }

  @Test
  void aKeyOfTheOtherModeIsNamedInTheReason() {
    CheckoutSession live = open().toBuilder().mode("live").build();
    for (int i = 0; i < 3; i++) {
      live = notFoundAt(live, Duration.ofHours(i));
    }
    assertThat(live.unknownReason())
        .contains("the session was made in live mode but the secret key is a test key");
  }
}
