package checkout.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Config;
import checkout.createsession.CreateSessionHandler;
import checkout.getsession.GetSessionHandler;
import checkout.json.Json;
import checkout.testing.ProjectFiles;
import checkout.testing.TestStack;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
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
  void freshTableAndStubs() {
    stack.fintoc.reset();
    // The redirect origins env.json gives CreateSessionFunction, as sam local would.
    config = stack.config("events",
        Map.of("ALLOWED_REDIRECT_ORIGINS", "http://localhost:3000,http://127.0.0.1:3000"));
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
    APIGatewayV2HTTPResponse created = new CreateSessionHandler(config, TestStack.CLOCK)
        .handleRequest(event("create-session.json"), null);

    assertThat(created.getStatusCode()).isEqualTo(201);
    JsonNode body = Json.parse(created.getBody());
    assertThat(body.get("id").asText()).isEqualTo("cs_test_000001");
    assertThat(stack.fintoc.createRequests().get(0).getHeader("Idempotency-Key")).isEqualTo("order-1001-attempt-1");

    APIGatewayV2HTTPResponse fetched = new GetSessionHandler(config).handleRequest(event("get-session.json"), null);

    assertThat(fetched.getStatusCode()).isEqualTo(200);
    assertThat(Json.parse(fetched.getBody()).get("order").asText()).isEqualTo("order-1001");
  }

  @Test
  void theMxnSampleCreatesAnMxnSession() {
    APIGatewayV2HTTPResponse created = new CreateSessionHandler(config, TestStack.CLOCK)
        .handleRequest(event("create-session-mxn.json"), null);

    assertThat(created.getStatusCode()).isEqualTo(201);
    assertThat(Json.parse(created.getBody()).get("currency").asText()).isEqualTo("MXN");
  }

  @Test
  void theInvalidSampleShowsTheErrorBody() {
    APIGatewayV2HTTPResponse refused = new CreateSessionHandler(config, TestStack.CLOCK)
        .handleRequest(event("create-session-invalid.json"), null);

    assertThat(refused.getStatusCode()).isEqualTo(400);
    assertThat(Json.parse(refused.getBody()).at("/error/code").asText()).isEqualTo("invalid_currency");
  }
}
