package checkout.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Config;
import checkout.json.Json;
import checkout.local.template.SamTemplate;
import checkout.testing.LambdaRunner;
import checkout.testing.ProjectFiles;
import checkout.testing.SecretsManagerStub;
import checkout.testing.SignSampleEvents;
import checkout.testing.TestCatalog;
import checkout.testing.TestStack;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SnapStart as the Lambda Java runtime runs it (template.yaml publishes SnapStart versions): each
 * deployment jar under the official Runtime Interface Client in snap-start mode — init, the
 * before-checkpoint hooks, {@code /restore/next}, the after-restore hooks, then events — with
 * container credentials instead of access-key variables.
 */
class SnapStartTest {
  static final TestStack stack = new TestStack();
  static final SamTemplate template = ProjectFiles.template();

  /** Every function of the template: each publishes SnapStart versions (Globals). */
  static final List<String> FUNCTIONS = List.copyOf(template.functions().keySet());

  static Config config;

  @BeforeAll
  static void table() {
    config = stack.config("snapstart", Map.of());
    TestCatalog.loadExampleStore(stack, config);
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  static LambdaRunner snapStart(String function) {
    Map<String, String> overrides = new HashMap<>(TestStack.functionOverrides(config));
    Path jar = ProjectFiles.resolve(template.functionProperty(function, "CodeUri").asText());
    return LambdaRunner.start(
        jar,
        template.functionProperty(function, "Handler").asText(),
        template.environment(function, overrides),
        LambdaRunner.javaHomeFor(template.functionProperty(function, "Runtime").asText()),
        List.of(),
        LambdaRunner.Mode.SNAP_START);
  }

  static String sample(String file) throws Exception {
    return Files.readString(ProjectFiles.resolve("events/" + file));
  }

  static int itemsInTable() {
    return stack.dynamo.client().scan(r -> r.tableName(config.required("SESSIONS_TABLE"))).count();
  }

  @Test
  void everyFunctionPrimesBeforeTheSnapshotWithoutASecretAFintocCallOrAWrite() throws Exception {
    int itemsBefore = itemsInTable();
    int fintocRequestsBefore = stack.fintoc.server().getAllServeEvents().size();
    int secretReadsBefore = stack.secrets.reads();
    LambdaRunner[] runners =
        FUNCTIONS.stream().map(SnapStartTest::snapStart).toArray(LambdaRunner[]::new);
    try {
      for (LambdaRunner runner : runners) {
        runner.checkpointNanos(); // waits until the runtime reaches the snapshot point
      }

      for (int i = 0; i < runners.length; i++) {
        String log = runners[i].log();
        String name = FUNCTIONS.get(i).replace("Function", "");
        assertThat(log)
            .as(log)
            .contains("snapstart_primed")
            .contains("\"function\":\"" + name + "\"")
            .doesNotContain("snapstart_priming_failed")
            .as("priming's made-up requests are never counted in CloudWatch")
            .doesNotContain("\"_aws\"");
        // Priming reached DynamoDB through the credentials the runtime supplies under SnapStart.
        assertThat(runners[i].credentialReads()).as(name).isPositive();
      }
      assertThat(stack.secrets.reads())
          .as("secret reads before the snapshot")
          .isEqualTo(secretReadsBefore);
      assertThat(stack.fintoc.server().getAllServeEvents())
          .as("Fintoc calls before the snapshot")
          .hasSize(fintocRequestsBefore);
      assertThat(itemsInTable()).as("items written before the snapshot").isEqualTo(itemsBefore);
    } finally {
      for (LambdaRunner runner : runners) {
        runner.close();
      }
    }
  }

  @Test
  void restoredFunctionsAnswerEverySampleEventWithContainerCredentials() throws Exception {
    try (LambdaRunner create = snapStart("CreateSessionFunction");
        LambdaRunner get = snapStart("GetSessionFunction");
        LambdaRunner prices = snapStart("ListPricesFunction");
        LambdaRunner webhook = snapStart("WebhookHandlerFunction");
        LambdaRunner sweeper = snapStart("ExpirySweeperFunction");
        LambdaRunner refunds = snapStart("RefundsFunction")) {
      JsonNode listed = Json.parse(prices.invoke(sample("list-prices.json")).body());
      assertThat(listed.get("statusCode").asInt()).as(prices.log()).isEqualTo(200);
      JsonNode created = Json.parse(create.invoke(sample("create-session.json")).body());
      assertThat(created.get("statusCode").asInt()).as(create.log()).isEqualTo(201);
      JsonNode signed =
          Json.parse(
              create
                  .invoke(
                      SignSampleEvents.renderSignedOrder(
                          SecretsManagerStub.ORDER_SIGNING_SECRET, Instant.now().getEpochSecond()))
                  .body());
      assertThat(signed.get("statusCode").asInt()).as(create.log()).isEqualTo(201);

      JsonNode fetched = Json.parse(get.invoke(sample("get-session.json")).body());
      assertThat(fetched.get("statusCode").asInt()).as(get.log()).isEqualTo(200);

      long now = Instant.now().getEpochSecond();
      String body =
          Json.parse(sample("webhook-checkout-session-finished.json")).get("body").asText();
      JsonNode answered =
          Json.parse(
              webhook
                  .invoke(SignSampleEvents.render(body, stack.secrets.WEBHOOK_SECRET, now))
                  .body());
      assertThat(answered.get("statusCode").asInt()).as(webhook.log()).isEqualTo(200);
      assertThat(Json.parse(get.invoke(sample("get-session.json")).body()).get("body").asText())
          .contains("\"payment_status\":\"succeeded\"");

      // Fintoc saw the sample order paid by the samples' payment, as their webhooks say.
      stack.fintoc.holdSession("cs_test_000001", "finished", "pi_test_000001", "succeeded");
      JsonNode refunded = Json.parse(refunds.invoke(sample("refund-create.json")).body());
      assertThat(refunded.get("statusCode").asInt()).as(refunds.log()).isEqualTo(202);

      JsonNode summary = Json.parse(sweeper.invoke(sample("expiry-sweeper.json")).body());
      assertThat(summary.has("found")).as(sweeper.log()).isTrue();
      assertThat(
              create.log()
                  + get.log()
                  + prices.log()
                  + webhook.log()
                  + sweeper.log()
                  + refunds.log())
          .doesNotContain("sk_test_")
          .doesNotContain("whsec_stub")
          .doesNotContain(SecretsManagerStub.ORDER_SIGNING_SECRET);
    }
  }
}
