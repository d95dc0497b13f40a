package checkout.createsession;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Config;
import checkout.http.ApiEvent;
import checkout.json.Json;
import checkout.store.CustomerIndex;
import checkout.testing.FaultInjector;
import checkout.testing.FintocStub;
import checkout.testing.LogCapture;
import checkout.testing.MutableClock;
import checkout.testing.TestCatalog;
import checkout.testing.TestStack;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Returning customers (issue 22), against DynamoDB Local and the Fintoc simulator, which answers
 * 409 to customer_data whose tax_id is an existing customer's, as Fintoc documents. Each of the
 * three routes — a new customer, one known here, one known only at Fintoc — for an order the
 * merchant's backend signed and for a browser's catalog order; then what a stranger who types
 * somebody's RUT can learn or change: nothing.
 */
class ReturningCustomersTest {
  static final TestStack stack = new TestStack();

  /** Felipe's RUT as people type it, and as Fintoc stores it. */
  static final String RUT = "12.345.678-5";

  static final String RUT_AS_FINTOC_KEEPS_IT = "123456785";

  Config config;
  DynamoDbClient dynamo;
  MutableClock clock;
  CreateSessionHandler handler;

  @BeforeEach
  void freshTableCatalogAndFintoc() {
    stack.fintoc.reset();
    stack.secrets.reset();
    config = stack.config("customers", Map.of());
    dynamo = stack.dynamo.client();
    TestCatalog.load(stack, config);
    clock = new MutableClock(TestStack.NOW);
    handler = new CreateSessionHandler(TestStack.platform(config).clock(clock).build());
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  // ---- orders --------------------------------------------------------------------------------

  static ObjectNode customerData(String rut, String name, String email) {
    ObjectNode data = Json.object();
    data.set("tax_id", Json.object().put("type", "cl_rut").put("value", rut));
    return data.put("name", name).put("email", email);
  }

  /** A browser's catalog order, with the customer_data the buyer typed. */
  static String browserOrder(String rut, String name, String email) {
    ObjectNode order = Json.object();
    order.putArray("line_items").addObject().put("price", "price_grano_1kg").put("quantity", 1);
    order.put("success_url", "https://shop.example.com/paid");
    order.put("cancel_url", "https://shop.example.com/cart");
    order.set("customer_data", customerData(rut, name, email));
    return Json.write(order);
  }

  /** An order the merchant's backend signed, naming its customer by tax id. */
  static String signedOrder(String orderId, String rut, String name, String email) {
    ObjectNode claims = CreateSessionTest.signedOrder(orderId, 15000);
    claims.set("customer_data", customerData(rut, name, email));
    return CreateSessionTest.signedCheckout(claims);
  }

  APIGatewayV2HTTPResponse create(String body) {
    return create(body, null);
  }

  APIGatewayV2HTTPResponse create(String body, String idempotencyKey) {
    Map<String, String> headers =
        idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey);
    APIGatewayV2HTTPResponse response =
        handler.handleRequest(ApiEvent.post("/checkout-sessions", body, headers), null);
    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
    return response;
  }

  // ---- what Fintoc saw and holds, what we keep -----------------------------------------------

  /** The bodies of the create requests Fintoc received, in order. */
  static List<JsonNode> sentToFintoc() {
    return stack.fintoc.createRequests().stream()
        .map(request -> Json.parse(request.getBodyAsString()))
        .toList();
  }

  static JsonNode lastSent() {
    List<JsonNode> sent = sentToFintoc();
    return sent.get(sent.size() - 1);
  }

  /** The session as Fintoc holds it ({@code GET /v2/checkout_sessions/{id}}). */
  static JsonNode atFintoc(String sessionId) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(stack.fintoc.directUrl() + "/v2/checkout_sessions/" + sessionId))
                    .header("Authorization", FintocStub.SECRET_KEY)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return Json.parse(response.body());
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

  /** The one thing remembered of Felipe's RUT. */
  Map<String, AttributeValue> remembered() {
    List<Map<String, AttributeValue>> memory = rows("CUSTOMER#");
    assertThat(memory).hasSize(1);
    return memory.get(0);
  }

  static String id(APIGatewayV2HTTPResponse response) {
    return Json.parse(response.getBody()).get("id").asText();
  }

  // ---- signed orders -------------------------------------------------------------------------

  @Test
  void aNewCustomerOfASignedOrderIsMadeAtFintocFromCustomerDataAndTheirIdIsRememberedAsVouched()
      throws Exception {
    String session = id(create(signedOrder("order-1", RUT, "Felipe Castro", "felipe@example.com")));

    assertThat(lastSent().get("customer_data"))
        .isEqualTo(customerData(RUT, "Felipe Castro", "felipe@example.com"));
    String customerId = atFintoc(session).at("/customer/id").asText();
    assertThat(customerId).startsWith("cus_");
    Map<String, AttributeValue> memory = remembered();
    assertThat(memory.get("pk").s()).matches("CUSTOMER#test#[0-9a-f]{64}");
    assertThat(memory.get("customer_id").s()).isEqualTo(customerId);
    assertThat(memory.get("vouched").bool()).isTrue();
  }

  @Test
  void aReturningCustomerOfASignedOrderPaysAgainUnderTheirFintocCustomerId() throws Exception {
    String first = id(create(signedOrder("order-1", RUT, "Felipe Castro", "felipe@example.com")));
    String customerId = atFintoc(first).at("/customer/id").asText();

    // The same RUT, spelled as Fintoc keeps it: the same customer.
    String second =
        id(create(signedOrder("order-2", "12345678-5", "Felipe Castro", "felipe@example.com")));

    JsonNode sent = lastSent();
    assertThat(sent.get("customer").asText()).isEqualTo(customerId);
    assertThat(sent.has("customer_data")).as("customer and customer_data are exclusive").isFalse();
    assertThat(sent.get("customer_email").asText())
        .as("the email Fintoc writes to about refunds is kept")
        .isEqualTo("felipe@example.com");
    assertThat(stack.fintoc.createRequests()).as("no 409 on the way").hasSize(2);
    assertThat(atFintoc(second).at("/customer/id").asText()).isEqualTo(customerId);
    assertThat(stack.fintoc.customerCount()).isEqualTo(1);
  }

  @Test
  void aCustomerFintocKnewFromElsewherePaysASignedOrderAfterOne409AndIsRememberedForNextTime()
      throws Exception {
    String felipe =
        stack.fintoc.addCustomer(
            "cl_rut", RUT_AS_FINTOC_KEEPS_IT, "Felipe Castro", "felipe@example.com");

    try (LogCapture logs = new LogCapture()) {
      APIGatewayV2HTTPResponse response =
          create(signedOrder("order-1", RUT, "Felipe Castro", "felipe@example.com"));

      List<JsonNode> sent = sentToFintoc();
      assertThat(sent).hasSize(2);
      assertThat(sent.get(0).has("customer_data")).isTrue();
      assertThat(sent.get(1).has("customer_data")).isFalse();
      assertThat(sent.get(1).has("customer")).as("Fintoc's id was never learned").isFalse();
      assertThat(sent.get(1).get("customer_email").asText()).isEqualTo("felipe@example.com");
      List<String> keys = stack.fintoc.createKeys();
      assertThat(keys.get(1))
          .as("the 409 is kept under the first key: the retry takes the claim's next one")
          .isNotEqualTo(keys.get(0))
          .isEqualTo(keys.get(0).replaceAll("_1$", "_2"));
      assertThat(logs.all())
          .contains("customer_exists_at_fintoc")
          .contains(id(response))
          .doesNotContain(RUT_AS_FINTOC_KEEPS_IT)
          .doesNotContain(RUT);
    }
    assertThat(remembered()).doesNotContainKey("customer_id");

    create(signedOrder("order-2", RUT, "Felipe Castro", "felipe@example.com"));

    assertThat(stack.fintoc.createRequests()).as("the next purchase skips the 409").hasSize(3);
    assertThat(lastSent().has("customer_data")).isFalse();
    assertThat(stack.fintoc.customer(felipe).get("name").asText()).isEqualTo("Felipe Castro");
  }

  @Test
  void anIdRememberedFromABrowsersOrderIsNeverSentForASignedOne() {
    create(browserOrder(RUT, "Felipe Castro", "felipe@example.com"));
    assertThat(remembered().get("vouched").bool()).isFalse();

    create(signedOrder("order-1", RUT, "Felipe Castro", "felipe@example.com"));

    JsonNode sent = lastSent();
    assertThat(sent.has("customer")).isFalse();
    assertThat(sent.has("customer_data")).isFalse();
    assertThat(sent.get("customer_email").asText()).isEqualTo("felipe@example.com");
    assertThat(stack.fintoc.createRequests()).hasSize(2);
  }

  @Test
  void aRememberedIdFintocDoesNotHaveIsForgottenAndTheSignedOrderStillOpens() throws Exception {
    // As after the local stack's simulator restarted while DynamoDB kept its data.
    new CustomerIndex(dynamo, config.required("SESSIONS_TABLE"))
        .learn(
            "test",
            Customers.hash(FintocStub.SECRET_KEY, "cl_rut", RUT),
            "cus_gone",
            true,
            TestStack.NOW);

    String session = id(create(signedOrder("order-1", RUT, "Felipe Castro", "felipe@example.com")));

    List<JsonNode> sent = sentToFintoc();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(0).get("customer").asText()).isEqualTo("cus_gone");
    assertThat(sent.get(1).has("customer_data")).isTrue();
    String made = atFintoc(session).at("/customer/id").asText();
    assertThat(remembered().get("customer_id").s()).isEqualTo(made).isNotEqualTo("cus_gone");
  }

  // ---- browser orders ------------------------------------------------------------------------

  @Test
  void aNewCustomerOfABrowserOrderIsMadeAtFintocAndTheirIdRememberedButNotVouched()
      throws Exception {
    String session = id(create(browserOrder(RUT, "Felipe Castro", "felipe@example.com")));

    assertThat(lastSent().get("customer_data").get("name").asText()).isEqualTo("Felipe Castro");
    Map<String, AttributeValue> memory = remembered();
    assertThat(memory.get("customer_id").s())
        .isEqualTo(atFintoc(session).at("/customer/id").asText());
    assertThat(memory.get("vouched").bool()).isFalse();
  }

  @Test
  void aReturningBrowserCustomerPaysAgainWithNeitherCustomerDataNorACustomerId() {
    create(browserOrder(RUT, "Felipe Castro", "felipe@example.com"));

    create(browserOrder(RUT, "Felipe Castro", "felipe@example.com"));

    JsonNode sent = lastSent();
    assertThat(sent.has("customer_data")).isFalse();
    assertThat(sent.has("customer")).isFalse();
    assertThat(sent.get("customer_email").asText()).isEqualTo("felipe@example.com");
    assertThat(stack.fintoc.createRequests()).as("no 409 on the way").hasSize(2);
  }

  @Test
  void aCustomerFintocKnewFromElsewherePaysABrowserOrderAfterOne409AndIsRememberedForNextTime() {
    stack.fintoc.addCustomer(
        "cl_rut", RUT_AS_FINTOC_KEEPS_IT, "Felipe Castro", "felipe@example.com");

    create(browserOrder(RUT, "Felipe Castro", "felipe@example.com"));

    assertThat(stack.fintoc.createRequests()).hasSize(2);
    assertThat(lastSent().has("customer_data")).isFalse();
    assertThat(remembered()).doesNotContainKey("customer_id");

    create(browserOrder(RUT, "Felipe Castro", "felipe@example.com"));

    assertThat(stack.fintoc.createRequests()).as("the next purchase skips the 409").hasSize(3);
  }

  @Test
  void aKeyedBrowserOrderRetriedAfterThe409GetsItsOneSessionAgain() {
    stack.fintoc.addCustomer(
        "cl_rut", RUT_AS_FINTOC_KEEPS_IT, "Felipe Castro", "felipe@example.com");
    String order = browserOrder(RUT, "Felipe Castro", "felipe@example.com");

    String first = id(create(order, "7c1e4a55-0f1e-4a55-9d8e-1b2c3d4e5f60"));
    String again = id(create(order, "7c1e4a55-0f1e-4a55-9d8e-1b2c3d4e5f60"));

    assertThat(again).isEqualTo(first);
    assertThat(stack.fintoc.sessionsCreated()).isEqualTo(1);
    assertThat(stack.fintoc.createRequests())
        .as("the replay is answered from the claim")
        .hasSize(2);
  }

  @Test
  void aCustomerIsRememberedFor400DaysAfterTheirLastPurchaseAndThenForgotten() {
    create(browserOrder(RUT, "Felipe Castro", "felipe@example.com"));
    assertThat(remembered().get("ttl").n())
        .isEqualTo(Long.toString(TestStack.NOW.plus(Duration.ofDays(400)).getEpochSecond()));

    clock.advance(Duration.ofDays(30));
    create(browserOrder(RUT, "Felipe Castro", "felipe@example.com"));
    assertThat(remembered().get("ttl").n())
        .as("each purchase extends it")
        .isEqualTo(Long.toString(TestStack.NOW.plus(Duration.ofDays(430)).getEpochSecond()));

    // Past its time, before DynamoDB's TTL has deleted it: forgotten all the same.
    clock.advance(Duration.ofDays(401));
    create(browserOrder(RUT, "Felipe Castro", "felipe@example.com"));

    List<JsonNode> sent = sentToFintoc();
    assertThat(sent).as("customer_data, its 409, and the retry").hasSize(4);
    assertThat(sent.get(2).has("customer_data")).isTrue();
    assertThat(sent.get(3).has("customer_data")).isFalse();
    assertThat(CustomerIndex.RETENTION).isEqualTo(Duration.ofDays(400));
  }

  // ---- a stranger typing somebody's RUT -------------------------------------------------------

  /** What the answer says, without the values that differ from one session to the next. */
  static JsonNode shape(APIGatewayV2HTTPResponse response) {
    ObjectNode body = (ObjectNode) Json.parse(response.getBody());
    body.put("id", "cs_…");
    body.put("redirect_url", "…");
    body.put("checkout_secret", "…"); // each checkout's own, like its id
    return body;
  }

  @Test
  void aStrangerTypingTheRutOfACustomerMadeElsewhereLearnsAndChangesNothing() throws Exception {
    String felipe =
        stack.fintoc.addCustomer(
            "cl_rut", RUT_AS_FINTOC_KEEPS_IT, "Felipe Castro", "felipe@example.com");
    APIGatewayV2HTTPResponse newcomer =
        create(browserOrder("9.876.543-3", "Ana Rojas", "ana@example.com"));

    APIGatewayV2HTTPResponse stranger = create(browserOrder(RUT, "Eve", "eve@example.com"));

    assertStrangerLearnsAndChangesNothing(newcomer, stranger, felipe);
  }

  @Test
  void aStrangerTypingTheRutOfACustomerWhoBoughtHereLearnsAndChangesNothing() throws Exception {
    String bought = id(create(signedOrder("order-1", RUT, "Felipe Castro", "felipe@example.com")));
    String felipe = atFintoc(bought).at("/customer/id").asText();
    APIGatewayV2HTTPResponse newcomer =
        create(browserOrder("9.876.543-3", "Ana Rojas", "ana@example.com"));

    APIGatewayV2HTTPResponse stranger = create(browserOrder(RUT, "Eve", "eve@example.com"));

    assertStrangerLearnsAndChangesNothing(newcomer, stranger, felipe);
  }

  void assertStrangerLearnsAndChangesNothing(
      APIGatewayV2HTTPResponse newcomer, APIGatewayV2HTTPResponse stranger, String felipe)
      throws Exception {
    assertThat(stranger.getStatusCode()).isEqualTo(newcomer.getStatusCode());
    assertThat(stranger.getHeaders()).isEqualTo(newcomer.getHeaders());
    assertThat(shape(stranger)).isEqualTo(shape(newcomer));
    assertThat(stranger.getBody()).doesNotContain("cus_").doesNotContain("customer");
    assertThat(lastSent().has("customer")).as("never Felipe's id on a stranger's word").isFalse();
    assertThat(lastSent().has("customer_data")).isFalse();
    assertThat(atFintoc(id(stranger)).get("customer").isNull())
        .as("the stranger's checkout shows nothing of Felipe's")
        .isTrue();
    ObjectNode record = stack.fintoc.customer(felipe);
    assertThat(record.get("name").asText()).isEqualTo("Felipe Castro");
    assertThat(record.get("email").asText()).isEqualTo("felipe@example.com");
    assertThat(Json.parse(rows("SESSION#" + id(stranger)).get(0).get("customer").s()))
        .as("the stranger's own words stay with their order, as any buyer's")
        .isEqualTo(Json.parse("{\"name\": \"Eve\", \"email\": \"eve@example.com\"}"));
  }

  /** A handler whose next TransactWriteItems (storing the session and its claim) fails once. */
  CreateSessionHandler failingOnceToStore() {
    FaultInjector faults = new FaultInjector();
    faults.failNext(1, request -> request instanceof TransactWriteItemsRequest);
    return new CreateSessionHandler(
        TestStack.platform(config).dynamo(stack.dynamo.client(faults)).build());
  }

  @Test
  void aNewCustomersBrowserOrderRetriedAfterItCouldNotBeStoredGetsTheSessionFintocMade() {
    CreateSessionHandler flaky = failingOnceToStore();
    String order = browserOrder("12.345.678-5", "Felipe", "felipe@example.com");
    Map<String, String> key = Map.of("Idempotency-Key", "retry-after-storage-1");

    APIGatewayV2HTTPResponse failed =
        flaky.handleRequest(ApiEvent.post("/checkout-sessions", order, key), null);
    APIGatewayV2HTTPResponse retried =
        flaky.handleRequest(ApiEvent.post("/checkout-sessions", order, key), null);

    assertThat(failed.getStatusCode()).isEqualTo(503);
    assertThat(retried.getStatusCode()).as(retried.getBody()).isEqualTo(201);
    assertThat(stack.fintoc.sessionsCreated()).as("Fintoc replayed its session").isEqualTo(1);
    assertThat(sentToFintoc().get(1))
        .as("the same body under the same key")
        .isEqualTo(sentToFintoc().get(0));
  }

  @Test
  void aNewCustomersSignedOrderRetriedAfterItCouldNotBeStoredGetsTheSessionFintocMade() {
    CreateSessionHandler flaky = failingOnceToStore();
    String order = signedOrder("order-retry-1", "11.111.111-1", "Ana", "ana@example.com");

    APIGatewayV2HTTPResponse failed =
        flaky.handleRequest(ApiEvent.post("/checkout-sessions", order, Map.of()), null);
    APIGatewayV2HTTPResponse retried =
        flaky.handleRequest(ApiEvent.post("/checkout-sessions", order, Map.of()), null);

    assertThat(failed.getStatusCode()).isEqualTo(503);
    assertThat(retried.getStatusCode()).as(retried.getBody()).isEqualTo(201);
    assertThat(stack.fintoc.sessionsCreated()).isEqualTo(1);
  }

  @Test
  void nothingStoredHoldsATaxIdInClear() {
    stack.fintoc.addCustomer("cl_rut", "111111111", "Otro", "otro@example.com");
    create(signedOrder("order-1", RUT, "Felipe Castro", "felipe@example.com"));
    create(signedOrder("order-2", RUT, "Felipe Castro", "felipe@example.com"));
    create(
        browserOrder("11.111.111-1", "Eve", "eve@example.com"),
        "4f9d2c1e-5b6a-4c3d-8e7f-0a1b2c3d4e5f");
    create(browserOrder("9.876.543-3", "Ana Rojas", "ana@example.com"));

    List<Map<String, AttributeValue>> everything = rows("");
    assertThat(rows("CUSTOMER#")).hasSize(3);
    for (String taxId :
        List.of(RUT, RUT_AS_FINTOC_KEEPS_IT, "12345678", "111111111", "11.111.111", "9876543")) {
      assertThat(everything.toString()).as("the table holds no %s", taxId).doesNotContain(taxId);
    }
  }
}
