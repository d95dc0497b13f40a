package checkout.events;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.session.CheckoutSession;
import checkout.session.InMemoryTable;
import checkout.session.Observation;
import checkout.session.OrderIndependenceProperties;
import checkout.session.OrderIndependenceProperties.History;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever order Fintoc's events arrive in and however often, the events the merchant hears from
 * the committed states say the same thing: no event twice, and the same final word on the money as
 * when everything arrives in Fintoc's own order. (The events on the way may differ: a session heard
 * to expire before its late payment was known says "expired", then "attention".)
 */
class OrderEventsProperties {
  static final Set<String> OUTCOMES =
      Set.of(OrderEvents.PAID, OrderEvents.PAYMENT_FAILED, OrderEvents.EXPIRED);

  @Provide
  Arbitrary<History> histories() {
    return new OrderIndependenceProperties().histories();
  }

  /** Every committed change, read as the publisher reads the stream: old image, new image. */
  static List<OrderEvent> published(List<Observation> facts) {
    InMemoryTable table = new InMemoryTable();
    List<OrderEvent> events = new ArrayList<>();
    for (Observation fact : facts) {
      CheckoutSession before = table.session;
      table.apply(fact);
      if (table.session != before) {
        events.addAll(OrderEvents.between(before, table.session));
      }
    }
    return events;
  }

  /**
   * What the merchant ends up told: the reasons for attention when there are any (money moved in a
   * way the earlier events did not foresee, such as a payment after expiry, supersedes them), else
   * the last outcome event.
   */
  static String finalWord(List<OrderEvent> events) {
    Set<String> attention = attention(events);
    return attention.isEmpty() ? lastOutcome(events) : "attention " + attention;
  }

  /**
   * Whether the history ends with nothing left open: the session over and its payment, if any,
   * final. Until then the final word is not said yet (the sweeper keeps asking), and an early
   * "expired" may still be followed by the payment's own outcome.
   */
  static boolean settled(List<Observation> facts) {
    InMemoryTable table = new InMemoryTable();
    facts.forEach(table::apply);
    return table.session.status().isFinal() && !table.session.awaitsSettlement();
  }

  static String lastOutcome(List<OrderEvent> events) {
    String last = "none";
    for (OrderEvent event : events) {
      if (OUTCOMES.contains(event.type())) {
        last = event.type();
      }
    }
    return last;
  }

  static Set<String> attention(List<OrderEvent> events) {
    Set<String> kinds = new TreeSet<>();
    events.stream()
        .filter(e -> e.type().equals(OrderEvents.ATTENTION))
        .forEach(e -> kinds.add(e.id()));
    return kinds;
  }

  @Property(tries = 2000)
  void anyOrderAndAnyDuplicatesGiveEachEventOnceAndTheSameFinalWord(
      @ForAll("histories") History history, @ForAll long shuffleSeed) {
    List<Observation> inOrder = new ArrayList<>(history.inFintocOrder());
    inOrder.addAll(history.sweeps());
    inOrder.sort((a, b) -> a.observedAt().compareTo(b.observedAt()));
    List<OrderEvent> expected = published(inOrder);

    Random random = new Random(shuffleSeed);
    List<Observation> delivered = new ArrayList<>();
    for (Observation event : history.inFintocOrder()) {
      for (int copies = 1 + random.nextInt(3); copies > 0; copies--) {
        delivered.add(event);
      }
    }
    delivered.addAll(history.sweeps());
    Collections.shuffle(delivered, random);
    List<OrderEvent> events = published(delivered);

    assertThat(events.stream().map(OrderEvent::id)).as("no event twice").doesNotHaveDuplicates();
    if (settled(inOrder)) {
      assertThat(finalWord(events)).as("delivered %s", delivered).isEqualTo(finalWord(expected));
    }
  }
}
