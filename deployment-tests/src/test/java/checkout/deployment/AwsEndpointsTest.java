package checkout.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.json.Json;
import checkout.local.lambda.LocalFunction;
import checkout.local.template.SamTemplate;
import checkout.testing.ProjectFiles;
import checkout.testing.TestStack;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each package as deployed: no endpoint override, so its SDK clients resolve AWS's real endpoints
 * from their rules — the path every other test skips. This machine reaches no AWS endpoint, so each
 * call fails at the network and must come back as our 503, not as a class the package lacks (the
 * packages leave out SDK classes nothing should load; see functions/pom.xml).
 */
class AwsEndpointsTest {
  static final SamTemplate template = ProjectFiles.template();

  @ParameterizedTest(name = "{0} with {1} reaches for AWS and answers 503 {2}")
  @CsvSource({
    "GetSessionFunction, events/get-session.json, storage_unavailable",
    "CreateSessionFunction, events/create-session.json, storage_unavailable",
    "WebhookHandlerFunction, events/webhook-checkout-session-finished.json, secret_unavailable",
  })
  void aPackageResolvesAwsEndpointsWithEverythingItNeeds(String function, String event, String code)
      throws Exception {
    Map<String, String> env =
        template.environment(
            function,
            Map.of(
                "SESSIONS_TABLE", "fintoc-checkout-sessions",
                "FINTOC_SECRET_ARN",
                    "arn:aws:secretsmanager:us-east-1:123456789012:secret:fintoc-AbCdEf",
                "ALLOWED_REDIRECT_ORIGINS", "http://localhost:3000"));
    env.put("AWS_REGION", "us-east-1");
    LocalFunction deployed =
        new LocalFunction(
            new LocalFunction.Definition(
                function,
                ProjectFiles.resolve(template.functionProperty(function, "CodeUri").asText()),
                template.functionProperty(function, "Handler").asText(),
                env,
                28,
                1024),
            TestStack.CLOCK);

    LocalFunction.Result result = deployed.invoke(Files.readAllBytes(ProjectFiles.resolve(event)));

    assertThat(result.error()).as("a Lambda error: %s", result.text()).isFalse();
    JsonNode response = Json.parse(result.text());
    assertThat(response.path("statusCode").asInt()).isEqualTo(503);
    assertThat(Json.parse(response.path("body").asText()).path("error").path("code").asText())
        .isEqualTo(code);
  }
}
