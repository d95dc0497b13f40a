package checkout.local.fintoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import checkout.fintoc.WebhookSignature;
import checkout.json.Json;
import checkout.local.http.Exchanges;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookSenderTest {
  static final String SECRET = "whsec_sender_test";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);

  final ScheduledExecutorService timer = Executors.newScheduledThreadPool(4);
  final ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
  final AtomicInteger failuresLeft = new AtomicInteger();
  final HttpServer receiver =
      Exchanges.serve(
          0,
          "receiver",
          exchange -> {
            byte[] body = Exchanges.body(exchange);
            // What our webhook handler does first: verify the signature over the raw bytes.
            assertThatCode(
                    () ->
                        WebhookSignature.verify(
                            body,
                            exchange.getRequestHeaders().getFirst("Fintoc-Signature"),
                            List.of(SECRET),
                            Duration.ofMinutes(5),
                            CLOCK))
                .doesNotThrowAnyException();
            received.add(Json.text(Json.parse(new String(body)), "id"));
            Exchanges.json(exchange, failuresLeft.getAndDecrement() > 0 ? 503 : 200, "{}");
          });

  @AfterEach
  void stop() {
    receiver.stop(0);
    timer.shutdownNow();
  }

  WebhookSender sender(WebhookSender.Chaos chaos) {
    return new WebhookSender(
        URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/"),
        SECRET,
        chaos,
        Duration.ofMillis(10),
        3,
        CLOCK,
        timer);
  }

  static ObjectNode event(String id) {
    return Json.object().put("id", id).put("type", "payment_intent.succeeded");
  }

  @Test
  void eventsAreDeliveredInOrderSignedAsFintocSignsThem() throws Exception {
    WebhookSender sender = sender(WebhookSender.Chaos.NONE);
    sender.deliver(List.of(event("evt_1"), event("evt_2")));
    assertThat(sender.awaitIdle(Duration.ofSeconds(10))).isTrue();
    assertThat(received).containsExactly("evt_1", "evt_2");
  }

  @Test
  void aNon2xxAnswerIsRetriedUntilItIsAccepted() throws Exception {
    failuresLeft.set(2);
    WebhookSender sender = sender(WebhookSender.Chaos.NONE);
    sender.deliver(List.of(event("evt_retry")));
    assertThat(sender.awaitIdle(Duration.ofSeconds(10))).isTrue();
    assertThat(sender.attempts())
        .extracting(WebhookSender.Attempt::status)
        .containsExactly(503, 503, 200);
  }

  @Test
  void deliveryGivesUpAfterTheLastRetry() throws Exception {
    failuresLeft.set(100);
    WebhookSender sender = sender(WebhookSender.Chaos.NONE);
    sender.deliver(List.of(event("evt_never")));
    assertThat(sender.awaitIdle(Duration.ofSeconds(10))).isTrue();
    assertThat(sender.attempts()).hasSize(4).allMatch(a -> a.status() == 503);
  }

  @Test
  void chaosCanDeliverEachEventTwoOrThreeTimesAndLoseSome() throws Exception {
    WebhookSender sender = sender(new WebhookSender.Chaos(2, 3, true, 0.25, 42, 4));
    List<ObjectNode> events = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      events.add(event("evt_" + i));
    }

    sender.deliver(events);

    assertThat(sender.awaitIdle(Duration.ofSeconds(20))).isTrue();
    assertThat(sender.lost()).isNotEmpty().hasSizeLessThan(40);
    for (int i = 0; i < 40; i++) {
      String id = "evt_" + i;
      long copies = received.stream().filter(id::equals).count();
      if (sender.lost().contains(id)) {
        assertThat(copies).as(id + ", lost").isZero();
      } else {
        assertThat(copies).as(id).isBetween(2L, 3L);
      }
    }
  }

  @Test
  void chaosDeliversEveryEventTwice() throws Exception {
    WebhookSender sender = sender(WebhookSender.Chaos.TWICE);
    sender.deliver(List.of(event("evt_a"), event("evt_b")));
    assertThat(sender.awaitIdle(Duration.ofSeconds(10))).isTrue();
    assertThat(received).containsExactlyInAnyOrder("evt_a", "evt_a", "evt_b", "evt_b");
  }
}
