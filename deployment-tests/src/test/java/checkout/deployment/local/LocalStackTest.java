package checkout.deployment.local;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.fintoc.WebhookSignature;
import checkout.json.Json;
import checkout.local.LocalOptions;
import checkout.local.LocalStack;
import checkout.local.lambda.LocalFunction;
import checkout.secrets.SampleKeys;
import checkout.testing.MutableClock;
import checkout.testing.OrderTokens;
import checkout.testing.ProjectFiles;
import checkout.testing.SignSampleEvents;
import checkout.testing.TestStack;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The local stack as a developer (or the browser test) uses it: started on free ports from the
 * template and env.json, every function from its deployment jar, driven through the API, the hosted
 * page and the Invoke API.
 */
class LocalStackTest {
  static final MutableClock clock = new MutableClock(TestStack.NOW);
  static LocalStack stack;
  static StackClient client;

  /**
   * Deterministic ids, distinct per stack (two stacks in one JVM share DynamoDB Local's engine).
   */
  static Function<String, String> ids(String stackTag) {
    AtomicInteger next = new AtomicInteger();
    return prefix -> prefix + "_" + stackTag + next.incrementAndGet();
  }

  @BeforeAll
  static void start() {
    stack =
        LocalStack.start(
            LocalOptions.forTests(ProjectFiles.resolve("template.yaml"), clock, ids("plain"))
                .withEnvVars(ProjectFiles.resolve("env.json")));
    client = new StackClient(stack);
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @ParameterizedTest(name = "choosing {0} on the hosted page ends as status {1}, payment {2}")
  @CsvSource({
    "succeeded, finished, succeeded",
    "failed, finished, failed",
    "rejected, finished, rejected",
    "pending, finished, pending",
    "requires_action, finished, requires_action",
    "expire, expired, ",
    "cancel, created, ",
  })
  void everyOutcomeOnTheHostedPageEndsInTheRightGetSessionState(
      String outcome, String status, String payment) throws Exception {
    JsonNode created = client.create("order-" + outcome);

    HttpResponse<String> chosen = client.choose(created, outcome);

    boolean leaves = outcome.equals("cancel") || outcome.equals("expire");
    assertThat(chosen.statusCode()).isEqualTo(303);
    assertThat(chosen.headers().firstValue("Location"))
        .contains(
            leaves ? "http://localhost:3000/cancel.html" : "http://localhost:3000/success.html");
    JsonNode session = client.settled(created.path("id").asText());
    assertThat(session.path("status").asText()).isEqualTo(status);
    assertThat(session.path("paid").asBoolean()).isEqualTo("succeeded".equals(payment));
    assertThat(
            session.path("payment_status").isNull()
                ? null
                : session.path("payment_status").asText())
        .isEqualTo(payment);
    assertThat(session.path("order").asText()).isEqualTo("order-" + outcome);
  }

  @Test
  void aPaymentThatNeedsAnotherApproverShowsTheNextActionThenSettlesPaid() throws Exception {
    JsonNode created = client.create("order-approval");
    client.choose(created, "requires_action");
    assertThat(
            client.settled(created.path("id").asText()).path("next_action").path("type").asText())
        .isEqualTo("approve_payment");

    assertThat(client.choose(created, "succeeded").statusCode()).isEqualTo(303);

    JsonNode session = client.settled(created.path("id").asText());
    assertThat(session.path("payment_status").asText()).isEqualTo("succeeded");
    assertThat(session.has("next_action")).isFalse();
  }

  @Test
  void aPendingPaymentSettledLaterCanStillFail() throws Exception {
    JsonNode created = client.create("order-pending-fails");
    client.choose(created, "pending");
    client.choose(created, "failed");
    assertThat(client.settled(created.path("id").asText()).path("payment_status").asText())
        .isEqualTo("failed");
  }

  @Test
  void aChangedCartReplacesItsUnpaidCheckoutAndOnlyTheNewOneCanBePaid() throws Exception {
    JsonNode first = client.create("order-changed-cart");
    String secret = first.path("checkout_secret").asText();
    String changedCart =
        StackClient.order("order-changed-cart")
            .replace("\"quantity\": 1", "\"quantity\": 2")
            .replaceFirst(
                "}$",
                ", \"replaces\": {\"session_id\": \"%s\", \"checkout_secret\": \"%s\"}}"
                    .formatted(first.path("id").asText(), secret));

    // A changed cart is another order, known by its own key: a checkout is replaced by one only.
    HttpResponse<String> changed =
        client.send(
            HttpRequest.newBuilder(stack.apiUrl().resolve("/checkout-sessions"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "changed-cart-key-2")
                .POST(HttpRequest.BodyPublishers.ofString(changedCart))
                .build());

    assertThat(changed.statusCode()).isEqualTo(201);
    JsonNode second = Json.parse(changed.body());
    assertThat(second.path("amount").asLong()).isEqualTo(30000);
    HttpResponse<String> old =
        client.get(stack.apiUrl().resolve("/checkout-sessions/" + first.path("id").asText()));
    assertThat(Json.parse(old.body()).path("status").asText()).isEqualTo("expired");
    assertThat(old.body()).as("GetSession never shows the secret").doesNotContain(secret);
    assertThat(Json.parse(old.body()).has("checkout_secret")).isFalse();
    assertThat(client.choose(first, "succeeded").statusCode())
        .as("the old checkout cannot be paid")
        .isEqualTo(409);
    assertThat(client.choose(second, "succeeded").statusCode()).isEqualTo(303);
    assertThat(client.settled(second.path("id").asText()).path("paid").asBoolean()).isTrue();
  }

  @Test
  void aSettledPaymentCannotBeChosenAgain() throws Exception {
    JsonNode created = client.create("order-twice");
    client.choose(created, "succeeded");
    HttpResponse<String> again = client.choose(created, "failed");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(client.settled(created.path("id").asText()).path("payment_status").asText())
        .isEqualTo("succeeded");
  }

  @Test
  void theSweeperRunThroughTheInvokeApiClosesASessionWhoseWebhookNeverCame() throws Exception {
    JsonNode created = client.create("order-abandoned");
    clock.advance(Duration.ofHours(24).plusMinutes(11));

    HttpResponse<String> invoked =
        client.invoke("ExpirySweeperFunction", "{\"source\": \"local-test\"}");

    assertThat(invoked.statusCode()).isEqualTo(200);
    assertThat(invoked.headers().firstValue("X-Amz-Function-Error")).isEmpty();
    assertThat(Json.parse(invoked.body()).path("expired").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(client.settled(created.path("id").asText()).path("status").asText())
        .isEqualTo("expired");
  }

  @Test
  void aPendingPaymentWhoseLaterWebhooksAreLostIsSettledByTheSweeper() throws Exception {
    JsonNode created = client.create("order-lost-webhooks");
    client.choose(created, "pending");
    String id = created.path("id").asText();
    assertThat(client.settled(id).path("payment_status").asText()).isEqualTo("pending");

    client.chooseLosingWebhooks(
        created, "succeeded"); // the bank settles; Fintoc's webhooks never arrive
    assertThat(client.settled(id).path("paid").asBoolean()).as("nobody told us yet").isFalse();
    clock.advance(Duration.ofMinutes(11));

    HttpResponse<String> invoked =
        client.invoke("ExpirySweeperFunction", "{\"source\": \"local-test\"}");

    assertThat(Json.parse(invoked.body()).path("settled").asInt()).isGreaterThanOrEqualTo(1);
    JsonNode session = client.settled(id);
    assertThat(session.path("payment_status").asText()).isEqualTo("succeeded");
    assertThat(session.path("paid").asBoolean()).isTrue();
  }

  @Test
  void anAbandonedTransferExpiresWithTheSessionAndNeverPays() throws Exception {
    JsonNode created = client.create("order-left-mid-transfer");
    assertThat(client.choose(created, "in_progress").statusCode()).isEqualTo(303);

    client.choose(
        created, "expire"); // expired, carrying the in_progress payment; then the payment expires

    JsonNode session = client.settled(created.path("id").asText());
    assertThat(session.path("status").asText()).isEqualTo("expired");
    assertThat(session.path("payment_status").asText()).isEqualTo("expired");
    assertThat(session.path("paid").asBoolean()).isFalse();
  }

  @Test
  void aPaymentStatusFintocAddsLaterIsShownAsReportedAndIsNotPaid() throws Exception {
    JsonNode created = client.create("order-new-status");

    client.choose(created, "processing");

    JsonNode session = client.settled(created.path("id").asText());
    assertThat(session.path("status").asText()).isEqualTo("finished");
    assertThat(session.path("payment_status").asText()).isEqualTo("processing");
    assertThat(session.path("paid").asBoolean()).isFalse();
  }

  @Test
  void theInvokeApiRunsAnyFunctionWithAnyEvent() throws Exception {
    // A session no test creates (the committed webhook samples record cs_test_000001's events).
    String event =
        Files.readString(ProjectFiles.resolve("events/get-session.json"))
            .replace("cs_test_000001", "cs_test_never_created");
    HttpResponse<String> invoked = client.invoke("GetSessionFunction", event);
    assertThat(invoked.statusCode()).isEqualTo(200);
    assertThat(Json.parse(invoked.body()).path("statusCode").asInt()).isEqualTo(404);
  }

  @Test
  void anUnknownFunctionIsResourceNotFound() {
    HttpResponse<String> invoked = client.invoke("NoSuchFunction", "{}");
    assertThat(invoked.statusCode()).isEqualTo(404);
    assertThat(invoked.headers().firstValue("X-Amzn-ErrorType"))
        .contains("ResourceNotFoundException");
  }

  @Test
  void aFunctionSeesOnlyItsOwnPackageLikeInLambda() {
    // CreateSessionHandler is on this test's classpath but not in get-session.jar.
    LocalFunction.Definition getSession = stack.functions().get("GetSessionFunction").definition();
    LocalFunction misconfigured =
        new LocalFunction(
            new LocalFunction.Definition(
                "Misconfigured",
                getSession.jar(),
                "checkout.createsession.CreateSessionHandler::handleRequest",
                getSession.environment(),
                3,
                128),
            clock);

    LocalFunction.Result result = misconfigured.invoke("{}".getBytes(StandardCharsets.UTF_8));

    assertThat(result.error()).isTrue();
    assertThat(Json.parse(result.text()).path("errorType").asText())
        .isEqualTo("java.lang.ClassNotFoundException");
  }

  @Test
  void theMerchantsRefundRoutesAreServedWithoutIamAsSamLocalServesThem() throws Exception {
    JsonNode created = client.create("order-refunded");
    String id = created.path("id").asText();
    client.choose(created, "succeeded");
    assertThat(client.settled(id).path("paid").asBoolean()).isTrue();
    java.net.URI refunds = stack.apiUrl().resolve("/checkout-sessions/" + id + "/refunds");

    // Unsigned: locally, as under sam local start-api, the route's AWS_IAM is not enforced.
    HttpResponse<String> refunded =
        client.send(
            HttpRequest.newBuilder(refunds)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "refund-order-refunded-1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\": 5000}"))
                .build());

    assertThat(refunded.statusCode()).as(refunded.body()).isEqualTo(202);
    String refundId = Json.parse(refunded.body()).path("id").asText();
    assertThat(Json.parse(client.get(refunds).body()).path("refunds").findValuesAsText("id"))
        .containsExactly(refundId);
    HttpResponse<String> canceled =
        client.post(refunds.resolve("refunds/" + refundId + "/cancel"), "application/json", "");
    assertThat(canceled.statusCode()).as(canceled.body()).isEqualTo(200);
    assertThat(Json.parse(canceled.body()).path("id").asText())
        .as("{refund_id} reached the function")
        .isEqualTo(refundId);
    assertThat(Json.parse(canceled.body()).path("status").asText()).isEqualTo("canceled");
  }

  @Test
  void anInvalidOrderIsA400NamingTheProblemAndReachesNeitherFintocNorTheTable() {
    HttpResponse<String> list =
        client.send(
            HttpRequest.newBuilder(stack.fintocUrl().resolve("/v2/checkout_sessions"))
                .header("Authorization", stack.secretKey())
                .build());
    int before = Json.parse(list.body()).size();

    HttpResponse<String> response =
        client.post(
            stack.apiUrl().resolve("/checkout-sessions"),
            "application/json",
            StackClient.order("order-bad")
                .replace("\"line_items\"", "\"amount\": 1, \"line_items\""));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Json.parse(response.body()).path("error").path("param").asText())
        .isEqualTo("amount");
    HttpResponse<String> after =
        client.send(
            HttpRequest.newBuilder(stack.fintocUrl().resolve("/v2/checkout_sessions"))
                .header("Authorization", stack.secretKey())
                .build());
    assertThat(Json.parse(after.body()).size()).isEqualTo(before);
  }

  @Test
  void theExampleStoresCatalogIsLoadedAtStartAndListedForTheStore() {
    HttpResponse<String> response = client.get(stack.apiUrl().resolve("/prices"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Cache-Control")).contains("public, max-age=60");
    JsonNode prices = Json.parse(response.body()).path("prices");
    assertThat(prices.findValuesAsText("id"))
        .containsExactly("price_grano_1kg", "price_molido_250g", "price_taza");
    assertThat(prices.get(0).path("unit_amount").asLong()).isEqualTo(15000);
  }

  @Test
  void twoCustomersWithTheSameCartAndNoKeyGetTwoCheckouts() {
    JsonNode first = client.create("order-same-cart");
    JsonNode second = client.create("order-same-cart");

    assertThat(second.path("id").asText()).isNotEqualTo(first.path("id").asText());
    assertThat(second.path("redirect_url").asText())
        .isNotEqualTo(first.path("redirect_url").asText());
  }

  @Test
  void oneCustomersDoubleClickWithOneKeyGetsOneCheckout() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(stack.apiUrl().resolve("/checkout-sessions"))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", "9b1f7c3e-0d4a-4f7e-8c2b-6a5d3e1f0a99")
            .POST(HttpRequest.BodyPublishers.ofString(StackClient.order("order-double-click")))
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Callable<HttpResponse<String>> click = () -> client.send(request);
      Set<String> ids = new HashSet<>();
      for (Future<HttpResponse<String>> answer : pool.invokeAll(Collections.nCopies(4, click))) {
        assertThat(answer.get().statusCode()).isEqualTo(201);
        ids.add(Json.parse(answer.get().body()).path("id").asText());
      }
      assertThat(ids).hasSize(1);
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void anOrderTheBackendSignedIsPaidThroughTheHostedPage() throws Exception {
    String token =
        OrderTokens.sign(
            OrderTokens.order(
                "order-signed-1", 18990, "CLP", clock.instant().plus(Duration.ofMinutes(30))),
            stack.orderSigningSecret());
    HttpResponse<String> created =
        client.post(
            stack.apiUrl().resolve("/checkout-sessions"),
            "application/json",
            """
        {"order_token": "%s", "success_url": "http://localhost:3000/success.html",
         "cancel_url": "http://localhost:3000/cancel.html"}"""
                .formatted(token));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode session = Json.parse(created.body());

    client.choose(session, "succeeded");

    JsonNode paid = client.settled(session.path("id").asText());
    assertThat(paid.path("paid").asBoolean()).isTrue();
    assertThat(paid.path("amount").asLong()).isEqualTo(18990);
    assertThat(paid.path("order").asText()).isEqualTo("order-signed-1");
  }

  @Test
  void aWebhookWithABadSignatureIsRefused() {
    HttpRequest request =
        HttpRequest.newBuilder(stack.apiUrl().resolve("/webhooks/fintoc"))
            .header("Content-Type", "application/json")
            .header(
                WebhookSignature.HEADER,
                "t=" + clock.instant().getEpochSecond() + ",v1=" + "0".repeat(64))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"id\":\"evt_forged\",\"type\":\"payment_intent.succeeded\",\"data\":{}}"))
            .build();
    HttpResponse<String> response = client.send(request);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Json.parse(response.body()).path("error").path("code").asText())
        .isEqualTo("invalid_signature");
  }

  @Test
  void theCommittedWebhookSamplesAreTakenAsTheyAreWithNoSigningStep() throws Exception {
    assertThat(stack.webhookSecret()).isEqualTo(SampleKeys.WEBHOOK_SECRET);
    for (String file : SignSampleEvents.samples().keySet()) {
      JsonNode sample = Json.parse(Files.readString(ProjectFiles.resolve("events/" + file)));
      HttpRequest request =
          HttpRequest.newBuilder(stack.apiUrl().resolve("/webhooks/fintoc"))
              .header("Content-Type", "application/json")
              .header(WebhookSignature.HEADER, sample.at("/headers/fintoc-signature").asText())
              .POST(HttpRequest.BodyPublishers.ofString(sample.path("body").asText()))
              .build();

      HttpResponse<String> response = client.send(request);

      assertThat(response.statusCode()).as(file + ": " + response.body()).isEqualTo(200);
    }
  }

  @Test
  void aBinaryBodyReachesTheFunctionBase64EncodedAndItsSignatureStillVerifies() {
    byte[] body =
        "{\"id\":\"evt_binary\",\"object\":\"event\",\"type\":\"payout.succeeded\",\"data\":{}}"
            .getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(stack.apiUrl().resolve("/webhooks/fintoc"))
            .header("Content-Type", "application/octet-stream")
            .header(
                WebhookSignature.HEADER,
                WebhookSignature.sign(
                    body, stack.webhookSecret(), clock.instant().getEpochSecond()))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    assertThat(client.send(request).statusCode()).isEqualTo(200);
  }

  @Test
  void aCorsPreflightFromTheStacksOwnOriginIsAllowedAsTheTemplateSays() {
    String origin = "http://localhost:" + stack.apiUrl().getPort();
    HttpResponse<String> response = client.send(preflight(origin));
    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains(origin);
    assertThat(response.headers().firstValue("Access-Control-Allow-Headers"))
        .contains("content-type,idempotency-key");
    assertThat(response.headers().firstValue("Access-Control-Max-Age")).contains("600");
  }

  @Test
  void aCorsPreflightFromAnotherOriginGetsNoPermission() {
    HttpResponse<String> response = client.send(preflight("https://elsewhere.example"));
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  private static HttpRequest preflight(String origin) {
    return HttpRequest.newBuilder(stack.apiUrl().resolve("/checkout-sessions"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type,idempotency-key")
        .build();
  }

  @Test
  void theStorefrontIsServedAtTheRoot() {
    HttpResponse<String> page = client.get(stack.apiUrl().resolve("/"));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.body()).contains("Pay with Fintoc");
    assertThat(
            client.get(stack.apiUrl().resolve("/checkout.js")).headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
  }

  @Test
  void aPathNoRouteOrFileTakesIsApiGatewaysNotFound() {
    HttpResponse<String> response = client.get(stack.apiUrl().resolve("/nothing-here"));
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("{\"message\":\"Not Found\"}");
  }

  @Test
  void everyFunctionGetsTheTemplatesVariablesPointedAtTheStack() {
    Map<String, String> env =
        stack.functions().get("CreateSessionFunction").definition().environment();
    assertThat(env)
        .containsEntry("SESSIONS_TABLE", "fintoc-checkout-sessions")
        .containsEntry("FINTOC_API_URL", stack.fintocUrl().toString())
        .containsEntry("DYNAMODB_ENDPOINT", stack.dynamoDbEndpoint().toString())
        .containsEntry("FINTOC_SECRET_ARN", "")
        .containsEntry("MAX_AMOUNT_CLP", "10000000");
    assertThat(env.get("ALLOWED_REDIRECT_ORIGINS"))
        .contains("http://127.0.0.1:" + stack.apiUrl().getPort());
  }
}
