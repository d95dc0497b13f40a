package checkout.webhook;

import static checkout.testing.FintocEvents.paymentIntent;
import static checkout.testing.FintocEvents.sessionExpired;
import static checkout.testing.FintocEvents.sessionFinished;
import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Config;
import checkout.getsession.GetSessionHandler;
import checkout.http.ApiEvent;
import checkout.json.Json;
import checkout.store.SessionRepository;
import checkout.testing.FintocEvents;
import checkout.testing.LogCapture;
import checkout.testing.SecretsManagerStub;
import checkout.testing.TestSessions;
import checkout.testing.TestStack;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Events about sessions this deployment did not create — made in Fintoc's dashboard, by another
 * integration, or by a second stack on the same Fintoc account, which posts every event of the
 * account to every endpoint — against DynamoDB Local, signed as Fintoc signs them. Each stack is a
 * table of its own with its own WebhookHandler and GetSession.
 */
class ForeignSessionsTest {
  static final TestStack stack = new TestStack();
  static final Instant EXPIRES = Instant.parse("2026-11-22T12:00:00Z");

  /** One deployment: its table, its webhook endpoint and its GetSession. */
  record Deployment(
      String table,
      DynamoDbClient dynamo,
      SessionRepository sessions,
      WebhookHandler webhook,
      GetSessionHandler getSession) {

    static Deployment of(String name) {
      Config config = stack.config(name, Map.of());
      DynamoDbClient dynamo = stack.dynamo.client();
      String table = config.required("SESSIONS_TABLE");
      return new Deployment(
          table,
          dynamo,
          new SessionRepository(dynamo, table),
          new WebhookHandler(TestStack.platform(config).build()),
          new GetSessionHandler(TestStack.platform(config).build()));
    }

    /** Fintoc's delivery of {@code event} to this deployment's endpoint: its status and outcome. */
    String deliver(String event) {
      APIGatewayV2HTTPResponse response =
          webhook.handleRequest(
              FintocEvents.delivery(event, SecretsManagerStub.WEBHOOK_SECRET, TestStack.NOW), null);
      return response.getStatusCode()
          + " "
          + Json.parse(response.getBody()).path("outcome").asText();
    }

    APIGatewayV2HTTPResponse poll(String sessionId) {
      return getSession.handleRequest(
          ApiEvent.get(
              "/checkout-sessions/{id}",
              "/checkout-sessions/" + sessionId,
              Map.of("id", sessionId)),
          null);
    }

    /** Every item in the table, by key. */
    Map<String, Map<String, AttributeValue>> items() {
      Map<String, Map<String, AttributeValue>> items = new java.util.TreeMap<>();
      dynamo.scan(r -> r.tableName(table)).items().forEach(i -> items.put(i.get("pk").s(), i));
      return items;
    }

    /**
     * The key of every change on the table's stream, oldest first: all the order publisher is ever
     * handed (it turns only {@code SESSION#} images into order events).
     */
    List<String> streamed() {
      String arn = dynamo.describeTable(r -> r.tableName(table)).table().latestStreamArn();
      List<String> keys = new ArrayList<>();
      try (DynamoDbStreamsClient streams = stack.dynamo.streams()) {
        for (Shard shard :
            streams.describeStream(r -> r.streamArn(arn)).streamDescription().shards()) {
          String iterator =
              streams
                  .getShardIterator(
                      r ->
                          r.streamArn(arn)
                              .shardId(shard.shardId())
                              .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                  .shardIterator();
          while (iterator != null) {
            String from = iterator;
            GetRecordsResponse page = streams.getRecords(r -> r.shardIterator(from));
            if (page.records().isEmpty()) {
              break;
            }
            page.records().forEach(record -> keys.add(record.dynamodb().keys().get("pk").s()));
            iterator = page.nextShardIterator();
          }
        }
      }
      return keys;
    }
  }

  Deployment ours;

  @BeforeEach
  void aFreshDeployment() {
    stack.secrets.reset();
    ours = Deployment.of("ours");
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  /** The EMF lines (metrics) among what was logged, as JSON. */
  static List<JsonNode> metricLines(LogCapture logs) {
    return logs.lines().stream()
        .map(line -> line.substring(line.indexOf(' ') + 1))
        .filter(line -> line.contains("\"_aws\""))
        .map(Json::parse)
        .toList();
  }

  static String ttlIn30Days() {
    return String.valueOf(TestStack.NOW.plus(Duration.ofDays(30)).getEpochSecond());
  }

  @Test
  void aPaidFinishedEventWithAnOrderIdForASessionNeverCreatedHereIsAcknowledgedAndStoresNothing() {
    // As made in Fintoc's dashboard or by another integration: signed, paid, metadata.order_id set.
    String event = sessionFinished("evt_1", "cs_dashboard_1", "pi_dashboard_1", "succeeded");
    assertThat(Json.parse(event).at("/data/metadata/order_id").asText())
        .isEqualTo("order-from-cs_dashboard_1");

    try (LogCapture logs = new LogCapture()) {
      assertThat(ours.deliver(event)).isEqualTo("200 foreign");

      assertThat(metricLines(logs))
          .filteredOn(line -> line.has("WebhooksForeign"))
          .singleElement()
          .satisfies(line -> assertThat(line.get("WebhooksForeign").asInt()).isEqualTo(1));
      assertThat(metricLines(logs)).noneMatch(line -> line.has("WebhooksApplied"));
      assertThat(logs.all()).contains("\"outcome\":\"foreign\"");
    }
    APIGatewayV2HTTPResponse polled = ours.poll("cs_dashboard_1");
    assertThat(polled.getStatusCode()).isEqualTo(404);
    assertThat(Json.parse(polled.getBody()).at("/error/code").asText())
        .isEqualTo("session_not_found");
    assertThat(ours.items()).as("no session, no payment, no marker").isEmpty();
    assertThat(ours.streamed()).as("nothing for the order publisher to read").isEmpty();
  }

  @Test
  void aForeignEventDeliveredAgainIsForeignAgainAndStillStoresNothing() {
    // No marker is kept for it: there is nothing to apply once, and writing one per event of
    // another integration would only cost.
    String event = sessionExpired("evt_1", "cs_dashboard_1");

    assertThat(ours.deliver(event)).isEqualTo("200 foreign");
    assertThat(ours.deliver(event)).isEqualTo("200 foreign");

    assertThat(ours.items()).isEmpty();
  }

  @Test
  void aPaymentEventWhosePayloadNamesASessionNeverCreatedHereIsForeign() {
    ObjectNode event = (ObjectNode) Json.parse(paymentIntent("evt_1", "succeeded", "pi_other"));
    ((ObjectNode) event.get("data")).put("checkout_session", "cs_other");

    assertThat(ours.deliver(Json.write(event))).isEqualTo("200 foreign");

    assertThat(ours.items()).isEmpty();
  }

  @Test
  void aPaymentEventBeforeItsForeignFinishedIsKeptUnlinkedAndExpiresNeverBecomingASession() {
    // A payment event names no session, so when it comes first nobody can tell whose it is: it is
    // kept as ours would be, until a link that never comes, and the table's TTL removes it.
    assertThat(ours.deliver(paymentIntent("evt_p", "succeeded", "pi_other")))
        .isEqualTo("200 applied");
    assertThat(ours.deliver(sessionFinished("evt_f", "cs_other", "pi_other", "succeeded")))
        .isEqualTo("200 foreign");

    Map<String, AttributeValue> payment = ours.items().get("PAYMENT#pi_other");
    assertThat(payment).doesNotContainKey("session_id");
    assertThat(payment).containsEntry("ttl", AttributeValue.fromN(ttlIn30Days()));
    assertThat(ours.items().keySet()).containsExactlyInAnyOrder("PAYMENT#pi_other", "EVENT#evt_p");
    assertThat(ours.poll("cs_other").getStatusCode()).isEqualTo(404);
    assertThat(ours.streamed()).noneMatch(key -> key.startsWith("SESSION#"));
  }

  @Test
  void twoStacksSharingOneFintocAccountEachPayTheirOwnOrderAndNeverSeeTheOthers() {
    Deployment a = Deployment.of("stack-a");
    Deployment b = Deployment.of("stack-b");
    // Each stack's CreateSession stored its own checkout.
    a.sessions().insert(TestSessions.open("cs_a", "order-a", EXPIRES));
    b.sessions().insert(TestSessions.open("cs_b", "order-b", EXPIRES));
    // Fintoc posts every event of the account to every endpoint registered on it; for each paid
    // checkout, in the order the simulator sends them: the payment, then the finished session.
    List<String> events =
        List.of(
            paymentIntent("evt_a1", "succeeded", "pi_a"),
            sessionFinished("evt_a2", "cs_a", "pi_a", "succeeded"),
            paymentIntent("evt_b1", "succeeded", "pi_b"),
            sessionFinished("evt_b2", "cs_b", "pi_b", "succeeded"));

    List<String> atA = new ArrayList<>();
    List<String> atB = new ArrayList<>();
    for (String event : events) {
      atA.add(a.deliver(event));
      atB.add(b.deliver(event));
    }

    assertThat(atA).containsExactly("200 applied", "200 applied", "200 applied", "200 foreign");
    assertThat(atB).containsExactly("200 applied", "200 foreign", "200 applied", "200 applied");
    assertThat(Json.parse(a.poll("cs_a").getBody()).get("paid").asBoolean()).isTrue();
    assertThat(Json.parse(b.poll("cs_b").getBody()).get("paid").asBoolean()).isTrue();
    assertThat(a.poll("cs_b").getStatusCode()).isEqualTo(404);
    assertThat(b.poll("cs_a").getStatusCode()).isEqualTo(404);
    assertThat(a.streamed())
        .filteredOn(key -> key.startsWith("SESSION#"))
        .containsOnly("SESSION#cs_a");
    assertThat(b.streamed())
        .filteredOn(key -> key.startsWith("SESSION#"))
        .containsOnly("SESSION#cs_b");
    // What each holds of the other's payment is unlinked and expires: never read as an order.
    assertThat(a.items().get("PAYMENT#pi_b"))
        .doesNotContainKey("session_id")
        .containsEntry("ttl", AttributeValue.fromN(ttlIn30Days()));
    assertThat(b.items().get("PAYMENT#pi_a"))
        .doesNotContainKey("session_id")
        .containsEntry("ttl", AttributeValue.fromN(ttlIn30Days()));
    assertThat(a.items().get("PAYMENT#pi_a")).doesNotContainKey("ttl");
  }
}
