package checkout.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The merge of Fintoc's report into a stored refund, specified as a table: every status the refund
 * can have ({@code -} is a refund requested and not answered yet; {@code on_hold} stands for a
 * status Fintoc might add) against every status Fintoc can report, once later than what is known
 * and once older. The known status was reported at 10 s; an outcome is {@code status@seconds} of
 * the merged record, with {@code freed} when this very merge gives the amount back, or {@code
 * unchanged} when the merge changes nothing.
 */
class RefundMergeTableTest {
  static final Instant T0 = InMemoryTable.T0;
  static final Instant NOW = T0.plusSeconds(1000);
  static final List<String> KNOWN =
      List.of(
          "-", "pending", "created", "in_progress", "on_hold", "succeeded", "failed", "canceled");
  static final List<String> REPORTED = KNOWN.subList(1, KNOWN.size());

  static RefundFact fact(String status, int second) {
    return new RefundFact(
        "ref_1",
        "pi_1",
        RefundStatus.fromWire(status),
        5000L,
        "CLP",
        status.equals("failed") ? "insufficient_funds" : null,
        "cs_1",
        null,
        T0.plusSeconds(second));
  }

  /** The refund as stored with this status, reported at 10 s (through the merge itself). */
  static RefundRecord known(String status) {
    RefundRecord requested =
        RefundRecord.requested("key_1", "cs_1", "pi_1", 5000, "CLP", "damaged", T0);
    return status.equals("-") ? requested : RefundRules.merge(requested, fact(status, 10), T0);
  }

  static String outcome(RefundRecord before, RefundRecord after) {
    if (after == null) {
      return "unchanged";
    }
    long seconds = after.statusAt().getEpochSecond() - T0.getEpochSecond();
    return after.status() + "@" + seconds + (RefundRules.freed(before, after) > 0 ? " freed" : "");
  }

  @ParameterizedTest(name = "known {0}, reported {1}: a later report ends {2}, an older one {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "-           | pending     | pending@20        | pending@5",
        "-           | created     | created@20        | created@5",
        "-           | in_progress | in_progress@20    | in_progress@5",
        "-           | on_hold     | on_hold@20        | on_hold@5",
        "-           | succeeded   | succeeded@20      | succeeded@5",
        "-           | failed      | failed@20 freed   | failed@5 freed",
        "-           | canceled    | canceled@20 freed | canceled@5 freed",
        "pending     | pending     | pending@20        | unchanged",
        "pending     | created     | created@20        | unchanged",
        "pending     | in_progress | in_progress@20    | unchanged",
        "pending     | on_hold     | on_hold@20        | unchanged",
        "pending     | succeeded   | succeeded@20      | succeeded@5",
        "pending     | failed      | failed@20 freed   | failed@5 freed",
        "pending     | canceled    | canceled@20 freed | canceled@5 freed",
        "created     | pending     | pending@20        | unchanged",
        "created     | created     | created@20        | unchanged",
        "created     | in_progress | in_progress@20    | unchanged",
        "created     | on_hold     | on_hold@20        | unchanged",
        "created     | succeeded   | succeeded@20      | succeeded@5",
        "created     | failed      | failed@20 freed   | failed@5 freed",
        "created     | canceled    | canceled@20 freed | canceled@5 freed",
        "in_progress | pending     | pending@20        | unchanged",
        "in_progress | created     | created@20        | unchanged",
        "in_progress | in_progress | in_progress@20    | unchanged",
        "in_progress | on_hold     | on_hold@20        | unchanged",
        "in_progress | succeeded   | succeeded@20      | succeeded@5",
        "in_progress | failed      | failed@20 freed   | failed@5 freed",
        "in_progress | canceled    | canceled@20 freed | canceled@5 freed",
        "on_hold     | pending     | pending@20        | unchanged",
        "on_hold     | created     | created@20        | unchanged",
        "on_hold     | in_progress | in_progress@20    | unchanged",
        "on_hold     | on_hold     | on_hold@20        | unchanged",
        "on_hold     | succeeded   | succeeded@20      | succeeded@5",
        "on_hold     | failed      | failed@20 freed   | failed@5 freed",
        "on_hold     | canceled    | canceled@20 freed | canceled@5 freed",
        "succeeded   | pending     | unchanged         | unchanged",
        "succeeded   | created     | unchanged         | unchanged",
        "succeeded   | in_progress | unchanged         | unchanged",
        "succeeded   | on_hold     | unchanged         | unchanged",
        "succeeded   | succeeded   | unchanged         | succeeded@5",
        "succeeded   | failed      | unchanged         | unchanged",
        "succeeded   | canceled    | unchanged         | unchanged",
        "failed      | pending     | unchanged         | unchanged",
        "failed      | created     | unchanged         | unchanged",
        "failed      | in_progress | unchanged         | unchanged",
        "failed      | on_hold     | unchanged         | unchanged",
        "failed      | succeeded   | unchanged         | unchanged",
        "failed      | failed      | unchanged         | failed@5",
        "failed      | canceled    | unchanged         | unchanged",
        "canceled    | pending     | unchanged         | unchanged",
        "canceled    | created     | unchanged         | unchanged",
        "canceled    | in_progress | unchanged         | unchanged",
        "canceled    | on_hold     | unchanged         | unchanged",
        "canceled    | succeeded   | unchanged         | unchanged",
        "canceled    | failed      | unchanged         | unchanged",
        "canceled    | canceled    | unchanged         | canceled@5",
      })
  void everyReportAgainstEveryKnownStatus(
      String knownStatus, String reported, String later, String older) {
    RefundRecord known = known(knownStatus);

    assertThat(outcome(known, RefundRules.merge(known, fact(reported, 20), NOW)))
        .as("reported later")
        .isEqualTo(later);
    assertThat(outcome(known, RefundRules.merge(known, fact(reported, 5), NOW)))
        .as("reported older")
        .isEqualTo(older);
  }

  @ParameterizedTest(name = "{0} delivered again changes nothing")
  @ValueSource(
      strings = {"pending", "created", "in_progress", "on_hold", "succeeded", "failed", "canceled"})
  void theReportThatMadeAStatusChangesNothingWhenItArrivesAgain(String status) {
    RefundRecord known = known(status);

    assertThat(RefundRules.merge(known, fact(status, 10), NOW)).isNull();
  }

  @Test
  void theTableHasARowForEveryKnownAndReportedStatus() throws Exception {
    CsvSource table =
        getClass()
            .getDeclaredMethod(
                "everyReportAgainstEveryKnownStatus",
                String.class,
                String.class,
                String.class,
                String.class)
            .getAnnotation(CsvSource.class);
    List<String> rows =
        Stream.of(table.value())
            .map(row -> row.split("\\|"))
            .map(cells -> cells[0].strip() + " | " + cells[1].strip())
            .toList();

    assertThat(rows)
        .containsExactlyElementsOf(
            KNOWN.stream().flatMap(k -> REPORTED.stream().map(r -> k + " | " + r)).toList());
  }
}
