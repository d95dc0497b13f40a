package checkout.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Config;
import checkout.json.Json;
import checkout.local.eventbridge.LocalEventBus;
import checkout.local.http.Exchanges;
import checkout.local.template.EnvVars;
import checkout.local.template.SamTemplate;
import checkout.log.Log;
import checkout.testing.FintocStub;
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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our {@code sam local invoke} check: every sample event in events/, as committed (no signing
 * step), run through its function's deployment jar in a fresh JVM under the official Runtime
 * Interface Client, with the template's environment and env.json's values as sam local applies them
 * — only the endpoints point at DynamoDB Local and the stubs instead.
 */
class LambdaRuntimeInvokeTest {
  static final TestStack stack = new TestStack();
  static final SamTemplate template = ProjectFiles.template();
  static Config config;

  @BeforeAll
  static void table() throws Exception {
    config = stack.config("ric", Map.of());
    TestCatalog.loadExampleStore(stack, config);
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  /** The function as sam local runs it with env.json, its endpoints pointed at the stand-ins. */
  static LambdaRunner runAsSamLocal(String function, Map<String, String> extra) throws Exception {
    // As sam local invoke --env-vars env.json.
    Map<String, String> overrides =
        EnvVars.read(ProjectFiles.resolve("env.json")).forFunction(function);
    overrides.putAll(extra);
    overrides.put("SESSIONS_TABLE", config.required("SESSIONS_TABLE"));
    overrides.put("DYNAMODB_ENDPOINT", config.required("DYNAMODB_ENDPOINT"));
    overrides.put("FINTOC_API_URL", config.required("FINTOC_API_URL"));
    overrides.put("FINTOC_SECRET_KEY", FintocStub.SECRET_KEY);
    return start(function, overrides);
  }

  /** The function as deployed: its secret in (a stand-in of) Secrets Manager. */
  static LambdaRunner run(String function, Map<String, String> extra) {
    return run(config, function, extra);
  }

  static LambdaRunner run(Config table, String function, Map<String, String> extra) {
    Map<String, String> overrides = new HashMap<>(TestStack.functionOverrides(table));
    overrides.putAll(extra);
    return start(function, overrides);
  }

  static LambdaRunner start(String function, Map<String, String> overrides) {
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

  /**
   * Every function of the template running as sam local runs it, each sample event sent to the
   * function {@link TemplateSamples} pairs it with (never a list kept here), and which of the
   * paired samples were sent, so a sample added later fails until its answer is checked here.
   */
  static final class SamLocal implements AutoCloseable {
    final TemplateSamples pairing = TemplateSamples.derive(template, ProjectFiles.root());
    final Map<String, LambdaRunner> runners = new LinkedHashMap<>();
    final Set<String> sent = new LinkedHashSet<>();

    SamLocal(Map<String, String> extra) throws Exception {
      for (String function : pairing.byFunction().keySet()) {
        runners.put(function, runAsSamLocal(function, extra));
      }
    }

    /** The function the sample goes to, answering it. */
    JsonNode answer(String file) throws Exception {
      return answer(file, sample(file));
    }

    /** The function the sample goes to, answering {@code event} (the sample, re-signed). */
    JsonNode answer(String file, String event) throws Exception {
      sent.add(file);
      return invoke(runner(file), event);
    }

    LambdaRunner runner(String file) {
      List<String> functions =
          pairing.byFunction().entrySet().stream()
              .filter(e -> e.getValue().contains(file))
              .map(Map.Entry::getKey)
              .toList();
      assertThat(functions).as("the functions template.yaml delivers %s to", file).hasSize(1);
      return runners.get(functions.get(0));
    }

    /** Every sample the template delivers to a function, in file order. */
    Set<String> paired() {
      Set<String> paired = new TreeSet<>();
      pairing.byFunction().values().forEach(paired::addAll);
      return paired;
    }

    @Override
    public void close() {
      runners.values().forEach(LambdaRunner::close);
    }
  }

  @Test
  void everySampleEventAsCommittedIsAnsweredByItsFunctionRunningAsSamLocalRunsIt()
      throws Exception {
    stack.fintoc.reset(); // the samples name Fintoc's first session ids
    LocalEventBus bus = new LocalEventBus(null, null, Clock.systemUTC());
    HttpServer server = Exchanges.serve(0, "eventbridge", bus::handle);
    try (SamLocal functions =
        new SamLocal(
            Map.of(
                "EVENT_BUS_NAME",
                "orders",
                "EVENTBRIDGE_ENDPOINT",
                "http://127.0.0.1:" + server.getAddress().getPort()))) {
      JsonNode listed = functions.answer("list-prices.json");
      assertThat(listed.get("statusCode").asInt())
          .as(functions.runner("list-prices.json").log())
          .isEqualTo(200);
      assertThat(Json.parse(listed.get("body").asText()).get("prices")).hasSize(3);

      LambdaRunner create = functions.runner("create-session.json");
      JsonNode created = functions.answer("create-session.json");
      assertThat(created.get("statusCode").asInt()).as(create.log()).isEqualTo(201);
      assertThat(Json.parse(created.get("body").asText()).get("id").asText())
          .isEqualTo("cs_test_000001");
      JsonNode signed = functions.answer(SignSampleEvents.SIGNED_ORDER_SAMPLE);
      assertThat(signed.get("statusCode").asInt()).as(create.log()).isEqualTo(201);
      assertThat(functions.answer("create-session-invalid.json").get("statusCode").asInt())
          .isEqualTo(400);

      LambdaRunner get = functions.runner("get-session.json");
      JsonNode fetched = functions.answer("get-session.json");
      assertThat(fetched.get("statusCode").asInt()).as(get.log()).isEqualTo(200);
      assertThat(Json.parse(fetched.get("body").asText()).get("status").asText())
          .isEqualTo("created");

      for (String file : SignSampleEvents.samples().keySet()) {
        JsonNode answered = functions.answer(file);
        assertThat(answered.get("statusCode").asInt())
            .as(file + "\n" + functions.runner(file).log())
            .isEqualTo(200);
      }
      JsonNode paid = functions.answer("get-session.json");
      assertThat(Json.parse(paid.get("body").asText()).get("payment_status").asText())
          .isEqualTo("succeeded");
      assertThat(Json.parse(paid.get("body").asText()).get("paid").asBoolean()).isTrue();

      // Fintoc saw the sample order paid by the samples' payment, as their webhooks say.
      stack.fintoc.holdSession("cs_test_000001", "finished", "pi_test_000001", "succeeded");
      LambdaRunner refunds = functions.runner("refund-create.json");
      JsonNode refunded = functions.answer("refund-create.json");
      assertThat(refunded.get("statusCode").asInt()).as(refunds.log()).isEqualTo(202);
      assertThat(Json.parse(refunded.get("body").asText()).get("amount").asLong()).isEqualTo(5000);
      JsonNode listedRefunds = functions.answer("refund-list.json");
      assertThat(Json.parse(listedRefunds.get("body").asText()).get("refunds")).hasSize(1);
      JsonNode canceled = functions.answer("refund-cancel.json");
      assertThat(canceled.get("statusCode").asInt()).as(refunds.log()).isEqualTo(200);
      assertThat(Json.parse(canceled.get("body").asText()).get("status").asText())
          .isEqualTo("canceled");

      JsonNode summary = functions.answer("expiry-sweeper.json");
      assertThat(summary.has("found")).as(functions.runner("expiry-sweeper.json").log()).isTrue();

      JsonNode published = functions.answer("order-publisher.json");
      assertThat(published.path("batchItemFailures"))
          .as(functions.runner("order-publisher.json").log())
          .isEmpty();
      assertThat(bus.details()).hasSize(1);

      assertThat(functions.sent)
          .as("samples template.yaml delivers to a function: check each one's answer here")
          .containsExactlyInAnyOrderElementsOf(functions.paired());
    } finally {
      server.stop(0);
      bus.close();
    }
  }

  @Test
  void theDeployedWebhookFunctionRefusesTheCommittedSamplesWhoseSignaturesAreStale()
      throws Exception {
    try (LambdaRunner webhook = run("WebhookHandlerFunction", Map.of())) {
      for (String file : SignSampleEvents.samples().keySet()) {
        String body = Json.parse(sample(file)).get("body").asText();
        long anHourAgo = Instant.now().minusSeconds(3600).getEpochSecond();

        JsonNode answered =
            invoke(
                webhook,
                SignSampleEvents.render(body, SecretsManagerStub.WEBHOOK_SECRET, anHourAgo));

        assertThat(answered.get("statusCode").asInt()).as(webhook.log()).isEqualTo(400);
        assertThat(invoke(webhook, sample(file)).get("statusCode").asInt())
            .as("the committed file, signed with the public sample key")
            .isEqualTo(400);
      }
    }
  }

  /**
   * The one line a function's stdout has that the function did not write: the JVM announces the
   * template's JAVA_TOOL_OPTIONS before any code runs (Lambda shows it too).
   */
  static final String JVM_BANNER = "Picked up JAVA_TOOL_OPTIONS:";

  @Test
  void everyLineTheDeployedFunctionsPrintIsJsonWithItsRequestIdAndNoSlf4jWarningOrSecret()
      throws Exception {
    String forged =
        SignSampleEvents.render(
            Json.parse(sample("webhook-checkout-session-finished.json")).get("body").asText(),
            "whsec_attacker",
            Instant.now().getEpochSecond());
    String delivery =
        SignSampleEvents.render(
            Json.parse(sample("webhook-checkout-session-finished.json")).get("body").asText(),
            SecretsManagerStub.WEBHOOK_SECRET,
            Instant.now().getEpochSecond());
    Map<String, String> output = new HashMap<>();
    Map<String, List<String>> requestIds = new HashMap<>();
    // A table of its own: the other tests here start from the sample catalog untouched.
    Config own = stack.config("ric-logs", Map.of());
    TestCatalog.loadExampleStore(stack, own);
    try (LambdaRunner create = run(own, "CreateSessionFunction", Map.of());
        LambdaRunner webhook = run(own, "WebhookHandlerFunction", Map.of());
        LambdaRunner get = run(own, "GetSessionFunction", Map.of())) {
      assertThat(invoke(create, sample("create-session.json")).get("statusCode").asInt())
          .as(create.log())
          .isIn(200, 201);
      invoke(create, sample("create-session-invalid.json"));
      invoke(create, sample(SignSampleEvents.SIGNED_ORDER_SAMPLE));
      assertThat(invoke(webhook, forged).get("statusCode").asInt()).isEqualTo(400);
      assertThat(invoke(webhook, delivery).get("statusCode").asInt())
          .as(webhook.log())
          .isEqualTo(200);
      invoke(get, sample("get-session.json"));
      for (LambdaRunner runner : List.of(create, webhook, get)) {
        output.put(runner.toString(), runner.log());
        requestIds.put(runner.toString(), runner.requestIds());
      }
    }

    List<String> secrets =
        List.of(
            FintocStub.SECRET_KEY,
            SecretsManagerStub.WEBHOOK_SECRET,
            SecretsManagerStub.ORDER_SIGNING_SECRET);
    int lines = 0;
    for (var function : output.entrySet()) {
      for (String line : function.getValue().split("\n")) {
        if (line.isBlank() || line.startsWith(JVM_BANNER)) {
          continue;
        }
        lines++;
        assertThat(line).as(function.getValue()).startsWith("{").doesNotContain("SLF4J");
        for (String secret : secrets) {
          assertThat(line).doesNotContain(secret);
        }
        JsonNode json = Json.parse(line);
        assertThat(json.isObject()).as(line).isTrue();
        assertThat(json.path(Log.REQUEST_ID).asText())
            .as(line)
            .isIn(requestIds.get(function.getKey()));
      }
    }
    assertThat(lines).as("the functions logged and wrote their metrics").isGreaterThan(6);
    String all = String.join("\n", output.values());
    assertThat(all).contains("\"event\":\"session_created\"", "\"_aws\"", "SessionsRefused");
    assertThat(all).contains("\"event_id\":\"evt_sample_finished\"");
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
