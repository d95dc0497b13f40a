package checkout.deployment;

import checkout.createsession.CreateSessionHandler;
import checkout.getsession.GetSessionHandler;
import checkout.http.ApiEvent;
import checkout.prices.ListPricesHandler;
import checkout.sweeper.ExpirySweeperHandler;
import checkout.testing.FintocEvents;
import checkout.testing.SecretsManagerStub;
import checkout.testing.TestCatalog;
import checkout.testing.TestContext;
import checkout.testing.TestStack;
import checkout.webhook.WebhookHandler;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB capacity each operation consumes, as DynamoDB Local reports it (on-demand units).
 *
 * <pre>./mvnw -q -pl deployment-tests exec:exec@capacity</pre>
 */
public final class CapacityBenchmark {
  static final String ORDER =
      """
      {"line_items": [{"price": "price_grano_1kg", "quantity": 1}], "success_url": "https://shop.example.com/paid",
       "cancel_url": "https://shop.example.com/cart", "metadata": {"order_id": "42"}}""";

  public static void main(String[] args) throws Exception {
    try (TestStack stack = new TestStack()) {
      var config = stack.config("capacity", Map.of("SWEEP_GRACE_SECONDS", "0"));
      CapacityRecorder recorder = new CapacityRecorder();
      DynamoDbClient dynamo = stack.dynamo.client(recorder);
      var secrets = TestStack.platform(config).build().secrets();
      TestCatalog.load(stack, config);
      CreateSessionHandler create =
          new CreateSessionHandler(
              TestStack.platform(config).dynamo(dynamo).secrets(secrets).build());
      GetSessionHandler get =
          new GetSessionHandler(TestStack.platform(config).dynamo(dynamo).build());
      WebhookHandler webhook =
          new WebhookHandler(TestStack.platform(config).dynamo(dynamo).secrets(secrets).build());
      ExpirySweeperHandler sweeper =
          new ExpirySweeperHandler(TestStack.platform(config).dynamo(dynamo).build());

      System.out.printf("%-52s %8s %8s %6s%n", "operation", "read", "write", "calls");
      recorder.take();
      create.handleRequest(ApiEvent.post("/checkout-sessions", ORDER, Map.of()), null);
      print("create session (catalog order, no key)", recorder);
      create.handleRequest(
          ApiEvent.post("/checkout-sessions", ORDER, Map.of("Idempotency-Key", "k1")), null);
      print("create session (catalog order with a key)", recorder);
      create.handleRequest(
          ApiEvent.post("/checkout-sessions", ORDER, Map.of("Idempotency-Key", "k1")), null);
      print("create session (idempotent replay)", recorder);
      new ListPricesHandler(TestStack.platform(config).dynamo(dynamo).build())
          .handleRequest(ApiEvent.get("/prices", "/prices", Map.of()), null);
      print("list prices (4 in the catalog)", recorder);
      get.handleRequest(
          ApiEvent.get(
              "/checkout-sessions/{id}",
              "/checkout-sessions/cs_test_000001",
              Map.of("id", "cs_test_000001")),
          null);
      print("get session", recorder);
      deliver(webhook, FintocEvents.paymentIntent("evt_1", "pending", "pi_1"));
      print("webhook: payment event before its session is linked", recorder);
      deliver(
          webhook, FintocEvents.sessionFinished("evt_2", "cs_test_000001", "pi_1", "succeeded"));
      print("webhook: checkout_session.finished (links, updates)", recorder);
      deliver(webhook, FintocEvents.paymentIntent("evt_3", "succeeded", "pi_1"));
      print("webhook: payment event, linked, no change", recorder);
      deliver(
          webhook, FintocEvents.sessionFinished("evt_2", "cs_test_000001", "pi_1", "succeeded"));
      print("webhook: duplicate delivery", recorder);
      deliver(webhook, FintocEvents.sessionExpired("evt_4", "cs_dashboard"));
      print("webhook: session this deployment never stored", recorder);
      create.handleRequest(
          ApiEvent.post("/checkout-sessions", ORDER.replace("42", "43"), Map.of()), null);
      recorder.take();
      sweeper.handleRequest(Map.of(), new TestContext(() -> 300_000));
      print("sweep: nothing due (2 indexes x 8 shards)", recorder);
    }
    System.exit(0);
  }

  static void deliver(WebhookHandler webhook, String body) {
    webhook.handleRequest(
        FintocEvents.delivery(body, SecretsManagerStub.WEBHOOK_SECRET, TestStack.NOW), null);
  }

  static void print(String operation, CapacityRecorder recorder) {
    double[] taken = recorder.take();
    System.out.printf("%-52s %8.1f %8.1f %6.0f%n", operation, taken[0], taken[1], taken[2]);
  }
}
