package checkout.getsession;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Config;
import checkout.json.Json;
import checkout.session.CheckoutSession;
import checkout.session.PaymentStatus;
import checkout.session.SessionRepository;
import checkout.session.SessionStatus;
import checkout.testing.ApiEvents;
import checkout.testing.DynamoDbLocal;
import checkout.testing.FaultInjector;
import checkout.testing.TestStack;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class GetSessionTest {
  static final DynamoDbLocal dynamoDbLocal = DynamoDbLocal.shared();

  Config config;
  DynamoDbClient dynamo;
  GetSessionHandler handler;

  @BeforeEach
  void freshTable() {
    String table = dynamoDbLocal.createSessionsTable("get");
    config = Config.of(Map.of("SESSIONS_TABLE", table, "AWS_REGION", "us-east-1",
        "DYNAMODB_ENDPOINT", dynamoDbLocal.endpoint().toString()));
    dynamo = dynamoDbLocal.client();
    handler = new GetSessionHandler(config);
  }

  static CheckoutSession session(String id, SessionStatus status, PaymentStatus payment) {
    return new CheckoutSession(id, status, payment, payment == null ? null : "pi_1", 15000, "CLP", "order-42", "test",
        "https://shop.example.com/paid", "https://shop.example.com/cart", "https://checkout.fintoc.com/" + id,
        TestStack.NOW, Instant.parse("2026-11-22T12:00:00Z"), TestStack.NOW.plusSeconds(60), null, null, 3);
  }

  APIGatewayV2HTTPResponse get(String id) {
    return handler.handleRequest(ApiEvents.get("/checkout-sessions/{id}", "/checkout-sessions/" + id, Map.of("id", id)), null);
  }

  @Test
  void aStoredSessionIsAnsweredWithItsStatusAndNothingElse() {
    new SessionRepository(dynamo, config.required("SESSIONS_TABLE"))
        .insert(session("cs_test_1", SessionStatus.FINISHED, PaymentStatus.SUCCEEDED));

    APIGatewayV2HTTPResponse response = get("cs_test_1");

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getHeaders()).containsEntry("cache-control", "no-store");
    assertThat(Json.parse(response.getBody())).isEqualTo(Json.parse("""
        {"id": "cs_test_1", "status": "finished", "payment_status": "succeeded", "amount": 15000,
         "currency": "CLP", "order": "order-42", "expires_at": "2026-11-22T12:00:00Z",
         "updated_at": "2026-11-21T12:01:00Z"}"""));
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
    CheckoutSession base = session("cs_test_3", SessionStatus.FINISHED, PaymentStatus.REQUIRES_ACTION);
    repository.insert(new CheckoutSession(base.id(), base.status(), base.paymentStatus(), base.paymentIntentId(),
        base.amount(), base.currency(), base.orderReference(), base.mode(), base.successUrl(), base.cancelUrl(),
        base.redirectUrl(), base.createdAt(), base.expiresAt(), base.updatedAt(), null,
        "{\"type\":\"approval_required\",\"approvers_pending\":1}", 2));
    CheckoutSession late = session("cs_test_4", SessionStatus.EXPIRED, PaymentStatus.SUCCEEDED);
    repository.insert(new CheckoutSession(late.id(), late.status(), late.paymentStatus(), late.paymentIntentId(),
        late.amount(), late.currency(), late.orderReference(), late.mode(), late.successUrl(), late.cancelUrl(),
        late.redirectUrl(), late.createdAt(), late.expiresAt(), late.updatedAt(), "paid_after_expiry", null, 3));

    JsonNode awaiting = Json.parse(get("cs_test_3").getBody());
    JsonNode paidLate = Json.parse(get("cs_test_4").getBody());

    assertThat(awaiting.get("next_action")).isEqualTo(Json.parse("{\"type\":\"approval_required\",\"approvers_pending\":1}"));
    assertThat(awaiting.has("attention")).isFalse();
    assertThat(paidLate.get("attention").asText()).isEqualTo("paid_after_expiry");
    assertThat(paidLate.has("next_action")).isFalse();
  }

  @Test
  void anUnknownSessionIsA404WithTheErrorBody() {
    APIGatewayV2HTTPResponse response = get("cs_test_unknown");

    assertThat(response.getStatusCode()).isEqualTo(404);
    assertThat(Json.parse(response.getBody()).at("/error/code").asText()).isEqualTo("session_not_found");
    assertThat(Json.parse(response.getBody()).at("/error/param").asText()).isEqualTo("id");
  }

  @ParameterizedTest(name = "\"{0}\" is a 404")
  @ValueSource(strings = {"", "pi_123", "cs_", "cs_../../etc", "cs_a b", "cs_%00"})
  void aMalformedIdIsA404WithoutReadingTheTable(String id) {
    APIGatewayV2HTTPResponse response = get(id);

    assertThat(response.getStatusCode()).isEqualTo(404);
    assertThat(Json.parse(response.getBody()).at("/error/code").asText()).isEqualTo("session_not_found");
  }

  @Test
  void aThrottledReadIsA503SoTheSuccessPageRetries() {
    FaultInjector faults = new FaultInjector();
    GetSessionHandler throttled = new GetSessionHandler(config, dynamoDbLocal.client(faults));
    faults.failNext(1, request -> true);

    APIGatewayV2HTTPResponse response = throttled.handleRequest(
        ApiEvents.get("/checkout-sessions/{id}", "/checkout-sessions/cs_test_1", Map.of("id", "cs_test_1")), null);

    assertThat(response.getStatusCode()).isEqualTo(503);
    assertThat(Json.parse(response.getBody()).at("/error/code").asText()).isEqualTo("storage_unavailable");
  }
}
