package checkout.deployment.local;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.json.Json;
import checkout.local.LocalOptions;
import checkout.local.LocalStack;
import checkout.testing.MutableClock;
import checkout.testing.OrderTokens;
import checkout.testing.ProjectFiles;
import checkout.testing.TestStack;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One order, one payable checkout, for as long as money can still move: a bank transfer may stay
 * pending for 10 days or more, and the order's idempotency claim must outlive it. The clock is
 * moved past 7, 10 and 11 days, and everything DynamoDB's TTL would have deleted by then is deleted
 * ({@link LocalStack#expireItemsPastTtl}), so nothing survives here that would be gone in AWS.
 * Against the local stack: the simulator, DynamoDB Local, the functions from their jars.
 */
class OnePayableCheckoutTest {
  static final MutableClock clock = new MutableClock(TestStack.NOW);
  static LocalStack stack;
  static StackClient client;

  @BeforeAll
  static void start() {
    stack =
        LocalStack.start(
            LocalOptions.forTests(
                    ProjectFiles.resolve("template.yaml"), clock, LocalStackTest.ids("payable"))
                .withEnvVars(ProjectFiles.resolve("env.json")));
    client = new StackClient(stack);
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  /** The backend signs the order now (its iat), for {@code amount} CLP. */
  HttpResponse<String> checkout(String orderId, long amount) {
    Instant now = clock.instant();
    String token =
        OrderTokens.sign(
            OrderTokens.order(orderId, amount, "CLP", now, now.plus(Duration.ofMinutes(30))),
            stack.orderSigningSecret());
    return client.post(
        stack.apiUrl().resolve("/checkout-sessions"),
        "application/json",
        """
        {"order_token": "%s", "success_url": "http://localhost:3000/success.html",
         "cancel_url": "http://localhost:3000/cancel.html"}"""
            .formatted(token));
  }

  /** The storefront's catalog order under one Idempotency-Key (the example store keeps it). */
  HttpResponse<String> keyedCheckout(String orderId, String key) {
    return client.send(
        HttpRequest.newBuilder(stack.apiUrl().resolve("/checkout-sessions"))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .POST(HttpRequest.BodyPublishers.ofString(StackClient.order(orderId)))
            .build());
  }

  /** Moves the clock to {@code days} after the test began, and lets TTL do what it would have. */
  void dayAfterStart(Instant start, long days) {
    clock.set(start.plus(Duration.ofDays(days)).plus(Duration.ofHours(1)));
    stack.expireItemsPastTtl();
  }

  /** The sweeper's scheduled run: it asks Fintoc about the pending payment, which stays pending. */
  void sweep() {
    HttpResponse<String> swept = client.invoke("ExpirySweeperFunction", "{\"source\": \"test\"}");
    assertThat(swept.statusCode()).isEqualTo(200);
    assertThat(swept.headers().firstValue("X-Amz-Function-Error")).isEmpty();
  }

  int sessionsAtFintoc(String orderId) {
    JsonNode list =
        Json.parse(
            client
                .send(
                    HttpRequest.newBuilder(URI.create(stack.fintocUrl() + "/v2/checkout_sessions"))
                        .header("Authorization", stack.secretKey())
                        .GET()
                        .build())
                .body());
    int count = 0;
    for (JsonNode session : list.isArray() ? list : list.path("data")) {
      if (orderId.equals(session.path("metadata").path("order_id").asText())) {
        count++;
      }
    }
    return count;
  }

  @Test
  void aTransferPendingForElevenDaysKeepsItsOrderFromASecondCheckoutAndIsPaidOnce()
      throws Exception {
    Instant start = clock.instant();
    HttpResponse<String> first = checkout("order-long-transfer", 18_990);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    JsonNode session = Json.parse(first.body());
    String id = session.path("id").asText();
    client.choose(session, "pending");
    assertThat(client.settled(id).path("payment_status").asText()).isEqualTo("pending");

    for (long day : new long[] {7, 10, 11}) {
      dayAfterStart(start, day);
      sweep();

      HttpResponse<String> resigned = checkout("order-long-transfer", 18_990);
      HttpResponse<String> changed = checkout("order-long-transfer", 25_000);

      assertThat(resigned.statusCode()).as("day %d: %s", day, resigned.body()).isIn(200, 201);
      assertThat(Json.parse(resigned.body()).path("id").asText())
          .as("day %d: the same order is the same checkout", day)
          .isEqualTo(id);
      assertThat(changed.statusCode()).as("day %d: %s", day, changed.body()).isEqualTo(409);
      assertThat(sessionsAtFintoc("order-long-transfer")).as("day %d", day).isEqualTo(1);
    }

    client.choose(session, "succeeded"); // the bank settles on day 11
    JsonNode paid = client.settled(id);
    assertThat(paid.path("paid").asBoolean()).isTrue();
    assertThat(Json.parse(checkout("order-long-transfer", 18_990).body()).path("id").asText())
        .as("a paid order answers its paid checkout")
        .isEqualTo(id);
    assertThat(sessionsAtFintoc("order-long-transfer")).isEqualTo(1);
  }

  @Test
  void theStorefrontsKeyStillResumesTheSameCheckoutAfterTenDaysOfAPendingTransfer()
      throws Exception {
    Instant start = clock.instant();
    String key = "7d2c1a9e-0b3f-4c55-9a10-5e2f8b6d4c01";
    JsonNode session = Json.parse(keyedCheckout("order-keyed-transfer", key).body());
    client.choose(session, "pending");
    client.settled(session.path("id").asText());

    dayAfterStart(start, 10);
    HttpResponse<String> resumed = keyedCheckout("order-keyed-transfer", key);

    assertThat(resumed.statusCode()).as(resumed.body()).isIn(200, 201);
    assertThat(Json.parse(resumed.body()).path("id").asText())
        .isEqualTo(session.path("id").asText());
    assertThat(sessionsAtFintoc("order-keyed-transfer")).isEqualTo(1);
  }

  @Test
  void aSettledOrdersClaimGoesOnlyAWeekAfterItsPaymentSettled() throws Exception {
    Instant start = clock.instant();
    JsonNode session = Json.parse(checkout("order-settles-late", 18_990).body());
    String id = session.path("id").asText();
    client.choose(session, "pending");
    client.settled(id);

    dayAfterStart(start, 11);
    client.choose(session, "succeeded");
    assertThat(client.settled(id).path("paid").asBoolean()).isTrue();

    dayAfterStart(start, 11 + 6);
    assertThat(Json.parse(checkout("order-settles-late", 25_000).body()).at("/error/code").asText())
        .as("six days after it settled, the order still has its checkout")
        .isEqualTo("order_session_open");

    assertThat(claimOf(id)).as("six days after it settled").isNotNull();

    dayAfterStart(start, 11 + 8);
    assertThat(claimOf(id)).as("eight days after it settled").isNull();
    assertThat(client.settled(id).path("paid").asBoolean()).as("the session is kept").isTrue();
  }

  @Test
  void aClaimWhoseSessionMayStillTakeMoneyHasNoExpiryAndGetsOneWhenItCanNoLonger()
      throws Exception {
    JsonNode session = Json.parse(checkout("order-claim-ttl", 18_990).body());
    String id = session.path("id").asText();
    assertThat(claimOf(id)).doesNotContainKey("ttl");

    client.choose(session, "pending");
    client.settled(id);
    assertThat(claimOf(id)).as("pending").doesNotContainKey("ttl");

    client.choose(session, "failed");
    client.settled(id);
    assertThat(claimOf(id).get("ttl").n())
        .isEqualTo(String.valueOf(clock.instant().plus(Duration.ofDays(7)).getEpochSecond()));
  }

  /** The idempotency claim that holds session {@code id}, as stored, or null. */
  static Map<String, AttributeValue> claimOf(String id) {
    String table =
        stack
            .functions()
            .get("GetSessionFunction")
            .definition()
            .environment()
            .get("SESSIONS_TABLE");
    try (DynamoDbClient dynamo = stack.dynamoDbClient()) {
      return dynamo
          .scanPaginator(
              r ->
                  r.tableName(table)
                      .filterExpression("begins_with(pk, :claim) AND session_id = :id")
                      .expressionAttributeValues(
                          Map.of(
                              ":claim", AttributeValue.fromS("IDEMPOTENCY#"),
                              ":id", AttributeValue.fromS(id))))
          .items()
          .stream()
          .findFirst()
          .orElse(null);
    }
  }
}
