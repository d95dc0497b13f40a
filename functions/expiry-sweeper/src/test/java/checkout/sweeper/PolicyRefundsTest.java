package checkout.sweeper;

import static checkout.testing.FintocEvents.at;
import static checkout.testing.FintocEvents.paymentIntent;
import static checkout.testing.FintocEvents.sessionExpired;
import static checkout.testing.FintocEvents.sessionFinished;
import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Config;
import checkout.fintoc.FintocClient;
import checkout.fintoc.FintocOptions;
import checkout.platform.Platform;
import checkout.refund.Refunds;
import checkout.session.CheckoutSession;
import checkout.store.RefundRepository;
import checkout.store.SessionRepository;
import checkout.testing.FaultInjector;
import checkout.testing.FintocEvents;
import checkout.testing.LogCapture;
import checkout.testing.MutableClock;
import checkout.testing.RecordingSleeper;
import checkout.testing.SecretsManagerStub;
import checkout.testing.TestContext;
import checkout.testing.TestSessions;
import checkout.testing.TestStack;
import checkout.time.Deadline;
import checkout.time.Jitter;
import checkout.webhook.WebhookHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * AutomaticRefunds against DynamoDB Local and the Fintoc simulator: the webhook that commits money
 * that should not have been taken asks for its refund right after, the sweeper completes what it
 * could not, and however often and in whatever order the events come, Fintoc makes one refund.
 */
class PolicyRefundsTest {
  static final TestStack stack = new TestStack();
  static final String CS = "cs_policy_1";
  static final String PI = "pi_policy_1";
  static final String PI_2 = "pi_policy_2";
  static final Instant EXPIRED_AT = TestStack.NOW.minus(Duration.ofHours(2));

  Config config;
  DynamoDbClient dynamo;
  SessionRepository sessions;

  @BeforeEach
  void freshTable() {
    stack.fintoc.reset();
    stack.secrets.reset();
    config = stack.config("policy", Map.of("AUTOMATIC_REFUNDS", "on"));
    dynamo = stack.dynamo.client();
    sessions = new SessionRepository(dynamo, config.required("SESSIONS_TABLE"));
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  /** One case of money that should not have been taken: what we stored, Fintoc, the events. */
  record Case(
      String name,
      CheckoutSession stored,
      String attention,
      String refunded,
      Runnable atFintoc,
      List<String> events) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case paidAfterExpiry() {
    return new Case(
        "paid after expiry",
        TestSessions.open(CS, "order-1", EXPIRED_AT),
        "paid_after_expiry",
        PI,
        () -> stack.fintoc.holdSession(CS, "expired", PI, "succeeded"),
        List.of(
            sessionExpired("evt_expired", CS, PI, "pending"),
            paymentIntent("evt_succeeded", "succeeded", PI)));
  }

  static Case wrongAmount() {
    return new Case(
        "wrong amount",
        TestSessions.open(CS, "order-1", TestStack.NOW.plus(Duration.ofHours(1))).toBuilder()
            .amount(20000)
            .build(),
        "amount_mismatch",
        PI,
        () -> stack.fintoc.holdSession(CS, "finished", PI, "succeeded"),
        List.of(
            sessionFinished("evt_finished", CS, PI, "succeeded"),
            paymentIntent("evt_succeeded", "succeeded", PI)));
  }

  static Case wrongCurrency() {
    return new Case(
        "wrong currency",
        TestSessions.open(CS, "order-1", TestStack.NOW.plus(Duration.ofHours(1))).toBuilder()
            .currency("MXN")
            .build(),
        "amount_mismatch",
        PI,
        () -> stack.fintoc.holdSession(CS, "finished", PI, "succeeded"),
        List.of(
            sessionFinished("evt_finished", CS, PI, "succeeded"),
            paymentIntent("evt_succeeded", "succeeded", PI)));
  }

  static Case duplicatePayment() {
    return new Case(
        "duplicate payment",
        TestSessions.open(CS, "order-1", TestStack.NOW.plus(Duration.ofHours(1))),
        "duplicate_payment",
        PI_2,
        () -> {
          stack.fintoc.holdSession(CS, "finished", PI, "succeeded");
          stack.fintoc.holdOtherPayment(CS, PI_2, "succeeded");
        },
        List.of(
            at(
                sessionFinished("evt_first", CS, PI, "succeeded"),
                TestStack.NOW.minus(Duration.ofMinutes(2))),
            at(
                sessionFinished("evt_second", CS, PI_2, "succeeded"),
                TestStack.NOW.minus(Duration.ofMinutes(1)))));
  }

  static Stream<Case> cases() {
    return Stream.of(paidAfterExpiry(), wrongAmount(), wrongCurrency(), duplicatePayment());
  }

  static Stream<Arguments> casesInBothOrders() {
    return cases().flatMap(c -> Stream.of(Arguments.of(c, false), Arguments.of(c, true)));
  }

  WebhookHandler webhook(Config config) {
    return new WebhookHandler(TestStack.platform(config).build());
  }

  WebhookHandler webhook(Config config, FaultInjector faults) {
    return new WebhookHandler(
        TestStack.platform(config).dynamo(stack.dynamo.client(faults)).build());
  }

  static int deliver(WebhookHandler handler, String body) {
    return handler
        .handleRequest(
            FintocEvents.delivery(body, SecretsManagerStub.WEBHOOK_SECRET, TestStack.NOW), null)
        .getStatusCode();
  }

  void given(Case c) {
    sessions.insert(c.stored());
    c.atFintoc().run();
  }

  CheckoutSession stored() {
    return sessions.find(CS).orElseThrow();
  }

  /** What Fintoc made: "payment amount currency checkout_refund_id" per refund. */
  static List<String> fintocRefunds() {
    List<String> made = new ArrayList<>();
    for (ObjectNode refund : stack.fintoc.refunds().all()) {
      made.add(
          refund.get("resource_id").asText()
              + " "
              + refund.get("amount").asLong()
              + " "
              + refund.get("currency").asText()
              + " "
              + refund.at("/metadata/checkout_refund_id").asText());
    }
    return made;
  }

  static String policyRefund(String paymentIntentId, long amount, String currency) {
    return paymentIntentId
        + " "
        + amount
        + " "
        + currency
        + " "
        + Refunds.policyIdFor(CS, paymentIntentId);
  }

  ExpirySweeperHandler sweeperAt(MutableClock clock, Config config) {
    return new ExpirySweeperHandler(
        TestStack.platform(config).clock(clock).sleeper(new RecordingSleeper()).build());
  }

  /** A request that stores a refund: the transaction that holds its amount against the payment. */
  static final Predicate<SdkRequest> REFUND_RESERVATION =
      request ->
          request instanceof TransactWriteItemsRequest transaction
              && transaction.transactItems().stream()
                  .anyMatch(item -> item.conditionCheck() != null);

  /** The write that takes a stored refund off the session's list: one put of the session alone. */
  static final Predicate<SdkRequest> OWED_CLEARED =
      request ->
          request instanceof TransactWriteItemsRequest transaction
              && transaction.transactItems().size() == 1
              && transaction.transactItems().get(0).put() != null
              && transaction
                  .transactItems()
                  .get(0)
                  .put()
                  .item()
                  .get("pk")
                  .s()
                  .startsWith("SESSION#");

  // --- each case, once, whatever the deliveries -----------------------------------------------

  @ParameterizedTest(name = "{0}, reversed {1}: one refund of the whole payment")
  @MethodSource("casesInBothOrders")
  void eachEventDeliveredTwiceInEitherOrderMakesExactlyOneFintocRefund(Case c, boolean reversed) {
    given(c);
    WebhookHandler webhook = webhook(config);
    List<String> events = new ArrayList<>(c.events());
    if (reversed) {
      java.util.Collections.reverse(events);
    }

    for (int round = 0; round < 2; round++) {
      for (String event : events) {
        assertThat(deliver(webhook, event)).isEqualTo(200);
      }
    }

    assertThat(fintocRefunds()).containsExactly(policyRefund(c.refunded(), 15000, "CLP"));
    CheckoutSession session = stored();
    assertThat(session.attention()).isEqualTo(c.attention());
    assertThat(session.policyRefundsOwed()).as("stored: no longer owed").isEmpty();
    assertThat(session.nextSettleCheckAt()).as("out of the sweep").isNull();
    if (c.name().equals("duplicate payment")) {
      assertThat(session.paid()).as("the order keeps its one good payment").isTrue();
      assertThat(session.paymentIntentId()).isEqualTo(PI);
      assertThat(session.duplicatePaymentIds()).containsExactly(PI_2);
    }
    // A sweep afterwards finds nothing owed and makes nothing more.
    sweeperAt(new MutableClock(TestStack.NOW.plus(Duration.ofHours(1))), config)
        .handleRequest(Map.of(), TestContext.unhurried());
    assertThat(stack.fintoc.refunds().created()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}: attention raised, nothing refunded")
  @MethodSource("cases")
  void withAutomaticRefundsOffNothingIsRefundedAndAttentionIsStillRaised(Case c) {
    Config off = config.with(Map.of("AUTOMATIC_REFUNDS", "off"));
    given(c);
    WebhookHandler webhook = webhook(off);

    for (String event : c.events()) {
      assertThat(deliver(webhook, event)).isEqualTo(200);
    }
    sweeperAt(new MutableClock(TestStack.NOW.plus(Duration.ofHours(1))), off)
        .handleRequest(Map.of(), TestContext.unhurried());

    assertThat(stack.fintoc.refunds().created()).isZero();
    assertThat(stored().attention()).isEqualTo(c.attention());
    assertThat(stored().policyRefundsOwed()).isEmpty();
  }

  // --- the way back --------------------------------------------------------------------------

  @Test
  void aWebhookThatDiesBeforeStoringTheRefundLeavesItOwedAndTheSweeperMakesIt() {
    Case c = paidAfterExpiry();
    given(c);
    FaultInjector faults = new FaultInjector();
    faults.failNext(Integer.MAX_VALUE, REFUND_RESERVATION);
    WebhookHandler webhook = webhook(config, faults);

    try (LogCapture logs = new LogCapture()) {
      for (String event : c.events()) {
        assertThat(deliver(webhook, event)).as("the event is recorded all the same").isEqualTo(200);
      }
      assertThat(logs.all()).contains("policy_refund_deferred");
    }
    assertThat(faults.injected()).isPositive();
    assertThat(stack.fintoc.refunds().created()).isZero();
    assertThat(stored().policyRefundsOwed()).containsExactly(PI);
    assertThat(stored().nextSettleCheckAt())
        .as("the sweeper's first look")
        .isEqualTo(TestStack.NOW.plus(Duration.ofMinutes(10)));

    MutableClock clock = new MutableClock(TestStack.NOW.plus(Duration.ofMinutes(11)));
    Map<String, Object> summary =
        sweeperAt(clock, config).handleRequest(Map.of(), TestContext.unhurried());

    assertThat(summary)
        .containsEntry("policy_refunds", 1L)
        .as("its payment was final already: nothing settled")
        .containsEntry("settled", 0L);
    assertThat(fintocRefunds()).containsExactly(policyRefund(PI, 15000, "CLP"));
    assertThat(stored().policyRefundsOwed()).isEmpty();
    assertThat(stored().nextSettleCheckAt()).isNull();
  }

  @Test
  void aWebhookThatDiesAfterTheRefundWasMadeLeavesTheSweeperNothingToMakeAgain() {
    Case c = duplicatePayment();
    given(c);
    FaultInjector faults = new FaultInjector();
    faults.failNext(Integer.MAX_VALUE, OWED_CLEARED);
    WebhookHandler webhook = webhook(config, faults);

    for (String event : c.events()) {
      assertThat(deliver(webhook, event)).isEqualTo(200);
    }
    assertThat(stack.fintoc.refunds().created()).isEqualTo(1);
    assertThat(stored().policyRefundsOwed()).containsExactly(PI_2);

    Map<String, Object> summary =
        sweeperAt(new MutableClock(TestStack.NOW.plus(Duration.ofMinutes(11))), config)
            .handleRequest(Map.of(), TestContext.unhurried());

    assertThat(summary).containsEntry("policy_refunds", 1L);
    assertThat(fintocRefunds()).containsExactly(policyRefund(PI_2, 15000, "CLP"));
    assertThat(stored().policyRefundsOwed()).isEmpty();
  }

  // --- what the merchant already gave back ------------------------------------------------------

  Refunds merchantRefunds() {
    Platform platform = TestStack.platform(config).build();
    return new Refunds(
        new RefundRepository(dynamo, config.required("SESSIONS_TABLE")),
        sessions,
        new FintocClient(
            FintocOptions.from(platform.settings().fintoc()),
            platform.secrets(),
            platform.sleeper(),
            new Jitter()),
        "order_id",
        TestStack.CLOCK,
        new RecordingSleeper());
  }

  /** The webhook committed the payment but died before the refund; the merchant refunds first. */
  void owedWhileTheMerchantRefunds(long merchantAmount) {
    Case c = paidAfterExpiry();
    given(c);
    FaultInjector faults = new FaultInjector();
    faults.failNext(Integer.MAX_VALUE, REFUND_RESERVATION);
    WebhookHandler webhook = webhook(config, faults);
    c.events().forEach(event -> deliver(webhook, event));
    assertThat(stored().policyRefundsOwed()).containsExactly(PI);

    merchantRefunds()
        .request(
            new Refunds.Request(
                CS,
                Refunds.idFor(CS, "merchant-key-1"),
                null,
                merchantAmount,
                "customer asked",
                null,
                Refunds.requestHash(merchantAmount, "customer asked", null),
                "merchant"),
            Deadline.NONE);

    sweeperAt(new MutableClock(TestStack.NOW.plus(Duration.ofMinutes(11))), config)
        .handleRequest(Map.of(), TestContext.unhurried());
  }

  @Test
  void theMerchantsEarlierPartialRefundLeavesThePolicyRefundOnlyTheRemainder() {
    owedWhileTheMerchantRefunds(5000);

    assertThat(fintocRefunds())
        .containsExactly(
            PI + " 5000 CLP " + Refunds.idFor(CS, "merchant-key-1"),
            policyRefund(PI, 10000, "CLP"));
    assertThat(stored().policyRefundsOwed()).isEmpty();
  }

  @Test
  void theMerchantsEarlierFullRefundLeavesThePolicyNothingToRefund() {
    owedWhileTheMerchantRefunds(15000);

    assertThat(fintocRefunds())
        .containsExactly(PI + " 15000 CLP " + Refunds.idFor(CS, "merchant-key-1"));
    assertThat(stored().policyRefundsOwed()).as("nothing left: no longer owed").isEmpty();
    assertThat(stored().nextSettleCheckAt()).isNull();
  }

  @Test
  void aDuplicatesRefundIsListedWithTheSessionsRefunds() {
    Case c = duplicatePayment();
    given(c);
    c.events().forEach(event -> deliver(webhook(config), event));

    assertThat(merchantRefunds().list(CS))
        .extracting(refund -> refund.refund().paymentIntentId() + " " + refund.origin())
        .containsExactly(PI_2 + " policy:duplicate_payment");
  }
}
