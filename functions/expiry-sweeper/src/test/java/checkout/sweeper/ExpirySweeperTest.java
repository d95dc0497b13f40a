package checkout.sweeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import checkout.config.Config;
import checkout.session.CheckoutSession;
import checkout.store.SessionRepository;
import checkout.store.StorageUnavailableException;
import checkout.testing.FaultInjector;
import checkout.testing.FintocEvents;
import checkout.testing.LogCapture;
import checkout.testing.MutableClock;
import checkout.testing.RecordingSleeper;
import checkout.testing.SecretsManagerStub;
import checkout.testing.TestContext;
import checkout.testing.TestSessions;
import checkout.testing.TestStack;
import checkout.webhook.WebhookHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
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

  @Test
  void aSessionFintocHasNeverSeenIsMarkedExpired() {
    storeOpen("cs_unknown", LONG_AGO);

    Map<String, Object> summary = sweep();

    assertThat(state("cs_unknown")).isEqualTo("expired/-/null");
    assertThat(summary).containsEntry("expired", 1L);
  }

  @Test
  void whenFintocCannotBeReachedTheSessionIsLeftForTheNextRun() {
    storeOpen("cs_1", LONG_AGO);
    stack.fintoc.holdSession("cs_1", "expired", null, null);
    stack.fintoc.faults().failRetrievals(Integer.MAX_VALUE, 503);

    Map<String, Object> summary = sweep();

    assertThat(state("cs_1")).isEqualTo("created/-/null");
    assertThat(inOpenIndex("cs_1")).isTrue();
    assertThat(summary).containsEntry("errors", 1L).containsEntry("expired", 0L);

    stack.fintoc.reset();
    stack.fintoc.holdSession("cs_1", "expired", null, null);
    assertThat(sweep()).containsEntry("expired", 1L);
    assertThat(state("cs_1")).isEqualTo("expired/-/null");
  }

  @Test
  void aSessionFintocStillHasOpenIsSkippedAndAskedAgainNextRun() {
    storeOpen("cs_1", LONG_AGO);
    stack.fintoc.holdSession("cs_1", "in_progress", null, null);

    assertThat(sweep()).containsEntry("found", 1L).containsEntry("skipped", 1L);
    assertThat(state("cs_1")).as("what Fintoc said last").isEqualTo("in_progress/-/null");
    assertThat(inOpenIndex("cs_1")).isTrue();
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
    }
    AtomicInteger asked = new AtomicInteger();
    // Plenty of time for the first 4 calls, then 5.1 s: the 5 s margin leaves too little to start
    // one.
    TestContext nearlyOut = new TestContext(() -> asked.incrementAndGet() <= 4 ? 200_000 : 5_100);

    Map<String, Object> first = sweeper.handleRequest(Map.of(), nearlyOut);

    assertThat(first).containsEntry("expired", 4L).containsEntry("stopped_at_deadline", true);
    assertThat(stack.fintoc.retrievals()).isEqualTo(4);

    Map<String, Object> second = sweep();

    assertThat(second)
        .containsEntry("found", 6L)
        .containsEntry("expired", 6L)
        .containsEntry("stopped_at_deadline", false);
  }

  @Test
  void oneSummaryLineIsLoggedPerRun() {
    storeOpen("cs_1", LONG_AGO);

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
    sweep(); // Fintoc never saw it: expired

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
}
