package checkout.sweeper;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Config;
import checkout.json.Json;
import checkout.session.RefundStatus;
import checkout.session.StoredRefund;
import checkout.testing.FintocStub;
import checkout.testing.LogCapture;
import checkout.testing.MutableClock;
import checkout.testing.RecordingSleeper;
import checkout.testing.RefundFixture;
import checkout.testing.TestContext;
import checkout.testing.TestStack;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * ExpirySweeper and refunds that are not final, against DynamoDB Local and the Fintoc simulator on
 * a clock the test moves: Fintoc's refunds move on it ({@code refunds().advance()}), and the
 * sweeper finds what their webhooks would have said. (The tests' simulator sends no webhooks at
 * all: every refund webhook here is lost, which is the case the sweeper is for.)
 */
class RefundSweepTest {
  static final TestStack stack = new TestStack();
  static final String CS = "cs_test_refunds";
  static final String PI = "pi_test_refunds";

  final MutableClock clock = new MutableClock(TestStack.NOW);
  final FintocStub fintoc = new FintocStub(clock);
  Config config;
  RefundFixture refunds;
  ExpirySweeperHandler sweeper;

  @BeforeEach
  void aPaidSession() {
    stack.secrets.reset();
    config = stack.config("refund-sweep", Map.of("FINTOC_API_URL", fintoc.baseUrl()));
    refunds = new RefundFixture(config, clock);
    sweeper =
        new ExpirySweeperHandler(
            TestStack.platform(config).clock(clock).sleeper(new RecordingSleeper()).build());
    refunds.paid(fintoc, CS, PI);
    fintoc.refunds().timing(Duration.ofMinutes(1), Duration.ofMinutes(10));
  }

  @AfterEach
  void stopFintoc() {
    fintoc.close();
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  Map<String, Object> sweep() {
    return sweeper.handleRequest(Map.of(), TestContext.unhurried());
  }

  /** Fintoc's clock moves to {@code at}: its refunds move on (their webhooks lost). */
  void timePasses(Instant at) {
    clock.set(at);
    fintoc.refunds().advance();
  }

  boolean inUnsettledIndex(String refundId) {
    return stack
        .dynamo
        .client()
        .getItem(
            r ->
                r.tableName(config.required("SESSIONS_TABLE"))
                    .key(Map.of("pk", AttributeValue.fromS("REFUND#" + refundId))))
        .item()
        .containsKey("unsettled_shard");
  }

  @Test
  void aRefundWhoseWebhooksWereAllLostIsSettledByTheSweeper() {
    fintoc.refunds().faults().loseWebhooks(2);
    StoredRefund refund = refunds.request(CS, 6000, "key-1");
    assertThat(refund.refund().status()).isEqualTo(RefundStatus.PENDING);
    assertThat(inUnsettledIndex(refund.id())).isTrue();

    timePasses(TestStack.NOW.plus(Duration.ofMinutes(30)));
    assertThat(fintoc.refunds().refund(refund.refund().refundId()).get("status").asText())
        .isEqualTo("succeeded");
    Map<String, Object> summary = sweep();

    assertThat(summary)
        .containsEntry("refunds", 1L)
        .containsEntry("refunds_settled", 1L)
        .containsEntry("refunds_still_pending", 0L)
        .containsEntry("unsettled", 0L)
        .containsEntry("errors", 0L);
    StoredRefund after = refunds.stored(refund.id());
    assertThat(after.refund().status()).isEqualTo(RefundStatus.SUCCEEDED);
    assertThat(after.refundedAfter()).isEqualTo(6000);
    assertThat(refunds.ledger(PI).held()).isEqualTo(6000);
    assertThat(refunds.ledger(PI).succeeded()).isEqualTo(6000);
    assertThat(inUnsettledIndex(refund.id())).as("final: never read again").isFalse();
    assertThat(sweep()).containsEntry("refunds", 0L);
  }

  @Test
  void aRefundShortOfBalanceFailsAfterFiveBusinessDaysAndIsMarkedForAPersonOnce() {
    fintoc.refunds().faults().failRefunds(1, "insufficient_funds");
    StoredRefund refund = refunds.request(CS, 6000, "key-1");
    // In progress from 12:01 Saturday; Fintoc retries Monday to Friday, then fails it.
    Instant failsAt = Instant.parse("2026-11-27T12:01:00Z");
    List<String> seen = new ArrayList<>();

    try (LogCapture logs = new LogCapture()) {
      for (int look = 0; look < 60 && !refunds.stored(refund.id()).refund().isFinal(); look++) {
        timePasses(refunds.stored(refund.id()).nextCheckAt().plusSeconds(1));
        sweep();
        seen.add(clock.instant() + " " + refunds.stored(refund.id()).refund().status());
      }

      assertThat(seen).last().asString().endsWith(" failed");
      assertThat(seen)
          .as("in progress at every look before Fintoc failed it")
          .allSatisfy(
              line ->
                  assertThat(
                          Instant.parse(line.split(" ")[0]).isBefore(failsAt)
                              != line.endsWith("failed"))
                      .isTrue());
      assertThat(metricLines(logs))
          .filteredOn(line -> line.has("Attention") && line.has("Kind"))
          .singleElement()
          .satisfies(
              line -> {
                assertThat(line.get("Kind").asText()).isEqualTo("refund_failed");
                assertThat(line.get("Attention").asInt()).isEqualTo(1);
              });
      assertThat(logs.lines())
          .filteredOn(l -> l.contains("\"event\":\"refund_failed\""))
          .hasSize(1);
      assertThat(logs.lines())
          .filteredOn(l -> l.contains("sweep_summary"))
          .last()
          .asString()
          .contains("\"refunds_settled\":1");
    }
    StoredRefund after = refunds.stored(refund.id());
    assertThat(after.refund().failureCode()).isEqualTo("insufficient_funds");
    assertThat(after.attention()).isEqualTo("refund_failed");
    assertThat(after.refund().amountFreed()).isTrue();
    assertThat(refunds.ledger(PI).held()).as("its amount freed").isZero();
    assertThat(refunds.ledger(PI).succeeded()).isZero();
    assertThat(inUnsettledIndex(refund.id())).isFalse();
  }

  @Test
  void aCreateWhoseAnswerWasLostIsSentAgainUnderTheSameKeyAndFintocHoldsOneRefund() {
    fintoc.refunds().faults().resetAfterCreating(1);
    // Straight to the simulator, where its dropped connection reaches the client as one.
    StoredRefund refund =
        new RefundFixture(config.with(Map.of("FINTOC_API_URL", fintoc.directUrl())), clock)
            .request(CS, 6000, "key-1");
    assertThat(refund.refund().refundId()).as("Fintoc made it; we never heard").isNull();
    assertThat(refund.refund().status()).isNull();
    assertThat(refunds.ledger(PI).held()).isEqualTo(6000);

    assertThat(sweep()).as("not due yet").containsEntry("refunds", 0L);
    clock.set(refund.nextCheckAt().plusSeconds(1));
    Map<String, Object> summary = sweep();

    assertThat(summary)
        .containsEntry("refunds", 1L)
        .containsEntry("refunds_still_pending", 1L)
        .containsEntry("errors", 0L);
    StoredRefund after = refunds.stored(refund.id());
    assertThat(after.refund().refundId()).isEqualTo("ref_test_000001");
    assertThat(after.refund().status()).isEqualTo(RefundStatus.PENDING);
    assertThat(fintoc.refunds().created()).as("one refund at Fintoc").isEqualTo(1);
    assertThat(fintoc.refunds().createKeys())
        .containsExactly(refund.fintocIdempotencyKey(), refund.fintocIdempotencyKey());
    assertThat(refunds.ledger(PI).held()).as("held once").isEqualTo(6000);
  }

  @Test
  void pastFintocsDayTheSameRequestAgainDoesNotSendTheCreateAgainEither() {
    fintoc.refunds().faults().resetAfterCreating(1);
    RefundFixture direct =
        new RefundFixture(config.with(Map.of("FINTOC_API_URL", fintoc.directUrl())), clock);
    StoredRefund refund = direct.request(CS, 6000, "key-1");
    assertThat(refund.refund().refundId()).as("Fintoc made it; we never heard").isNull();
    clock.set(TestStack.NOW.plus(Duration.ofHours(25)));
    sweep();
    assertThat(refunds.stored(refund.id()).attention())
        .as("the sweeper no longer sends it: Fintoc has forgotten its key")
        .isEqualTo("refund_unconfirmed");

    // The merchant's backend retries its request, the same Idempotency-Key, a day later.
    StoredRefund again = direct.request(CS, 6000, "key-1");

    assertThat(fintoc.refunds().createKeys())
        .as("past Fintoc's 24 h the same key would make a second refund of the same money")
        .containsExactly(refund.fintocIdempotencyKey());
    assertThat(again.id()).isEqualTo(refund.id());
    assertThat(again.refund().refundId()).isNull();
    assertThat(again.attention()).isEqualTo("refund_unconfirmed");
    assertThat(refunds.ledger(PI).held()).as("still held, once").isEqualTo(6000);
  }

  @Test
  void anUnconfirmedRefundThatFintocLaterReportsIsNoLongerFlagged() {
    fintoc.refunds().faults().resetAfterCreating(1);
    RefundFixture direct =
        new RefundFixture(config.with(Map.of("FINTOC_API_URL", fintoc.directUrl())), clock);
    StoredRefund refund = direct.request(CS, 6000, "key-1");
    clock.set(TestStack.NOW.plus(Duration.ofHours(25)));
    sweep();
    assertThat(refunds.stored(refund.id()).attention()).isEqualTo("refund_unconfirmed");

    // A person finds it at Fintoc, or its webhook comes at last: Fintoc's report of it.
    JsonNode atFintoc = fintoc.refunds().all().get(0);
    refunds.service.apply(
        checkout.fintoc.FintocRefund.fact(atFintoc, clock.instant()), null, null, null);

    StoredRefund after = refunds.stored(refund.id());
    assertThat(after.refund().refundId()).isEqualTo(atFintoc.path("id").asText());
    assertThat(after.attention()).as("Fintoc answered after all").isNull();
    assertThat(refunds.ledger(PI).held()).as("still held, once").isEqualTo(6000);
  }

  @Test
  void whileFintocKeepsARefundInProgressTheLooksComeAtGrowingIntervalsAndNotBefore() {
    fintoc.refunds().timing(Duration.ofMinutes(1), Duration.ofDays(30));
    StoredRefund refund = refunds.request(CS, 6000, "key-1");
    List<Duration> intervals = new ArrayList<>();

    for (int look = 0; look < 8; look++) {
      Instant due = refunds.stored(refund.id()).nextCheckAt();
      timePasses(due.minusSeconds(60));
      assertThat(sweep()).as("a minute early").containsEntry("refunds", 0L);
      timePasses(due.plusSeconds(1));
      assertThat(sweep()).containsEntry("refunds", 1L).containsEntry("refunds_still_pending", 1L);
      intervals.add(Duration.between(clock.instant(), refunds.stored(refund.id()).nextCheckAt()));
    }

    assertThat(refunds.stored(refund.id()).refund().status()).isEqualTo(RefundStatus.IN_PROGRESS);
    // The first look saw it move on (pending to in_progress): 10 min; then each look that saw
    // nothing new doubles the wait, up to 6 h.
    assertThat(intervals)
        .containsExactly(
            Duration.ofMinutes(10),
            Duration.ofMinutes(20),
            Duration.ofMinutes(40),
            Duration.ofMinutes(80),
            Duration.ofMinutes(160),
            Duration.ofMinutes(320),
            Duration.ofHours(6),
            Duration.ofHours(6));
  }

  @Test
  void refundsAndUnsettledPaymentsAreLookedAtInOneMergeOldestDueFirst() {
    fintoc.refunds().timing(Duration.ofMinutes(1), Duration.ofDays(30));
    clock.set(TestStack.NOW.minus(Duration.ofMinutes(10)));
    StoredRefund older = refunds.request(CS, 6000, "key-1"); // due at NOW
    clock.set(TestStack.NOW.minus(Duration.ofMinutes(5)));
    refunds.finished(fintoc, "cs_pending", "pi_pending", "pending"); // due at NOW + 5 min
    clock.set(TestStack.NOW);
    StoredRefund younger = refunds.request(CS, 6000, "key-2"); // due at NOW + 10 min
    fintoc.server().resetRequests();
    ExpirySweeperHandler oneAtATime =
        new ExpirySweeperHandler(
            TestStack.platform(config.with(Map.of("SWEEP_CONCURRENCY", "1")))
                .clock(clock)
                .sleeper(new RecordingSleeper())
                .build());

    clock.set(TestStack.NOW.plus(Duration.ofMinutes(30)));
    Map<String, Object> summary = oneAtATime.handleRequest(Map.of(), TestContext.unhurried());

    assertThat(summary)
        .containsEntry("due", 3L)
        .containsEntry("reached", 3L)
        .containsEntry("refunds", 2L)
        .containsEntry("unsettled", 1L);
    List<String> asked =
        new ArrayList<>(
            fintoc.server().getAllServeEvents().stream()
                .map(ServeEvent::getRequest)
                .map(r -> r.getMethod() + " " + r.getUrl())
                .toList());
    Collections.reverse(asked); // WireMock lists the newest first
    assertThat(asked)
        .containsExactly(
            "GET /v1/refunds/" + older.refund().refundId(),
            "GET /v2/checkout_sessions/cs_pending",
            "GET /v1/refunds/" + younger.refund().refundId());
  }

  /** The EMF lines (metrics) among what was logged, as JSON. */
  static List<JsonNode> metricLines(LogCapture logs) {
    return logs.lines().stream()
        .map(line -> line.substring(line.indexOf(' ') + 1))
        .filter(line -> line.contains("\"_aws\""))
        .map(Json::parse)
        .toList();
  }
}
