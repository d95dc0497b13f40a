package checkout.refunds;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Config;
import checkout.fintoc.FintocCheckoutSession;
import checkout.http.ApiEvent;
import checkout.json.Json;
import checkout.refund.Refunds;
import checkout.store.RefundLedger;
import checkout.store.RefundRepository;
import checkout.store.SessionRepository;
import checkout.store.SessionUpdater;
import checkout.testing.FintocEvents;
import checkout.testing.RecordingSleeper;
import checkout.testing.TestSessions;
import checkout.testing.TestStack;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * The merchant's refund route against DynamoDB Local and the Fintoc simulator (behind FintocStub's
 * recorder). Each test starts from a session paid 15 000 CLP: Fintoc holds it finished with its
 * payment succeeded, and our table learned it as a webhook teaches it (SessionUpdater).
 */
class RefundsHandlerTest {
  static final TestStack stack = new TestStack();
  static final String CS = "cs_test_000001";
  static final String PI = "pi_test_000001";
  static final Instant EXPIRES = Instant.parse("2026-11-22T12:00:00Z");

  /** What a view carries: the lead's contract, exactly. */
  static final List<String> VIEW_FIELDS =
      List.of(
          "id",
          "session_id",
          "status",
          "amount",
          "currency",
          "reason",
          "origin",
          "fintoc_refund_id",
          "failure_code",
          "attention",
          "created_at",
          "updated_at");

  Config config;
  DynamoDbClient dynamo;
  SessionRepository sessions;
  RefundRepository refunds;
  RefundsHandler handler;

  @BeforeEach
  void aSessionPaid15000() {
    stack.fintoc.reset();
    stack.secrets.reset();
    config = stack.config("refunds", Map.of());
    dynamo = stack.dynamo.client();
    sessions = new SessionRepository(dynamo, config.required("SESSIONS_TABLE"));
    refunds = new RefundRepository(dynamo, config.required("SESSIONS_TABLE"));
    paid(CS, PI);
    handler = new RefundsHandler(TestStack.platform(config).build());
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  /** Paid at Fintoc, and in our table as its finished webhook records it. */
  void paid(String sessionId, String paymentIntentId) {
    stack.fintoc.holdSession(sessionId, "finished", paymentIntentId, "succeeded");
    sessions.insert(TestSessions.open(sessionId, "order-42", EXPIRES));
    String event =
        FintocEvents.sessionFinished("evt_" + sessionId, sessionId, paymentIntentId, "succeeded");
    new SessionUpdater(sessions, TestStack.CLOCK, new RecordingSleeper())
        .record(
            FintocCheckoutSession.observe(Json.parse(event).get("data"), TestStack.NOW, false),
            "evt_" + sessionId,
            "checkout_session.finished");
    assertThat(sessions.find(sessionId).orElseThrow().paid()).isTrue();
  }

  // ---- requests ------------------------------------------------------------------------------

  static ApiEvent post(String sessionId, String key, String body) {
    ApiEvent event =
        ApiEvent.request("POST", "/checkout-sessions/{id}/refunds")
            .path("/checkout-sessions/" + sessionId + "/refunds")
            .pathParameter("id", sessionId)
            .header("content-type", "application/json");
    if (key != null) {
      event.header("Idempotency-Key", key);
    }
    return body == null ? event : event.body(body);
  }

  APIGatewayV2HTTPResponse refund(String key, String body) {
    return handler.handleRequest(post(CS, key, body).event(), null);
  }

  APIGatewayV2HTTPResponse list(String sessionId) {
    return handler.handleRequest(
        ApiEvent.request("GET", "/checkout-sessions/{id}/refunds")
            .path("/checkout-sessions/" + sessionId + "/refunds")
            .pathParameter("id", sessionId)
            .event(),
        null);
  }

  APIGatewayV2HTTPResponse cancel(String refundId) {
    return handler.handleRequest(
        ApiEvent.request("POST", "/checkout-sessions/{id}/refunds/{refund_id}/cancel")
            .path("/checkout-sessions/" + CS + "/refunds/" + refundId + "/cancel")
            .pathParameter("id", CS)
            .pathParameter("refund_id", refundId)
            .event(),
        null);
  }

  static JsonNode body(APIGatewayV2HTTPResponse response) {
    return Json.parse(response.getBody());
  }

  static String error(APIGatewayV2HTTPResponse response) {
    return response.getStatusCode() + " " + body(response).at("/error/code").asText();
  }

  /** Every request Fintoc's refunds API received (v1: refunds only). */
  static List<LoggedRequest> fintocRefundCalls() {
    return stack.fintoc.server().findAll(anyRequestedFor(urlPathMatching("/v1/.*")));
  }

  /** Every item of the table, by key. */
  Map<String, Map<String, AttributeValue>> items() {
    Map<String, Map<String, AttributeValue>> items = new TreeMap<>();
    dynamo
        .scan(r -> r.tableName(config.required("SESSIONS_TABLE")))
        .items()
        .forEach(i -> items.put(i.get("pk").s(), i));
    return items;
  }

  RefundLedger ledger() {
    return refunds.findLedger(PI).orElseThrow();
  }

  // ---- asking back ---------------------------------------------------------------------------

  @Test
  void aPartRefundIsHeldAskedOfFintocWithOurMetadataAndAnswered202WithFintocsStatus() {
    APIGatewayV2HTTPResponse response =
        refund(
            "return-1",
            "{\"amount\": 5000, \"reason\": \"one item returned\", \"metadata\": {\"return_id\":"
                + " \"ret-7\"}}");

    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(202);
    JsonNode view = body(response);
    assertThat(view.fieldNames()).toIterable().containsExactlyElementsOf(VIEW_FIELDS);
    assertThat(view.get("id").asText()).isEqualTo(Refunds.idFor(CS, "return-1"));
    assertThat(view.get("session_id").asText()).isEqualTo(CS);
    assertThat(view.get("status").asText()).as("Fintoc's answer").isEqualTo("pending");
    assertThat(view.get("amount").asLong()).isEqualTo(5000);
    assertThat(view.get("currency").asText()).isEqualTo("CLP");
    assertThat(view.get("reason").asText()).isEqualTo("one item returned");
    assertThat(view.get("origin").asText()).isEqualTo("merchant");
    assertThat(view.get("fintoc_refund_id").asText()).startsWith("ref_test_");
    assertThat(view.get("failure_code").isNull()).isTrue();
    assertThat(view.get("created_at").asText()).isEqualTo(TestStack.NOW.toString());

    assertThat(fintocRefundCalls()).hasSize(1);
    JsonNode sent = Json.parse(fintocRefundCalls().get(0).getBodyAsString());
    assertThat(sent.get("resource_type").asText()).isEqualTo("payment_intent");
    assertThat(sent.get("resource_id").asText()).isEqualTo(PI);
    assertThat(sent.get("amount").asLong()).isEqualTo(5000);
    assertThat(sent.get("metadata"))
        .isEqualTo(
            Json.parse(
                """
                {"return_id": "ret-7", "checkout_session_id": "%s", "checkout_refund_id": "%s",
                 "order_id": "order-42", "reason": "one item returned"}"""
                    .formatted(CS, view.get("id").asText())));
    assertThat(ledger().held()).isEqualTo(5000);
    assertThat(ledger().refundIds()).containsExactly(view.get("id").asText());
  }

  @Test
  void withoutAnAmountItRefundsAllThatRemains() {
    assertThat(refund("return-1", "{\"amount\": 5000}").getStatusCode()).isEqualTo(202);

    APIGatewayV2HTTPResponse rest = refund("return-2", "");

    assertThat(rest.getStatusCode()).as(rest.getBody()).isEqualTo(202);
    assertThat(body(rest).get("amount").asLong()).isEqualTo(10000);
    assertThat(Json.parse(fintocRefundCalls().get(1).getBodyAsString()).get("amount").asLong())
        .as("we decide what remains, and send it as a number")
        .isEqualTo(10000);
    assertThat(ledger().held()).isEqualTo(15000);
    assertThat(error(refund("return-3", "{}"))).isEqualTo("422 nothing_to_refund");
  }

  @Test
  void theSameKeyGivesBackTheSameRefundAndFintocMakesOne() {
    String body = "{\"amount\": 5000, \"metadata\": {\"a\": \"1\", \"b\": \"2\"}}";
    JsonNode first = body(refund("return-1", body));

    APIGatewayV2HTTPResponse again =
        refund("return-1", "{\"metadata\": {\"b\": \"2\", \"a\": \"1\"}, \"amount\": 5000}");

    assertThat(again.getStatusCode()).isEqualTo(202);
    assertThat(body(again)).as("the same body in another key order").isEqualTo(first);
    assertThat(fintocRefundCalls()).hasSize(1);
    assertThat(stack.fintoc.refunds().created()).isEqualTo(1);
    assertThat(ledger().held()).isEqualTo(5000);
  }

  @Test
  void theSameKeyWithAnotherBodyIsRefused422AndChangesNothing() {
    refund("return-1", "{\"amount\": 5000}");
    Map<String, Map<String, AttributeValue>> before = items();

    APIGatewayV2HTTPResponse other = refund("return-1", "{\"amount\": 6000}");

    assertThat(error(other)).isEqualTo("422 idempotency_key_reused");
    assertThat(body(other).at("/error/param").asText()).isEqualTo("Idempotency-Key");
    assertThat(items()).isEqualTo(before);
    assertThat(fintocRefundCalls()).hasSize(1);
  }

  // ---- bad input changes nothing and reaches nobody ------------------------------------------

  static Stream<Arguments> refusedBodies() {
    String big = "x".repeat(501);
    StringBuilder many = new StringBuilder("{");
    for (int i = 0; i < 21; i++) {
      many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\": \"v\"");
    }
    many.append("}");
    return Stream.of(
        Arguments.of("{\"amount\": 0}", "invalid_amount", "amount"),
        Arguments.of("{\"amount\": -100}", "invalid_amount", "amount"),
        Arguments.of("{\"amount\": 1.5}", "invalid_amount", "amount"),
        Arguments.of("{\"amount\": 5000.0}", "invalid_amount", "amount"),
        Arguments.of("{\"amount\": \"100\"}", "invalid_amount", "amount"),
        Arguments.of("{\"amount\": 92233720368547758070}", "invalid_amount", "amount"),
        Arguments.of("{\"amount\": null}", "invalid_amount", "amount"),
        Arguments.of("{\"amount\": 100, \"currency\": \"CLP\"}", "unknown_parameter", "currency"),
        Arguments.of("{\"resource_id\": \"pi_other\"}", "unknown_parameter", "resource_id"),
        Arguments.of("{\"amount\": 100", "invalid_json", null),
        Arguments.of("[100]", "invalid_json", null),
        Arguments.of("{\"reason\": \"" + big + "\"}", "invalid_reason", "reason"),
        Arguments.of("{\"reason\": 7}", "invalid_reason", "reason"),
        Arguments.of("{\"metadata\": \"x\"}", "invalid_metadata", "metadata"),
        Arguments.of("{\"metadata\": " + many + "}", "invalid_metadata", "metadata"),
        Arguments.of("{\"metadata\": {\"n\": 1}}", "invalid_metadata", "metadata.n"),
        Arguments.of(
            "{\"metadata\": {\"bad key\": \"v\"}}", "invalid_metadata", "metadata.bad key"),
        Arguments.of(
            "{\"metadata\": {\"checkout_session_id\": \"cs_other\"}}",
            "metadata_key_reserved",
            "metadata.checkout_session_id"),
        Arguments.of(
            "{\"metadata\": {\"checkout_refund_id\": \"rf_x\"}}",
            "metadata_key_reserved",
            "metadata.checkout_refund_id"),
        Arguments.of(
            "{\"metadata\": {\"order_id\": \"order-other\"}}",
            "metadata_key_reserved",
            "metadata.order_id"),
        Arguments.of(
            "{\"metadata\": {\"reason\": \"x\"}}", "metadata_key_reserved", "metadata.reason"));
  }

  @ParameterizedTest(name = "{0} is a 400 {1} naming {2}")
  @MethodSource("refusedBodies")
  void aBodyThatIsNotARefundIsRefused400NamingTheFieldChangingNothingAndSendingNothing(
      String requestBody, String code, String param) {
    Map<String, Map<String, AttributeValue>> before = items();

    APIGatewayV2HTTPResponse response = refund("return-1", requestBody);

    assertThat(error(response)).isEqualTo("400 " + code);
    assertThat(body(response).at("/error/param").textValue()).isEqualTo(param);
    assertThat(items()).isEqualTo(before);
    assertThat(fintocRefundCalls()).isEmpty();
  }

  @Test
  void aRequestWithoutAnIdempotencyKeyIsRefused400ChangingNothingAndSendingNothing() {
    Map<String, Map<String, AttributeValue>> before = items();

    APIGatewayV2HTTPResponse response = refund(null, "{\"amount\": 5000}");

    assertThat(error(response)).isEqualTo("400 missing_idempotency_key");
    assertThat(body(response).at("/error/param").asText()).isEqualTo("Idempotency-Key");
    assertThat(error(refund("key with spaces", "{}"))).isEqualTo("400 invalid_idempotency_key");
    assertThat(items()).isEqualTo(before);
    assertThat(fintocRefundCalls()).isEmpty();
  }

  @Test
  void moreThanRemainsIsRefused422ChangingNothingAndSendingNothing() {
    Map<String, Map<String, AttributeValue>> before = items();

    assertThat(error(refund("return-1", "{\"amount\": 15001}")))
        .isEqualTo("422 amount_exceeds_refundable");

    assertThat(items()).isEqualTo(before);
    assertThat(fintocRefundCalls()).isEmpty();
    refund("return-2", "{\"amount\": 10000}");
    Map<String, Map<String, AttributeValue>> held = items();
    assertThat(error(refund("return-3", "{\"amount\": 5001}")))
        .isEqualTo("422 amount_exceeds_refundable");
    assertThat(items()).isEqualTo(held);
    assertThat(fintocRefundCalls()).hasSize(1);
  }

  @Test
  void anUnknownOrMalformedSessionIs404AndAnUnpaidOneIs409ChangingNothingAndSendingNothing() {
    sessions.insert(TestSessions.open("cs_test_unpaid", "order-43", EXPIRES));
    Map<String, Map<String, AttributeValue>> before = items();

    assertThat(error(handler.handleRequest(post("cs_test_nobody", "k", "{}").event(), null)))
        .isEqualTo("404 session_not_found");
    assertThat(error(handler.handleRequest(post("../x", "k", "{}").event(), null)))
        .isEqualTo("404 session_not_found");
    assertThat(error(handler.handleRequest(post("cs_test_unpaid", "k", "{}").event(), null)))
        .isEqualTo("409 session_not_paid");
    assertThat(error(list("cs_test_nobody"))).isEqualTo("404 session_not_found");

    assertThat(items()).isEqualTo(before);
    assertThat(fintocRefundCalls()).isEmpty();
  }

  // ---- money never goes back twice -----------------------------------------------------------

  /**
   * Holds each of the first two transactions until both have arrived: both requests have read the
   * payment's ledger before either writes, the race the ledger's condition must decide.
   */
  static final class BothReadBeforeEitherWrites implements ExecutionInterceptor {
    final CountDownLatch arrived = new CountDownLatch(2);
    final AtomicInteger transactions = new AtomicInteger();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      if (context.request() instanceof TransactWriteItemsRequest
          && transactions.incrementAndGet() <= 2) {
        arrived.countDown();
        try {
          if (!arrived.await(20, TimeUnit.SECONDS)) {
            throw new AssertionError("the other request never reached its reservation");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  @Test
  void twoConcurrentRefundsThatTogetherExceedThePaymentCannotBothPass() throws Exception {
    BothReadBeforeEitherWrites race = new BothReadBeforeEitherWrites();
    DynamoDbClient racing = stack.dynamo.client(race);
    List<RefundsHandler> containers =
        List.of(
            new RefundsHandler(TestStack.platform(config).dynamo(racing).build()),
            new RefundsHandler(TestStack.platform(config).dynamo(racing).build()));
    ExecutorService threads = Executors.newFixedThreadPool(2);
    List<String> answers = new ArrayList<>();
    try {
      List<Future<APIGatewayV2HTTPResponse>> calls = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        RefundsHandler container = containers.get(i);
        String key = "return-" + i;
        calls.add(
            threads.submit(
                () -> container.handleRequest(post(CS, key, "{\"amount\": 10000}").event(), null)));
      }
      for (Future<APIGatewayV2HTTPResponse> call : calls) {
        APIGatewayV2HTTPResponse response = call.get(60, TimeUnit.SECONDS);
        answers.add(
            response.getStatusCode() == 202
                ? "202 " + body(response).get("status").asText()
                : error(response));
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(race.arrived.getCount()).as("both read before either wrote").isZero();
    assertThat(answers).containsExactlyInAnyOrder("202 pending", "422 amount_exceeds_refundable");
    assertThat(stack.fintoc.refunds().createKeys()).as("creates Fintoc received").hasSize(1);
    assertThat(stack.fintoc.refunds().created()).isEqualTo(1);
    assertThat(ledger().held()).isEqualTo(10000);
    assertThat(ledger().refundIds()).hasSize(1);
  }

  // ---- Fintoc's answers ----------------------------------------------------------------------

  @Test
  void whenFintocDoesNotAnswerTheRefundIsRequestedAndItsAmountStaysHeld() {
    stack.fintoc.refunds().faults().failCreates(1, 503);

    APIGatewayV2HTTPResponse response = refund("return-1", "{\"amount\": 5000}");

    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(202);
    assertThat(body(response).get("status").asText()).isEqualTo("requested");
    assertThat(body(response).get("fintoc_refund_id").isNull()).isTrue();
    assertThat(fintocRefundCalls()).isNotEmpty();
    assertThat(stack.fintoc.refunds().created()).isZero();
    assertThat(ledger().held()).as("held: Fintoc may yet have made it").isEqualTo(5000);
    assertThat(error(refund("return-2", "{\"amount\": 10001}")))
        .isEqualTo("422 amount_exceeds_refundable");
    assertThat(body(list(CS)).at("/refunds/0/status").asText())
        .as(list(CS).getBody() + fintocRefundCalls())
        .isEqualTo("requested");
  }

  @Test
  void aRefundFintocRefusesIs422NamingItsCodeFreesItsAmountAndIsAskedAgainUnderTheNextKey() {
    // Fintoc sees the payment otherwise than our table does (still pending there): it refuses.
    stack.fintoc.holdSession(CS, "finished", PI, "pending");

    APIGatewayV2HTTPResponse refused = refund("return-1", "{\"amount\": 5000}");

    assertThat(error(refused)).isEqualTo("422 refund_rejected");
    assertThat(body(refused).at("/error/message").asText()).contains("invalid_resource_status");
    assertThat(ledger().held()).as("its amount is free again").isZero();
    assertThat(body(list(CS)).at("/refunds/0/status").asText()).isEqualTo("rejected");
    assertThat(stack.fintoc.refunds().created()).isZero();

    stack.fintoc.holdSession(CS, "finished", PI, "succeeded");
    APIGatewayV2HTTPResponse again = refund("return-1", "{\"amount\": 5000}");

    assertThat(again.getStatusCode()).as(again.getBody()).isEqualTo(202);
    assertThat(body(again).get("id").asText())
        .isEqualTo(body(list(CS)).at("/refunds/0/id").asText());
    assertThat(body(again).get("status").asText()).isEqualTo("pending");
    List<String> keys = stack.fintoc.refunds().createKeys();
    assertThat(keys).hasSize(2);
    assertThat(keys.get(1))
        .as("the next generation: under the first key Fintoc would replay its refusal")
        .isNotEqualTo(keys.get(0));
    assertThat(keys.get(0)).endsWith("_1");
    assertThat(keys.get(1)).endsWith("_2");
    assertThat(ledger().held()).isEqualTo(5000);
  }

  // ---- cancel and list -----------------------------------------------------------------------

  @Test
  void aPendingRefundCanBeCanceledAndItsAmountIsFreeAgain() {
    stack.fintoc.refunds().faults().holdPending(1);
    String id = body(refund("return-1", "{\"amount\": 15000}")).get("id").asText();

    APIGatewayV2HTTPResponse canceled = cancel(id);

    assertThat(canceled.getStatusCode()).as(canceled.getBody()).isEqualTo(200);
    assertThat(body(canceled).get("status").asText()).isEqualTo("canceled");
    assertThat(body(canceled).get("id").asText()).isEqualTo(id);
    assertThat(ledger().held()).isZero();
    assertThat(refund("return-2", "{\"amount\": 15000}").getStatusCode())
        .as("the whole payment can go back again")
        .isEqualTo(202);
  }

  @Test
  void aRefundThatSucceededCannotBeCanceled409() {
    // Fintoc moves a refund on as soon as it is looked at again.
    stack.fintoc.refunds().timing(Duration.ZERO, Duration.ZERO);
    String id = body(refund("return-1", "{\"amount\": 5000}")).get("id").asText();

    APIGatewayV2HTTPResponse late = cancel(id);

    assertThat(error(late)).isEqualTo("409 refund_not_cancelable");
    assertThat(body(list(CS)).at("/refunds/0/status").asText())
        .as("what Fintoc said instead is recorded")
        .isEqualTo("succeeded");
    assertThat(ledger().succeeded()).isEqualTo(5000);
    int fintocCalls = fintocRefundCalls().size();
    assertThat(error(cancel(id))).isEqualTo("409 refund_not_cancelable");
    assertThat(fintocRefundCalls()).as("final: Fintoc is not asked").hasSize(fintocCalls);
  }

  @Test
  void anUnknownOrMalformedRefundIdIs404() {
    assertThat(error(cancel(Refunds.idFor(CS, "never")))).isEqualTo("404 refund_not_found");
    assertThat(error(cancel("rf_../../x"))).isEqualTo("404 refund_not_found");
    assertThat(fintocRefundCalls()).isEmpty();
  }

  @Test
  void theListShowsTheSessionsRefundsOldestFirst() {
    assertThat(body(list(CS))).isEqualTo(Json.parse("{\"refunds\": []}"));
    String first = body(refund("return-1", "{\"amount\": 1000}")).get("id").asText();
    String second =
        body(refund("return-2", "{\"amount\": 2000, \"reason\": \"late\"}")).get("id").asText();

    APIGatewayV2HTTPResponse listed = list(CS);

    assertThat(listed.getStatusCode()).isEqualTo(200);
    JsonNode all = body(listed).get("refunds");
    assertThat(all.findValuesAsText("id")).containsExactly(first, second);
    assertThat(all.get(1).get("reason").asText()).isEqualTo("late");
    assertThat(all.get(0).fieldNames()).toIterable().containsExactlyElementsOf(VIEW_FIELDS);
  }
}
