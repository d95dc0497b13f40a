package checkout.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Config;
import checkout.createsession.CreateSessionHandler;
import checkout.getsession.GetSessionHandler;
import checkout.json.Json;
import checkout.prices.ListPricesHandler;
import checkout.sweeper.ExpirySweeperHandler;
import checkout.testing.FintocStub;
import checkout.testing.ProjectFiles;
import checkout.testing.SignSampleEvents;
import checkout.testing.TestCatalog;
import checkout.testing.TestContext;
import checkout.testing.TestStack;
import checkout.webhook.WebhookHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The files in events/ are what developers pass to {@code sam local invoke -e}: each one,
 * deserialized as the Lambda runtime does, gets the answer it is there to show.
 */
class SampleEventsTest {
  static final TestStack stack = new TestStack();
  Config config;

  @BeforeEach
  void freshTableWithTheExampleCatalogAndStubs() {
    stack.fintoc.reset();
    // The redirect origins env.json gives CreateSessionFunction, as sam local would.
    config =
        stack.config(
            "events",
            Map.of("ALLOWED_REDIRECT_ORIGINS", "http://localhost:3000,http://127.0.0.1:3000"));
    TestCatalog.loadExampleStore(stack, config);
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  static APIGatewayV2HTTPEvent event(String file) {
    return EventLoader.loadApiGatewayHttpEvent(ProjectFiles.resolve("events/" + file).toString());
  }

  @Test
  void createSessionThenGetSessionShowTheCreatedSession() {
    APIGatewayV2HTTPResponse created =
        new CreateSessionHandler(TestStack.platform(config).build())
            .handleRequest(event("create-session.json"), null);

    assertThat(created.getStatusCode()).isEqualTo(201);
    JsonNode body = Json.parse(created.getBody());
    assertThat(body.get("id").asText()).isEqualTo("cs_test_000001");
    assertThat(body.get("amount").asLong())
        .as("a café de grano, at the catalog's price")
        .isEqualTo(15000);

    APIGatewayV2HTTPResponse fetched =
        new GetSessionHandler(TestStack.platform(config).build())
            .handleRequest(event("get-session.json"), null);

    assertThat(fetched.getStatusCode()).isEqualTo(200);
    assertThat(Json.parse(fetched.getBody()).get("order").asText()).isEqualTo("order-1001");
  }

  @Test
  void theSignedWebhookSamplesVerifyWithEnvJsonsSecretAndApply() throws Exception {
    new CreateSessionHandler(TestStack.platform(config).build())
        .handleRequest(event("create-session.json"), null);
    String secret = SignSampleEvents.webhookSecret(ProjectFiles.root());
    // As under sam local: no secret ARN, the local-only variable from env.json instead.
    Config local = config.with(Map.of("FINTOC_SECRET_ARN", "", "FINTOC_WEBHOOK_SECRET", secret));

    for (String file : SignSampleEvents.samples().keySet()) {
      APIGatewayV2HTTPEvent delivery = event(file);
      long signedAt =
          Long.parseLong(
              delivery.getHeaders().get("fintoc-signature").replaceAll("^t=(\\d+),.*$", "$1"));
      Clock then = Clock.fixed(Instant.ofEpochSecond(signedAt), ZoneOffset.UTC);

      APIGatewayV2HTTPResponse response =
          new WebhookHandler(TestStack.platform(local).clock(then).build())
              .handleRequest(delivery, null);

      assertThat(response.getStatusCode()).as(file).isEqualTo(200);
      assertThat(Json.parse(response.getBody()).get("outcome").asText())
          .as(file)
          .isIn("applied", "duplicate");
    }
    JsonNode session =
        Json.parse(
            new GetSessionHandler(TestStack.platform(config).build())
                .handleRequest(event("get-session.json"), null)
                .getBody());
    assertThat(session.get("status").asText()).isEqualTo("finished");
    assertThat(session.get("payment_status").asText()).isEqualTo("succeeded");
    assertThat(session.get("paid").asBoolean())
        .as("the sample payment is for the sample order's amount")
        .isTrue();
  }

  @Test
  void theListPricesSampleShowsTheExampleStoresCatalog() {
    APIGatewayV2HTTPResponse listed =
        new ListPricesHandler(TestStack.platform(config).build())
            .handleRequest(event("list-prices.json"), null);

    assertThat(listed.getStatusCode()).isEqualTo(200);
    assertThat(Json.parse(listed.getBody()).get("prices").findValuesAsText("id"))
        .containsExactly("price_grano_1kg", "price_molido_250g", "price_taza");
  }

  @Test
  void theSignedWebhookSamplesAreExactlyWhatTheSigningHelperWrites() throws Exception {
    String secret = SignSampleEvents.webhookSecret(ProjectFiles.root());
    for (var sample : SignSampleEvents.samples().entrySet()) {
      String committed = Files.readString(ProjectFiles.resolve("events/" + sample.getKey()));
      long signedAt =
          Long.parseLong(
              Json.parse(committed)
                  .at("/headers/fintoc-signature")
                  .asText()
                  .replaceAll("^t=(\\d+),.*$", "$1"));

      assertThat(SignSampleEvents.render(sample.getValue(), secret, signedAt))
          .as(sample.getKey())
          .isEqualTo(committed);
    }
  }

  @Test
  void theSweeperSampleIsTheSchedulesInputAndRunsASweep() throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> input =
        new ObjectMapper()
            .readValue(ProjectFiles.resolve("events/expiry-sweeper.json").toFile(), Map.class);
    String scheduled =
        ProjectFiles.template()
            .resource("ExpirySweeperFunction")
            .at("/Properties/Events/Sweep/Properties/Input")
            .asText();
    assertThat(Json.parse(scheduled))
        .isEqualTo(
            Json.parse(Files.readString(ProjectFiles.resolve("events/expiry-sweeper.json"))));

    Map<String, Object> summary =
        new ExpirySweeperHandler(TestStack.platform(config).build())
            .handleRequest(input, TestContext.unhurried());

    assertThat(summary).containsKeys("found", "expired", "finished", "skipped", "errors");
  }

  @Test
  void theSignedOrderSampleCreatesTheOrderItsBackendSignedWithEnvJsonsKey() throws Exception {
    // As under sam local: no secret ARN, the local-only variables from env.json instead.
    Config local =
        config.with(
            Map.of(
                "FINTOC_SECRET_ARN",
                "",
                "FINTOC_SECRET_KEY",
                FintocStub.SECRET_KEY,
                "ORDER_SIGNING_SECRET",
                SignSampleEvents.orderSigningSecret(ProjectFiles.root())));
    APIGatewayV2HTTPEvent sample = event(SignSampleEvents.SIGNED_ORDER_SAMPLE);
    long signedAt =
        SignSampleEvents.orderSignedAt(
            Files.readString(
                ProjectFiles.resolve("events/" + SignSampleEvents.SIGNED_ORDER_SAMPLE)));

    APIGatewayV2HTTPResponse created =
        new CreateSessionHandler(
                TestStack.platform(local)
                    .clock(Clock.fixed(Instant.ofEpochSecond(signedAt), ZoneOffset.UTC))
                    .build())
            .handleRequest(sample, null);

    assertThat(created.getStatusCode()).as(created.getBody()).isEqualTo(201);
    assertThat(Json.parse(created.getBody()).get("currency").asText()).isEqualTo("MXN");
    assertThat(Json.parse(created.getBody()).get("amount").asLong()).isEqualTo(25050);
  }

  @Test
  void theSignedOrderSampleIsExactlyWhatTheSigningHelperWrites() throws Exception {
    String committed =
        Files.readString(ProjectFiles.resolve("events/" + SignSampleEvents.SIGNED_ORDER_SAMPLE));
    long signedAt = SignSampleEvents.orderSignedAt(committed);

    assertThat(
            SignSampleEvents.renderSignedOrder(
                SignSampleEvents.orderSigningSecret(ProjectFiles.root()), signedAt))
        .isEqualTo(committed);
  }

  @Test
  void theInvalidSampleShowsTheErrorBody() {
    APIGatewayV2HTTPResponse refused =
        new CreateSessionHandler(TestStack.platform(config).build())
            .handleRequest(event("create-session-invalid.json"), null);

    assertThat(refused.getStatusCode()).isEqualTo(400);
    assertThat(Json.parse(refused.getBody()).at("/error/code").asText())
        .isEqualTo("parameter_not_allowed");
    assertThat(Json.parse(refused.getBody()).at("/error/param").asText()).isEqualTo("amount");
    assertThat(stack.fintoc.createRequests()).isEmpty();
  }
}
