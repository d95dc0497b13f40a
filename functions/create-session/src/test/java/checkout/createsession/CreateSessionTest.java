package checkout.createsession;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import checkout.catalog.Price;
import checkout.config.Config;
import checkout.config.Settings;
import checkout.http.ApiEvent;
import checkout.json.Json;
import checkout.secrets.Digests;
import checkout.session.Observation;
import checkout.session.PaymentStatus;
import checkout.session.SessionStatus;
import checkout.store.CatalogImport;
import checkout.store.PriceRepository;
import checkout.store.SessionRepository;
import checkout.store.SessionUpdater;
import checkout.testing.DynamoDbLocal;
import checkout.testing.FaultInjector;
import checkout.testing.FintocStub;
import checkout.testing.LogCapture;
import checkout.testing.MutableClock;
import checkout.testing.OrderTokens;
import checkout.testing.RecordingSleeper;
import checkout.testing.SecretsManagerStub;
import checkout.testing.TestCatalog;
import checkout.testing.TestContext;
import checkout.testing.TestStack;
import checkout.time.Sleeper;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * CreateSession end to end: the handler against DynamoDB Local and the Fintoc and Secrets Manager
 * stubs.
 */
class CreateSessionTest {
  static final TestStack stack = new TestStack();

  /** 15 000 CLP: one Café de grano from the catalog. */
  static final String CLP_ORDER =
      """
      {"line_items": [{"price": "price_grano_1kg", "quantity": 1}],
       "success_url": "https://shop.example.com/paid", "cancel_url": "https://shop.example.com/cart",
       "metadata": {"order_id": "order-42"}}""";

  /** 25 050 MXN centavos: two Té verde from the catalog. */
  static final String MXN_ORDER =
      """
      {"line_items": [{"price": "price_te_mx", "quantity": 2}],
       "success_url": "https://shop.example.com/paid", "cancel_url": "https://shop.example.com/cart",
       "customer_email": "ana@example.com", "metadata": {"order_id": "order-43"}}""";

  static final String FINTOC_KEY = "fcl_[0-9a-f]{32}_\\d+";

  Config config;
  DynamoDbClient dynamo;
  CreateSessionHandler handler;

  @BeforeEach
  void freshTableCatalogAndStubs() {
    stack.fintoc.reset();
    stack.secrets.reset();
    config = stack.config("create", Map.of());
    dynamo = stack.dynamo.client();
    TestCatalog.load(stack, config);
    handler = new CreateSessionHandler(TestStack.platform(config).build());
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  APIGatewayV2HTTPResponse create(String body, String idempotencyKey) {
    return create(handler, body, idempotencyKey);
  }

  static APIGatewayV2HTTPResponse create(
      CreateSessionHandler handler, String body, String idempotencyKey) {
    Map<String, String> headers =
        idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey);
    return handler.handleRequest(ApiEvent.post("/checkout-sessions", body, headers), null);
  }

  static JsonNode body(APIGatewayV2HTTPResponse response) {
    return Json.parse(response.getBody());
  }

  /** The body of a checkout for an order the merchant's backend signed. */
  static String signedCheckout(ObjectNode claims) {
    return """
        {"order_token": "%s", "success_url": "https://shop.example.com/paid", "cancel_url": "https://shop.example.com/cart"}"""
        .formatted(OrderTokens.sign(claims, SecretsManagerStub.ORDER_SIGNING_SECRET));
  }

  static ObjectNode signedOrder(String orderId, long amount) {
    return OrderTokens.order(orderId, amount, "CLP", TestStack.NOW.plus(Duration.ofMinutes(30)));
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

  /** Everything a create writes: sessions and idempotency claims (the catalog is there before). */
  List<Map<String, AttributeValue>> written() {
    List<Map<String, AttributeValue>> written = rows("SESSION#");
    written.addAll(rows("IDEMPOTENCY#"));
    return written;
  }

  SessionUpdater updater() {
    return new SessionUpdater(
        new SessionRepository(dynamo, config.required("SESSIONS_TABLE")),
        TestStack.CLOCK,
        Sleeper.REAL);
  }

  // ---- catalog pricing ---------------------------------------------------------------------

  @Test
  void aCatalogOrderIsPricedFromTheCatalogCreatedAtFintocStoredAndAnsweredWithItsRedirectUrl() {
    APIGatewayV2HTTPResponse response =
        create(
            """
        {"line_items": [{"price": "price_grano_1kg", "quantity": 1}, {"price": "price_taza", "quantity": 2}],
         "success_url": "https://shop.example.com/paid", "cancel_url": "https://shop.example.com/cart",
         "metadata": {"order_id": "order-42"}}""",
            "0b9c6a8e-7d7f-4f8e-9a63-2f5f1b3f7c11");

    assertThat(response.getStatusCode()).isEqualTo(201);
    JsonNode body = body(response);
    assertThat(body.get("id").asText()).isEqualTo("cs_test_000001");
    assertThat(body.get("redirect_url").asText())
        .isEqualTo("https://checkout.fintoc.com/checkout_sessions/cs_test_000001");
    assertThat(body.get("status").asText()).isEqualTo("created");
    assertThat(body.get("amount").asLong()).isEqualTo(32000);
    assertThat(body.get("currency").asText()).isEqualTo("CLP");
    assertThat(body.get("expires_at").asText()).isEqualTo("2026-11-22T12:00:00Z");
    assertThat(body.get("checkout_secret").asText()).matches("[0-9a-f]{64}");
    assertThat(body.size()).isEqualTo(7);

    assertThat(Json.parse(stack.fintoc.createRequests().get(0).getBodyAsString()))
        .isEqualTo(
            Json.parse(
                """
        {"amount": 32000, "currency": "CLP",
         "success_url": "https://shop.example.com/paid", "cancel_url": "https://shop.example.com/cart",
         "line_items": [
           {"quantity": 1, "price_data": {"currency": "CLP", "unit_amount": 15000, "product_data": {"name": "Café de grano 1 kg"}}},
           {"quantity": 2, "price_data": {"currency": "CLP", "unit_amount": 8500,
             "product_data": {"name": "Taza de cerámica", "image_url": "https://shop.example.com/taza.png"}}}],
         "metadata": {"order_id": "order-42"}}"""));

    Map<String, AttributeValue> row = rows("SESSION#").get(0);
    assertThat(row.get("status").s()).isEqualTo("created");
    assertThat(row.get("amount").n()).isEqualTo("32000");
    assertThat(row.get("pricing").s()).isEqualTo("catalog");
    assertThat(row.get("paid").bool()).isFalse();
    assertThat(Json.parse(row.get("line_items").s()).findValuesAsText("price"))
        .containsExactly("price_grano_1kg", "price_taza");
    assertThat(row.get("order_reference").s()).isEqualTo("order-42");
    assertThat(row.get("redirect_url").s()).isEqualTo(body.get("redirect_url").asText());
    assertThat(row.get("success_url").s()).isEqualTo("https://shop.example.com/paid");
    assertThat(row.get("version").n()).isEqualTo("1");
    assertThat(row).doesNotContainKey("payment_status");
    assertThat(row).doesNotContainKey("customer");
    assertThat(row.get("open_shard").s()).startsWith("OPEN#");
    assertThat(row.get("open_expires_at").n())
        .isEqualTo(Long.toString(Instant.parse("2026-11-22T12:00:00Z").getEpochSecond()));
  }

  @Test
  void fintocIsCalledWithTheRawKeyTheApiVersionAndAnIdempotencyKeyOfOursNeverTheClients() {
    create(CLP_ORDER, "order-42-attempt");

    LoggedRequest sent = stack.fintoc.createRequests().get(0);
    assertThat(sent.getHeader("Authorization")).isEqualTo(FintocStub.SECRET_KEY);
    assertThat(sent.getHeader("Fintoc-Version")).isEqualTo("2026-02-01");
    assertThat(sent.getHeader("Idempotency-Key")).matches(FINTOC_KEY).doesNotContain("order-42");
    assertThat(rows("IDEMPOTENCY#").get(0).get("pk").s())
        .as("the client's key is not stored either")
        .doesNotContain("order-42-attempt");
  }

  @Test
  void anMxnOrderIsPricedInCentavos() {
    APIGatewayV2HTTPResponse response = create(MXN_ORDER, null);
    assertThat(Json.parse(rows("SESSION#").get(0).get("customer").s()))
        .as("the customer_email the buyer typed is kept for the order events")
        .isEqualTo(Json.parse("{\"name\": null, \"email\": \"ana@example.com\"}"));

    assertThat(response.getStatusCode()).isEqualTo(201);
    assertThat(body(response).get("currency").asText()).isEqualTo("MXN");
    assertThat(body(response).get("amount").asLong()).isEqualTo(25050);
    assertThat(rows("SESSION#").get(0).get("currency").s()).isEqualTo("MXN");
  }

  @ParameterizedTest(name = "{0} is refused with {2} and changes nothing")
  @CsvSource(
      delimiter = '|',
      value = {
        "a price the catalog does not have | [{\"price\": \"price_grano_1kg\", \"quantity\": 1}, {\"price\": \"price_nope\", \"quantity\": 1}] | unknown_price | line_items[1].price",
        "a price no longer sold            | [{\"price\": \"price_retired\", \"quantity\": 1}]                                               | inactive_price | line_items[0].price",
        "prices in two currencies          | [{\"price\": \"price_grano_1kg\", \"quantity\": 1}, {\"price\": \"price_te_mx\", \"quantity\": 1}]  | mixed_currencies | line_items[1].price",
        "a quantity over the limit         | [{\"price\": \"price_grano_1kg\", \"quantity\": 101}]                                            | invalid_quantity | line_items[0].quantity",
        "a total over the shop's maximum   | [{\"price\": \"price_grano_1kg\", \"quantity\": 7}]                                              | amount_too_large | line_items",
      })
  void aCatalogOrderThatCannotBeSoldIsRefusedNamingTheItem(
      String what, String lines, String code, String param) {
    CreateSessionHandler capped =
        new CreateSessionHandler(
            TestStack.platform(config.with(Map.of("MAX_AMOUNT_CLP", "100000"))).build());

    APIGatewayV2HTTPResponse response =
        create(capped, CLP_ORDER.replaceFirst("\\[.*?]", lines), null);

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(body(response).at("/error/code").asText()).isEqualTo(code);
    assertThat(body(response).at("/error/param").asText()).isEqualTo(param);
    assertThat(stack.fintoc.createRequests()).isEmpty();
    assertThat(written()).isEmpty();
  }

  @Test
  void aKeyedOrderRefusedForItsPricesLeavesNothingAndTheKeyStillServesTheCorrectedCart() {
    APIGatewayV2HTTPResponse refused =
        create(CLP_ORDER.replace("price_grano_1kg", "price_retired"), "key-9");

    assertThat(refused.getStatusCode()).isEqualTo(400);
    assertThat(written()).as("the claim written beside the catalog read was withdrawn").isEmpty();
    assertThat(create(CLP_ORDER, "key-9").getStatusCode()).isEqualTo(201);
  }

  @Test
  void aPriceChangedByAnImportIsChargedFromTheNextOrderOn() {
    List<Price> raised = new ArrayList<>(TestCatalog.PRICES);
    raised.set(0, new Price("price_grano_1kg", "CLP", 16000, "Café de grano 1 kg", null, true, 0));
    CatalogImport.run(
        new PriceRepository(dynamo, config.required("SESSIONS_TABLE")),
        raised,
        false,
        TestStack.NOW);

    assertThat(body(create(CLP_ORDER, null)).get("amount").asLong()).isEqualTo(16000);
  }

  @Test
  void theAttackFromTheIssueAnAmountOfOnePesoIsRefusedAndNeverReachesFintoc() {
    APIGatewayV2HTTPResponse response =
        create(
            """
        {"amount": 1, "currency": "CLP", "metadata": {"order_id": "order-1001"},
         "success_url": "https://shop.example.com/paid", "cancel_url": "https://shop.example.com/cart"}""",
            null);

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(body(response).at("/error/code").asText()).isEqualTo("parameter_not_allowed");
    assertThat(body(response).at("/error/param").asText()).isEqualTo("amount");
    assertThat(stack.fintoc.createRequests()).isEmpty();
    assertThat(written()).isEmpty();
  }

  @Test
  void aRecipientAccountFromTheBrowserIsRefusedAndNeverReachesFintoc() {
    APIGatewayV2HTTPResponse response =
        create(
            CLP_ORDER.replace(
                "\"metadata\"",
                """
        "payment_method_options": {"payment_intent": {"recipient_account": {"holder_id": "771433855",
          "number": "9999", "type": "checking_account", "institution_id": "cl_banco_de_chile"}}}, "metadata\""""),
            null);

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(body(response).at("/error/code").asText()).isEqualTo("parameter_not_allowed");
    assertThat(body(response).at("/error/param").asText())
        .isEqualTo("payment_method_options.payment_intent.recipient_account");
    assertThat(stack.fintoc.createRequests()).isEmpty();
  }

  @Test
  void
      theDeploymentDecidesPaymentMethodsTheirOptionsAndTheProfileAndTheCustomerOnlyPicksTheirBank() {
    CreateSessionHandler configured =
        new CreateSessionHandler(
            TestStack.platform(
                    config.with(
                        Map.of(
                            "PAYMENT_METHOD_TYPES", "bank_transfer",
                            "PAYMENT_METHOD_OPTIONS",
                                "{\"payment_intent\": {\"recipient_account\": {\"holder_id\": \"761234567\","
                                    + " \"number\": \"123456\", \"type\": \"checking_account\", \"institution_id\": \"cl_banco_estado\"}}}",
                            "BUSINESS_PROFILE", "{\"name\": \"Tostaduría Local\"}",
                            "ALLOWED_SENDER_INSTITUTIONS", "cl_banco_de_chile,cl_banco_estado")))
                .build());

    APIGatewayV2HTTPResponse response =
        create(
            configured,
            CLP_ORDER.replace(
                "\"metadata\"",
                "\"payment_method_options\": {\"payment_intent\": {\"sender_account\": {\"institution_id\": \"cl_banco_de_chile\"}}},"
                    + " \"metadata\""),
            null);

    assertThat(response.getStatusCode()).isEqualTo(201);
    JsonNode sent = Json.parse(stack.fintoc.createRequests().get(0).getBodyAsString());
    assertThat(sent.get("payment_method_types")).isEqualTo(Json.parse("[\"bank_transfer\"]"));
    assertThat(sent.get("payment_method_options"))
        .isEqualTo(
            Json.parse(
                """
        {"payment_intent": {
          "recipient_account": {"holder_id": "761234567", "number": "123456", "type": "checking_account",
                                "institution_id": "cl_banco_estado"},
          "sender_account": {"institution_id": "cl_banco_de_chile"}}}"""));
    assertThat(sent.get("business_profile"))
        .isEqualTo(Json.parse("{\"name\": \"Tostaduría Local\"}"));
  }

  // ---- signed orders -----------------------------------------------------------------------

  @Test
  void aSignedOrderIsChargedWhatTheBackendSignedAndItsOrderIdIsTheReference() {
    ObjectNode claims = signedOrder("order-9001", 18990);
    claims.set(
        "line_items",
        Json.array()
            .add(OrderTokens.line(1, "CLP", 15000, "Café de grano 1 kg"))
            .add(OrderTokens.line(1, "CLP", 3990, "Despacho")));
    claims.set("customer_data", Json.object().put("email", "ana@example.com").put("name", "Ana"));
    claims.set("metadata", Json.object().put("channel", "web"));

    APIGatewayV2HTTPResponse response = create(signedCheckout(claims), null);

    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
    assertThat(body(response).get("amount").asLong()).isEqualTo(18990);
    JsonNode sent = Json.parse(stack.fintoc.createRequests().get(0).getBodyAsString());
    assertThat(sent.get("amount").asLong()).isEqualTo(18990);
    assertThat(Json.write(sent.get("line_items"))).isEqualTo(Json.write(claims.get("line_items")));
    assertThat(sent.get("customer_data")).isEqualTo(claims.get("customer_data"));
    assertThat(sent.get("metadata"))
        .isEqualTo(Json.parse("{\"channel\": \"web\", \"order_id\": \"order-9001\"}"));
    Map<String, AttributeValue> row = rows("SESSION#").get(0);
    assertThat(row.get("order_reference").s()).isEqualTo("order-9001");
    assertThat(row.get("pricing").s()).isEqualTo("signed_order");
    assertThat(Json.parse(row.get("customer").s()))
        .isEqualTo(Json.parse("{\"name\": \"Ana\", \"email\": \"ana@example.com\"}"));
  }

  @Test
  void aSignedOrderWithABadSignatureIsRefusedAndChangesNothing() {
    String forged =
        signedCheckout(signedOrder("order-9001", 18990))
            .replaceAll("\"order_token\": \"([^\"]*)\\.[^.\"]*\"", "\"order_token\": \"$1.AAAA\"");

    APIGatewayV2HTTPResponse response = create(forged, null);

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(body(response).at("/error/code").asText()).isEqualTo("invalid_order_token");
    assertThat(stack.fintoc.createRequests()).isEmpty();
    assertThat(written()).isEmpty();
  }

  @Test
  void anUnsignedOrderIsRefused() {
    String unsigned =
        """
        {"order_token": "%s", "success_url": "https://shop.example.com/paid", "cancel_url": "https://shop.example.com/cart"}"""
            .formatted(OrderTokens.unsigned(signedOrder("order-9001", 1)));

    APIGatewayV2HTTPResponse response = create(unsigned, null);

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(body(response).at("/error/message").asText()).contains("alg is \"none\"");
    assertThat(stack.fintoc.createRequests()).isEmpty();
  }

  @Test
  void replayingASignedOrderGivesItsOneSessionNeverASecondPayableOne() {
    String checkout = signedCheckout(signedOrder("order-9001", 18990));

    JsonNode first = body(create(checkout, null));
    JsonNode again = body(create(checkout, null));
    JsonNode withAKey = body(create(checkout, "another-key"));
    JsonNode resigned =
        body(
            create(
                signedCheckout(
                    signedOrder("order-9001", 18990).put("iat", TestStack.NOW.getEpochSecond())),
                null));

    assertThat(List.of(again, withAKey, resigned))
        .allSatisfy(replay -> assertThat(replay).isEqualTo(first));
    assertThat(stack.fintoc.sessionsCreated()).isEqualTo(1);
    assertThat(rows("SESSION#")).hasSize(1);
  }

  @Test
  void aSignedOrderSentManyTimesAtOnceMakesOneSession() throws Exception {
    String checkout = signedCheckout(signedOrder("order-9002", 18990));

    List<String> ids =
        race(8, container -> body(create(container, checkout, null)).get("id").asText());

    assertThat(ids).containsOnly("cs_test_000001");
    assertThat(stack.fintoc.createRequests()).hasSize(1);
  }

  @Test
  void aSignedOrderWhoseCheckoutExpiredUnpaidMayStartANewOneUnderANewFintocKey() {
    String checkout = signedCheckout(signedOrder("order-9003", 18990));
    String first = body(create(checkout, null)).get("id").asText();
    updater()
        .record(
            Observation.sessionStatus(first, SessionStatus.EXPIRED, TestStack.NOW, false),
            null,
            null);

    JsonNode second = body(create(checkout, null));

    assertThat(second.get("id").asText()).isNotEqualTo(first);
    assertThat(second.get("status").asText()).isEqualTo("created");
    List<String> keys =
        stack.fintoc.createRequests().stream().map(r -> r.getHeader("Idempotency-Key")).toList();
    assertThat(keys).hasSize(2);
    assertThat(keys.get(0)).endsWith("_1");
    assertThat(keys.get(1)).isEqualTo(keys.get(0).replaceAll("_1$", "_2"));
  }

  @Test
  void aPaidSignedOrderIsNeverOfferedForPaymentAgain() {
    String checkout = signedCheckout(signedOrder("order-9004", 18990));
    String first = body(create(checkout, null)).get("id").asText();
    updater()
        .record(
            new Observation(
                first,
                SessionStatus.FINISHED,
                new Observation.PaymentFact("pi_1", PaymentStatus.SUCCEEDED, null, 18990L, "CLP"),
                TestStack.NOW,
                false),
            null,
            null);

    JsonNode replay = body(create(checkout, null));

    assertThat(replay.get("id").asText()).isEqualTo(first);
    assertThat(replay.get("status").asText()).isEqualTo("finished");
    assertThat(stack.fintoc.sessionsCreated()).isEqualTo(1);
  }

  @Test
  void aChangedOrderUnderAnOrderIdWhoseCheckoutIsOpenIsRefused() {
    create(signedCheckout(signedOrder("order-9005", 18990)), null);

    APIGatewayV2HTTPResponse changed =
        create(signedCheckout(signedOrder("order-9005", 25000)), null);

    assertThat(changed.getStatusCode()).isEqualTo(409);
    assertThat(body(changed).at("/error/code").asText()).isEqualTo("order_session_open");
    assertThat(stack.fintoc.sessionsCreated()).isEqualTo(1);
  }

  @Test
  void aClaimRemembersItsOrderByAFingerprintKeyedWithWhatTheTableDoesNotHold() {
    String withRut =
        """
        {"line_items": [{"price": "price_grano_1kg", "quantity": 1}],
         "success_url": "https://shop.example.com/paid", "cancel_url": "https://shop.example.com/cart",
         "customer_data": {"tax_id": {"type": "cl_rut", "value": "12345678-5"}, "email": "ana@example.com"}}""";
    create(withRut, "key-of-one-browser-0001");
    create(withRut, "key-of-another-browser-0002");
    create(signedCheckout(signedOrder("order-9020", 18_990)), null);

    List<String> fingerprints =
        rows("IDEMPOTENCY#").stream().map(row -> row.get("request_hash").s()).toList();

    // The same order under two keys: two fingerprints, so neither can be recomputed (and a RUT
    // guessed) by whoever reads the table without the browser's key or the signing secret.
    assertThat(fingerprints).hasSize(3).doesNotHaveDuplicates();
    assertThat(fingerprints).doesNotContain(Digests.sha256Hex(Json.canonical(Json.parse(withRut))));
  }

  /** A signed order for {@code orderId} signed {@code minutesAgo} before now. */
  static ObjectNode signedAt(String orderId, long amount, long minutesAgo) {
    return OrderTokens.order(
        orderId,
        amount,
        "CLP",
        TestStack.NOW.minus(Duration.ofMinutes(minutesAgo)),
        TestStack.NOW.plus(Duration.ofMinutes(30)));
  }

  void expire(String sessionId) {
    updater()
        .record(
            Observation.sessionStatus(sessionId, SessionStatus.EXPIRED, TestStack.NOW, false),
            null,
            null);
  }

  @Test
  void anOlderSignedOrderCannotBePaidAtItsOldPriceAfterANewerOneWasAccepted() {
    String older = signedCheckout(signedAt("order-9010", 100_000, 20));
    String newer = signedCheckout(signedAt("order-9010", 150_000, 10));
    expire(body(create(older, null)).get("id").asText());
    expire(body(create(newer, null)).get("id").asText());

    APIGatewayV2HTTPResponse replayed = create(older, null);

    assertThat(replayed.getStatusCode()).isEqualTo(409);
    assertThat(body(replayed).at("/error/code").asText()).isEqualTo("order_token_superseded");
    assertThat(body(replayed).at("/error/param").asText()).isEqualTo("order_token.iat");
    assertThat(body(replayed).at("/error/message").asText())
        .contains("before the token already accepted for this order_id");
    assertThat(stack.fintoc.sessionsCreated()).isEqualTo(2);
  }

  @Test
  void anOlderSignedOrderIsRefusedEvenWhileTheNewerOnesCheckoutIsOpen() {
    create(signedCheckout(signedAt("order-9011", 150_000, 10)), null);

    APIGatewayV2HTTPResponse older =
        create(signedCheckout(signedAt("order-9011", 100_000, 20)), null);

    assertThat(body(older).at("/error/code").asText()).isEqualTo("order_token_superseded");
    assertThat(stack.fintoc.sessionsCreated()).isEqualTo(1);
  }

  @Test
  void aNewerSignedOrderReplacesAnOlderOneWhoseCheckoutEndedUnpaid() {
    expire(
        body(create(signedCheckout(signedAt("order-9012", 100_000, 20)), null)).get("id").asText());

    APIGatewayV2HTTPResponse newer =
        create(signedCheckout(signedAt("order-9012", 150_000, 10)), null);

    assertThat(newer.getStatusCode()).isEqualTo(201);
    assertThat(body(newer).get("amount").asLong()).isEqualTo(150_000);
    assertThat(rows("IDEMPOTENCY#").get(0).get("order_iat").n())
        .isEqualTo(String.valueOf(TestStack.NOW.minus(Duration.ofMinutes(10)).getEpochSecond()));
  }

  @Test
  void aTokenSignedAgainWithTheSameContentsReplaysTheCheckoutAndMakesTheEarlierTokenOld() {
    String first =
        body(create(signedCheckout(signedAt("order-9013", 18_990, 20)), null)).get("id").asText();

    JsonNode again = body(create(signedCheckout(signedAt("order-9013", 18_990, 5)), null));
    APIGatewayV2HTTPResponse earlier =
        create(signedCheckout(signedAt("order-9013", 18_990, 20)), null);

    assertThat(again.get("id").asText()).isEqualTo(first);
    assertThat(body(earlier).at("/error/code").asText()).isEqualTo("order_token_superseded");
    assertThat(stack.fintoc.sessionsCreated()).isEqualTo(1);
  }

  @Test
  void theBrowserCannotChangeWhatTheSignedOrderSays() {
    ObjectNode claims = signedOrder("order-9006", 18990);
    claims.set("customer_data", Json.object().put("email", "ana@example.com"));
    String checkout = signedCheckout(claims);

    APIGatewayV2HTTPResponse otherCustomer =
        create(
            checkout.replace(
                "\"success_url\"",
                "\"customer_data\": {\"email\": \"eve@example.com\"}, \"success_url\""),
            null);
    APIGatewayV2HTTPResponse otherOrder =
        create(
            checkout.replace(
                "\"success_url\"", "\"metadata\": {\"order_id\": \"order-1\"}, \"success_url\""),
            null);

    assertThat(otherCustomer.getStatusCode()).isEqualTo(400);
    assertThat(body(otherCustomer).at("/error/param").asText()).isEqualTo("customer_data");
    assertThat(otherOrder.getStatusCode()).isEqualTo(400);
    assertThat(body(otherOrder).at("/error/param").asText()).isEqualTo("metadata.order_id");
    assertThat(stack.fintoc.createRequests()).isEmpty();
  }

  @Test
  void aShopWhoseSecretHasNoSigningKeyRefusesSignedOrders() {
    stack.secrets.holdSecret(FintocStub.SECRET_KEY, SecretsManagerStub.WEBHOOK_SECRET, null);

    APIGatewayV2HTTPResponse response =
        create(signedCheckout(signedOrder("order-9007", 18990)), null);

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(body(response).at("/error/code").asText()).isEqualTo("signed_orders_not_enabled");
  }

  // ---- idempotency -------------------------------------------------------------------------

  @Test
  void twoCustomersSendingTheSameCartWithoutAKeyGetTwoCheckouts() {
    JsonNode first = body(create(CLP_ORDER, null));
    JsonNode second = body(create(CLP_ORDER, null));

    assertThat(second.get("id")).isNotEqualTo(first.get("id"));
    assertThat(second.get("redirect_url")).isNotEqualTo(first.get("redirect_url"));
    assertThat(stack.fintoc.sessionsCreated()).isEqualTo(2);
    List<String> keys =
        stack.fintoc.createRequests().stream().map(r -> r.getHeader("Idempotency-Key")).toList();
    assertThat(keys).allMatch(k -> k.matches(FINTOC_KEY)).doesNotHaveDuplicates();
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
  void reusingAnIdempotencyKeyForADifferentOrderIsRefusedWith422AndShowsNothingOfTheFirst() {
    create(CLP_ORDER, "key-1");
    APIGatewayV2HTTPResponse response = create(MXN_ORDER, "key-1");

    assertThat(response.getStatusCode()).isEqualTo(422);
    assertThat(body(response).at("/error/code").asText()).isEqualTo("idempotency_key_reused");
    assertThat(response.getBody()).doesNotContain("cs_test");
    assertThat(stack.fintoc.createRequests()).hasSize(1);
  }

  @Test
  void concurrentRequestsWithOneIdempotencyKeyAllReturnTheSameSessionFromOneFintocCall()
      throws Exception {
    List<String> ids =
        race(
            8,
            container -> {
              APIGatewayV2HTTPResponse response = create(container, CLP_ORDER, "double-click");
              assertThat(response.getStatusCode()).isEqualTo(201);
              return body(response).get("id").asText();
            });

    assertThat(ids).containsOnly("cs_test_000001");
    assertThat(stack.fintoc.createRequests()).hasSize(1);
    assertThat(rows("SESSION#")).hasSize(1);
  }

  @Test
  void aKeyWhoseCheckoutExpiredUnpaidStartsANewOneForTheSameOrder() {
    String first = body(create(CLP_ORDER, "key-1")).get("id").asText();
    updater()
        .record(
            Observation.sessionStatus(first, SessionStatus.EXPIRED, TestStack.NOW, false),
            null,
            null);

    String second = body(create(CLP_ORDER, "key-1")).get("id").asText();

    assertThat(second).isNotEqualTo(first);
    assertThat(create(MXN_ORDER, "key-1").getStatusCode())
        .as("still this order's key")
        .isEqualTo(422);
  }

  /**
   * {@code requests} handlers (one per request, as concurrent requests reach separate containers)
   * at once.
   */
  List<String> race(int requests, ThrowingFunction<CreateSessionHandler, String> request)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(requests);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> answers = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      CreateSessionHandler container = new CreateSessionHandler(TestStack.platform(config).build());
      Callable<String> call =
          () -> {
            start.await();
            return request.apply(container);
          };
      answers.add(pool.submit(call));
    }
    start.countDown();
    List<String> results = new ArrayList<>();
    for (Future<String> answer : answers) {
      results.add(answer.get());
    }
    pool.shutdown();
    return results;
  }

  interface ThrowingFunction<T, R> {
    R apply(T value) throws Exception;
  }

  @Test
  void whenStoringFailsAfterFintocCreatedTheSessionARetryWithTheSameKeyFinishesTheJob() {
    FaultInjector faults = new FaultInjector();
    CreateSessionHandler flakyHandler =
        new CreateSessionHandler(
            TestStack.platform(config).dynamo(stack.dynamo.client(faults)).build());
    faults.failNext(1, request -> request instanceof TransactWriteItemsRequest);

    APIGatewayV2HTTPResponse failed = create(flakyHandler, CLP_ORDER, "key-1");

    assertThat(failed.getStatusCode()).isEqualTo(503);
    assertThat(body(failed).at("/error/code").asText()).isEqualTo("storage_unavailable");
    assertThat(failed.getHeaders()).containsEntry("retry-after", "1");
    assertThat(faults.injected()).isEqualTo(1);
    assertThat(rows("SESSION#")).as("nothing half-written").isEmpty();
    assertThat(rows("IDEMPOTENCY#").get(0).get("state").s())
        .as("the claim was released for the retry")
        .isEqualTo("open");

    APIGatewayV2HTTPResponse retried = create(flakyHandler, CLP_ORDER, "key-1");

    assertThat(retried.getStatusCode()).isEqualTo(201);
    assertThat(body(retried).get("id").asText()).isEqualTo("cs_test_000001");
    assertThat(stack.fintoc.createRequests()).hasSize(2);
    assertThat(stack.fintoc.createRequests())
        .extracting(r -> r.getHeader("Idempotency-Key"))
        .as("the same key, so")
        .containsOnly(stack.fintoc.createRequests().get(0).getHeader("Idempotency-Key"));
    assertThat(stack.fintoc.sessionsCreated()).as("Fintoc replayed the first session").isEqualTo(1);
    assertThat(rows("SESSION#")).hasSize(1);
  }

  // ---- Fintoc's answers --------------------------------------------------------------------

  @Test
  void aRejectionFromFintocIsPassedOnAsA4xxWithFintocsCodeAndParam() {
    stack
        .fintoc
        .faults()
        .failCreates(
            1,
            400,
            "invalid_request_error",
            "invalid_expires_at",
            "expires_at is too far in the future",
            "expires_at");

    APIGatewayV2HTTPResponse response = create(CLP_ORDER, null);

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(body(response).at("/error/code").asText()).isEqualTo("fintoc_invalid_expires_at");
    assertThat(body(response).at("/error/param").asText()).isEqualTo("expires_at");
    assertThat(body(response).at("/error/message").asText())
        .contains("expires_at is too far in the future");
    assertThat(stack.fintoc.createRequests()).as("a 4xx is not retried").hasSize(1);
    assertThat(rows("SESSION#")).isEmpty();
  }

  @Test
  void aConflictFromFintocStaysA409() {
    stack
        .fintoc
        .faults()
        .failCreates(
            1,
            409,
            "invalid_request_error",
            "customer_already_exists",
            "A customer with this tax_id exists",
            "customer_data");

    APIGatewayV2HTTPResponse response = create(CLP_ORDER, null);

    assertThat(response.getStatusCode()).isEqualTo(409);
    assertThat(body(response).at("/error/code").asText())
        .isEqualTo("fintoc_customer_already_exists");
  }

  /** The EMF lines (metrics) among what was logged, as JSON. */
  static List<JsonNode> metricLines(LogCapture logs) {
    return logs.lines().stream()
        .map(line -> line.substring(line.indexOf(' ') + 1))
        .filter(line -> line.contains("\"_aws\""))
        .map(Json::parse)
        .toList();
  }

  @Test
  void aFintocCodeWeDoNotKnowReachesTheCallerButIsCountedAsFintocOther() {
    stack
        .fintoc
        .faults()
        .failCreates(
            1,
            400,
            "invalid_request_error",
            "brand_new_code_2031",
            "Something Fintoc started checking",
            "amount");

    try (LogCapture logs = new LogCapture()) {
      APIGatewayV2HTTPResponse response = create(CLP_ORDER, null);

      assertThat(body(response).at("/error/code").asText())
          .as("the caller sees Fintoc's own code")
          .isEqualTo("fintoc_brand_new_code_2031");
      assertThat(metricLines(logs))
          .filteredOn(line -> line.has("SessionsRefused"))
          .extracting(line -> line.path("Code").asText())
          .as("a code Fintoc adds is never a new SessionsRefused{Code} metric")
          .containsExactly("fintoc_other");
    }
  }

  @Test
  void aFintocCodeWeKnowIsCountedUnderItsOwnName() {
    stack
        .fintoc
        .faults()
        .failCreates(
            1, 400, "invalid_request_error", "invalid_expires_at", "too far", "expires_at");

    try (LogCapture logs = new LogCapture()) {
      create(CLP_ORDER, null);

      assertThat(metricLines(logs))
          .filteredOn(line -> line.has("SessionsRefused"))
          .extracting(line -> line.path("Code").asText())
          .containsExactly("fintoc_invalid_expires_at");
    }
  }

  @Test
  void aStatusNoHttpServerSendsIsCountedAsOtherNeverAsANewOutcome() {
    // Whatever answers (Fintoc, a proxy) writes the status line; 999 is no HTTP status.
    stack
        .fintoc
        .server()
        .stubFor(
            post(urlEqualTo("/v2/checkout_sessions"))
                .atPriority(1)
                .willReturn(aResponse().withStatus(999).withBody("?")));

    try (LogCapture logs = new LogCapture()) {
      create(CLP_ORDER, null);

      assertThat(metricLines(logs))
          .filteredOn(line -> line.has("FintocCalls"))
          .extracting(line -> line.path("Outcome").asText())
          .as("the FintocCalls{Outcome} values written")
          .containsOnly("other")
          .isNotEmpty();
    }
  }

  @Test
  void aRefusedKeyIsA502AndAnErrorLogThatNeverShowsTheKey() {
    stack.fintoc.acceptOnlyKey("sk_test_someone_else");

    try (LogCapture logs = new LogCapture()) {
      APIGatewayV2HTTPResponse response = create(CLP_ORDER, null);

      assertThat(response.getStatusCode()).isEqualTo(502);
      assertThat(body(response).at("/error/code").asText())
          .isEqualTo("fintoc_authentication_failed");
      assertThat(response.getBody()).doesNotContain(FintocStub.SECRET_KEY);
      assertThat(logs.lines())
          .anySatisfy(
              line ->
                  assertThat(line).startsWith("ERROR").contains("fintoc_authentication_failed"));
      assertThat(logs.all())
          .doesNotContain(FintocStub.SECRET_KEY)
          .doesNotContain("sk_test_someone_else");
    }
    assertThat(stack.secrets.reads()).as("read once, refreshed once on 401").isEqualTo(2);
    assertThat(rows("SESSION#")).isEmpty();
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
    create(signedCheckout(signedOrder("order-9008", 18990)), null);

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

  /** A handler whose waits between Fintoc attempts are recorded, not slept. */
  CreateSessionHandler recordingWaits(List<Duration> waits, Map<String, String> settings) {
    return new CreateSessionHandler(
        TestStack.platform(config.with(settings)).sleeper(new RecordingSleeper(waits)).build());
  }

  List<String> fintocKeys() {
    return stack.fintoc.createKeys();
  }

  @Test
  void aRateLimitIsRetriedWithTheSameKeyAfterFintocsFirstWaitAndTheRetrySucceeds() {
    stack.fintoc.faults().rateLimitCreates(1);
    List<Duration> waits = new ArrayList<>();

    APIGatewayV2HTTPResponse response = create(recordingWaits(waits, Map.of()), CLP_ORDER, null);

    assertThat(response.getStatusCode()).isEqualTo(201);
    List<String> keys =
        stack.fintoc.createRequests().stream().map(r -> r.getHeader("Idempotency-Key")).toList();
    assertThat(keys).hasSize(2).containsOnly(keys.get(0));
    assertThat(waits)
        .singleElement()
        .satisfies(w -> assertThat(w).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2)));
  }

  @Test
  void aRateLimitOnEveryAttemptIsRetriedOnFintocsScheduleWhileTheBudgetLastsThenA503() {
    stack.fintoc.faults().rateLimitCreates(Integer.MAX_VALUE);
    List<Duration> waits = new ArrayList<>();

    APIGatewayV2HTTPResponse response = create(recordingWaits(waits, Map.of()), CLP_ORDER, null);

    assertThat(response.getStatusCode()).isEqualTo(503);
    assertThat(body(response).at("/error/code").asText()).isEqualTo("fintoc_rate_limited");
    // Fintoc's guide: 1, 2, 4, 8, 16 s plus up to 1 s of jitter; the 20 s call budget stops it
    // before 16.
    assertThat(waits).hasSize(4);
    for (int i = 0; i < waits.size(); i++) {
      Duration base = Duration.ofSeconds(1L << i);
      assertThat(waits.get(i)).isBetween(base, base.plusSeconds(1));
    }
    assertThat(stack.fintoc.createRequests()).hasSize(5);
  }

  @Test
  void aServerErrorOnEveryAttemptIsA502AfterThreeAttempts() {
    // What a proxy in front of Fintoc answers, not Fintoc: only the wire shows it.
    stack
        .fintoc
        .server()
        .stubFor(
            post(urlEqualTo("/v2/checkout_sessions"))
                .atPriority(1)
                .willReturn(
                    aResponse().withStatus(503).withBody("<html>Service Unavailable</html>")));

    APIGatewayV2HTTPResponse response = create(CLP_ORDER, null);

    assertThat(response.getStatusCode()).isEqualTo(502);
    assertThat(body(response).at("/error/code").asText()).isEqualTo("fintoc_unavailable");
    assertThat(stack.fintoc.createRequests()).hasSize(3);
    assertThat(written()).as("nothing stored (without a key there is no claim)").isEmpty();
  }

  @Test
  void aFintocThatDoesNotAnswerInTimeIsA504() {
    // A slow network in front of Fintoc: the session is made at once, every answer arrives 3 s
    // late.
    stack
        .fintoc
        .server()
        .stubFor(
            post(urlEqualTo("/v2/checkout_sessions"))
                .atPriority(1)
                .willReturn(
                    aResponse().proxiedFrom(stack.fintoc.directUrl()).withFixedDelay(3_000)));
    CreateSessionHandler impatient =
        new CreateSessionHandler(
            TestStack.platform(
                    config.with(
                        Map.of("FINTOC_READ_TIMEOUT_MS", "200", "FINTOC_MAX_ATTEMPTS", "2")))
                .build());

    APIGatewayV2HTTPResponse response = create(impatient, CLP_ORDER, null);

    assertThat(response.getStatusCode()).isEqualTo(504);
    assertThat(body(response).at("/error/code").asText()).isEqualTo("fintoc_timeout");
    assertThat(stack.fintoc.createRequests()).hasSize(2);
  }

  @Test
  void aFintocThatCannotBeReachedIsA502() {
    int closedPort = DynamoDbLocal.freePort();
    CreateSessionHandler unreachable =
        new CreateSessionHandler(
            TestStack.platform(
                    config.with(Map.of("FINTOC_API_URL", "http://127.0.0.1:" + closedPort)))
                .build());

    APIGatewayV2HTTPResponse response = create(unreachable, CLP_ORDER, null);

    assertThat(response.getStatusCode()).isEqualTo(502);
    assertThat(body(response).at("/error/code").asText()).isEqualTo("fintoc_unavailable");
  }

  // ---- a failed attempt never blocks the order ----------------------------------------------

  @Test
  void afterFintocAnsweredAnErrorItReplaysItForThatKeySoTheNextAttemptTakesANewKey() {
    stack.fintoc.faults().failCreates(1, 500);
    List<Duration> waits = new ArrayList<>();
    CreateSessionHandler handler = recordingWaits(waits, Map.of());

    APIGatewayV2HTTPResponse failed = create(handler, CLP_ORDER, "key-1");

    assertThat(failed.getStatusCode()).isEqualTo(502);
    assertThat(fintocKeys())
        .as("three attempts, one key")
        .hasSize(3)
        .containsOnly(fintocKeys().get(0));
    assertThat(stack.fintoc.sessionsCreated())
        .as("Fintoc replayed its stored 500 to the retries")
        .isZero();

    APIGatewayV2HTTPResponse retried = create(handler, CLP_ORDER, "key-1");

    assertThat(retried.getStatusCode()).isEqualTo(201);
    String firstKey = fintocKeys().get(0);
    assertThat(fintocKeys().get(3))
        .as("the next generation of the claim's key")
        .isEqualTo(firstKey.substring(0, firstKey.length() - 2) + "_2");
    assertThat(create(handler, MXN_ORDER, "key-1").getStatusCode())
        .as("still this order's key")
        .isEqualTo(422);
  }

  @Test
  void afterATimeoutTheRetryKeepsTheKeyAndGetsTheSessionFintocMadeMeanwhile() {
    stack.fintoc.faults().slowCreates(1, Duration.ofSeconds(2));
    CreateSessionHandler impatient =
        new CreateSessionHandler(
            TestStack.platform(
                    config.with(
                        Map.of(
                            "FINTOC_API_URL",
                            stack.fintoc.directUrl(),
                            "FINTOC_READ_TIMEOUT_MS",
                            "300",
                            "FINTOC_MAX_ATTEMPTS",
                            "1")))
                .build());

    APIGatewayV2HTTPResponse timedOut = create(impatient, CLP_ORDER, "key-1");

    assertThat(timedOut.getStatusCode()).isEqualTo(504);
    APIGatewayV2HTTPResponse retried = create(impatient, CLP_ORDER, "key-1");

    assertThat(retried.getStatusCode()).isEqualTo(201);
    assertThat(body(retried).get("id").asText()).isEqualTo("cs_test_000001");
    assertThat(fintocKeys()).hasSize(2).containsOnly(fintocKeys().get(0));
    assertThat(stack.fintoc.sessionsCreated()).isEqualTo(1);
  }

  @Test
  void afterAConnectionDroppedUnansweredTheRetryKeepsTheKeyAndGetsTheSameSession() {
    stack.fintoc.faults().resetAfterCreating(1);
    CreateSessionHandler direct =
        new CreateSessionHandler(
            TestStack.platform(
                    config.with(
                        Map.of(
                            "FINTOC_API_URL",
                            stack.fintoc.directUrl(),
                            "FINTOC_MAX_ATTEMPTS",
                            "1")))
                .build());

    APIGatewayV2HTTPResponse dropped = create(direct, CLP_ORDER, "key-1");

    assertThat(dropped.getStatusCode()).isEqualTo(502);
    assertThat(body(dropped).at("/error/code").asText()).isEqualTo("fintoc_unavailable");
    APIGatewayV2HTTPResponse retried = create(direct, CLP_ORDER, "key-1");

    assertThat(retried.getStatusCode()).isEqualTo(201);
    assertThat(body(retried).get("id").asText()).isEqualTo("cs_test_000001");
    assertThat(stack.fintoc.sessionsCreated()).isEqualTo(1);
  }

  // ---- deadlines come from the invocation -------------------------------------------------

  @Test
  void
      aSlowFintocWithThreeSecondsLeftAnswersARetryableErrorBeforeTheDeadlineAndTheRetryTakesTheClaim() {
    // Fintoc makes the session, then takes 10 s to say so (straight to the simulator: no recorder
    // waits on it).
    stack.fintoc.faults().slowCreates(1, Duration.ofSeconds(10));
    CreateSessionHandler lambdaTimeouts =
        new CreateSessionHandler(
            TestStack.platform(
                    config.with(
                        Map.of(
                            "FINTOC_API_URL",
                            stack.fintoc.directUrl(),
                            "FINTOC_READ_TIMEOUT_MS",
                            "6000",
                            "FINTOC_MAX_ATTEMPTS",
                            "1")))
                .build());
    Map<String, String> headers = Map.of("Idempotency-Key", "key-1");

    long started = System.nanoTime();
    APIGatewayV2HTTPResponse late =
        lambdaTimeouts.handleRequest(
            ApiEvent.post("/checkout-sessions", CLP_ORDER, headers), new TestContext(() -> 3_000));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(late.getStatusCode()).isEqualTo(504);
    assertThat(late.getHeaders()).containsEntry("retry-after", "1");
    assertThat(took).as("answered inside the invocation's 3 s").isLessThan(Duration.ofSeconds(3));
    assertThat(rows("IDEMPOTENCY#").get(0).get("state").s())
        .as("given back for the retry")
        .isEqualTo("open");

    APIGatewayV2HTTPResponse retried = create(lambdaTimeouts, CLP_ORDER, "key-1");

    assertThat(retried.getStatusCode()).as("taken at once, not after the lease").isEqualTo(201);
    assertThat(body(retried).get("id").asText())
        .as("the session Fintoc made")
        .isEqualTo("cs_test_000001");
    assertThat(fintocKeys()).hasSize(2).containsOnly(fintocKeys().get(0));
  }

  @Test
  void waitingForAnotherRequestsClaimStopsInTimeToAnswer() {
    String table = config.required("SESSIONS_TABLE");
    // Another container holds the key's claim, its lease still good.
    dynamo.putItem(
        r ->
            r.tableName(table)
                .item(
                    Map.of(
                        "pk",
                        AttributeValue.fromS("IDEMPOTENCY#" + SessionRequest.keyScope("key-1")),
                        "request_hash",
                        AttributeValue.fromS(
                            SessionRequest.fingerprint(
                                "key-1",
                                Json.canonical(
                                    new CheckoutRequestParser(
                                            Settings.from(config), TestStack.CLOCK)
                                        .parse(CLP_ORDER.getBytes(StandardCharsets.UTF_8))
                                        .asSent()))),
                        "state",
                        AttributeValue.fromS("pending"),
                        "claim_token",
                        AttributeValue.fromS("theirs"),
                        "lease_expires_at",
                        AttributeValue.fromN(Long.toString(Long.MAX_VALUE / 2)),
                        "fintoc_key",
                        AttributeValue.fromS("fcl_theirs"),
                        "generation",
                        AttributeValue.fromN("1"),
                        "revision",
                        AttributeValue.fromN("1"))));

    long started = System.nanoTime();
    APIGatewayV2HTTPResponse busy =
        handler.handleRequest(
            ApiEvent.post("/checkout-sessions", CLP_ORDER, Map.of("Idempotency-Key", "key-1")),
            new TestContext(() -> 10_000));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(busy.getStatusCode()).isEqualTo(409);
    assertThat(body(busy).at("/error/code").asText()).isEqualTo("idempotency_in_progress");
    assertThat(took).as("inside the invocation's 10 s").isLessThan(Duration.ofSeconds(10));
  }

  // ---- secrets degrade gracefully ----------------------------------------------------------

  @Test
  void whenTheSecretCannotBeRefreshedTheCachedOneServesForABoundedTime() {
    MutableClock clock = new MutableClock(TestStack.NOW);
    CreateSessionHandler container =
        new CreateSessionHandler(TestStack.platform(config).clock(clock).build());
    assertThat(create(container, CLP_ORDER, null).getStatusCode()).isEqualTo(201);
    stack.secrets.denyAccess();
    clock.advance(Duration.ofMinutes(6)); // past the 5-minute TTL: a read is due, and fails

    try (LogCapture logs = new LogCapture()) {
      assertThat(create(container, CLP_ORDER, null).getStatusCode()).isEqualTo(201);
      assertThat(logs.lines())
          .anySatisfy(
              line -> assertThat(line).startsWith("WARN").contains("secret_refresh_failed"));
    }
    clock.advance(Duration.ofHours(1));
    assertThat(create(container, CLP_ORDER, null).getStatusCode())
        .as("too old to trust")
        .isEqualTo(503);
  }

  @Test
  void aSessionAWebhookStoredFirstIsNotOverwritten() {
    // Fintoc replays cs_test_000001 for this claim's key; a newer state of it is already stored.
    create(CLP_ORDER, "key-1");
    String table = config.required("SESSIONS_TABLE");
    dynamo.updateItem(
        r ->
            r.tableName(table)
                .key(Map.of("pk", AttributeValue.fromS("SESSION#cs_test_000001")))
                .updateExpression("SET #s = :finished")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":finished", AttributeValue.fromS("finished"))));
    dynamo.updateItem(
        r ->
            r.tableName(table)
                .key(
                    Map.of(
                        "pk",
                        AttributeValue.fromS("IDEMPOTENCY#key:" + Digests.sha256Hex("key-1"))))
                .updateExpression("SET #s = :open REMOVE session_id")
                .expressionAttributeNames(Map.of("#s", "state"))
                .expressionAttributeValues(Map.of(":open", AttributeValue.fromS("open"))));

    APIGatewayV2HTTPResponse response = create(CLP_ORDER, "key-1");

    assertThat(body(response).get("status").asText()).isEqualTo("finished");
    assertThat(rows("SESSION#").get(0).get("status").s()).isEqualTo("finished");
  }

  @Test
  void fintocAnsweringWithAnotherAmountThanTheOrdersIsNeverOfferedToTheCustomer() {
    stack
        .fintoc
        .server()
        .stubFor(
            post(urlEqualTo("/v2/checkout_sessions"))
                .atPriority(1)
                .willReturn(
                    aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody(
                            "{\"id\": \"cs_odd\", \"object\": \"checkout_session\", \"status\": \"created\", \"amount\": 1,"
                                + " \"currency\": \"CLP\", \"redirect_url\": \"https://checkout.fintoc.com/cs_odd\"}")));

    APIGatewayV2HTTPResponse response = create(CLP_ORDER, null);

    assertThat(response.getStatusCode()).isEqualTo(502);
    assertThat(response.getBody()).doesNotContain("cs_odd");
    assertThat(rows("SESSION#")).isEmpty();
  }
}
