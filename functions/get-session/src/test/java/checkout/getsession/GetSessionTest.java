package checkout.getsession;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Config;
import checkout.http.ApiEvent;
import checkout.json.Json;
import checkout.session.CheckoutSession;
import checkout.session.PaymentStatus;
import checkout.session.SessionStatus;
import checkout.store.RefundItems;
import checkout.store.RefundLedger;
import checkout.store.SessionRepository;
import checkout.testing.DynamoDbLocal;
import checkout.testing.FaultInjector;
import checkout.testing.TestStack;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

class GetSessionTest {
  static final DynamoDbLocal dynamoDbLocal = DynamoDbLocal.shared();

  Config config;
  DynamoDbClient dynamo;
  GetSessionHandler handler;

  @BeforeEach
  void freshTable() {
    String table = dynamoDbLocal.createSessionsTable("get");
    config =
        Config.of(
            Map.of(
                "SESSIONS_TABLE",
                table,
                "AWS_REGION",
                "us-east-1",
                "DYNAMODB_ENDPOINT",
                dynamoDbLocal.endpoint().toString()));
    dynamo = dynamoDbLocal.client();
    handler = new GetSessionHandler(TestStack.platform(config).build());
  }

  static CheckoutSession session(String id, SessionStatus status, PaymentStatus payment) {
    return CheckoutSession.builder()
        .id(id)
        .status(status)
        .paymentStatus(payment)
        .paymentIntentId(payment == null ? null : "pi_1")
        .amount(15000)
        .currency("CLP")
        .orderReference("order-42")
        .mode("test")
        .successUrl("https://shop.example.com/paid")
        .cancelUrl("https://shop.example.com/cart")
        .redirectUrl("https://checkout.fintoc.com/" + id)
        .createdAt(TestStack.NOW)
        .expiresAt(Instant.parse("2026-11-22T12:00:00Z"))
        .updatedAt(TestStack.NOW.plusSeconds(60))
        .version(3)
        .build();
  }

  APIGatewayV2HTTPResponse get(String id) {
    return handler.handleRequest(
        ApiEvent.get("/checkout-sessions/{id}", "/checkout-sessions/" + id, Map.of("id", id)),
        null);
  }

  @Test
  void aStoredSessionIsAnsweredWithItsStatusAndNothingElse() {
    new SessionRepository(dynamo, config.required("SESSIONS_TABLE"))
        .insert(
            session("cs_test_1", SessionStatus.FINISHED, PaymentStatus.SUCCEEDED).toBuilder()
                .paid(true)
                .paymentAmount(15000L)
                .paymentCurrency("CLP")
                .lineItems("[{\"price\":\"price_grano_1kg\",\"quantity\":1}]")
                .pricing("catalog")
                .build());

    APIGatewayV2HTTPResponse response = get("cs_test_1");

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getHeaders()).containsEntry("cache-control", "no-store");
    assertThat(Json.parse(response.getBody()))
        .isEqualTo(
            Json.parse(
                """
        {"id": "cs_test_1", "status": "finished", "paid": true, "payment_status": "succeeded", "amount": 15000,
         "currency": "CLP", "order": "order-42", "expires_at": "2026-11-22T12:00:00Z",
         "updated_at": "2026-11-21T12:01:00Z", "refunded": "none"}"""));
  }

  @Test
  void aSucceededPaymentForAnotherAmountIsNotPaidAndSaysWhy() {
    new SessionRepository(dynamo, config.required("SESSIONS_TABLE"))
        .insert(
            session("cs_test_5", SessionStatus.FINISHED, PaymentStatus.SUCCEEDED).toBuilder()
                .paid(false)
                .paymentAmount(1L)
                .paymentCurrency("CLP")
                .attention("amount_mismatch")
                .build());

    JsonNode body = Json.parse(get("cs_test_5").getBody());

    assertThat(body.get("paid").asBoolean()).isFalse();
    assertThat(body.get("payment_status").asText()).isEqualTo("succeeded");
    assertThat(body.get("attention").asText()).isEqualTo("amount_mismatch");
  }

  @Test
  void paymentStatusIsNullUntilAPaymentIsKnown() {
    new SessionRepository(dynamo, config.required("SESSIONS_TABLE"))
        .insert(session("cs_test_2", SessionStatus.CREATED, null));

    JsonNode body = Json.parse(get("cs_test_2").getBody());

    assertThat(body.get("status").asText()).isEqualTo("created");
    assertThat(body.get("payment_status").isNull()).isTrue();
  }

  @Test
  void aPaymentAwaitingActionShowsFintocsNextActionAndAPaymentAfterExpiryIsFlagged() {
    SessionRepository repository = new SessionRepository(dynamo, config.required("SESSIONS_TABLE"));
    CheckoutSession base =
        session("cs_test_3", SessionStatus.FINISHED, PaymentStatus.REQUIRES_ACTION);
    repository.insert(
        base.toBuilder()
            .nextAction("{\"type\":\"approval_required\",\"approvers_pending\":1}")
            .version(2)
            .build());
    CheckoutSession late = session("cs_test_4", SessionStatus.EXPIRED, PaymentStatus.SUCCEEDED);
    repository.insert(late.toBuilder().attention("paid_after_expiry").build());

    JsonNode awaiting = Json.parse(get("cs_test_3").getBody());
    JsonNode paidLate = Json.parse(get("cs_test_4").getBody());

    assertThat(awaiting.get("next_action"))
        .isEqualTo(Json.parse("{\"type\":\"approval_required\",\"approvers_pending\":1}"));
    assertThat(awaiting.has("attention")).isFalse();
    assertThat(paidLate.get("attention").asText()).isEqualTo("paid_after_expiry");
    assertThat(paidLate.has("next_action")).isFalse();
  }

  @Test
  void anUnknownSessionIsA404WithTheErrorBody() {
    APIGatewayV2HTTPResponse response = get("cs_test_unknown");

    assertThat(response.getStatusCode()).isEqualTo(404);
    assertThat(Json.parse(response.getBody()).at("/error/code").asText())
        .isEqualTo("session_not_found");
    assertThat(Json.parse(response.getBody()).at("/error/param").asText()).isEqualTo("id");
  }

  @ParameterizedTest(name = "\"{0}\" is a 404")
  @ValueSource(strings = {"", "pi_123", "cs_", "cs_../../etc", "cs_a b", "cs_%00"})
  void aMalformedIdIsA404WithoutReadingTheTable(String id) {
    APIGatewayV2HTTPResponse response = get(id);

    assertThat(response.getStatusCode()).isEqualTo(404);
    assertThat(Json.parse(response.getBody()).at("/error/code").asText())
        .isEqualTo("session_not_found");
  }

  @Test
  void aThrottledReadIsA503SoTheSuccessPageRetries() {
    FaultInjector faults = new FaultInjector();
    GetSessionHandler throttled =
        new GetSessionHandler(
            TestStack.platform(config).dynamo(dynamoDbLocal.client(faults)).build());
    faults.failNext(1, request -> true);

    APIGatewayV2HTTPResponse response =
        throttled.handleRequest(
            ApiEvent.get(
                "/checkout-sessions/{id}",
                "/checkout-sessions/cs_test_1",
                Map.of("id", "cs_test_1")),
            null);

    assertThat(response.getStatusCode()).isEqualTo(503);
    assertThat(Json.parse(response.getBody()).at("/error/code").asText())
        .isEqualTo("storage_unavailable");
  }

  /** A paid session, and its payment's refund ledger with this much held and gone back. */
  void paidWithRefunds(String id, Long held, long succeeded, String... refundIds) {
    new SessionRepository(dynamo, config.required("SESSIONS_TABLE"))
        .insert(
            session(id, SessionStatus.FINISHED, PaymentStatus.SUCCEEDED).toBuilder()
                .paymentIntentId("pi_" + id)
                .paid(true)
                .paymentAmount(15000L)
                .paymentCurrency("CLP")
                .build());
    if (held != null) {
      dynamo.putItem(
          r ->
              r.tableName(config.required("SESSIONS_TABLE"))
                  .item(
                      RefundItems.toItem(
                          new RefundLedger(
                              "pi_" + id,
                              id,
                              15000,
                              "CLP",
                              held,
                              succeeded,
                              List.of(refundIds),
                              refundIds.length + 1))));
    }
  }

  @Test
  void refundedSaysNonePartialOrFullOfTheMoneyThatWentBackAndNeverAnId() {
    paidWithRefunds("cs_test_none", null, 0);
    paidWithRefunds("cs_test_pending", 5000L, 0, "rf_pending_1");
    paidWithRefunds("cs_test_partial", 15000L, 5000, "rf_done_1", "rf_pending_2");
    paidWithRefunds("cs_test_full", 15000L, 15000, "rf_done_2", "rf_done_3");

    JsonNode none = Json.parse(get("cs_test_none").getBody());
    JsonNode pending = Json.parse(get("cs_test_pending").getBody());
    JsonNode partial = Json.parse(get("cs_test_partial").getBody());
    JsonNode full = Json.parse(get("cs_test_full").getBody());

    assertThat(none.get("refunded").asText()).as("nothing was asked back").isEqualTo("none");
    assertThat(pending.get("refunded").asText())
        .as("on its way, but it may still fail: not promised")
        .isEqualTo("none");
    assertThat(partial.get("refunded").asText()).isEqualTo("partial");
    assertThat(full.get("refunded").asText()).isEqualTo("full");
    assertThat(full.get("paid").asBoolean()).as("paid stays what Fintoc confirmed").isTrue();
    for (JsonNode body : List.of(none, pending, partial, full)) {
      assertThat(body.toString())
          .as("a poll never shows payment or refund ids")
          .doesNotContain("pi_", "rf_", "ref_");
    }
  }

  @Test
  void theLedgerIsReadConsistentlyAndOnlyForASessionWhosePaymentSucceeded() {
    paidWithRefunds("cs_test_paid", 15000L, 15000, "rf_done_1");
    new SessionRepository(dynamo, config.required("SESSIONS_TABLE"))
        .insert(session("cs_test_open", SessionStatus.CREATED, null));
    FaultInjector faults = new FaultInjector();
    GetSessionHandler observed =
        new GetSessionHandler(
            TestStack.platform(config).dynamo(dynamoDbLocal.client(faults)).build());
    Predicate<SdkRequest> consistentLedgerRead =
        request ->
            request instanceof GetItemRequest get
                && get.key().get("pk").s().startsWith("REFUNDS#")
                && Boolean.TRUE.equals(get.consistentRead());
    faults.failNext(1, consistentLedgerRead);

    APIGatewayV2HTTPResponse open =
        observed.handleRequest(
            ApiEvent.get(
                "/checkout-sessions/{id}",
                "/checkout-sessions/cs_test_open",
                Map.of("id", "cs_test_open")),
            null);
    APIGatewayV2HTTPResponse paid =
        observed.handleRequest(
            ApiEvent.get(
                "/checkout-sessions/{id}",
                "/checkout-sessions/cs_test_paid",
                Map.of("id", "cs_test_paid")),
            null);

    assertThat(open.getStatusCode()).as("no payment: no ledger read").isEqualTo(200);
    assertThat(Json.parse(open.getBody()).get("refunded").asText()).isEqualTo("none");
    assertThat(paid.getStatusCode())
        .as("the paid session's ledger read, consistent, failed: the page retries")
        .isEqualTo(503);
    assertThat(faults.injected()).isEqualTo(1);
  }
}
