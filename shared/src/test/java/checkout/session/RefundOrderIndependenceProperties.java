package checkout.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever order Fintoc's reports of a refund arrive in, however often each arrives, and whenever
 * the sweeper looks in between, the refund ends as when everything arrives in Fintoc's own order,
 * its amount freed at most once; and however the refunds of one payment interleave, they never hold
 * more than it paid.
 *
 * <p>A history is what Fintoc does to one refund: the answer to our create ({@code pending}, or
 * {@code created} as some pages name it), then maybe {@code in_progress} and a status Fintoc might
 * add, maybe to a final status ({@code canceled} only from the first state, as Fintoc allows). Each
 * change is a report stamped with its time; the sweeper may look at any moment (it sees the state
 * of that moment). As in {@link OrderIndependenceProperties}, the rules run in memory.
 */
public class RefundOrderIndependenceProperties {
  static final Instant T0 = InMemoryTable.T0;
  static final Instant NOW = T0.plusSeconds(100_000);
  static final long PAID = 15000;

  /** The shape of one refund's life at Fintoc, before it is given an id and times. */
  public record Plan(String first, List<String> middle, String end, long seed) {}

  /** One refund's reports in Fintoc's order, the sweeper's looks, and how it really ended. */
  public record History(List<RefundFact> inFintocOrder, List<RefundFact> sweeps, String end) {}

  /** A refund the merchant asks for: its amount and what Fintoc then does with it. */
  public record Request(long amount, Plan plan) {}

  @Provide
  public Arbitrary<Plan> plans() {
    Arbitrary<String> first = Arbitraries.of("pending", "pending", "created");
    Arbitrary<List<String>> middle = Arbitraries.of("in_progress", "on_hold").list().ofMaxSize(3);
    Arbitrary<String> end = Arbitraries.of("succeeded", "failed", "canceled").injectNull(0.2);
    return Combinators.combine(first, middle, end, Arbitraries.longs()).as(Plan::new);
  }

  @Provide
  public Arbitrary<List<Request>> requests() {
    Arbitrary<Long> amount =
        Arbitraries.oneOf(
            Arbitraries.of(PAID, 10000L, 5000L, 1L), Arbitraries.longs().between(1, PAID));
    return Combinators.combine(amount, plans()).as(Request::new).list().ofMinSize(1).ofMaxSize(5);
  }

  static History history(String refundId, long amount, Plan plan) {
    List<String> statuses = new ArrayList<>();
    statuses.add(plan.first());
    if (!"canceled".equals(plan.end())) {
      statuses.addAll(plan.middle());
    }
    if (plan.end() != null) {
      statuses.add(plan.end());
    }
    List<RefundFact> reports = new ArrayList<>();
    List<RefundFact> sweeps = new ArrayList<>();
    Random random = new Random(plan.seed());
    int tick = 0;
    for (String status : statuses) {
      reports.add(fact(refundId, status, amount, T0.plusSeconds(++tick)));
      if (random.nextInt(3) == 0) {
        sweeps.add(fact(refundId, status, amount, T0.plusSeconds(++tick)));
      }
    }
    return new History(reports, sweeps, statuses.get(statuses.size() - 1));
  }

  static RefundFact fact(String refundId, String status, long amount, Instant at) {
    return new RefundFact(
        refundId,
        "pi_1",
        RefundStatus.fromWire(status),
        amount,
        "CLP",
        status.equals("failed") ? "insufficient_funds" : null,
        "cs_1",
        null,
        at);
  }

  /** Each report one to three times, with the sweeper's looks, all in a random order. */
  static List<RefundFact> delivered(History history, Random random) {
    List<RefundFact> delivered = new ArrayList<>();
    for (RefundFact report : history.inFintocOrder()) {
      int copies = 1 + random.nextInt(3);
      for (int i = 0; i < copies; i++) {
        delivered.add(report);
      }
    }
    delivered.addAll(history.sweeps());
    Collections.shuffle(delivered, random);
    return delivered;
  }

  static RefundRecord requested(String key, long amount) {
    return RefundRecord.requested(key, "cs_1", "pi_1", amount, "CLP", null, T0);
  }

  /** What is compared: the record's facts, not when or how many times it was written. */
  static RefundRecord facts(RefundRecord record) {
    return new RefundRecord(
        record.refundKey(),
        record.sessionId(),
        record.paymentIntentId(),
        record.refundId(),
        record.amount(),
        record.currency(),
        record.status(),
        record.statusAt(),
        record.failureCode(),
        record.reason(),
        record.createdAt(),
        null,
        0,
        record.amountFreed());
  }

  @Property(tries = 2000)
  void anyOrderAndAnyDuplicatesEndAsFintocsOrderEndsAndFreeTheAmountAtMostOnce(
      @ForAll("plans") Plan plan, @ForAll long shuffleSeed) {
    History history = history("ref_1", 5000, plan);
    List<RefundFact> inOrder = new ArrayList<>(history.inFintocOrder());
    inOrder.addAll(history.sweeps());
    inOrder.sort((a, b) -> a.observedAt().compareTo(b.observedAt()));
    RefundRecord expected = requested("key_1", 5000);
    for (RefundFact fact : inOrder) {
      RefundRecord merged = RefundRules.merge(expected, fact, NOW);
      expected = merged != null ? merged : expected;
    }

    List<RefundFact> delivered = delivered(history, new Random(shuffleSeed));
    RefundRecord record = requested("key_1", 5000);
    long freed = 0;
    long succeeded = 0;
    for (RefundFact fact : delivered) {
      RefundRecord merged = RefundRules.merge(record, fact, NOW);
      freed += RefundRules.freed(record, merged);
      succeeded += RefundRules.succeeded(record, merged);
      record = merged != null ? merged : record;
    }

    assertThat(facts(record)).as("delivered %s", delivered).isEqualTo(facts(expected));
    assertThat(record.status().wire()).isEqualTo(history.end());
    boolean frees = history.end().equals("failed") || history.end().equals("canceled");
    assertThat(freed).as("freed").isEqualTo(frees ? 5000 : 0);
    assertThat(succeeded).as("succeeded").isEqualTo(history.end().equals("succeeded") ? 5000 : 0);
  }

  @Property(tries = 1000)
  void theRefundsOfOnePaymentNeverHoldMoreThanItAndEndHoldingWhatDidNotFail(
      @ForAll("requests") List<Request> requests, @ForAll long interleavingSeed) {
    Random random = new Random(interleavingSeed);
    // Each refund is requested (stored, amount held) before Fintoc can say anything of it; after
    // that its reports, duplicated and shuffled, interleave with the other refunds' at random.
    List<List<Object>> lanes = new ArrayList<>();
    Map<String, History> histories = new HashMap<>();
    Map<String, String> keyOf = new HashMap<>();
    for (int i = 0; i < requests.size(); i++) {
      Request request = requests.get(i);
      History history = history("ref_" + i, request.amount(), request.plan());
      histories.put("key_" + i, history);
      keyOf.put("ref_" + i, "key_" + i);
      List<Object> lane = new ArrayList<>();
      lane.add(requested("key_" + i, request.amount()));
      lane.addAll(delivered(history, random));
      lanes.add(lane);
    }

    Refundable sums = Refundable.of(PAID);
    // A refund refused for want of room is never sent: Fintoc says nothing of it.
    Map<String, RefundRecord> stored = new HashMap<>();
    while (!lanes.isEmpty()) {
      List<Object> lane = lanes.get(random.nextInt(lanes.size()));
      Object step = lane.remove(0);
      if (lane.isEmpty()) {
        lanes.remove(lane);
      }
      if (step instanceof RefundRecord request) {
        if (sums.canReserve(request.amount())) {
          sums = sums.reserve(request.amount());
          stored.put(request.refundKey(), request);
        }
      } else if (step instanceof RefundFact fact && stored.containsKey(keyOf.get(fact.id()))) {
        RefundRecord before = stored.get(keyOf.get(fact.id()));
        RefundRecord after = RefundRules.merge(before, fact, NOW);
        sums = sums.apply(before, after);
        if (after != null) {
          stored.put(after.refundKey(), after);
        }
      }
      assertThat(sums.held()).isLessThanOrEqualTo(PAID);
      assertThat(sums).as("the sums kept").isEqualTo(Refundable.of(PAID, stored.values()));
    }

    long notFailed = 0;
    long succeeded = 0;
    for (RefundRecord refund : stored.values()) {
      String end = histories.get(refund.refundKey()).end();
      notFailed += end.equals("failed") || end.equals("canceled") ? 0 : refund.amount();
      succeeded += end.equals("succeeded") ? refund.amount() : 0;
    }
    assertThat(sums.held()).as("held").isEqualTo(notFailed);
    assertThat(sums.succeeded()).as("succeeded").isEqualTo(succeeded);
  }
}
