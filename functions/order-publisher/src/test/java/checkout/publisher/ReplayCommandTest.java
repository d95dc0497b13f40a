package checkout.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.events.OrderEvents;
import checkout.json.Json;
import checkout.local.eventbridge.LocalEventBus;
import checkout.local.http.Exchanges;
import checkout.local.merchant.ExampleMerchant;
import checkout.session.CheckoutSession;
import checkout.session.PaymentStatus;
import checkout.session.RefundRecord;
import checkout.session.RefundStatus;
import checkout.session.SessionStatus;
import checkout.session.StoredRefund;
import checkout.store.RefundItems;
import checkout.store.RefundLedger;
import checkout.store.SessionItems;
import checkout.store.SessionRepository;
import checkout.testing.DynamoDbLocal;
import checkout.testing.RecordingSleeper;
import checkout.testing.TestSessions;
import checkout.time.Jitter;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * The replay command as an operator runs it, against DynamoDB Local with the table template.yaml
 * defines and the local stack's EventBridge on loopback, delivering to the example merchant backend
 * (which dedupes on {@code detail.id}): each session's current state becomes exactly the events the
 * publisher would have put, with the same ids, however often it runs.
 */
class ReplayCommandTest {
  static final Instant NOW = Instant.parse("2026-12-02T09:00:00Z");
  static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

  static DynamoDbLocal dynamo;

  String table;
  SessionRepository sessions;
  ExampleMerchant merchant;
  HttpServer merchantServer;
  LocalEventBus bus;
  HttpServer busServer;
  int scanLimit;

  @BeforeAll
  static void startDynamo() {
    dynamo = DynamoDbLocal.shared();
    // DynamoDB Local and the local bus take any credentials; the command finds these the way it
    // finds an operator's (the SDK's default chain).
    System.setProperty("aws.accessKeyId", "local");
    System.setProperty("aws.secretAccessKey", "local");
  }

  @BeforeEach
  void start() {
    table = dynamo.createSessionsTable("replay");
    sessions = new SessionRepository(dynamo.client(), table);
    merchant = new ExampleMerchant();
    merchantServer = Exchanges.serve(0, "merchant", merchant::handle);
    bus =
        new LocalEventBus(
            URI.create(
                "http://127.0.0.1:"
                    + merchantServer.getAddress().getPort()
                    + ExampleMerchant.EVENTS_PATH),
            null,
            Clock.fixed(NOW, ZoneOffset.UTC));
    busServer = Exchanges.serve(0, "eventbridge", bus::handle);
  }

  @AfterEach
  void stop() {
    busServer.stop(0);
    bus.close();
    merchantServer.stop(0);
  }

  // Sessions in each state the table can hold, as the webhook handler and the sweeper store them.

  static CheckoutSession open(String id, Instant updatedAt) {
    return TestSessions.open(id, "order-" + id, T0.plus(Duration.ofHours(1))).toBuilder()
        .statusAt(updatedAt)
        .updatedAt(updatedAt)
        .build();
  }

  static CheckoutSession paid(String id, Instant updatedAt) {
    return open(id, updatedAt).toBuilder()
        .status(SessionStatus.FINISHED)
        .paymentIntentId("pi_" + id)
        .paymentStatus(PaymentStatus.SUCCEEDED)
        .paymentStatusAt(updatedAt.minusSeconds(5))
        .paymentAmount(15000L)
        .paymentCurrency("CLP")
        .paid(true)
        .version(3)
        .build();
  }

  static CheckoutSession failed(String id, Instant updatedAt) {
    return open(id, updatedAt).toBuilder()
        .status(SessionStatus.FINISHED)
        .paymentIntentId("pi_" + id)
        .paymentStatus(PaymentStatus.FAILED)
        .paymentStatusAt(updatedAt)
        .version(3)
        .build();
  }

  static CheckoutSession expired(String id, Instant updatedAt) {
    return open(id, updatedAt).toBuilder().status(SessionStatus.EXPIRED).version(2).build();
  }

  static CheckoutSession amountMismatch(String id, Instant updatedAt) {
    return paid(id, updatedAt).toBuilder()
        .paymentAmount(9000L)
        .paid(false)
        .attention("amount_mismatch")
        .build();
  }

  static CheckoutSession paidAfterExpiry(String id, Instant updatedAt) {
    return paid(id, updatedAt).toBuilder()
        .status(SessionStatus.EXPIRED)
        .attention("paid_after_expiry")
        .version(4)
        .build();
  }

  static CheckoutSession actionRequired(String id, Instant updatedAt) {
    return open(id, updatedAt).toBuilder()
        .status(SessionStatus.IN_PROGRESS)
        .paymentIntentId("pi_" + id)
        .paymentStatus(PaymentStatus.REQUIRES_ACTION)
        .paymentStatusAt(updatedAt)
        .nextAction("{\"type\":\"waiting_for_approvals\"}")
        .version(5)
        .build();
  }

  void store(CheckoutSession... states) {
    for (CheckoutSession session : states) {
      assertThat(sessions.insert(session)).isTrue();
    }
  }

  record Run(int status, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  Run replay(String... args) {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--table",
            table,
            "--bus",
            "orders",
            "--region",
            "us-east-1",
            "--dynamodb-endpoint-url",
            dynamo.endpoint().toString(),
            "--events-endpoint-url",
            "http://127.0.0.1:" + busServer.getAddress().getPort()));
    int status =
        ReplayCommand.run(
            all.toArray(String[]::new),
            new ReplayCommand.Host(
                new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8),
                Clock.fixed(NOW, ZoneOffset.UTC),
                new RecordingSleeper(),
                scanLimit));
    return new Run(
        status, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
  }

  List<String> idsOnTheBus() {
    return bus.details().stream().map(d -> d.path("id").asText()).toList();
  }

  @Test
  void eachSessionIsReplayedAsExactlyTheEventsItsStateMeansWithThePublishersIds() {
    store(
        paid("cs_paid", T0),
        failed("cs_failed", T0),
        expired("cs_expired", T0),
        open("cs_open", T0),
        amountMismatch("cs_mismatch", T0),
        paidAfterExpiry("cs_late", T0),
        actionRequired("cs_action", T0));

    Run run =
        replay(
            "--session",
            "cs_paid",
            "--session",
            "cs_failed",
            "--session",
            "cs_expired",
            "--session",
            "cs_open",
            "--session",
            "cs_mismatch",
            "--session",
            "cs_late",
            "--session",
            "cs_action");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(idsOnTheBus())
        .containsExactlyInAnyOrder(
            "cs_paid:paid",
            "cs_failed:payment_failed",
            "cs_expired:expired",
            "cs_mismatch:attention:amount_mismatch",
            "cs_late:paid",
            "cs_late:attention:paid_after_expiry",
            "cs_action:action_required:5");
    assertThat(bus.details())
        .allSatisfy(
            detail ->
                assertThat(detail.path("type").asText())
                    .isEqualTo(typeOf(detail.path("id").asText())));
    assertThat(run.lines())
        .contains(
            "cs_paid  put cs_paid:paid",
            "cs_open  no events (status created)",
            "cs_late  put cs_late:paid, cs_late:attention:paid_after_expiry",
            "cs_action  put cs_action:action_required:5")
        .last()
        .isEqualTo("sessions read 7, events put 7, unknown ids 0, failures 0");
  }

  /** A refund of the session's payment, as Refunds leaves it once Fintoc said this. */
  static StoredRefund refund(
      String id, String sessionId, long amount, RefundStatus status, long refundedAfter) {
    return new StoredRefund(
        new RefundRecord(
            id,
            sessionId,
            "pi_" + sessionId,
            status == null ? null : "ref_" + id,
            amount,
            "CLP",
            status,
            status == null ? null : T0.plusSeconds(600),
            RefundStatus.FAILED.equals(status) ? "insufficient_funds" : null,
            null,
            T0.plusSeconds(300),
            T0.plusSeconds(600),
            2,
            status != null && status.freesItsAmount()),
        StoredRefund.MERCHANT,
        "order-" + sessionId,
        null,
        "hash",
        "fcr_" + id,
        1,
        T0.plusSeconds(300),
        null,
        0,
        status != null && status.isFinal() ? null : T0.plusSeconds(900),
        RefundStatus.FAILED.equals(status) ? StoredRefund.REFUND_FAILED : null,
        15000,
        refundedAfter);
  }

  void store(RefundLedger ledger, StoredRefund... refunds) {
    dynamo.client().putItem(r -> r.tableName(table).item(RefundItems.toItem(ledger)));
    for (StoredRefund refund : refunds) {
      dynamo.client().putItem(r -> r.tableName(table).item(RefundItems.toItem(refund)));
    }
  }

  @Test
  void aSessionGivenByIdBringsItsRefundsThatSucceededOrFailedWithThePublishersIds() {
    store(paid("cs_paid", T0));
    StoredRefund succeeded = refund("rf_a", "cs_paid", 5000, RefundStatus.SUCCEEDED, 5000);
    StoredRefund failed = refund("rf_b", "cs_paid", 3000, RefundStatus.FAILED, 5000);
    StoredRefund pending = refund("rf_c", "cs_paid", 2000, RefundStatus.PENDING, 5000);
    store(
        new RefundLedger(
            "pi_cs_paid", "cs_paid", 15000, "CLP", 7000, 5000, List.of("rf_a", "rf_b", "rf_c"), 6),
        succeeded,
        failed,
        pending);

    Run run = replay("--session", "cs_paid");
    Run again = replay("--session", "cs_paid");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(again.status()).isZero();
    assertThat(idsOnTheBus())
        .containsExactly(
            "cs_paid:paid",
            "rf_a:succeeded",
            "rf_b:failed",
            "cs_paid:paid",
            "rf_a:succeeded",
            "rf_b:failed");
    assertThat(bus.details().get(1).path("refunded").asText()).isEqualTo("partial");
    assertThat(bus.details().get(1).path("refunded_total").asLong()).isEqualTo(5000);
    assertThat(run.lines())
        .contains("cs_paid  put cs_paid:paid, rf_a:succeeded, rf_b:failed")
        .last()
        .isEqualTo("sessions read 1, events put 3, unknown ids 0, failures 0");
    // The same entry the stream publisher put when the refund's item became succeeded.
    try (EventBridgeClient events =
        EventBridgeClient.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .region(Region.US_EAST_1)
            .endpointOverride(URI.create("http://127.0.0.1:" + busServer.getAddress().getPort()))
            .build()) {
      new EventBridgePublisher(
              events, "orders", "fintoc-checkout", 1, new RecordingSleeper(), new Jitter())
          .publish(
              OrderEvents.refundBetween(
                  refund("rf_a", "cs_paid", 5000, RefundStatus.IN_PROGRESS, 0), succeeded));
    }
    List<JsonNode> taken = bus.taken();
    assertThat(taken.get(taken.size() - 1)).isEqualTo(taken.get(1));
    bus.awaitDeliveries();
    assertThat(merchant.seenSoFar().path("events")).as("deduplicated on detail.id").hasSize(3);
  }

  static String typeOf(String id) {
    String transition = id.split(":")[1];
    return "checkout.session." + transition;
  }

  @Test
  void aReplayedEventIsTheEntryTheStreamPublisherPutForTheSameChange() {
    CheckoutSession paid = paid("cs_paid", T0);
    store(paid);
    EventBridgePublisher streamPublisher;
    try (EventBridgeClient events =
        EventBridgeClient.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .region(Region.US_EAST_1)
            .endpointOverride(URI.create("http://127.0.0.1:" + busServer.getAddress().getPort()))
            .build()) {
      streamPublisher =
          new EventBridgePublisher(
              events, "orders", "fintoc-checkout", 1, new RecordingSleeper(), new Jitter());
      // What the publisher put when the stream showed the session going from open to paid.
      streamPublisher.publish(OrderEvents.between(open("cs_paid", T0), paid));
    }

    replay("--session", "cs_paid");

    List<JsonNode> taken = bus.taken();
    assertThat(taken).hasSize(2);
    assertThat(taken.get(1)).isEqualTo(taken.get(0));
  }

  @Test
  void replayingTwiceGivesTheSameIdsSoAConsumerThatDedupesTakesNothingNew() {
    store(paid("cs_paid", T0), failed("cs_failed", T0), paidAfterExpiry("cs_late", T0));
    String[] args = {"--session", "cs_paid", "--session", "cs_failed", "--session", "cs_late"};

    Run first = replay(args);
    bus.awaitDeliveries();
    JsonNode afterFirst = merchant.seenSoFar();
    List<String> firstIds = idsOnTheBus();
    Run second = replay(args);
    bus.awaitDeliveries();
    JsonNode afterSecond = merchant.seenSoFar();

    assertThat(first.status()).isZero();
    assertThat(second.status()).isZero();
    assertThat(firstIds).hasSize(4);
    assertThat(idsOnTheBus()).hasSize(8);
    assertThat(idsOnTheBus().subList(4, 8)).containsExactlyElementsOf(firstIds);
    assertThat(afterFirst.path("events")).hasSize(4);
    assertThat(afterFirst.path("duplicates").asInt()).isZero();
    assertThat(afterSecond.path("events"))
        .as("the merchant took nothing new")
        .isEqualTo(afterFirst.path("events"));
    assertThat(afterSecond.path("duplicates").asInt()).isEqualTo(4);
  }

  @Test
  void anUnknownIdIsReportedAndTheOtherSessionsAreStillReplayed() {
    store(paid("cs_paid", T0));

    Run run = replay("--session", "cs_nope", "--session", "cs_paid");

    assertThat(run.status()).as("an unknown id is not a failure").isZero();
    assertThat(idsOnTheBus()).containsExactly("cs_paid:paid");
    assertThat(run.lines())
        .as("one line a session, in the order given")
        .containsSubsequence(
            "cs_nope  unknown: no session with this id in " + table, "cs_paid  put cs_paid:paid")
        .last()
        .isEqualTo("sessions read 1, events put 1, unknown ids 1 [cs_nope], failures 0");
  }

  @Test
  void aSessionsKeyAsTheStreamShowsItIsTakenForItsId() {
    store(paid("cs_paid", T0));

    Run run = replay("--session", "SESSION#cs_paid");

    assertThat(run.status()).isZero();
    assertThat(idsOnTheBus()).containsExactly("cs_paid:paid");
  }

  @Test
  void aBusThatRefusesEntriesFailsTheRunAndNamesEachEventNotPut() {
    store(paid("cs_paid", T0), failed("cs_failed", T0), expired("cs_expired", T0));
    bus.refuse(entry -> entry.path("Detail").asText().contains("\"cs_paid:paid\""), 100);

    Run run =
        replay(
            "--session",
            "cs_paid",
            "--session",
            "cs_failed",
            "--session",
            "cs_expired",
            "--max-attempts",
            "2");

    assertThat(run.status()).isEqualTo(1);
    assertThat(idsOnTheBus()).containsExactly("cs_failed:payment_failed", "cs_expired:expired");
    assertThat(run.lines())
        .contains("cs_paid  NOT PUT cs_paid:paid", "cs_failed  put cs_failed:payment_failed")
        .last()
        .isEqualTo("sessions read 3, events put 2, unknown ids 0, failures 1 [cs_paid:paid]");
    assertThat(run.err()).contains("not put").contains("ThrottlingException");
  }

  @Test
  void aSessionThatCannotBeReadIsAFailureAndTheOthersAreStillReplayed() {
    store(paid("cs_paid", T0));
    // A hand edit broke it: its status time is no time.
    Map<String, AttributeValue> broken =
        new java.util.HashMap<>(SessionItems.toItem(paid("cs_broken", T0)));
    broken.put("status_at", AttributeValue.fromS("yesterday"));
    dynamo.client().putItem(r -> r.tableName(table).item(broken));

    Run byId = replay("--session", "cs_broken", "--session", "cs_paid");
    Run byWindow = replay("--changed-since", T0.toString(), "--changed-until", NOW.toString());

    for (Run run : List.of(byId, byWindow)) {
      assertThat(run.status()).as("a session that cannot be read fails the run").isEqualTo(1);
      assertThat(run.lines())
          .anySatisfy(line -> assertThat(line).startsWith("cs_broken  could not be read: "))
          .contains("cs_paid  put cs_paid:paid");
      assertThat(run.lines().get(run.lines().size() - 1))
          .startsWith("sessions read 1, events put 1, unknown ids 0, failures 1 [cs_broken]");
    }
  }

  @Test
  void theWindowTakesSessionsChangedAtOrAfterSinceAndBeforeUntilToTheNanosecond() {
    Instant since = Instant.parse("2026-12-01T10:00:00Z");
    Instant until = Instant.parse("2026-12-01T11:00:00Z");
    store(
        paid("cs_just_before", since.minusMillis(1)),
        paid("cs_at_since", since),
        // As a string "10:00:00.250Z" sorts before "10:00:00Z": the window compares times.
        paid("cs_a_quarter_second_after", since.plusMillis(250)),
        open("cs_open_inside", since.plusSeconds(60)),
        paid("cs_just_before_until", until.minusNanos(1)),
        paid("cs_at_until", until),
        paid("cs_half_a_second_after", until.plusMillis(500)));
    // Not sessions, though changed in the window: never read as one.
    dynamo
        .client()
        .putItem(
            r ->
                r.tableName(table)
                    .item(
                        Map.of(
                            "pk", AttributeValue.fromS("PAYMENT#pi_x"),
                            "updated_at", AttributeValue.fromS(since.plusSeconds(1).toString()))));
    scanLimit = 2; // several pages

    Run run = replay("--changed-since", since.toString(), "--changed-until", until.toString());

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(idsOnTheBus())
        .as("the window's sessions, from every Scan page")
        .containsExactlyInAnyOrder(
            "cs_at_since:paid", "cs_a_quarter_second_after:paid", "cs_just_before_until:paid");
    assertThat(run.lines())
        .contains("cs_open_inside  no events (status created)")
        .first()
        .asString()
        .contains("changed at or after 2026-12-01T10:00:00Z and before 2026-12-01T11:00:00Z");
    assertThat(run.lines().get(run.lines().size() - 1))
        .startsWith(
            "sessions read 4, events put 3, unknown ids 0, failures 0 (the Scan read 8 items");
  }

  @Test
  void withoutAnEndTheWindowRunsToNow() {
    store(paid("cs_recent", NOW.minusSeconds(1)), paid("cs_old", NOW.minus(Duration.ofDays(2))));

    Run run = replay("--changed-since", NOW.minus(Duration.ofDays(1)).toString());

    assertThat(run.status()).isZero();
    assertThat(idsOnTheBus()).containsExactly("cs_recent:paid");
  }

  @Test
  void manySessionsGoOutTenEventsACallWithEachSessionsEventsInOneCall() {
    List<String> args = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      store(paidAfterExpiry("cs_late_" + i, T0)); // two events each
      args.addAll(List.of("--session", "cs_late_" + i));
    }

    Run run = replay(args.toArray(String[]::new));

    assertThat(run.status()).isZero();
    assertThat(bus.calls()).extracting(List::size).containsExactly(10, 2);
    for (List<JsonNode> call : bus.calls()) {
      Set<String> sessionsInCall =
          call.stream()
              .map(entry -> Json.parse(entry.path("Detail").asText()).path("session_id").asText())
              .collect(Collectors.toSet());
      assertThat(call).hasSize(2 * sessionsInCall.size());
    }
  }

  @Test
  void aDryRunSaysWhatItWouldPutAndPutsNothing() {
    store(paid("cs_paid", T0), open("cs_open", T0));

    Run run = replay("--session", "cs_paid", "--session", "cs_open", "--dry-run");

    assertThat(run.status()).isZero();
    assertThat(bus.calls()).isEmpty();
    assertThat(run.lines())
        .contains("cs_paid  would put cs_paid:paid")
        .last()
        .isEqualTo(
            "dry run, nothing put: sessions read 2, events to put 1, unknown ids 0, failures 0");
  }

  @Test
  void withoutWhichSessionsItSaysHowToCallIt() {
    Run none = replay();
    Run both = replay("--session", "cs_1", "--changed-since", "2026-12-01T00:00:00Z");
    Run badTime = replay("--changed-since", "yesterday");

    assertThat(none.status()).isEqualTo(2);
    assertThat(none.err())
        .contains("--session ID (repeatable) or --changed-since TIME")
        .contains("usage: ./mvnw -q -pl functions/order-publisher exec:java@replay");
    assertThat(both.status()).isEqualTo(2);
    assertThat(both.err()).contains("give one of them");
    assertThat(badTime.status()).isEqualTo(2);
    assertThat(badTime.err()).contains("--changed-since must be a time like 2026-12-01T00:00:00Z");
    assertThat(bus.calls()).isEmpty();
  }
}
