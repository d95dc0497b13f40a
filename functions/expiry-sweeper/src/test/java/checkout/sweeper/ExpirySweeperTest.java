package checkout.sweeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import checkout.config.Config;
import checkout.session.CheckoutSession;
import checkout.session.PaymentStatus;
import checkout.session.SessionStatus;
import checkout.store.SessionRepository;
import checkout.store.StorageUnavailableException;
import checkout.testing.FaultInjector;
import checkout.testing.FintocEvents;
import checkout.testing.FintocStub;
import checkout.testing.LogCapture;
import checkout.testing.MutableClock;
import checkout.testing.RecordingSleeper;
import checkout.testing.SecretsManagerStub;
import checkout.testing.TestContext;
import checkout.testing.TestSessions;
import checkout.testing.TestStack;
import checkout.time.Sleeper;
import checkout.webhook.WebhookHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/** ExpirySweeper against DynamoDB Local and the Fintoc stub. */
class ExpirySweeperTest {
  static final TestStack stack = new TestStack();

  /** Well past expires_at plus the 10-minute grace. */
  static final Instant LONG_AGO = TestStack.NOW.minus(Duration.ofHours(1));

  Config config;
  DynamoDbClient dynamo;
  SessionRepository sessions;
  ExpirySweeperHandler sweeper;

  @BeforeEach
  void freshTable() {
    stack.fintoc.reset();
    stack.secrets.reset();
    config = stack.config("sweep", Map.of());
    dynamo = stack.dynamo.client();
    sessions = new SessionRepository(dynamo, config.required("SESSIONS_TABLE"));
    sweeper = new ExpirySweeperHandler(TestStack.platform(config).build());
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  void storeOpen(String id, Instant expiresAt) {
    sessions.insert(TestSessions.open(id, "order-" + id, expiresAt));
  }

  Map<String, Object> sweep() {
    return sweeper.handleRequest(Map.of("source", "test"), TestContext.unhurried());
  }

  String state(String id) {
    CheckoutSession s = sessions.find(id).orElseThrow();
    return s.status().wire()
        + "/"
        + (s.paymentStatus() == null ? "-" : s.paymentStatus().wire())
        + "/"
        + s.attention();
  }

  boolean inOpenIndex(String id) {
    return dynamo
        .getItem(
            r ->
                r.tableName(config.required("SESSIONS_TABLE"))
                    .key(Map.of("pk", AttributeValue.fromS("SESSION#" + id))))
        .item()
        .containsKey("open_shard");
  }

  @Test
  void aSessionFintocReportsExpiredIsMarkedExpiredAndLeavesTheOpenIndex() {
    storeOpen("cs_1", LONG_AGO);
    stack.fintoc.holdSession("cs_1", "expired", null, null);

    Map<String, Object> summary = sweep();

    assertThat(state("cs_1")).isEqualTo("expired/-/null");
    assertThat(inOpenIndex("cs_1")).isFalse();
    assertThat(summary)
        .containsEntry("found", 1L)
        .containsEntry("expired", 1L)
        .containsEntry("errors", 0L);
  }

  @Test
  void aSessionFintocReportsFinishedIsRecordedWithItsPaymentOutcome() {
    storeOpen("cs_1", LONG_AGO);
    stack.fintoc.holdSession("cs_1", "finished", "pi_1", "succeeded");

    Map<String, Object> summary = sweep();

    assertThat(state("cs_1")).isEqualTo("finished/succeeded/null");
    assertThat(sessions.find("cs_1").orElseThrow().paymentIntentId()).isEqualTo("pi_1");
    assertThat(summary).containsEntry("finished", 1L);
  }

  /** The sweep index's sort key: when the sweeper next looks at the open session. */
  Instant nextOpenLook(String id) {
    return Instant.ofEpochSecond(
        Long.parseLong(
            dynamo
                .getItem(
                    r ->
                        r.tableName(config.required("SESSIONS_TABLE"))
                            .key(Map.of("pk", AttributeValue.fromS("SESSION#" + id))))
                .item()
                .get("open_expires_at")
                .n()));
  }

  @Test
  void whenFintocCannotBeReachedTheSessionMovesBackAndALaterRunSettlesIt() {
    storeOpen("cs_1", LONG_AGO);
    stack.fintoc.holdSession("cs_1", "expired", null, null);
    stack.fintoc.faults().failRetrievals(Integer.MAX_VALUE, 503);
    MutableClock clock = new MutableClock(TestStack.NOW);
    ExpirySweeperHandler sweeper = sweeperAt(clock, new ArrayList<>(), Map.of());

    Map<String, Object> summary = sweeper.handleRequest(Map.of(), TestContext.unhurried());

    assertThat(state("cs_1")).isEqualTo("created/-/null");
    assertThat(inOpenIndex("cs_1")).isTrue();
    assertThat(summary)
        .containsEntry("errors", 1L)
        .containsEntry("deferred", 1L)
        .containsEntry("expired", 0L);
    assertThat(stack.fintoc.retrievals()).as("one request: the queue is the retry").isEqualTo(1);
    assertThat(nextOpenLook("cs_1")).isEqualTo(TestStack.NOW.plus(Duration.ofMinutes(10)));
    assertThat(sessions.find("cs_1").orElseThrow().expiresAt())
        .as("the session's own data stays true")
        .isEqualTo(LONG_AGO);
    assertThat(sweeper.handleRequest(Map.of(), TestContext.unhurried()))
        .as("not asked again at once")
        .containsEntry("due", 0L);

    stack.fintoc.faults().clear();
    clock.advance(Duration.ofMinutes(21)); // the next look, plus the grace
    assertThat(sweeper.handleRequest(Map.of(), TestContext.unhurried()))
        .containsEntry("expired", 1L);
    assertThat(state("cs_1")).isEqualTo("expired/-/null");
  }

  @Test
  void aSessionFintocStillHasOpenMovesBackInTheIndexWithAGrowingInterval() {
    storeOpen("cs_1", LONG_AGO);
    stack.fintoc.holdSession("cs_1", "in_progress", null, null);
    MutableClock clock = new MutableClock(TestStack.NOW);
    ExpirySweeperHandler sweeper = sweeperAt(clock, new ArrayList<>(), Map.of());
    List<Duration> intervals = new ArrayList<>();

    for (int look = 0; look < 4; look++) {
      assertThat(sweeper.handleRequest(Map.of(), TestContext.unhurried()))
          .containsEntry("found", 1L)
          .containsEntry("skipped", 1L);
      intervals.add(Duration.between(clock.instant(), nextOpenLook("cs_1")));
      assertThat(sweeper.handleRequest(Map.of(), TestContext.unhurried()))
          .as("not at the head of the index any more")
          .containsEntry("due", 0L);
      clock.set(nextOpenLook("cs_1").plus(Duration.ofMinutes(10)).plusSeconds(1));
    }

    assertThat(state("cs_1")).as("what Fintoc said last").isEqualTo("in_progress/-/null");
    assertThat(inOpenIndex("cs_1")).isTrue();
    assertThat(intervals)
        .containsExactly(
            Duration.ofMinutes(10),
            Duration.ofMinutes(20),
            Duration.ofMinutes(40),
            Duration.ofMinutes(80));
  }

  @Test
  void sessionsWithinTheGracePeriodOrNotYetExpiredAreNotTouched() {
    storeOpen("cs_recent", TestStack.NOW.minus(Duration.ofMinutes(5)));
    storeOpen("cs_future", TestStack.NOW.plus(Duration.ofHours(3)));

    Map<String, Object> summary = sweep();

    assertThat(summary).containsEntry("found", 0L);
    assertThat(stack.fintoc.retrievals()).isZero();
  }

  @Test
  void closedSessionsAreNotEvenRead() {
    storeOpen("cs_1", LONG_AGO);
    stack.fintoc.holdSession("cs_1", "expired", null, null);
    sweep();

    Map<String, Object> second = sweep();

    assertThat(second).containsEntry("found", 0L).containsEntry("items_read", 0L);
  }

  @Test
  void everyPageOfEveryShardIsSwept() {
    for (int i = 0; i < 60; i++) {
      stack.fintoc.holdSession("cs_" + i, "expired", null, null);
    }
    ExpirySweeperHandler smallPages =
        new ExpirySweeperHandler(
            TestStack.platform(config.with(Map.of("SWEEP_PAGE_SIZE", "3"))).build());
    for (int i = 0; i < 60; i++) {
      storeOpen("cs_" + i, LONG_AGO.minusSeconds(i));
    }

    Map<String, Object> summary = smallPages.handleRequest(Map.of(), TestContext.unhurried());

    assertThat(summary).containsEntry("found", 60L).containsEntry("expired", 60L);
    assertThat((Long) summary.get("queries")).isGreaterThanOrEqualTo(60 / 3);
    for (int i = 0; i < 60; i++) {
      assertThat(inOpenIndex("cs_" + i)).as("cs_" + i).isFalse();
    }
  }

  @Test
  void itStopsBeforeTheDeadlineAndTheNextRunResumes() {
    for (int i = 0; i < 10; i++) {
      storeOpen("cs_" + i, LONG_AGO.minusSeconds(i));
      stack.fintoc.holdSession("cs_" + i, "expired", null, null);
    }
    ExpirySweeperHandler oneAtATime =
        new ExpirySweeperHandler(
            TestStack.platform(config.with(Map.of("SWEEP_CONCURRENCY", "1"))).build());

    Map<String, Object> first = oneAtATime.handleRequest(Map.of(), afterCalls(4));

    assertThat(first)
        .containsEntry("due", 10L)
        .containsEntry("reached", 4L)
        .containsEntry("expired", 4L)
        .containsEntry("stopped_at_deadline", true);
    assertThat(stack.fintoc.retrievals()).isEqualTo(4);
    assertThat(first.get("oldest_unreached_age_s"))
        .as(
            "the oldest not reached expired 1 h 5 s ago, so was due (after the grace) 50 min 5 s ago")
        .isEqualTo(Duration.ofMinutes(50).toSeconds() + 5);

    Map<String, Object> second = sweep();

    assertThat(second)
        .containsEntry("due", 6L)
        .containsEntry("found", 6L)
        .containsEntry("expired", 6L)
        .containsEntry("oldest_unreached_age_s", null)
        .containsEntry("stopped_at_deadline", false);
  }

  /**
   * Plenty of time until Fintoc has been asked {@code calls} times, then 5.1 s: the 5 s margin
   * leaves too little to start another.
   */
  TestContext afterCalls(int calls) {
    int before = asked();
    return new TestContext(() -> asked() - before < calls ? 200_000 : 5_100);
  }

  /** Every request for a session the simulator received, counted as it arrives. */
  int asked() {
    return stack.fintoc.retrievalsBySession().values().stream().mapToInt(i -> i).sum();
  }

  @Test
  void oneSummaryLineIsLoggedPerRun() {
    storeOpen("cs_1", LONG_AGO);
    stack.fintoc.holdSession("cs_1", "expired", null, null);

    try (LogCapture logs = new LogCapture()) {
      sweep();

      assertThat(logs.lines())
          .filteredOn(l -> l.contains("sweep_summary"))
          .hasSize(1)
          .first()
          .asString()
          .contains("\"found\":1")
          .contains("\"expired\":1")
          .contains("\"finished\":0")
          .contains("\"skipped\":0")
          .contains("\"errors\":0");
    }
  }

  // --- nothing stays open: payments that are not final ------------------------------------------

  /** A sweeper on this clock whose pacing waits are recorded, not slept. */
  ExpirySweeperHandler sweeperAt(
      MutableClock clock, List<Duration> waits, Map<String, String> settings) {
    Config sweeperConfig = config.with(settings);
    return new ExpirySweeperHandler(
        TestStack.platform(sweeperConfig)
            .clock(clock)
            .sleeper(new RecordingSleeper(waits))
            .build());
  }

  /**
   * The session finished at Fintoc with its payment pending; the webhook said so, and nothing
   * since.
   */
  void finishedWithAPendingPayment(String id) {
    storeOpen(id, TestStack.NOW.plus(Duration.ofHours(20)));
    new WebhookHandler(TestStack.platform(config).build())
        .handleRequest(
            FintocEvents.delivery(
                FintocEvents.sessionFinished("evt_" + id, id, "pi_" + id, "pending"),
                SecretsManagerStub.WEBHOOK_SECRET,
                TestStack.NOW),
            null);
  }

  boolean inUnsettledIndex(String id) {
    return dynamo
        .getItem(
            r ->
                r.tableName(config.required("SESSIONS_TABLE"))
                    .key(Map.of("pk", AttributeValue.fromS("SESSION#" + id))))
        .item()
        .containsKey("unsettled_shard");
  }

  @Test
  void aPendingPaymentWhoseWebhooksNeverCameIsSettledByTheSweeper() {
    finishedWithAPendingPayment("cs_p");
    assertThat(inUnsettledIndex("cs_p")).isTrue();
    stack.fintoc.holdSession(
        "cs_p", "finished", "pi_cs_p", "succeeded"); // the bank settled; the webhook was lost
    MutableClock clock = new MutableClock(TestStack.NOW.plus(Duration.ofMinutes(11)));

    Map<String, Object> summary =
        sweeperAt(clock, new ArrayList<>(), Map.of())
            .handleRequest(Map.of(), TestContext.unhurried());

    assertThat(summary)
        .containsEntry("unsettled", 1L)
        .containsEntry("settled", 1L)
        .containsEntry("found", 0L);
    assertThat(state("cs_p")).isEqualTo("finished/succeeded/null");
    assertThat(sessions.find("cs_p").orElseThrow().paid()).isTrue();
    assertThat(inUnsettledIndex("cs_p")).as("settled: never read again").isFalse();
  }

  @Test
  void aPaymentStillPendingIsAskedAboutAgainWithGrowingIntervalsAndNotBefore() {
    finishedWithAPendingPayment("cs_p");
    stack.fintoc.holdSession("cs_p", "finished", "pi_cs_p", "pending");
    MutableClock clock = new MutableClock(TestStack.NOW);
    ExpirySweeperHandler sweeper = sweeperAt(clock, new ArrayList<>(), Map.of());
    List<Duration> intervals = new ArrayList<>();

    for (int look = 0; look < 6; look++) {
      Instant due = sessions.find("cs_p").orElseThrow().nextSettleCheckAt();
      clock.set(due.minusSeconds(60));
      assertThat(sweeper.handleRequest(Map.of(), TestContext.unhurried()))
          .as("a minute early")
          .containsEntry("unsettled", 0L);
      clock.set(due.plusSeconds(1));
      assertThat(sweeper.handleRequest(Map.of(), TestContext.unhurried()))
          .containsEntry("still_unsettled", 1L);
      intervals.add(
          Duration.between(
              clock.instant(), sessions.find("cs_p").orElseThrow().nextSettleCheckAt()));
    }

    assertThat(intervals)
        .containsExactly(
            Duration.ofMinutes(20),
            Duration.ofMinutes(40),
            Duration.ofMinutes(80),
            Duration.ofMinutes(160),
            Duration.ofMinutes(320),
            Duration.ofHours(6));
    assertThat(stack.fintoc.retrievals()).as("one look each time it was due").isEqualTo(6);
  }

  @Test
  void anAbandonedTransferOnAnExpiredSessionIsSettledWhenFintocExpiresThePayment() {
    storeOpen("cs_a", LONG_AGO);
    stack.fintoc.holdSession("cs_a", "expired", "pi_a", "in_progress");
    MutableClock clock = new MutableClock(TestStack.NOW);
    ExpirySweeperHandler sweeper = sweeperAt(clock, new ArrayList<>(), Map.of());

    assertThat(sweeper.handleRequest(Map.of(), TestContext.unhurried()))
        .containsEntry("expired", 1L);
    assertThat(state("cs_a")).isEqualTo("expired/in_progress/null");

    stack.fintoc.holdSession("cs_a", "expired", "pi_a", "expired");
    clock.advance(Duration.ofMinutes(11));
    assertThat(sweeper.handleRequest(Map.of(), TestContext.unhurried()))
        .containsEntry("settled", 1L);
    assertThat(state("cs_a")).isEqualTo("expired/expired/null");
  }

  @Test
  void fintocCallsArePacedToTheConfiguredRate() {
    for (int i = 0; i < 3; i++) {
      storeOpen("cs_" + i, LONG_AGO.minusSeconds(i));
      stack.fintoc.holdSession("cs_" + i, "expired", null, null);
    }
    List<Duration> waits = new ArrayList<>();

    sweeperAt(
            new MutableClock(TestStack.NOW),
            waits,
            Map.of("SWEEP_CALLS_PER_SECOND", "2", "SWEEP_CONCURRENCY", "1"))
        .handleRequest(Map.of(), TestContext.unhurried());

    // The first call goes at once; each next one waits for its slot, half a second on.
    assertThat(waits).containsExactly(Duration.ofMillis(500), Duration.ofMillis(500));
  }

  @Test
  void theSummaryIsLoggedEvenWhenTheRunFails() {
    FaultInjector faults = new FaultInjector();
    faults.failNext(100, request -> request instanceof QueryRequest);
    ExpirySweeperHandler failing =
        new ExpirySweeperHandler(
            TestStack.platform(config).dynamo(stack.dynamo.client(faults)).build());

    try (LogCapture logs = new LogCapture()) {
      assertThatThrownBy(() -> failing.handleRequest(Map.of(), TestContext.unhurried()))
          .as("a failed invocation, for the alarm")
          .isInstanceOf(StorageUnavailableException.class);
      assertThat(logs.lines()).filteredOn(l -> l.contains("sweep_summary")).hasSize(1);
    }
  }

  @Test
  void aPaymentTheWebhookRecordedIsNeverUndoneByAStaleSweep() {
    storeOpen("cs_1", LONG_AGO);
    new WebhookHandler(TestStack.platform(config).build())
        .handleRequest(
            FintocEvents.delivery(
                FintocEvents.sessionFinished("evt_1", "cs_1", "pi_1", "succeeded"),
                SecretsManagerStub.WEBHOOK_SECRET,
                TestStack.NOW),
            null);
    stack.fintoc.holdSession("cs_1", "expired", null, null); // Fintoc's answer, stale or wrong

    sweep();

    assertThat(state("cs_1")).isEqualTo("finished/succeeded/null");
  }

  @Test
  void aPaymentArrivingAfterTheSweepExpiredTheSessionIsRecordedAndFlagged() {
    storeOpen("cs_1", LONG_AGO);
    stack.fintoc.holdSession("cs_1", "expired", null, null);
    sweep(); // Fintoc expired it; a payment it had not counted still comes

    new WebhookHandler(TestStack.platform(config).build())
        .handleRequest(
            FintocEvents.delivery(
                FintocEvents.sessionFinished("evt_1", "cs_1", "pi_1", "succeeded"),
                SecretsManagerStub.WEBHOOK_SECRET,
                TestStack.NOW),
            null);

    assertThat(state("cs_1")).isEqualTo("expired/succeeded/paid_after_expiry");
  }

  @Test
  void aWebhookRacingTheSweeperEndsInOneOfTheTwoCleanOutcomes() throws Exception {
    for (int round = 0; round < 10; round++) {
      freshTable();
      storeOpen("cs_1", LONG_AGO);
      stack.fintoc.holdSession("cs_1", "expired", null, null);
      WebhookHandler webhook = new WebhookHandler(TestStack.platform(config).build());
      var pool = Executors.newFixedThreadPool(2);
      var start = new CountDownLatch(1);
      var swept =
          pool.submit(
              () -> {
                start.await();
                return sweep();
              });
      var delivered =
          pool.submit(
              () -> {
                start.await();
                return webhook.handleRequest(
                    FintocEvents.delivery(
                        FintocEvents.paymentIntent("evt_s", "succeeded", "pi_1")
                            .replace(
                                "\"object\":\"payment_intent\"",
                                "\"object\":\"payment_intent\",\"checkout_session\":\"cs_1\""),
                        SecretsManagerStub.WEBHOOK_SECRET,
                        TestStack.NOW),
                    null);
              });
      start.countDown();
      swept.get();
      assertThat(delivered.get().getStatusCode()).isEqualTo(200);
      pool.shutdown();

      // Whichever wrote first, both facts are kept: expired, and the money that moved.
      assertThat(state("cs_1"))
          .as("round " + round)
          .isEqualTo("expired/succeeded/paid_after_expiry");
    }
  }

  // --- every run ends with its summary ----------------------------------------------------------

  @Test
  void aRunWithLittleTimeLeftAgainstASlowFintocReturnsItsSummaryBeforeItsDeadline() {
    for (int i = 0; i < 100; i++) {
      storeOpen("cs_" + i, LONG_AGO.minusSeconds(i));
      stack.fintoc.holdSession("cs_" + i, "expired", null, null);
    }
    stack.fintoc.faults().slowRetrievals(Duration.ofMillis(150));
    // Real time and real waits: the pacing, the workers and the calls all take what they take.
    ExpirySweeperHandler real =
        new ExpirySweeperHandler(
            TestStack.platform(config).clock(Clock.systemUTC()).sleeper(Sleeper.REAL).build());
    long invoked = System.nanoTime();
    int timeout = 7_000; // the 5 s margin leaves 2 s for the calls: 100 cannot fit
    TestContext context =
        new TestContext(() -> timeout - (int) ((System.nanoTime() - invoked) / 1_000_000));

    try (LogCapture logs = new LogCapture()) {
      Map<String, Object> summary = real.handleRequest(Map.of(), context);

      long tookMillis = (System.nanoTime() - invoked) / 1_000_000;
      assertThat(tookMillis).as("ended before its deadline").isLessThan(timeout);
      assertThat(summary)
          .containsEntry("due", 100L)
          .containsEntry("stopped_at_deadline", true)
          .containsEntry("errors", 0L);
      assertThat((Long) summary.get("reached")).isBetween(1L, 99L);
      assertThat(summary.get("expired"))
          .as("every session it reached was closed: none was cut off mid-way")
          .isEqualTo(summary.get("reached"));
      assertThat(logs.lines()).filteredOn(l -> l.contains("sweep_summary")).hasSize(1);
    }
  }

  // --- a backlog is worked through, not re-read -------------------------------------------------

  @Test
  void consecutiveRunsThatCannotFinishStillReachTheWholeBacklog() {
    // The issue's mix: a quarter expired at Fintoc, a quarter still open, a quarter 404, a quarter
    // 500.
    for (int i = 0; i < 40; i++) {
      String id = "cs_" + i;
      storeOpen(id, LONG_AGO.minusSeconds(i));
      switch (i % 4) {
        case 0 -> stack.fintoc.holdSession(id, "expired", null, null);
        case 1 -> stack.fintoc.holdSession(id, "in_progress", null, null);
        case 2 -> {} // Fintoc does not know it
        default -> stack.fintoc.faults().failRetrievalsOf(id, 500);
      }
    }
    MutableClock clock = new MutableClock(TestStack.NOW);
    ExpirySweeperHandler sweeper =
        sweeperAt(clock, new ArrayList<>(), Map.of("SWEEP_CONCURRENCY", "1"));
    List<Map<String, Object>> runs = new ArrayList<>();

    for (int run = 0; run < 4; run++) { // every 5 minutes, each with time for 12 calls
      runs.add(sweeper.handleRequest(Map.of(), afterCalls(12)));
      clock.advance(Duration.ofMinutes(5));
    }

    assertThat(runs).extracting(r -> r.get("due")).containsExactly(40L, 28L, 16L, 4L);
    assertThat(runs).extracting(r -> r.get("reached")).containsExactly(12L, 12L, 12L, 4L);
    assertThat(stack.fintoc.retrievalsBySession())
        .as("every session asked once, none twice")
        .hasSize(40)
        .allSatisfy((id, asked) -> assertThat(asked).as(id).isEqualTo(1));
    for (int i = 0; i < 40; i++) {
      assertThat(state("cs_" + i))
          .as("cs_" + i)
          .isEqualTo(
              i % 4 == 0 ? "expired/-/null" : i % 4 == 1 ? "in_progress/-/null" : "created/-/null");
    }
  }

  @Test
  void theUnsettledPaymentDueLongestIsAskedFirstWhateverTheOpenBacklog() {
    for (int i = 0; i < 30; i++) {
      storeOpen("cs_" + i, LONG_AGO.minusSeconds(i));
      stack.fintoc.holdSession("cs_" + i, "in_progress", null, null);
    }
    sessions.insert(
        TestSessions.open("cs_p", "order-p", TestStack.NOW.minus(Duration.ofHours(3))).toBuilder()
            .status(SessionStatus.FINISHED)
            .paymentStatus(PaymentStatus.PENDING)
            .paymentIntentId("pi_p")
            .nextSettleCheckAt(TestStack.NOW.minus(Duration.ofHours(2)))
            .build());
    stack.fintoc.holdSession("cs_p", "finished", "pi_p", "succeeded");
    ExpirySweeperHandler oneAtATime =
        new ExpirySweeperHandler(
            TestStack.platform(config.with(Map.of("SWEEP_CONCURRENCY", "1"))).build());

    Map<String, Object> summary = oneAtATime.handleRequest(Map.of(), afterCalls(1));

    assertThat(summary).containsEntry("due", 31L).containsEntry("settled", 1L);
    assertThat(stack.fintoc.retrievalsBySession()).containsOnlyKeys("cs_p");
    assertThat(sessions.find("cs_p").orElseThrow().paid()).isTrue();
  }

  // --- a 404 is evidence, not a verdict ---------------------------------------------------------

  @Test
  void aSessionFintocDoesNotKnowIsNotExpiredButAskedAgainLater() {
    storeOpen("cs_unknown", LONG_AGO);
    MutableClock clock = new MutableClock(TestStack.NOW);

    Map<String, Object> summary =
        sweeperAt(clock, new ArrayList<>(), Map.of())
            .handleRequest(Map.of(), TestContext.unhurried());

    assertThat(state("cs_unknown")).isEqualTo("created/-/null");
    assertThat(inOpenIndex("cs_unknown")).isTrue();
    assertThat(nextOpenLook("cs_unknown")).isEqualTo(TestStack.NOW.plus(Duration.ofMinutes(10)));
    assertThat(summary)
        .containsEntry("not_found", 1L)
        .containsEntry("expired", 0L)
        .containsEntry("errors", 0L);
  }

  /**
   * Sweeps at each of the session's next looks until it leaves the sweep (or 12 runs): the 404s of
   * a session Fintoc does not know, over time.
   */
  List<Map<String, Object>> sweepUntilItLeaves(String id, MutableClock clock, String unknownAfter) {
    ExpirySweeperHandler sweeper =
        sweeperAt(clock, new ArrayList<>(), Map.of("SWEEP_UNKNOWN_AFTER_SECONDS", unknownAfter));
    List<Map<String, Object>> runs = new ArrayList<>();
    for (int run = 0; run < 12 && inOpenIndex(id); run++) {
      runs.add(sweeper.handleRequest(Map.of(), TestContext.unhurried()));
      if (inOpenIndex(id)) {
        clock.set(nextOpenLook(id).plus(Duration.ofMinutes(10)).plusSeconds(1));
      }
    }
    return runs;
  }

  @Test
  void afterRepeated404sOverThePeriodASessionLeavesTheSweepWithAttentionNeverExpired() {
    storeOpen("cs_unknown", LONG_AGO);
    MutableClock clock = new MutableClock(TestStack.NOW);

    try (LogCapture logs = new LogCapture()) {
      List<Map<String, Object>> runs = sweepUntilItLeaves("cs_unknown", clock, "3600");

      // Looks at 0, 20, 50 and 100 min: the first one an hour after the first 404 gives up.
      assertThat(runs).hasSize(4);
      assertThat(runs).extracting(r -> r.get("unknown_at_fintoc")).containsExactly(0L, 0L, 0L, 1L);
      assertThat(state("cs_unknown")).isEqualTo("created/-/unknown_at_fintoc");
      assertThat(inOpenIndex("cs_unknown")).as("left the sweep").isFalse();
      assertThat(sessions.find("cs_unknown").orElseThrow().unknownReason())
          .startsWith("Fintoc answered 404 to 4 looks since " + TestStack.NOW)
          .doesNotContain("mode");
      assertThat(logs.lines())
          .filteredOn(l -> l.contains("\"event\":\"unknown_at_fintoc\""))
          .hasSize(1);
      assertThat(logs.all()).contains("\"Attention\"").contains("\"Kind\":\"unknown_at_fintoc\"");
    }
    clock.advance(Duration.ofDays(1));
    assertThat(sweepUntilItLeaves("cs_unknown", clock, "3600")).isEmpty();
    assertThat(stack.fintoc.retrievals()).as("never asked again").isEqualTo(4);
  }

  @Test
  void twoQuick404sAreNotEnoughHoweverLongTheyAreApart() {
    storeOpen("cs_unknown", LONG_AGO);
    MutableClock clock = new MutableClock(TestStack.NOW);

    List<Map<String, Object>> runs = sweepUntilItLeaves("cs_unknown", clock, "60");

    assertThat(runs).as("the third 404 gives up, not the second").hasSize(3);
    assertThat(state("cs_unknown")).isEqualTo("created/-/unknown_at_fintoc");
  }

  @Test
  void aSecretKeyOfTheOtherModeIsNamedInTheLogAndInTheAttentionReason() {
    sessions.insert(
        TestSessions.open("cs_live", "order-live", LONG_AGO).toBuilder().mode("live").build());
    MutableClock clock = new MutableClock(TestStack.NOW);

    try (LogCapture logs = new LogCapture()) {
      sweepUntilItLeaves("cs_live", clock, "3600");

      assertThat(sessions.find("cs_live").orElseThrow().unknownReason())
          .contains("the session was made in live mode but the secret key is a test key");
      assertThat(logs.lines())
          .filteredOn(l -> l.contains("sweep_session_not_found"))
          .allSatisfy(
              l ->
                  assertThat(l)
                      .contains("\"mode_mismatch\":true")
                      .contains("\"key_mode\":\"test\"")
                      .doesNotContain(FintocStub.SECRET_KEY));
      assertThat(logs.all()).doesNotContain(FintocStub.SECRET_KEY);
    }
  }

  @Test
  void aRealPaymentAfterUnknownAtFintocStillApplies() {
    storeOpen("cs_1", LONG_AGO);
    sweepUntilItLeaves("cs_1", new MutableClock(TestStack.NOW), "3600");
    assertThat(state("cs_1")).isEqualTo("created/-/unknown_at_fintoc");

    new WebhookHandler(TestStack.platform(config).build())
        .handleRequest(
            FintocEvents.delivery(
                FintocEvents.sessionFinished("evt_1", "cs_1", "pi_1", "succeeded"),
                SecretsManagerStub.WEBHOOK_SECRET,
                TestStack.NOW),
            null);

    assertThat(state("cs_1")).isEqualTo("finished/succeeded/null");
    CheckoutSession paid = sessions.find("cs_1").orElseThrow();
    assertThat(paid.paid()).isTrue();
    assertThat(paid.unknownReason()).isNull();
  }

  @Test
  void a404ForAnUnsettledPaymentNeverSettlesItAndMovesItsNextLookOn() {
    finishedWithAPendingPayment("cs_p");
    stack.fintoc.reset(); // a new key's organisation: it knows nothing of cs_p
    MutableClock clock = new MutableClock(TestStack.NOW.plus(Duration.ofMinutes(11)));

    Map<String, Object> summary =
        sweeperAt(clock, new ArrayList<>(), Map.of())
            .handleRequest(Map.of(), TestContext.unhurried());

    assertThat(summary).containsEntry("not_found", 1L).containsEntry("settled", 0L);
    assertThat(state("cs_p")).isEqualTo("finished/pending/null");
    assertThat(sessions.find("cs_p").orElseThrow().nextSettleCheckAt())
        .isEqualTo(clock.instant().plus(Duration.ofMinutes(20)));
  }
}
