package checkout.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever order Fintoc's events arrive in, however often each arrives, and whenever the sweeper
 * looks in between, a session ends with the same {@code paid}, {@code payment_status} and {@code
 * attention} as when everything arrives in Fintoc's own order.
 *
 * <p>A history is what Fintoc does to one session: its payment goes through statuses that are not
 * final (documented ones, and one Fintoc might add), maybe to a final one; the session finishes or
 * expires at some point of that; each change is an event stamped with its time, and the sweeper may
 * look at any moment (it sees the state of that moment). The rules run in memory, with the payment
 * record kept apart as the table keeps it.
 */
public class OrderIndependenceProperties {
  static final Instant T0 = InMemoryTable.T0;
  static final List<String> NOT_FINAL =
      List.of("created", "in_progress", "pending", "requires_action", "processing");
  static final List<String> FINAL = List.of("succeeded", "failed", "rejected", "expired");

  /** One session's history at Fintoc, in Fintoc's order, and the sweeper's looks. */
  public record History(List<Observation> inFintocOrder, List<Observation> sweeps) {}

  @Provide
  public Arbitrary<History> histories() {
    Arbitrary<List<String>> path = Arbitraries.of(NOT_FINAL).list().ofMaxSize(4);
    Arbitrary<String> end = Arbitraries.of(FINAL).injectNull(0.25);
    Arbitrary<Integer> sessionEndsAt = Arbitraries.integers().between(0, 5);
    Arbitrary<Boolean> sessionExpires = Arbitraries.of(true, false);
    Arbitrary<Long> amount = Arbitraries.of(15000L, 15000L, 15000L, 1L);
    Arbitrary<Long> seed = Arbitraries.longs();
    return Combinators.combine(path, end, sessionEndsAt, sessionExpires, amount, seed)
        .as(OrderIndependenceProperties::history);
  }

  static History history(
      List<String> path,
      String end,
      int sessionEndsAt,
      boolean sessionExpires,
      long amount,
      long seed) {
    List<String> statuses = new ArrayList<>(path);
    if (end != null) {
      statuses.add(end);
    }
    // The state at each moment, and the events that made it.
    List<Observation> events = new ArrayList<>();
    List<Observation> sweeps = new ArrayList<>();
    String sessionStatus = "created";
    String paymentStatus = null;
    Random random = new Random(seed);
    int tick = 0;
    int sessionEnd = Math.min(sessionEndsAt, statuses.size());
    for (int i = 0; i <= statuses.size(); i++) {
      if (i == sessionEnd) {
        // The session ends here: it expires (with whatever payment it has) or finishes (with one).
        sessionStatus = sessionExpires || paymentStatus == null ? "expired" : "finished";
        Instant at = T0.plusSeconds(++tick);
        events.add(sessionEvent(sessionStatus, paymentStatus, amount, at));
      }
      if (i < statuses.size()) {
        paymentStatus = statuses.get(i);
        Instant at = T0.plusSeconds(++tick);
        events.add(paymentEvent(paymentStatus, amount, at));
      }
      if (random.nextInt(3) == 0) {
        sweeps.add(sweep(sessionStatus, paymentStatus, amount, T0.plusSeconds(++tick)));
      }
    }
    return new History(events, sweeps);
  }

  static Observation.PaymentFact payment(String status, long amount) {
    return status == null
        ? null
        : new Observation.PaymentFact("pi_1", PaymentStatus.fromWire(status), null, amount, "CLP");
  }

  static Observation sessionEvent(String status, String paymentStatus, long amount, Instant at) {
    return new Observation(
        "cs_1", SessionStatus.fromWire(status), payment(paymentStatus, amount), at, false);
  }

  static Observation paymentEvent(String status, long amount, Instant at) {
    // A payment_intent event does not name its session: it waits until a session event links it.
    return new Observation(null, null, payment(status, amount), at, false);
  }

  static Observation sweep(String sessionStatus, String paymentStatus, long amount, Instant at) {
    return new Observation(
        "cs_1", SessionStatus.fromWire(sessionStatus), payment(paymentStatus, amount), at, true);
  }

  static String applied(List<Observation> facts) {
    InMemoryTable table = new InMemoryTable();
    facts.forEach(table::apply);
    return table.outcome();
  }

  @Property(tries = 2000)
  void anyOrderAndAnyDuplicatesEndAsFintocsOrderEnds(
      @ForAll("histories") History history, @ForAll long shuffleSeed) {
    List<Observation> inOrder = new ArrayList<>(history.inFintocOrder());
    inOrder.addAll(history.sweeps());
    inOrder.sort((a, b) -> a.observedAt().compareTo(b.observedAt()));
    String expected = applied(inOrder);

    Random random = new Random(shuffleSeed);
    List<Observation> delivered = new ArrayList<>();
    for (Observation event : history.inFintocOrder()) {
      int copies = 1 + random.nextInt(3); // Fintoc delivers each one to three times
      for (int i = 0; i < copies; i++) {
        delivered.add(event);
      }
    }
    delivered.addAll(history.sweeps());
    Collections.shuffle(delivered, random);

    assertThat(applied(delivered)).as("delivered %s", delivered).isEqualTo(expected);
  }

  @Property(tries = 500)
  void paidMeansSucceededForTheExactAmountOnASessionThatDidNotExpire(
      @ForAll("histories") History history) {
    InMemoryTable table = new InMemoryTable();
    history.inFintocOrder().forEach(table::apply);
    history.sweeps().forEach(table::apply);
    CheckoutSession session = table.session;

    boolean exact = session.paymentAmount() != null && session.paymentAmount() == 15000;
    assertThat(session.paid())
        .isEqualTo(
            PaymentStatus.SUCCEEDED.equals(session.paymentStatus())
                && exact
                && !SessionStatus.EXPIRED.equals(session.status()));
    if (session.paid()) {
      assertThat(session.attention()).isNull();
    }
  }
}
