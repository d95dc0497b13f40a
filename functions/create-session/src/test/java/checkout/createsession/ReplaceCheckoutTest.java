package checkout.createsession;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Config;
import checkout.fintoc.FintocClient;
import checkout.http.ApiEvent;
import checkout.json.Json;
import checkout.session.Observation;
import checkout.session.PaymentStatus;
import checkout.session.SessionStatus;
import checkout.store.SessionRepository;
import checkout.store.SessionUpdater;
import checkout.testing.FintocStub;
import checkout.testing.LogCapture;
import checkout.testing.OrderTokens;
import checkout.testing.SecretsManagerStub;
import checkout.testing.TestCatalog;
import checkout.testing.TestStack;
import checkout.time.Sleeper;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A changed order replaces the checkout its browser opened before ({@code replaces}): the old one
 * is expired at Fintoc while nobody has started paying it, or nothing new opens. Against DynamoDB
 * Local and the Fintoc simulator (which expires only a {@code created} session and refuses paying
 * an expired one).
 */
class ReplaceCheckoutTest {
  static final TestStack stack = new TestStack();

  /** 15 000 CLP: one Café de grano. */
  static final String CART =
      """
      {"line_items": [{"price": "price_grano_1kg", "quantity": 1}],
       "success_url": "https://shop.example.com/paid", "cancel_url": "https://shop.example.com/cart",
       "metadata": {"order_id": "web-1"}}""";

  /** The same cart, changed: two of them and a cup (38 500 CLP). */
  static final String CHANGED_CART =
      """
      {"line_items": [{"price": "price_grano_1kg", "quantity": 2}, {"price": "price_taza", "quantity": 1}],
       "success_url": "https://shop.example.com/paid", "cancel_url": "https://shop.example.com/cart",
       "metadata": {"order_id": "web-1"}%s}""";

  Config config;
  DynamoDbClient dynamo;
  CreateSessionHandler handler;

  @BeforeEach
  void freshTableCatalogAndFintoc() {
    stack.fintoc.reset();
    stack.secrets.reset();
    config = stack.config("replace", Map.of());
    dynamo = stack.dynamo.client();
    TestCatalog.load(stack, config);
    handler = new CreateSessionHandler(TestStack.platform(config).build());
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  APIGatewayV2HTTPResponse create(String body, String idempotencyKey) {
    Map<String, String> headers =
        idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey);
    return handler.handleRequest(ApiEvent.post("/checkout-sessions", body, headers), null);
  }

  static JsonNode body(APIGatewayV2HTTPResponse response) {
    return Json.parse(response.getBody());
  }

  /** {@code , "replaces": {…}} to put at the end of a body. */
  static String replacing(String sessionId, String secret) {
    return ", \"replaces\": "
        + Json.write(Json.object().put("session_id", sessionId).put("checkout_secret", secret));
  }

  static String replacing(JsonNode opened) {
    return replacing(opened.get("id").asText(), opened.get("checkout_secret").asText());
  }

  static String changedCart(String replaces) {
    return CHANGED_CART.formatted(replaces);
  }

  static String signedCheckout(String orderId, long amount, String replaces) {
    ObjectNode claims =
        OrderTokens.order(orderId, amount, "CLP", TestStack.NOW.plus(Duration.ofMinutes(30)));
    return """
        {"order_token": "%s", "success_url": "https://shop.example.com/paid", "cancel_url": "https://shop.example.com/cart"%s}"""
        .formatted(OrderTokens.sign(claims, SecretsManagerStub.ORDER_SIGNING_SECRET), replaces);
  }

  String stored(String sessionId, String attribute) {
    Map<String, AttributeValue> item =
        dynamo
            .getItem(
                r ->
                    r.tableName(config.required("SESSIONS_TABLE"))
                        .key(Map.of("pk", AttributeValue.fromS("SESSION#" + sessionId))))
            .item();
    AttributeValue value = item.get(attribute);
    return value == null ? null : value.s() != null ? value.s() : String.valueOf(value.bool());
  }

  List<Map<String, AttributeValue>> rows(String prefix) {
    List<Map<String, AttributeValue>> rows = new ArrayList<>();
    dynamo
        .scanPaginator(r -> r.tableName(config.required("SESSIONS_TABLE")))
        .items()
        .forEach(
            item -> {
              if (item.get("pk").s().startsWith(prefix)) {
                rows.add(item);
              }
            });
    return rows;
  }

  List<LoggedRequest> expireRequests() {
    return stack
        .fintoc
        .server()
        .findAll(postRequestedFor(urlPathMatching("/v2/checkout_sessions/[^/]+/expire")));
  }

  /** What Fintoc was asked, in order: {@code POST /v2/checkout_sessions}, … */
  List<String> fintocCalls() {
    return stack.fintoc.server().findAll(anyRequestedFor(anyUrl())).stream()
        .map(r -> r.getMethod().getName() + " " + r.getUrl())
        .toList();
  }

  void record(Observation fact) {
    new SessionUpdater(
            new SessionRepository(dynamo, config.required("SESSIONS_TABLE")),
            TestStack.CLOCK,
            Sleeper.REAL)
        .record(fact, null, null);
  }

  // ---- the secret ----------------------------------------------------------------------------

  @Test
  void theCreateAnswerCarriesACheckoutSecretThatEveryReplayRepeatsAndNothingStores() {
    JsonNode first = body(create(CART, "key-1"));
    JsonNode replay = body(create(CART, "key-1"));
    JsonNode other = body(create(CART, "key-2"));

    String secret = first.get("checkout_secret").asText();
    assertThat(secret).matches("[0-9a-f]{64}");
    assertThat(replay.get("checkout_secret").asText()).isEqualTo(secret);
    assertThat(other.get("checkout_secret").asText())
        .as("another checkout, another secret")
        .isNotEqualTo(secret);
    assertThat(stack.fintoc.sessionsCreated()).isEqualTo(2);
    // GetSession answers from the table alone: what is not stored, it cannot show.
    assertThat(rows("")).allSatisfy(item -> assertThat(item.toString()).doesNotContain(secret));
  }

  @Test
  void theSecretDependsOnTheFintocKeySoRotatingTheKeyEndsEveryOutstandingOne() {
    JsonNode opened = body(create(CART, "key-1"));
    String rotated = "sk_test_rotated_0123456789";
    stack.fintoc.acceptOnlyKey(rotated);
    stack.secrets.holdSecret(
        rotated, SecretsManagerStub.WEBHOOK_SECRET, SecretsManagerStub.ORDER_SIGNING_SECRET);
    handler = new CreateSessionHandler(TestStack.platform(config).build());

    APIGatewayV2HTTPResponse replaced = create(changedCart(replacing(opened)), "key-2");

    assertThat(replaced.getStatusCode()).isEqualTo(403);
    assertThat(body(replaced).at("/error/code").asText()).isEqualTo("replace_not_allowed");
    assertThat(expireRequests()).isEmpty();
  }

  // ---- a changed catalog cart ----------------------------------------------------------------

  @Test
  void aChangedCartExpiresTheOldCheckoutAtFintocBeforeTheNewOneOpensAndTheOldOneCannotBePaid() {
    JsonNode opened = body(create(CART, "key-1"));
    String old = opened.get("id").asText();

    try (LogCapture logs = new LogCapture()) {
      APIGatewayV2HTTPResponse response = create(changedCart(replacing(opened)), "key-2");

      assertThat(response.getStatusCode()).isEqualTo(201);
      JsonNode created = body(response);
      assertThat(created.get("id").asText()).isNotEqualTo(old);
      assertThat(created.get("amount").asLong()).isEqualTo(38500);
      assertThat(created.get("checkout_secret").asText())
          .isNotEqualTo(opened.get("checkout_secret").asText());
      assertThat(fintocCalls())
          .containsExactly(
              "POST /v2/checkout_sessions",
              "POST /v2/checkout_sessions/" + old + "/expire",
              "POST /v2/checkout_sessions");
      assertThat(logs.all())
          .as("the secret is never logged")
          .contains("checkout_replaced")
          .doesNotContain(opened.get("checkout_secret").asText());
    }
    LoggedRequest expire = expireRequests().get(0);
    assertThat(expire.getHeader("Authorization")).isEqualTo(FintocStub.SECRET_KEY);
    assertThat(expire.getHeader("Fintoc-Version")).isEqualTo(FintocClient.API_VERSION);
    assertThat(expire.containsHeader("Idempotency-Key"))
        .as("expiring twice is harmless; a key would replay a stored 5xx")
        .isFalse();
    assertThat(stored(old, "status")).as("stored as a webhook would").isEqualTo("expired");
    assertThat(stack.fintoc.choose(old, "succeeded"))
        .as("Fintoc refuses paying the old checkout")
        .isEqualTo(409);
  }

  @Test
  void aRetryOfTheReplacingRequestGetsTheSameNewCheckoutAndEndsNothingMore() {
    JsonNode opened = body(create(CART, "key-1"));
    String request = changedCart(replacing(opened));

    JsonNode first = body(create(request, "key-2"));
    APIGatewayV2HTTPResponse retry = create(request, "key-2");

    assertThat(retry.getStatusCode()).isEqualTo(201);
    assertThat(body(retry)).isEqualTo(first);
    assertThat(expireRequests()).hasSize(1);
    assertThat(stack.fintoc.sessionsCreated()).isEqualTo(2);
  }

  @Test
  void replacingACheckoutThatAlreadyExpiredUnpaidJustOpensTheNewOne() {
    JsonNode opened = body(create(CART, "key-1"));
    record(
        Observation.sessionStatus(
            opened.get("id").asText(), SessionStatus.EXPIRED, TestStack.NOW, false));

    APIGatewayV2HTTPResponse response = create(changedCart(replacing(opened)), "key-2");

    assertThat(response.getStatusCode()).isEqualTo(201);
    assertThat(expireRequests()).as("nothing left to end").isEmpty();
  }

  @Test
  void theSameIdempotencyKeyWithAnotherOrderIsStill422AndEndsNothing() {
    JsonNode opened = body(create(CART, "key-1"));

    APIGatewayV2HTTPResponse reused = create(changedCart(replacing(opened)), "key-1");

    assertThat(reused.getStatusCode()).isEqualTo(422);
    assertThat(body(reused).at("/error/code").asText()).isEqualTo("idempotency_key_reused");
    assertThat(expireRequests()).isEmpty();
    assertThat(stored(opened.get("id").asText(), "status")).isEqualTo("created");
  }

  @Test
  void aChangedCartThatCannotBeSoldEndsNothing() {
    JsonNode opened = body(create(CART, "key-1"));

    APIGatewayV2HTTPResponse refused =
        create(changedCart(replacing(opened)).replace("price_taza", "price_gone"), "key-2");

    assertThat(refused.getStatusCode()).isEqualTo(400);
    assertThat(expireRequests()).isEmpty();
    assertThat(stored(opened.get("id").asText(), "status")).isEqualTo("created");
  }

  // ---- a re-signed order ---------------------------------------------------------------------

  /** A catalog cart of {@code quantity} café de grano, under the storefront's label web-9. */
  static String cart(int quantity, String replaces) {
    return """
        {"line_items": [{"price": "price_grano_1kg", "quantity": %d}],
         "success_url": "https://shop.example.com/paid", "cancel_url": "https://shop.example.com/cart",
         "metadata": {"order_id": "web-9"}%s}"""
        .formatted(quantity, replaces);
  }

  @Test
  void aCheckoutIsReplacedByOneOrderOnlyEvenFromTwoTabsHoldingItsSecret() {
    JsonNode opened = body(create(cart(1, ""), "tab-key-1"));

    APIGatewayV2HTTPResponse tabA = create(cart(2, replacing(opened)), "tab-key-2");
    APIGatewayV2HTTPResponse tabB = create(cart(3, replacing(opened)), "tab-key-3");
    APIGatewayV2HTTPResponse tabAAgain = create(cart(2, replacing(opened)), "tab-key-2");

    assertThat(tabA.getStatusCode()).isEqualTo(201);
    assertThat(tabB.getStatusCode()).as(tabB.getBody()).isEqualTo(409);
    assertThat(body(tabB).at("/error/code").asText()).isEqualTo("checkout_already_replaced");
    assertThat(body(tabAAgain).get("id").asText())
        .as("the replacing order's own retry still gets its checkout")
        .isEqualTo(body(tabA).get("id").asText());
    assertThat(stack.fintoc.sessionsCreated()).as("the first and tab A's only").isEqualTo(2);
  }

  @Test
  void replacingWithoutAnIdempotencyKeyIsRefusedAndEndsNothing() {
    JsonNode opened = body(create(cart(1, ""), "tab-key-4"));

    APIGatewayV2HTTPResponse keyless = create(cart(2, replacing(opened)), null);

    assertThat(keyless.getStatusCode()).isEqualTo(400);
    assertThat(body(keyless).at("/error/code").asText()).isEqualTo("missing_idempotency_key");
    assertThat(expireRequests()).isEmpty();
    assertThat(stored(opened.get("id").asText(), "status")).isEqualTo("created");
  }

  @Test
  void anOlderSignedOrderNamingTheCurrentCheckoutIsRefusedBeforeItEndsIt() {
    ObjectNode newer =
        OrderTokens.order(
            "order-7700",
            25_000,
            "CLP",
            TestStack.NOW.minusSeconds(60),
            TestStack.NOW.plus(Duration.ofMinutes(30)));
    ObjectNode older =
        OrderTokens.order(
            "order-7700",
            18_990,
            "CLP",
            TestStack.NOW.minusSeconds(600),
            TestStack.NOW.plus(Duration.ofMinutes(30)));
    JsonNode current = body(create(signedWith(newer, ""), null));

    APIGatewayV2HTTPResponse stale = create(signedWith(older, replacing(current)), null);

    assertThat(body(stale).at("/error/code").asText()).isEqualTo("order_token_superseded");
    assertThat(expireRequests()).isEmpty();
    assertThat(stored(current.get("id").asText(), "status")).isEqualTo("created");
  }

  static String signedWith(ObjectNode claims, String replaces) {
    return """
        {"order_token": "%s", "success_url": "https://shop.example.com/paid", "cancel_url": "https://shop.example.com/cart"%s}"""
        .formatted(OrderTokens.sign(claims, SecretsManagerStub.ORDER_SIGNING_SECRET), replaces);
  }

  @Test
  void aReSignedOrderReplacesItsCreatedCheckoutUnderANewFintocKey() {
    JsonNode opened = body(create(signedCheckout("order-7001", 18990, ""), null));
    String old = opened.get("id").asText();

    APIGatewayV2HTTPResponse response =
        create(signedCheckout("order-7001", 25000, replacing(opened)), null);

    assertThat(response.getStatusCode()).isEqualTo(201);
    assertThat(body(response).get("id").asText()).isNotEqualTo(old);
    assertThat(body(response).get("amount").asLong()).isEqualTo(25000);
    List<String> keys = stack.fintoc.createKeys();
    assertThat(keys).hasSize(2);
    assertThat(keys.get(1)).isEqualTo(keys.get(0).replaceAll("_1$", "_2"));
    assertThat(stored(old, "status")).isEqualTo("expired");
    assertThat(stack.fintoc.choose(old, "succeeded")).isEqualTo(409);
  }

  @Test
  void aReSignedOrderWithoutReplacesIsStill409AndSaysHowToReplaceIt() {
    create(signedCheckout("order-7002", 18990, ""), null);

    APIGatewayV2HTTPResponse changed = create(signedCheckout("order-7002", 25000, ""), null);

    assertThat(changed.getStatusCode()).isEqualTo(409);
    assertThat(body(changed).at("/error/code").asText()).isEqualTo("order_session_open");
    assertThat(body(changed).at("/error/message").asText())
        .contains("replaces")
        .contains("checkout_secret");
    assertThat(expireRequests()).isEmpty();
    assertThat(stack.fintoc.sessionsCreated()).isEqualTo(1);
  }

  // ---- a payment that started is never doubled -----------------------------------------------

  @ParameterizedTest(name = "the customer chose {0} on Fintoc''s page; no webhook came")
  @ValueSource(strings = {"in_progress", "created", "pending", "succeeded"})
  void aCheckoutWhosePaymentStartedAtFintocIsNotReplacedAndNothingNewOpens(String outcome) {
    JsonNode opened = body(create(CART, "key-1"));
    String old = opened.get("id").asText();
    assertThat(stack.fintoc.choose(old, outcome)).isEqualTo(303);

    APIGatewayV2HTTPResponse refused = create(changedCart(replacing(opened)), "key-2");

    assertThat(refused.getStatusCode()).isEqualTo(409);
    assertThat(body(refused).at("/error/code").asText()).isEqualTo("checkout_payment_started");
    assertThat(body(refused).at("/error/message").asText())
        .contains("GET /checkout-sessions/" + old)
        .contains("pay again");
    assertThat(expireRequests()).as("Fintoc's expire was the gate").hasSize(1);
    assertThat(stack.fintoc.sessionsCreated()).as("nothing new at Fintoc").isEqualTo(1);
    assertThat(stored(old, "status"))
        .as("what Fintoc said instead is stored")
        .isNotEqualTo("created");
    assertThat(rows("IDEMPOTENCY#"))
        .as("the new key's claim was withdrawn: it works again once the payment failed")
        .hasSize(1);
  }

  @Test
  void aCheckoutWeKnowIsBeingPaidIsRefusedWithoutAskingFintoc() {
    JsonNode opened = body(create(signedCheckout("order-7003", 18990, ""), null));
    String old = opened.get("id").asText();
    record(
        new Observation(
            old,
            SessionStatus.FINISHED,
            new Observation.PaymentFact("pi_1", PaymentStatus.PENDING, null, 18990L, "CLP"),
            TestStack.NOW,
            false));

    APIGatewayV2HTTPResponse refused =
        create(signedCheckout("order-7003", 25000, replacing(opened)), null);

    assertThat(refused.getStatusCode()).isEqualTo(409);
    assertThat(body(refused).at("/error/code").asText()).isEqualTo("checkout_payment_started");
    assertThat(fintocCalls()).containsExactly("POST /v2/checkout_sessions");
  }

  @Test
  void whenFintocCannotBeAskedNothingIsCreatedAndTheRetryWorks() {
    JsonNode opened = body(create(signedCheckout("order-7004", 18990, ""), null));
    String old = opened.get("id").asText();
    StubMapping outage =
        stack
            .fintoc
            .server()
            .stubFor(
                post(urlPathMatching("/v2/checkout_sessions/[^/]+/expire"))
                    .atPriority(1)
                    .willReturn(aResponse().withStatus(503).withBody("<html>busy</html>")));
    String request = signedCheckout("order-7004", 25000, replacing(opened));

    APIGatewayV2HTTPResponse failed = create(request, null);

    assertThat(failed.getStatusCode()).isEqualTo(502);
    assertThat(body(failed).at("/error/code").asText()).isEqualTo("fintoc_unavailable");
    assertThat(failed.getHeaders()).doesNotContainKey("retry-after");
    assertThat(stack.fintoc.sessionsCreated()).isEqualTo(1);
    assertThat(stored(old, "status")).isEqualTo("created");
    assertThat(rows("IDEMPOTENCY#").get(0).get("session_id").s())
        .as("the order's claim still holds its old checkout")
        .isEqualTo(old);

    stack.fintoc.server().removeStub(outage);
    APIGatewayV2HTTPResponse retried = create(request, null);

    assertThat(retried.getStatusCode()).isEqualTo(201);
    assertThat(body(retried).get("amount").asLong()).isEqualTo(25000);
    assertThat(stored(old, "status")).isEqualTo("expired");
    assertThat(stack.fintoc.sessionsCreated()).isEqualTo(2);
  }

  // ---- who may replace -----------------------------------------------------------------------

  @Test
  void onlyTheBrowserThatStartedACheckoutMayReplaceItAndAStrangerLearnsNothing() {
    JsonNode mine = body(create(CART, "key-1"));
    JsonNode someoneElses = body(create(CART, "key-2"));
    String id = mine.get("id").asText();

    List<APIGatewayV2HTTPResponse> refused =
        List.of(
            create(changedCart(replacing(id, "0".repeat(64))), "key-3"),
            create(
                changedCart(replacing(id, someoneElses.get("checkout_secret").asText())), "key-4"),
            create(changedCart(replacing("cs_test_999999", "0".repeat(64))), "key-5"),
            create(
                changedCart(replacing("cs_test_999999", mine.get("checkout_secret").asText())),
                "key-6"));
    APIGatewayV2HTTPResponse noSecret =
        create(changedCart(", \"replaces\": {\"session_id\": \"" + id + "\"}"), "key-7");

    assertThat(refused)
        .allSatisfy(
            response -> {
              assertThat(response.getStatusCode()).isEqualTo(403);
              assertThat(response.getBody())
                  .as("one answer whether or not the session exists")
                  .isEqualTo(refused.get(0).getBody());
            });
    assertThat(body(refused.get(0)).at("/error/code").asText()).isEqualTo("replace_not_allowed");
    assertThat(noSecret.getStatusCode()).isEqualTo(400);
    assertThat(body(noSecret).at("/error/param").asText()).isEqualTo("replaces.checkout_secret");
    assertThat(expireRequests()).as("nothing expired").isEmpty();
    assertThat(stack.fintoc.sessionsCreated()).isEqualTo(2);
    assertThat(stored(id, "status")).isEqualTo("created");
    assertThat(rows("IDEMPOTENCY#")).as("no claim was left behind").hasSize(2);
  }

  @Test
  void knowingTheSessionIdOfASignedOrderIsNotEnoughToReplaceIt() {
    JsonNode opened = body(create(signedCheckout("order-7005", 18990, ""), null));

    APIGatewayV2HTTPResponse refused =
        create(
            signedCheckout(
                "order-7005", 25000, replacing(opened.get("id").asText(), "f".repeat(64))),
            null);

    assertThat(refused.getStatusCode()).isEqualTo(403);
    assertThat(expireRequests()).isEmpty();
    assertThat(stored(opened.get("id").asText(), "status")).isEqualTo("created");
  }
}
