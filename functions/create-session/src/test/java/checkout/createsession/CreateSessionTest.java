package checkout.createsession;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Config;
import checkout.fintoc.FintocClient;
import checkout.fintoc.FintocOptions;
import checkout.json.Json;
import checkout.secrets.SecretSources;
import checkout.testing.ApiEvents;
import checkout.testing.FaultInjector;
import checkout.testing.FintocStub;
import checkout.testing.LogCapture;
import checkout.testing.TestStack;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/** CreateSession end to end: the handler against DynamoDB Local and the Fintoc and Secrets Manager stubs. */
class CreateSessionTest {
  static final TestStack stack = new TestStack();
  static final String CLP_ORDER = """
      {"amount": 15000, "currency": "CLP",
       "success_url": "https://shop.example.com/paid", "cancel_url": "https://shop.example.com/cart",
       "metadata": {"order_id": "order-42"}}""";
  static final String MXN_ORDER = """
      {"amount": 25050, "currency": "MXN",
       "success_url": "https://shop.example.com/paid", "cancel_url": "https://shop.example.com/cart",
       "customer_email": "ana@example.com", "metadata": {"order_id": "order-43"}}""";

  Config config;
  DynamoDbClient dynamo;
  CreateSessionHandler handler;

  @BeforeEach
  void freshTableAndStubs() {
    stack.fintoc.reset();
    stack.secrets.reset();
    config = stack.config("create", Map.of());
    dynamo = stack.dynamo.client();
    handler = new CreateSessionHandler(config, TestStack.CLOCK);
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  APIGatewayV2HTTPResponse create(String body, String idempotencyKey) {
    return create(handler, body, idempotencyKey);
  }

  static APIGatewayV2HTTPResponse create(CreateSessionHandler handler, String body, String idempotencyKey) {
    Map<String, String> headers = idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey);
    return handler.handleRequest(ApiEvents.post("/checkout-sessions", body, headers), null);
  }

  static JsonNode body(APIGatewayV2HTTPResponse response) {
    return Json.parse(response.getBody());
  }

  List<Map<String, AttributeValue>> rows(String prefix) {
    List<Map<String, AttributeValue>> rows = new ArrayList<>();
    dynamo.scanPaginator(r -> r.tableName(config.required("SESSIONS_TABLE"))).items().forEach(item -> {
      if (item.get("pk").s().startsWith(prefix)) {
        rows.add(item);
      }
    });
    return rows;
  }

  @Test
  void aClpOrderIsCreatedAtFintocStoredAndAnsweredWithItsRedirectUrl() {
    APIGatewayV2HTTPResponse response = create(CLP_ORDER, "order-42-attempt");

    assertThat(response.getStatusCode()).isEqualTo(201);
    JsonNode body = body(response);
    assertThat(body.get("id").asText()).isEqualTo("cs_test_000001");
    assertThat(body.get("redirect_url").asText()).isEqualTo("https://checkout.fintoc.com/checkout_sessions/cs_test_000001");
    assertThat(body.get("status").asText()).isEqualTo("created");
    assertThat(body.get("amount").asLong()).isEqualTo(15000);
    assertThat(body.get("currency").asText()).isEqualTo("CLP");
    assertThat(body.get("expires_at").asText()).isEqualTo("2026-11-22T12:00:00Z");
    assertThat(body.size()).isEqualTo(6);

    Map<String, AttributeValue> row = rows("SESSION#").get(0);
    assertThat(row.get("status").s()).isEqualTo("created");
    assertThat(row.get("amount").n()).isEqualTo("15000");
    assertThat(row.get("order_reference").s()).isEqualTo("order-42");
    assertThat(row.get("redirect_url").s()).isEqualTo(body.get("redirect_url").asText());
    assertThat(row.get("success_url").s()).isEqualTo("https://shop.example.com/paid");
    assertThat(row.get("version").n()).isEqualTo("1");
    assertThat(row).doesNotContainKey("payment_status");
    assertThat(row.get("open_shard").s()).startsWith("OPEN#");
    assertThat(row.get("open_expires_at").n()).isEqualTo(Long.toString(java.time.Instant.parse("2026-11-22T12:00:00Z").getEpochSecond()));
  }

  @Test
  void fintocIsCalledWithTheRawKeyTheApiVersionAndTheClientsIdempotencyKey() {
    create(CLP_ORDER, "order-42-attempt");

    LoggedRequest sent = stack.fintoc.createRequests().get(0);
    assertThat(sent.getHeader("Authorization")).isEqualTo(FintocStub.SECRET_KEY);
    assertThat(sent.getHeader("Fintoc-Version")).isEqualTo("2026-02-01");
    assertThat(sent.getHeader("Idempotency-Key")).isEqualTo("order-42-attempt");
    assertThat(Json.parse(sent.getBodyAsString())).isEqualTo(Json.parse(CLP_ORDER));
  }

  @Test
  void anMxnOrderIsCreatedInCentavos() {
    APIGatewayV2HTTPResponse response = create(MXN_ORDER, null);

    assertThat(response.getStatusCode()).isEqualTo(201);
    assertThat(body(response).get("currency").asText()).isEqualTo("MXN");
    assertThat(body(response).get("amount").asLong()).isEqualTo(25050);
    assertThat(rows("SESSION#").get(0).get("currency").s()).isEqualTo("MXN");
  }

  @Test
  void anInvalidRequestIsAnsweredWithTheErrorBodyAndReachesNeitherFintocNorTheTable() {
    APIGatewayV2HTTPResponse response = create(CLP_ORDER.replace("\"CLP\"", "\"USD\""), null);

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(response.getHeaders()).containsEntry("content-type", "application/json; charset=utf-8");
    assertThat(body(response)).isEqualTo(Json.parse(
        "{\"error\": {\"code\": \"invalid_currency\", \"message\": \"currency must be \\\"CLP\\\" or \\\"MXN\\\".\", \"param\": \"currency\"}}"));
    assertThat(stack.fintoc.createRequests()).isEmpty();
    assertThat(rows("")).isEmpty();
  }

  @Test
  void anInvalidIdempotencyKeyIsRefused() {
    APIGatewayV2HTTPResponse response = create(CLP_ORDER, "x".repeat(256));

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(body(response).at("/error/code").asText()).isEqualTo("invalid_idempotency_key");
    assertThat(stack.fintoc.createRequests()).isEmpty();
  }

  @Test
  void aBase64EncodedBodyIsDecodedFirst() {
    var event = ApiEvents.post("/checkout-sessions",
        java.util.Base64.getEncoder().encodeToString(CLP_ORDER.getBytes(java.nio.charset.StandardCharsets.UTF_8)), Map.of());
    event.setIsBase64Encoded(true);

    assertThat(handler.handleRequest(event, null).getStatusCode()).isEqualTo(201);
  }

  @Test
  void sendingTheSameIdempotencyKeyTwiceReturnsTheSameSessionWithOneFintocSessionAndOneRow() {
    JsonNode first = body(create(CLP_ORDER, "key-1"));
    APIGatewayV2HTTPResponse second = create(CLP_ORDER, "key-1");

    assertThat(second.getStatusCode()).isEqualTo(201);
    assertThat(body(second)).isEqualTo(first);
    assertThat(stack.fintoc.createRequests()).hasSize(1);
    assertThat(rows("SESSION#")).hasSize(1);
  }

  @Test
  void withoutAnIdempotencyKeyTheSameOrderContentReturnsTheSameSession() {
    JsonNode first = body(create(CLP_ORDER, null));
    JsonNode second = body(create(CLP_ORDER.replace("{\"order_id\"", "{ \"order_id\""), null));
    JsonNode other = body(create(MXN_ORDER, null));

    assertThat(second.get("id")).isEqualTo(first.get("id"));
    assertThat(other.get("id")).isNotEqualTo(first.get("id"));
    assertThat(stack.fintoc.sessionsCreated()).isEqualTo(2);
    assertThat(stack.fintoc.createRequests().get(0).getHeader("Idempotency-Key")).startsWith("fcl-").hasSize(68);
  }

  @Test
  void reusingAnIdempotencyKeyForADifferentOrderIsRefusedWith422() {
    create(CLP_ORDER, "key-1");
    APIGatewayV2HTTPResponse response = create(MXN_ORDER, "key-1");

    assertThat(response.getStatusCode()).isEqualTo(422);
    assertThat(body(response).at("/error/code").asText()).isEqualTo("idempotency_key_reused");
    assertThat(stack.fintoc.createRequests()).hasSize(1);
  }

  @Test
  void concurrentRequestsWithOneIdempotencyKeyAllReturnTheSameSessionFromOneFintocCall() throws Exception {
    int requests = 8;
    ExecutorService pool = Executors.newFixedThreadPool(requests);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<APIGatewayV2HTTPResponse>> responses = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      // One handler per request, as concurrent requests reach separate Lambda containers.
      CreateSessionHandler container = new CreateSessionHandler(config, TestStack.CLOCK);
      responses.add(pool.submit(() -> {
        start.await();
        return create(container, CLP_ORDER, "double-click");
      }));
    }
    start.countDown();

    List<String> ids = new ArrayList<>();
    for (Future<APIGatewayV2HTTPResponse> response : responses) {
      assertThat(response.get().getStatusCode()).isEqualTo(201);
      ids.add(body(response.get()).get("id").asText());
    }
    pool.shutdown();
    assertThat(ids).containsOnly("cs_test_000001");
    assertThat(stack.fintoc.createRequests()).hasSize(1);
    assertThat(rows("SESSION#")).hasSize(1);
  }

  @Test
  void whenStoringFailsAfterFintocCreatedTheSessionARetryWithTheSameKeyFinishesTheJob() {
    FaultInjector faults = new FaultInjector();
    DynamoDbClient flaky = stack.dynamo.client(faults);
    CreateSessionHandler flakyHandler = new CreateSessionHandler(config, flaky,
        new FintocClient(FintocOptions.fromConfig(config), SecretSources.fromConfig(config, TestStack.CLOCK)),
        TestStack.CLOCK);
    faults.failNext(1, request -> request instanceof PutItemRequest put
        && put.item().get("pk").s().startsWith("SESSION#"));

    APIGatewayV2HTTPResponse failed = create(flakyHandler, CLP_ORDER, "key-1");

    assertThat(failed.getStatusCode()).isEqualTo(503);
    assertThat(body(failed).at("/error/code").asText()).isEqualTo("storage_unavailable");
    assertThat(failed.getHeaders()).containsEntry("retry-after", "1");
    assertThat(faults.injected()).isEqualTo(1);
    assertThat(rows("")).as("the claim was released, nothing half-written").isEmpty();

    APIGatewayV2HTTPResponse retried = create(flakyHandler, CLP_ORDER, "key-1");

    assertThat(retried.getStatusCode()).isEqualTo(201);
    assertThat(body(retried).get("id").asText()).isEqualTo("cs_test_000001");
    assertThat(stack.fintoc.createRequests()).hasSize(2);
    assertThat(stack.fintoc.sessionsCreated()).as("Fintoc replayed the first session").isEqualTo(1);
    assertThat(rows("SESSION#")).hasSize(1);
  }

  @Test
  void aRejectionFromFintocIsPassedOnAsA4xxWithFintocsCodeAndParam() {
    stack.fintoc.server().stubFor(post(urlEqualTo("/v2/checkout_sessions")).atPriority(1).willReturn(aResponse()
        .withStatus(400).withHeader("Content-Type", "application/json")
        .withBody(FintocStub.errorBody("invalid_request_error", "invalid_expires_at", "expires_at is too far in the future", "expires_at"))));

    APIGatewayV2HTTPResponse response = create(CLP_ORDER, null);

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(body(response).at("/error/code").asText()).isEqualTo("fintoc_invalid_expires_at");
    assertThat(body(response).at("/error/param").asText()).isEqualTo("expires_at");
    assertThat(body(response).at("/error/message").asText()).contains("expires_at is too far in the future");
    assertThat(stack.fintoc.createRequests()).as("a 4xx is not retried").hasSize(1);
    assertThat(rows("")).isEmpty();
  }

  @Test
  void aConflictFromFintocStaysA409() {
    stack.fintoc.server().stubFor(post(urlEqualTo("/v2/checkout_sessions")).atPriority(1).willReturn(aResponse()
        .withStatus(409).withHeader("Content-Type", "application/json")
        .withBody(FintocStub.errorBody("invalid_request_error", "customer_already_exists", "A customer with this tax_id exists", "customer_data"))));

    APIGatewayV2HTTPResponse response = create(CLP_ORDER, null);

    assertThat(response.getStatusCode()).isEqualTo(409);
    assertThat(body(response).at("/error/code").asText()).isEqualTo("fintoc_customer_already_exists");
  }

  @Test
  void aRefusedKeyIsA502AndAnErrorLogThatNeverShowsTheKey() {
    stack.fintoc.acceptOnlyKey("sk_test_someone_else");

    try (LogCapture logs = new LogCapture()) {
      APIGatewayV2HTTPResponse response = create(CLP_ORDER, null);

      assertThat(response.getStatusCode()).isEqualTo(502);
      assertThat(body(response).at("/error/code").asText()).isEqualTo("fintoc_authentication_failed");
      assertThat(response.getBody()).doesNotContain(FintocStub.SECRET_KEY);
      assertThat(logs.lines()).anySatisfy(line -> assertThat(line).startsWith("ERROR").contains("fintoc_authentication_failed"));
      assertThat(logs.all()).doesNotContain(FintocStub.SECRET_KEY).doesNotContain("sk_test_someone_else");
    }
    assertThat(stack.secrets.reads()).as("read once, refreshed once on 401").isEqualTo(2);
    assertThat(rows("")).isEmpty();
  }

  @Test
  void aKeyRotatedSinceTheContainerCachedItIsPickedUpOnTheFirst401() {
    assertThat(create(CLP_ORDER, null).getStatusCode()).isEqualTo(201);
    stack.secrets.holdSecret("sk_test_rotated", "whsec_rotated");
    stack.fintoc.acceptOnlyKey("sk_test_rotated");

    APIGatewayV2HTTPResponse response = create(MXN_ORDER, null);

    assertThat(response.getStatusCode()).isEqualTo(201);
    assertThat(stack.secrets.reads()).isEqualTo(2);
  }

  @Test
  void theSecretIsReadOncePerContainerNotPerRequest() {
    create(CLP_ORDER, null);
    create(MXN_ORDER, null);

    assertThat(stack.secrets.reads()).isEqualTo(1);
  }

  @Test
  void anUnreadableSecretIsA503ThatNamesNoSecret() {
    stack.secrets.denyAccess();

    APIGatewayV2HTTPResponse response = create(CLP_ORDER, null);

    assertThat(response.getStatusCode()).isEqualTo(503);
    assertThat(body(response).at("/error/code").asText()).isEqualTo("secret_unavailable");
    assertThat(stack.fintoc.createRequests()).isEmpty();
  }

  @Test
  void aRateLimitIsRetriedAndTheRetrySucceeds() {
    stack.fintoc.server().stubFor(post(urlEqualTo("/v2/checkout_sessions")).atPriority(1)
        .inScenario("busy").whenScenarioStateIs(STARTED).willSetStateTo("calm")
        .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
            .withBody(FintocStub.errorBody("rate_limit_error", "rate_limit_exceeded", "Too many requests", null))));

    APIGatewayV2HTTPResponse response = create(CLP_ORDER, null);

    assertThat(response.getStatusCode()).isEqualTo(201);
    assertThat(stack.fintoc.createRequests()).hasSize(2);
    assertThat(stack.fintoc.createRequests()).extracting(r -> r.getHeader("Idempotency-Key")).containsOnly(
        stack.fintoc.createRequests().get(0).getHeader("Idempotency-Key"));
  }

  @Test
  void aRateLimitOnEveryAttemptIsA503() {
    stack.fintoc.server().stubFor(post(urlEqualTo("/v2/checkout_sessions")).atPriority(1)
        .willReturn(aResponse().withStatus(429)));

    APIGatewayV2HTTPResponse response = create(CLP_ORDER, null);

    assertThat(response.getStatusCode()).isEqualTo(503);
    assertThat(body(response).at("/error/code").asText()).isEqualTo("fintoc_rate_limited");
    assertThat(stack.fintoc.createRequests()).hasSize(3);
  }

  @Test
  void aServerErrorOnEveryAttemptIsA502AfterThreeAttempts() {
    stack.fintoc.server().stubFor(post(urlEqualTo("/v2/checkout_sessions")).atPriority(1)
        .willReturn(aResponse().withStatus(503).withBody("<html>Service Unavailable</html>")));

    APIGatewayV2HTTPResponse response = create(CLP_ORDER, null);

    assertThat(response.getStatusCode()).isEqualTo(502);
    assertThat(body(response).at("/error/code").asText()).isEqualTo("fintoc_unavailable");
    assertThat(stack.fintoc.createRequests()).hasSize(3);
    assertThat(rows("")).as("nothing stored, the key released for a retry").isEmpty();
  }

  @Test
  void aFintocThatDoesNotAnswerInTimeIsA504() {
    stack.fintoc.server().stubFor(post(urlEqualTo("/v2/checkout_sessions")).atPriority(1)
        .willReturn(aResponse().withStatus(201).withFixedDelay(3_000)));
    CreateSessionHandler impatient = new CreateSessionHandler(
        config.with(Map.of("FINTOC_READ_TIMEOUT_MS", "200", "FINTOC_MAX_ATTEMPTS", "2")), TestStack.CLOCK);

    APIGatewayV2HTTPResponse response = create(impatient, CLP_ORDER, null);

    assertThat(response.getStatusCode()).isEqualTo(504);
    assertThat(body(response).at("/error/code").asText()).isEqualTo("fintoc_timeout");
    assertThat(stack.fintoc.createRequests()).hasSize(2);
  }

  @Test
  void aFintocThatCannotBeReachedIsA502() {
    int closedPort = checkout.testing.DynamoDbLocal.freePort();
    CreateSessionHandler unreachable = new CreateSessionHandler(
        config.with(Map.of("FINTOC_API_URL", "http://127.0.0.1:" + closedPort)), TestStack.CLOCK);

    APIGatewayV2HTTPResponse response = create(unreachable, CLP_ORDER, null);

    assertThat(response.getStatusCode()).isEqualTo(502);
    assertThat(body(response).at("/error/code").asText()).isEqualTo("fintoc_unavailable");
  }

  @Test
  void aSessionAWebhookStoredFirstIsNotOverwritten() {
    // Fintoc replays cs_test_000001 for this key; a newer state of it is already stored.
    create(CLP_ORDER, "key-1");
    String table = config.required("SESSIONS_TABLE");
    dynamo.updateItem(r -> r.tableName(table).key(Map.of("pk", AttributeValue.fromS("SESSION#cs_test_000001")))
        .updateExpression("SET #s = :finished").expressionAttributeNames(Map.of("#s", "status"))
        .expressionAttributeValues(Map.of(":finished", AttributeValue.fromS("finished"))));
    dynamo.deleteItem(r -> r.tableName(table).key(Map.of("pk", AttributeValue.fromS("IDEMPOTENCY#client:key-1"))));

    APIGatewayV2HTTPResponse response = create(CLP_ORDER, "key-1");

    assertThat(body(response).get("status").asText()).isEqualTo("finished");
    assertThat(rows("SESSION#").get(0).get("status").s()).isEqualTo("finished");
  }
}
