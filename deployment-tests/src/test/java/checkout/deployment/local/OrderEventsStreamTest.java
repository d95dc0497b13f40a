package checkout.deployment.local;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.json.Json;
import checkout.local.LocalOptions;
import checkout.local.LocalStack;
import checkout.local.stream.StreamMapping;
import checkout.testing.MutableClock;
import checkout.testing.ProjectFiles;
import checkout.testing.TestStack;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Order events from DynamoDB Local's real stream: the publisher's own jar, fed by a stream mapping
 * that checkpoints, retries, bisects and discards as Lambda's does, putting events on the local
 * EventBridge. {@link LocalStack#drainStreams()} hands over everything committed so far, so nothing
 * here waits by sleeping.
 */
class OrderEventsStreamTest {
  static final MutableClock clock = new MutableClock(TestStack.NOW);
  static LocalStack stack;
  static StackClient client;
  static StreamMapping publisher;

  @BeforeAll
  static void start() {
    stack =
        LocalStack.start(
            LocalOptions.forTests(
                    ProjectFiles.resolve("template.yaml"), clock, LocalStackTest.ids("events"))
                .withEnvVars(ProjectFiles.resolve("env.json"))
                .withoutStreamPolling());
    client = new StackClient(stack);
    publisher = stack.streams().get(0);
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  /** The events the bus took about one session, in the order it took them. */
  static List<JsonNode> eventsOf(String sessionId) {
    stack.drainStreams();
    return stack.eventBus().details().stream()
        .filter(d -> d.path("session_id").asText().equals(sessionId))
        .toList();
  }

  static List<String> types(List<JsonNode> details) {
    return details.stream().map(d -> d.path("type").asText()).toList();
  }

  @Test
  void aPaidOrderIsAnnouncedOnceWithWhatFulfilmentNeedsAndTheMerchantBackendTakesIt()
      throws Exception {
    JsonNode created = client.create("order-events-paid");
    String id = created.path("id").asText();
    client.choose(created, "succeeded");
    client.settled(id);

    List<JsonNode> events = eventsOf(id);

    assertThat(types(events)).containsExactly("checkout.session.paid");
    JsonNode paid = events.get(0);
    assertThat(paid.path("id").asText()).isEqualTo(id + ":paid");
    assertThat(paid.path("order_id").asText()).isEqualTo("order-events-paid");
    assertThat(paid.path("amount").asLong()).isEqualTo(15000);
    assertThat(paid.path("currency").asText()).isEqualTo("CLP");
    assertThat(paid.at("/line_items/0/price").asText()).isEqualTo("price_grano_1kg");
    assertThat(paid.at("/payment/status").asText()).isEqualTo("succeeded");
    assertThat(
            stack.merchant().seenSoFar().path("events").findValuesAsText("id").stream()
                .filter(e -> e.equals(id + ":paid")))
        .as("the example merchant backend took it once")
        .hasSize(1);
  }

  @Test
  void aSessionsEventsGoOutInCommitOrder() throws Exception {
    JsonNode created = client.create("order-events-approval");
    String id = created.path("id").asText();
    client.choose(created, "requires_action");
    client.settled(id);
    client.choose(created, "pending");
    client.settled(id);
    client.choose(created, "succeeded");
    client.settled(id);

    assertThat(types(eventsOf(id)))
        .containsExactly("checkout.session.action_required", "checkout.session.paid");
  }

  @Test
  void aPublisherThatDiesBetweenReadingAndCheckpointingOnlyRepeatsEventsWithTheSameIds()
      throws Exception {
    stack.drainStreams();
    JsonNode paid = client.create("order-events-crash-1");
    JsonNode failed = client.create("order-events-crash-2");
    client.choose(paid, "succeeded");
    client.choose(failed, "failed");
    client.settled(paid.path("id").asText());
    client.settled(failed.path("id").asText());
    int invocationsBefore = publisher.invocations();
    // The batch holding both outcomes is published, then the invocation dies before its
    // checkpoint — twice.
    publisher.crashAfterInvoking(2);

    List<JsonNode> events = eventsOf(paid.path("id").asText());
    List<JsonNode> failures = eventsOf(failed.path("id").asText());

    assertThat(publisher.invocations() - invocationsBefore)
        .as("the batches were read again")
        .isGreaterThan(2);
    Map<String, List<JsonNode>> byId =
        Stream.concat(events.stream(), failures.stream())
            .collect(Collectors.groupingBy(d -> d.path("id").asText()));
    assertThat(byId.keySet())
        .as("no gap: each outcome once, by id")
        .containsExactlyInAnyOrder(
            paid.path("id").asText() + ":paid", failed.path("id").asText() + ":payment_failed");
    assertThat(byId.values().stream().mapToInt(List::size).sum())
        .as("and some of them more than once")
        .isGreaterThan(2);
    byId.values()
        .forEach(
            copies ->
                assertThat(copies).as("a repeat is the same event").containsOnly(copies.get(0)));
  }

  @Test
  void aPartialPutEventsFailureSendsOnlyTheRefusedEntryAgain() throws Exception {
    JsonNode created = client.create("order-events-throttled");
    String id = created.path("id").asText();
    stack.eventBus().refuse(entry -> entry.path("Detail").asText().contains(id + ":paid"), 1);
    client.choose(created, "succeeded");
    client.settled(id);

    assertThat(types(eventsOf(id))).containsExactly("checkout.session.paid");
    List<List<JsonNode>> callsWithIt =
        stack.eventBus().calls().stream()
            .filter(call -> call.stream().anyMatch(e -> e.path("Detail").asText().contains(id)))
            .toList();
    assertThat(callsWithIt).as("refused once, then sent again alone").hasSize(2);
    assertThat(callsWithIt.get(1)).hasSize(1);
  }

  @Test
  void aPoisonRecordIsSentToTheDeadLetterQueueByThePublisherWhileLaterRecordsStillFlow()
      throws Exception {
    stack.drainStreams();
    int discardedBefore = publisher.onFailure().size();
    int deadLettersBefore = stack.deadLetters().messages().size();
    String table =
        stack
            .functions()
            .get("GetSessionFunction")
            .definition()
            .environment()
            .get("SESSIONS_TABLE");
    try (DynamoDbClient dynamo = stack.dynamoDbClient()) {
      // A session item the publisher cannot read: its created_at is not a time.
      dynamo.putItem(
          r ->
              r.tableName(table)
                  .item(
                      Map.of(
                          "pk", AttributeValue.fromS("SESSION#cs_poison"),
                          "id", AttributeValue.fromS("cs_poison"),
                          "status", AttributeValue.fromS("finished"),
                          "paid", AttributeValue.fromBool(true),
                          "created_at", AttributeValue.fromS("yesterday"))));
    }
    JsonNode after = client.create("order-events-after-poison");
    client.choose(after, "succeeded");
    client.settled(after.path("id").asText());

    assertThat(types(eventsOf(after.path("id").asText())))
        .as("the records after it were published")
        .containsExactly("checkout.session.paid");
    List<JsonNode> deadLetters =
        stack
            .deadLetters()
            .messages()
            .subList(deadLettersBefore, stack.deadLetters().messages().size());
    assertThat(deadLetters).as("only the poison record, at once").hasSize(1);
    assertThat(deadLetters.get(0).path("condition").asText()).isEqualTo("UnreadableRecord");
    assertThat(deadLetters.get(0).path("session_id").asText()).isEqualTo("cs_poison");
    assertThat(deadLetters.get(0).path("reason").asText()).contains("DateTimeParseException");
    assertThat(publisher.onFailure())
        .as("Lambda's own on-failure records are for records too old to retry, not for this")
        .hasSize(discardedBefore);
  }

  @Test
  void anEventBridgeOutageOfMinutesDelaysOrderEventsThenPublishesEachOnceInOrderAndDeadLettersNone()
      throws Exception {
    stack.drainStreams();
    int deadLettersBefore = stack.deadLetters().messages().size();
    int discardedBefore = publisher.onFailure().size();
    stack.eventBus().outageUntil(clock.instant().plus(Duration.ofMinutes(20)));
    JsonNode approval = client.create("order-events-outage-approval");
    JsonNode failed = client.create("order-events-outage-failed");
    JsonNode paid = client.create("order-events-outage-paid");
    client.choose(approval, "requires_action");
    client.settled(approval.path("id").asText());
    client.choose(failed, "failed");
    client.settled(failed.path("id").asText());
    client.choose(approval, "pending");
    client.settled(approval.path("id").asText());
    client.choose(paid, "succeeded");
    client.settled(paid.path("id").asText());
    client.choose(approval, "succeeded");
    client.settled(approval.path("id").asText());

    stack.drainStreams();
    assertThat(stack.eventBus().outageCalls()).as("the publisher tried").isPositive();
    assertThat(eventsOf(approval.path("id").asText()))
        .as("nothing put during the outage")
        .isEmpty();
    clock.advance(Duration.ofMinutes(10));
    stack.drainStreams();
    assertThat(eventsOf(paid.path("id").asText())).as("ten minutes in, still out").isEmpty();
    clock.advance(Duration.ofMinutes(15));

    assertThat(types(eventsOf(approval.path("id").asText())))
        .as("in commit order, once each")
        .containsExactly("checkout.session.action_required", "checkout.session.paid");
    assertThat(types(eventsOf(failed.path("id").asText())))
        .containsExactly("checkout.session.payment_failed");
    assertThat(types(eventsOf(paid.path("id").asText()))).containsExactly("checkout.session.paid");
    assertThat(stack.deadLetters().messages()).hasSize(deadLettersBefore);
    assertThat(publisher.onFailure()).hasSize(discardedBefore);
  }

  @Test
  void anOutageLongerThanTheTemplatesRecordAgeSendsAPointerToTheDeadLetterQueue() throws Exception {
    stack.drainStreams();
    int deadLettersBefore = stack.deadLetters().messages().size();
    stack.eventBus().outageUntil(clock.instant().plus(Duration.ofHours(13)));
    try {
      JsonNode paid = client.create("order-events-long-outage");
      client.choose(paid, "succeeded");
      client.settled(paid.path("id").asText());
      stack.drainStreams();
      clock.advance(Duration.ofHours(11));
      stack.drainStreams();
      assertThat(stack.deadLetters().messages())
          .as("11 h: still retried")
          .hasSize(deadLettersBefore);

      clock.advance(Duration.ofHours(1).plusMinutes(1));
      stack.drainStreams();

      List<JsonNode> pointers =
          stack
              .deadLetters()
              .messages()
              .subList(deadLettersBefore, stack.deadLetters().messages().size());
      assertThat(pointers).isNotEmpty();
      assertThat(pointers)
          .allSatisfy(
              p ->
                  assertThat(p.at("/requestContext/condition").asText())
                      .isEqualTo("RecordAgeExceeded"));
      assertThat(eventsOf(paid.path("id").asText()))
          .as("lost from the stream: the replay command brings it back from the table")
          .isEmpty();
    } finally {
      stack.eventBus().outageUntil(java.time.Instant.MIN);
    }
  }

  @Test
  void aRejectedWebhookAndARefusedCreateAnnounceNothing() {
    stack.drainStreams();
    int takenBefore = stack.eventBus().events().size();

    HttpResponse<String> forged =
        client.post(
            stack.apiUrl().resolve("/webhooks/fintoc"),
            "application/json",
            "{\"id\": \"evt_forged\", \"type\": \"payment_intent.succeeded\", \"data\": {}}");
    HttpResponse<String> refused =
        client.post(
            stack.apiUrl().resolve("/checkout-sessions"),
            "application/json",
            StackClient.order("order-events-refused").replace("price_grano_1kg", "price_gone"));
    stack.drainStreams();

    assertThat(forged.statusCode()).isEqualTo(400);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(Json.parse(refused.body()).at("/error/code").asText()).isNotEmpty();
    assertThat(stack.eventBus().events()).hasSize(takenBefore);
  }
}
