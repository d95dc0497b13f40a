package checkout.session;

import static checkout.session.InMemoryTable.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The merge of Fintoc's facts into a session, specified in memory as a table: each fact alone, and
 * every pair in both orders. A fact is what Fintoc says at a moment (seconds after the session was
 * made); a payment event names no session and reaches it only once a session event links the
 * payment. An outcome is {@code status/payment_status/paid|unpaid/attention}, with {@code
 * /next_action} when the session shows one. The DynamoDB race tests run the same rules through the
 * table.
 */
class MergeTableTest {
  /**
   * What Fintoc can say of session cs_1 (15 000 CLP) and its payment pi_1: "sweep:" is the
   * sweeper's look, "pi:" a payment_intent event, "cs:" a checkout_session event with the payment
   * it carries; "(1)" is for 1 CLP instead of 15 000.
   */
  static final Map<String, Observation> FACTS = new LinkedHashMap<>();

  static Observation.PaymentFact pi(String status, long amount) {
    return new Observation.PaymentFact(
        "pi_1",
        PaymentStatus.fromWire(status),
        status.equals("requires_action") ? "{\"type\":\"approval_required\"}" : null,
        amount,
        "CLP");
  }

  static {
    FACTS.put(
        "sweep:open",
        new Observation("cs_1", SessionStatus.CREATED, null, T0.plusSeconds(1), true));
    FACTS.put(
        "pi:pending", new Observation(null, null, pi("pending", 15000), T0.plusSeconds(2), false));
    FACTS.put(
        "pi:requires_action",
        new Observation(null, null, pi("requires_action", 15000), T0.plusSeconds(3), false));
    FACTS.put(
        "cs:finished+pending",
        new Observation(
            "cs_1", SessionStatus.FINISHED, pi("pending", 15000), T0.plusSeconds(3), false));
    FACTS.put(
        "pi:processing",
        new Observation(null, null, pi("processing", 15000), T0.plusSeconds(4), false));
    FACTS.put(
        "pi:succeeded",
        new Observation(null, null, pi("succeeded", 15000), T0.plusSeconds(5), false));
    FACTS.put(
        "pi:succeeded(1)",
        new Observation(null, null, pi("succeeded", 1), T0.plusSeconds(5), false));
    FACTS.put(
        "pi:failed", new Observation(null, null, pi("failed", 15000), T0.plusSeconds(5), false));
    FACTS.put(
        "cs:finished+succeeded",
        new Observation(
            "cs_1", SessionStatus.FINISHED, pi("succeeded", 15000), T0.plusSeconds(6), false));
    FACTS.put(
        "cs:expired",
        new Observation("cs_1", SessionStatus.EXPIRED, null, T0.plusSeconds(7), false));
    FACTS.put(
        "cs:expired+expired",
        new Observation(
            "cs_1", SessionStatus.EXPIRED, pi("expired", 15000), T0.plusSeconds(7), false));
  }

  /** The facts, in this order, to a new session; returns what GetSession would show. */
  static String outcome(String... facts) {
    InMemoryTable table = new InMemoryTable();
    for (String fact : facts) {
      table.apply(FACTS.get(fact));
    }
    return table.outcome();
  }

  @ParameterizedTest(name = "{0} alone ends {1}, and delivered twice ends the same")
  @CsvSource(
      delimiter = '|',
      value = {
        "sweep:open            | created/-/unpaid/-",
        "pi:pending            | created/-/unpaid/-",
        "pi:requires_action    | created/-/unpaid/-",
        "cs:finished+pending   | finished/pending/unpaid/-",
        "pi:processing         | created/-/unpaid/-",
        "pi:succeeded          | created/-/unpaid/-",
        "pi:succeeded(1)       | created/-/unpaid/-",
        "pi:failed             | created/-/unpaid/-",
        "cs:finished+succeeded | finished/succeeded/paid/-",
        "cs:expired            | expired/-/unpaid/-",
        "cs:expired+expired    | expired/expired/unpaid/-",
      })
  void eachFactAloneEndsTheSameHoweverOftenItArrives(String fact, String expected) {
    assertThat(outcome(fact)).isEqualTo(expected);
    assertThat(outcome(fact, fact, fact)).isEqualTo(expected);
  }

  /**
   * Every pair of facts, in both orders. Where Fintoc could send both ("same"), the order does not
   * matter. Where they contradict each other — two final statuses of one session or one payment,
   * two amounts for one payment — Fintoc never sends both; if it did, what was recorded first
   * stands, so the table shows both orders.
   */
  @ParameterizedTest(name = "{0} then {1} ends {2}; {1} then {0} ends {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "sweep:open | pi:pending                     | created/-/unpaid/-                       | same",
        "sweep:open | pi:requires_action             | created/-/unpaid/-                       | same",
        "sweep:open | cs:finished+pending            | finished/pending/unpaid/-                | same",
        "sweep:open | pi:processing                  | created/-/unpaid/-                       | same",
        "sweep:open | pi:succeeded                   | created/-/unpaid/-                       | same",
        "sweep:open | pi:succeeded(1)                | created/-/unpaid/-                       | same",
        "sweep:open | pi:failed                      | created/-/unpaid/-                       | same",
        "sweep:open | cs:finished+succeeded          | finished/succeeded/paid/-                | same",
        "sweep:open | cs:expired                     | expired/-/unpaid/-                       | same",
        "sweep:open | cs:expired+expired             | expired/expired/unpaid/-                 | same",
        "pi:pending | pi:requires_action             | created/-/unpaid/-                       | same",
        "pi:pending | cs:finished+pending            | finished/pending/unpaid/-                | same",
        "pi:pending | pi:processing                  | created/-/unpaid/-                       | same",
        "pi:pending | pi:succeeded                   | created/-/unpaid/-                       | same",
        "pi:pending | pi:succeeded(1)                | created/-/unpaid/-                       | same",
        "pi:pending | pi:failed                      | created/-/unpaid/-                       | same",
        "pi:pending | cs:finished+succeeded          | finished/succeeded/paid/-                | same",
        "pi:pending | cs:expired                     | expired/-/unpaid/-                       | same",
        "pi:pending | cs:expired+expired             | expired/expired/unpaid/-                 | same",
        "pi:requires_action | cs:finished+pending    | finished/requires_action/unpaid/-/next_action | same",
        "pi:requires_action | pi:processing          | created/-/unpaid/-                       | same",
        "pi:requires_action | pi:succeeded           | created/-/unpaid/-                       | same",
        "pi:requires_action | pi:succeeded(1)        | created/-/unpaid/-                       | same",
        "pi:requires_action | pi:failed              | created/-/unpaid/-                       | same",
        "pi:requires_action | cs:finished+succeeded  | finished/succeeded/paid/-                | same",
        "pi:requires_action | cs:expired             | expired/-/unpaid/-                       | same",
        "pi:requires_action | cs:expired+expired     | expired/expired/unpaid/-                 | same",
        "cs:finished+pending | pi:processing         | finished/processing/unpaid/-             | same",
        "cs:finished+pending | pi:succeeded          | finished/succeeded/paid/-                | same",
        "cs:finished+pending | pi:succeeded(1)       | finished/succeeded/paid/-                | finished/succeeded/unpaid/amount_mismatch",
        "cs:finished+pending | pi:failed             | finished/failed/unpaid/-                 | same",
        "cs:finished+pending | cs:finished+succeeded | finished/succeeded/paid/-                | same",
        "cs:finished+pending | cs:expired            | finished/pending/unpaid/-                | expired/pending/unpaid/-",
        "cs:finished+pending | cs:expired+expired    | finished/expired/unpaid/-                | expired/expired/unpaid/-",
        "pi:processing | pi:succeeded                | created/-/unpaid/-                       | same",
        "pi:processing | pi:succeeded(1)             | created/-/unpaid/-                       | same",
        "pi:processing | pi:failed                   | created/-/unpaid/-                       | same",
        "pi:processing | cs:finished+succeeded       | finished/succeeded/paid/-                | same",
        "pi:processing | cs:expired                  | expired/-/unpaid/-                       | same",
        "pi:processing | cs:expired+expired          | expired/expired/unpaid/-                 | same",
        "pi:succeeded | pi:succeeded(1)              | created/-/unpaid/-                       | same",
        "pi:succeeded | pi:failed                    | created/-/unpaid/-                       | same",
        "pi:succeeded | cs:finished+succeeded        | finished/succeeded/paid/-                | same",
        "pi:succeeded | cs:expired                   | expired/-/unpaid/-                       | same",
        "pi:succeeded | cs:expired+expired           | expired/succeeded/unpaid/paid_after_expiry | expired/expired/unpaid/-",
        "pi:succeeded(1) | pi:failed                 | created/-/unpaid/-                       | same",
        "pi:succeeded(1) | cs:finished+succeeded     | finished/succeeded/unpaid/amount_mismatch | finished/succeeded/paid/-",
        "pi:succeeded(1) | cs:expired                | expired/-/unpaid/-                       | same",
        "pi:succeeded(1) | cs:expired+expired        | expired/succeeded/unpaid/amount_mismatch | expired/expired/unpaid/-",
        "pi:failed | cs:finished+succeeded           | finished/failed/unpaid/-                 | finished/succeeded/paid/-",
        "pi:failed | cs:expired                      | expired/-/unpaid/-                       | same",
        "pi:failed | cs:expired+expired              | expired/failed/unpaid/-                  | expired/expired/unpaid/-",
        "cs:finished+succeeded | cs:expired          | finished/succeeded/paid/-                | expired/succeeded/unpaid/paid_after_expiry",
        "cs:finished+succeeded | cs:expired+expired  | finished/succeeded/paid/-                | expired/expired/unpaid/-",
        "cs:expired | cs:expired+expired             | expired/expired/unpaid/-                 | same",
      })
  void everyPairOfFactsEndsTheSameInEitherOrderUnlessTheyContradict(
      String first, String second, String firstThenSecond, String secondThenFirst) {
    String reversed = secondThenFirst.equals("same") ? firstThenSecond : secondThenFirst;

    assertThat(outcome(first, second)).isEqualTo(firstThenSecond);
    assertThat(outcome(second, first)).isEqualTo(reversed);
    assertThat(outcome(first, second, first, second))
        .as("duplicates change nothing")
        .isEqualTo(firstThenSecond);
    assertThat(outcome(second, first, second, first))
        .as("duplicates change nothing")
        .isEqualTo(reversed);
  }

  static Stream<String> allPairs() {
    List<String> names = List.copyOf(FACTS.keySet());
    return IntStream.range(0, names.size())
        .boxed()
        .flatMap(
            i -> names.subList(i + 1, names.size()).stream().map(b -> names.get(i) + " | " + b));
  }

  @Test
  void theTableHasARowForEveryPairOfFacts() throws Exception {
    CsvSource table =
        getClass()
            .getDeclaredMethod(
                "everyPairOfFactsEndsTheSameInEitherOrderUnlessTheyContradict",
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

    assertThat(rows).containsExactlyElementsOf(allPairs().toList());
  }
}
