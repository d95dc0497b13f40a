package checkout.deployment.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The chaos load, small: the command's verdict (nothing lost, nothing wrong) holds on every build,
 * not only when someone runs it. Its latencies are printed by the command, not asserted.
 */
class ChaosLoadTest {
  @Test
  void duplicatedShuffledAndDroppedWebhooksLoseNothingRecordEveryOutcomeAndAnnounceEachOnce()
      throws Exception {
    ChaosLoad.Report report = ChaosLoad.run(new ChaosLoad.Settings(40, 0, 16, 2, 3, 0.2));

    assertThat(report.sessions()).isEqualTo(40);
    assertThat(report.neverDelivered())
        .as("events dropped, for the sweeper to recover")
        .isPositive();
    assertThat(report.fewestCopies())
        .as("every delivered event went at least twice")
        .isGreaterThanOrEqualTo(2);
    assertThat(report.lost()).isEmpty();
    assertThat(report.wrong()).isEmpty();
    assertThat(report.events().missing()).as("sessions the merchant never heard of").isEmpty();
    assertThat(report.events().extra()).as("sessions the merchant heard of twice").isEmpty();
    assertThat(report.events().distinct())
        .as("every session ended, so each was announced")
        .isGreaterThanOrEqualTo(40);
  }
}
