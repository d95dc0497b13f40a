package checkout.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Config;
import checkout.json.Json;
import checkout.local.eventbridge.LocalEventBus;
import checkout.local.http.Exchanges;
import checkout.local.template.SamTemplate;
import checkout.testing.LambdaRunner;
import checkout.testing.ProjectFiles;
import checkout.testing.SecretsManagerStub;
import checkout.testing.SignSampleEvents;
import checkout.testing.TestCatalog;
import checkout.testing.TestStack;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our {@code sam local invoke} check: every sample event in events/ run through its function's
 * deployment jar in a fresh JVM under the official Runtime Interface Client, with the template's
 * environment (env.json-style overrides pointing at DynamoDB Local and the stubs).
 */
class LambdaRuntimeInvokeTest {
  static final TestStack stack = new TestStack();
  static final SamTemplate template = ProjectFiles.template();
  static Config config;
  static String webhookSecret;

  @BeforeAll
  static void table() throws Exception {
    config = stack.config("ric", Map.of());
    TestCatalog.loadExampleStore(stack, config);
    webhookSecret = SignSampleEvents.webhookSecret(ProjectFiles.root());
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  static LambdaRunner run(String function, Map<String, String> extra) {
    Map<String, String> overrides = new HashMap<>(TestStack.functionOverrides(config));
    overrides.putAll(extra);
    Path jar = ProjectFiles.resolve(template.functionProperty(function, "CodeUri").asText());
    return LambdaRunner.start(
        jar,
        template.functionProperty(function, "Handler").asText(),
        template.environment(function, overrides),
        LambdaRunner.javaHomeFor(template.functionProperty(function, "Runtime").asText()));
  }

  static String sample(String file) throws Exception {
    return Files.readString(ProjectFiles.resolve("events/" + file));
  }

  static JsonNode invoke(LambdaRunner runner, String event) throws Exception {
    return Json.parse(runner.invoke(event).body());
  }

  @Test
  void everySampleEventIsAnsweredByItsFunctionRunningAsInLambda() throws Exception {
    try (LambdaRunner create = run("CreateSessionFunction", Map.of());
        LambdaRunner get = run("GetSessionFunction", Map.of());
        LambdaRunner prices = run("ListPricesFunction", Map.of());
        LambdaRunner webhook = run("WebhookHandlerFunction", Map.of());
        LambdaRunner sweeper = run("ExpirySweeperFunction", Map.of())) {
      JsonNode listed = invoke(prices, sample("list-prices.json"));
      assertThat(listed.get("statusCode").asInt()).as(prices.log()).isEqualTo(200);
      assertThat(Json.parse(listed.get("body").asText()).get("prices")).hasSize(3);

      JsonNode created = invoke(create, sample("create-session.json"));
      assertThat(created.get("statusCode").asInt()).as(create.log()).isEqualTo(201);
      assertThat(Json.parse(created.get("body").asText()).get("id").asText())
          .isEqualTo("cs_test_000001");
      // As the README says: sign the samples right before invoking (the order token lasts an hour).
      JsonNode signed =
          invoke(
              create,
              SignSampleEvents.renderSignedOrder(
                  SecretsManagerStub.ORDER_SIGNING_SECRET, Instant.now().getEpochSecond()));
      assertThat(signed.get("statusCode").asInt()).as(create.log()).isEqualTo(201);
      assertThat(invoke(create, sample("create-session-invalid.json")).get("statusCode").asInt())
          .isEqualTo(400);

      JsonNode fetched = invoke(get, sample("get-session.json"));
      assertThat(fetched.get("statusCode").asInt()).as(get.log()).isEqualTo(200);
      assertThat(Json.parse(fetched.get("body").asText()).get("status").asText())
          .isEqualTo("created");

      // As the README says: sign the samples right before invoking (signatures last 5 minutes).
      long now = Instant.now().getEpochSecond();
      for (var entry : SignSampleEvents.samples().entrySet()) {
        String body = Json.parse(sample(entry.getKey())).get("body").asText();
        JsonNode answered =
            invoke(webhook, SignSampleEvents.render(body, stack.secrets.WEBHOOK_SECRET, now));
        assertThat(answered.get("statusCode").asInt())
            .as(entry.getKey() + "\n" + webhook.log())
            .isEqualTo(200);
      }
      JsonNode paid = invoke(get, sample("get-session.json"));
      assertThat(Json.parse(paid.get("body").asText()).get("payment_status").asText())
          .isEqualTo("succeeded");
      assertThat(Json.parse(paid.get("body").asText()).get("paid").asBoolean()).isTrue();

      JsonNode summary = invoke(sweeper, sample("expiry-sweeper.json"));
      assertThat(summary.has("found")).as(sweeper.log()).isTrue();
    }
  }

  @Test
  void theSignedSamplesVerifyUnderTheLocalOnlySecretFromEnvJson() throws Exception {
    try (LambdaRunner webhook =
        run(
            "WebhookHandlerFunction",
            Map.of("FINTOC_SECRET_ARN", "", "FINTOC_WEBHOOK_SECRET", webhookSecret))) {
      String body =
          Json.parse(sample("webhook-checkout-session-expired.json")).get("body").asText();

      JsonNode answered =
          invoke(
              webhook,
              SignSampleEvents.render(body, webhookSecret, Instant.now().getEpochSecond()));

      assertThat(answered.get("statusCode").asInt()).as(webhook.log()).isEqualTo(200);
    }
  }

  @Test
  void theStreamSampleIsPublishedAsOnePaidEventByThePublishersJar() throws Exception {
    LocalEventBus bus = new LocalEventBus(null, null, Clock.systemUTC());
    HttpServer server = Exchanges.serve(0, "eventbridge", bus::handle);
    try (LambdaRunner publisher =
        run(
            "OrderPublisherFunction",
            Map.of(
                "EVENT_BUS_NAME",
                "orders",
                "EVENTBRIDGE_ENDPOINT",
                "http://127.0.0.1:" + server.getAddress().getPort()))) {
      JsonNode answered = invoke(publisher, sample("order-publisher.json"));

      assertThat(answered.path("batchItemFailures")).as(publisher.log()).isEmpty();
      assertThat(bus.details()).hasSize(1);
      JsonNode detail = bus.details().get(0);
      assertThat(detail.path("id").asText()).isEqualTo("cs_test_sample_000001:paid");
      assertThat(detail.at("/customer/email").asText()).isEqualTo("ana@example.com");
      assertThat(bus.taken().get(0).path("EventBusName").asText()).isEqualTo("orders");
    } finally {
      server.stop(0);
      bus.close();
    }
  }
}
