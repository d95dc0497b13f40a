package checkout.session;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.events.OrderEvent;
import checkout.events.OrderEvents;
import checkout.session.RefundOrderIndependenceProperties.History;
import checkout.session.RefundOrderIndependenceProperties.Plan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A payment and up to three refunds of it, whatever order Fintoc's reports of both arrive in and
 * however often each arrives, end as in Fintoc's own order — the session, its payment, each refund
 * and the payment's sums — and the merchant hears each refund's outcome once: {@code
 * refund.succeeded} or {@code refund.failed}, the same ones as in Fintoc's order.
 *
 * <p>The store is modelled as the code writes it, in memory: the session and its payment as {@link
 * InMemoryTable} (SessionUpdater's merge), each refund as its {@code REFUND#} item and the
 * payment's {@code REFUNDS#} ledger as {@link Refundable} sums, changed in the same step as the
 * refund through {@link Refundable#apply} (Refunds.apply's transaction). A refund can be requested
 * only once the store holds the payment as succeeded for this session (Refunds.request's
 * condition), and Fintoc can report a refund only after it was requested. The events are derived,
 * as the publisher derives them from the stream, from each pair of consecutive committed states.
 * The amounts asked back fit in the payment together, so every request is taken in any order.
 */
public class PaymentAndRefundOrderProperties {
  static final long PAID = 15000;

  /** A refund the merchant asks for, and what Fintoc then does with it. */
  public record Ask(long amount, Plan plan) {}

  /** The payment's and the refunds' reports, and the order the merchant asked in. */
  public record Story(List<Observation> payment, List<Ask> asks) {}

  @Provide
  Arbitrary<Story> stories() {
    Arbitrary<Plan> plan =
        Combinators.combine(
                Arbitraries.just("pending"),
                Arbitraries.just("in_progress").list().ofMaxSize(2),
                Arbitraries.of("succeeded", "failed").injectNull(0.2),
                Arbitraries.longs())
            .as(Plan::new);
    // At most 5000 each: three of them fit in the payment, and three of 5000 refund all of it.
    Arbitrary<Long> amount =
        Arbitraries.oneOf(Arbitraries.of(5000L, 1L), Arbitraries.longs().between(1, 5000));
    Arbitrary<List<Ask>> asks =
        Combinators.combine(amount, plan).as(Ask::new).list().ofMinSize(1).ofMaxSize(3);
    Arbitrary<Boolean> sessionFirst = Arbitraries.of(true, false);
    return Combinators.combine(asks, sessionFirst)
        .as((a, first) -> new Story(paymentFacts(first), a));
  }

  /**
   * The payment at Fintoc: created, then succeeded; the session's {@code finished} event (which
   * links the payment to it) comes after the payment's, or before its success is heard.
   */
  static List<Observation> paymentFacts(boolean sessionBeforeSuccess) {
    List<Observation> facts = new ArrayList<>();
    facts.add(
        OrderIndependenceProperties.paymentEvent("created", PAID, InMemoryTable.T0.plusSeconds(1)));
    if (sessionBeforeSuccess) {
      facts.add(
          OrderIndependenceProperties.sessionEvent(
              "in_progress", "created", PAID, InMemoryTable.T0.plusSeconds(2)));
    }
    facts.add(
        OrderIndependenceProperties.paymentEvent(
            "succeeded", PAID, InMemoryTable.T0.plusSeconds(3)));
    facts.add(
        OrderIndependenceProperties.sessionEvent(
            "finished", "succeeded", PAID, InMemoryTable.T0.plusSeconds(4)));
    return facts;
  }

  /** The merchant's request for refund {@code key}: stored before anything is sent. */
  record Request(String key, long amount) {}

  /** The store: session and payment, refunds and the ledger's sums, and every event derived. */
  static final class Store {
    final InMemoryTable table = new InMemoryTable();
    final Map<String, StoredRefund> refunds = new TreeMap<>();
    Refundable sums; // no REFUNDS# item until the first request
    final List<OrderEvent> events = new ArrayList<>();

    void apply(Observation fact) {
      CheckoutSession before = table.session;
      table.apply(fact);
      if (table.session != before) {
        events.addAll(OrderEvents.between(before, table.session));
      }
    }

    /** Refunds.request's condition: the payment's record says succeeded, for this session. */
    boolean refundable() {
      PaymentRecord payment = table.payments.get("pi_1");
      return payment != null
          && PaymentStatus.SUCCEEDED.equals(payment.status())
          && "cs_1".equals(payment.sessionId());
    }

    /** The reservation: the refund stored with its amount held, in one write with the sums. */
    void request(Request request) {
      Refundable read = sums != null ? sums : Refundable.of(table.payments.get("pi_1").amount());
      StoredRefund stored =
          new StoredRefund(
              RefundOrderIndependenceProperties.requested(request.key(), request.amount()),
              StoredRefund.MERCHANT,
              "order-1",
              null,
              "hash-" + request.key(),
              "fcr_" + request.key(),
              1,
              InMemoryTable.T0,
              null,
              0,
              InMemoryTable.T0.plusSeconds(120),
              null,
              read.paid(),
              read.succeeded());
      sums = read.reserve(request.amount());
      commit(null, stored);
    }

    /**
     * Refunds.apply: Fintoc's report merged and written with the sums; a report that changes
     * nothing still has the refund written again, as the sweeper's look that moves it back does.
     */
    void report(String key, RefundFact fact) {
      StoredRefund stored = refunds.get(key);
      RefundRecord merged =
          RefundRules.merge(stored.refund(), fact, RefundOrderIndependenceProperties.NOW);
      if (merged == null) {
        commit(
            stored,
            stored.withRefund(stored.refund().touched(RefundOrderIndependenceProperties.NOW)));
        return;
      }
      sums = sums.apply(stored.refund(), merged);
      boolean becameFailed =
          RefundStatus.FAILED.equals(merged.status())
              && !RefundStatus.FAILED.equals(stored.refund().status());
      commit(
          stored,
          stored
              .withRefund(merged)
              .withOutcome(
                  becameFailed ? StoredRefund.REFUND_FAILED : stored.attention(),
                  sums.succeeded()));
    }

    /** One committed write of a REFUND# item: its events, as the stream shows it. */
    private void commit(StoredRefund before, StoredRefund after) {
      refunds.put(after.id(), after);
      events.addAll(OrderEvents.refundBetween(before, after));
    }

    List<OrderEvent> refundEvents() {
      return events.stream().filter(e -> e.refund() != null).toList();
    }

    /** What is compared: the facts of each thing stored, not when or how often it was written. */
    Map<String, Object> state() {
      Map<String, Object> state = new LinkedHashMap<>();
      state.put("session", table.outcome());
      // The payment's facts but its status time: SessionRules keeps the time of the first report
      // of a final status it took, not the earliest one (RefundRules takes the earliest), so the
      // session's event read after the payment's dates "succeeded" later. The outcome is the same.
      Map<String, PaymentRecord> payments = new TreeMap<>();
      table.payments.forEach(
          (id, p) ->
              payments.put(
                  id,
                  new PaymentRecord(
                      p.id(),
                      p.status(),
                      null,
                      p.sessionId(),
                      p.nextAction(),
                      p.amount(),
                      p.currency(),
                      null,
                      0)));
      state.put("payments", payments);
      Map<String, RefundRecord> records = new TreeMap<>();
      refunds.forEach(
          (key, r) -> records.put(key, RefundOrderIndependenceProperties.facts(r.refund())));
      state.put("refunds", records);
      state.put("sums", sums);
      return state;
    }
  }

  /** Each refund's reports in Fintoc's order, and its sweeper's looks. */
  static Map<String, History> histories(Story story) {
    Map<String, History> histories = new LinkedHashMap<>();
    for (int i = 0; i < story.asks().size(); i++) {
      Ask ask = story.asks().get(i);
      histories.put(
          "rf_" + i,
          RefundOrderIndependenceProperties.history("ref_" + i, ask.amount(), ask.plan()));
    }
    return histories;
  }

  /**
   * Fintoc's order: the payment's reports, then the merchant's requests, then the refunds' reports
   * and looks by Fintoc's time (a refund's own in its order).
   */
  static Store inFintocOrder(Story story) {
    Store store = new Store();
    story.payment().forEach(store::apply);
    Map<String, History> histories = histories(story);
    int i = 0;
    for (String key : histories.keySet()) {
      store.request(new Request(key, story.asks().get(i++).amount()));
    }
    List<Map.Entry<String, RefundFact>> reports = new ArrayList<>();
    histories.forEach(
        (key, history) -> {
          history.inFintocOrder().forEach(f -> reports.add(Map.entry(key, f)));
          history.sweeps().forEach(f -> reports.add(Map.entry(key, f)));
        });
    reports.sort(Comparator.comparing(e -> e.getValue().observedAt()));
    reports.forEach(e -> store.report(e.getKey(), e.getValue()));
    return store;
  }

  /**
   * Any order: the payment's reports one to three times each, shuffled; each refund's lane (its
   * request, then its reports one to three times each and its looks, shuffled) interleaved with the
   * others and with the payment's at random, a request waiting until the payment is refundable.
   */
  static Store delivered(Story story, Random random) {
    Store store = new Store();
    List<List<Object>> lanes = new ArrayList<>();
    List<Object> payment = new ArrayList<>();
    for (Observation fact : story.payment()) {
      for (int copies = 1 + random.nextInt(3); copies > 0; copies--) {
        payment.add(fact);
      }
    }
    Collections.shuffle(payment, random);
    lanes.add(payment);
    Map<String, History> histories = histories(story);
    int i = 0;
    for (Map.Entry<String, History> entry : histories.entrySet()) {
      List<Object> lane = new ArrayList<>();
      lane.add(new Request(entry.getKey(), story.asks().get(i++).amount()));
      RefundOrderIndependenceProperties.delivered(entry.getValue(), random)
          .forEach(f -> lane.add(Map.entry(entry.getKey(), f)));
      lanes.add(lane);
    }
    while (!lanes.isEmpty()) {
      List<List<Object>> ready =
          lanes.stream().filter(l -> !(l.get(0) instanceof Request) || store.refundable()).toList();
      assertThat(ready)
          .as("the payment became refundable once all its reports were in")
          .isNotEmpty();
      List<Object> lane = ready.get(random.nextInt(ready.size()));
      Object step = lane.remove(0);
      if (lane.isEmpty()) {
        lanes.remove(lane);
      }
      if (step instanceof Observation fact) {
        store.apply(fact);
      } else if (step instanceof Request request) {
        store.request(request);
      } else {
        @SuppressWarnings("unchecked")
        Map.Entry<String, RefundFact> report = (Map.Entry<String, RefundFact>) step;
        store.report(report.getKey(), report.getValue());
      }
      assertThat(store.sums == null ? 0 : store.sums.held()).isLessThanOrEqualTo(PAID);
    }
    return store;
  }

  static Set<String> ids(List<OrderEvent> events) {
    return events.stream().map(OrderEvent::id).collect(Collectors.toCollection(TreeSet::new));
  }

  @Property(tries = 2000)
  void anyOrderAndAnyDuplicatesEndAsFintocsOrderAndAnnounceEachRefundOnce(
      @ForAll("stories") Story story, @ForAll long shuffleSeed) {
    Store expected = inFintocOrder(story);
    Store store = delivered(story, new Random(shuffleSeed));

    assertThat(store.state()).as("the state").isEqualTo(expected.state());
    assertThat(store.sums)
        .as("the ledger's sums are its refunds' sums")
        .isEqualTo(
            Refundable.of(
                PAID, store.refunds.values().stream().map(StoredRefund::refund).toList()));
    assertThat(store.events.stream().map(OrderEvent::id))
        .as("no event twice")
        .doesNotHaveDuplicates();
    assertThat(ids(store.refundEvents()))
        .as("the same refund events as in Fintoc's order")
        .isEqualTo(ids(expected.refundEvents()));

    Map<String, String> ends = new HashMap<>();
    histories(story).forEach((key, history) -> ends.put(key, history.end()));
    Set<String> announced = new TreeSet<>();
    ends.forEach(
        (key, end) -> {
          if (end.equals("succeeded") || end.equals("failed")) {
            announced.add(key + ":" + end);
          }
        });
    assertThat(ids(store.refundEvents())).as("one per refund Fintoc ended").isEqualTo(announced);
  }

  @Property(tries = 1000)
  void eachSucceededRefundSaysHowMuchHadGoneBackAndTheLastSaysItAll(
      @ForAll("stories") Story story, @ForAll long shuffleSeed) {
    Store store = delivered(story, new Random(shuffleSeed));

    List<OrderEvent> succeeded =
        store.refundEvents().stream()
            .filter(e -> e.type().equals(OrderEvents.REFUND_SUCCEEDED))
            .toList();
    long total = 0;
    for (OrderEvent event : succeeded) {
      long after = event.refund().refundedAfter();
      assertThat(after).as("grows with each refund that went back").isGreaterThan(total);
      assertThat(after).isGreaterThanOrEqualTo(event.refund().refund().amount());
      assertThat(OrderEvents.refunded(event.refund()))
          .isEqualTo(after == PAID ? Refundable.Refunded.FULL : Refundable.Refunded.PARTIAL);
      total = after;
    }
    assertThat(total).as("the last one's total is the ledger's").isEqualTo(store.sums.succeeded());
  }
}
