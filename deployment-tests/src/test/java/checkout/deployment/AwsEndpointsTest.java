package checkout.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import checkout.deployment.TemplateSamples.Trigger;
import checkout.json.Json;
import checkout.local.template.SamTemplate;
import checkout.testing.LambdaRunner;
import checkout.testing.ProjectFiles;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every package as deployed: each function of template.yaml, with each of its sample events (paired
 * by {@link TemplateSamples}, never by hand), run under the official Runtime Interface Client with
 * the template's environment and no endpoint override for any AWS service — so its SDK clients
 * resolve the region's real endpoints, the path every other test skips. The function's JVM resolves
 * no AWS name, so every AWS call fails at the network and must come back as the function's
 * documented answer, never as a class the package lacks (the packages leave out SDK classes nothing
 * should load; see functions/pom.xml).
 */
class AwsEndpointsTest {
  static final SamTemplate template = ProjectFiles.template();
  static final TemplateSamples samples = TemplateSamples.derive(template, ProjectFiles.root());

  /**
   * What the stack gives the variables the template fills from its resources, conditions and
   * parameters without a default (as {@code sam deploy --parameter-overrides} and CloudFormation
   * would): plausible values, none of them an endpoint.
   */
  static final Map<String, String> DEPLOYED =
      Map.of(
          "SESSIONS_TABLE", "fintoc-checkout-SessionsTable-1X2Y3Z4W5V6U",
          "FINTOC_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:fintoc-AbCdEf",
          // The samples' own origin: a shop that tries the deployed API with them lists it.
          "ALLOWED_REDIRECT_ORIGINS", "http://localhost:3000",
          "EVENT_BUS_NAME", "fintoc-checkout-orders");

  /** A package that lacks a class it loads shows one of these, wherever it is caught. */
  static final List<String> MISSING_CLASS =
      List.of("NoClassDefFoundError", "ClassNotFoundException", "NoSuchMethodError");

  /** The 503 codes the API documents for an AWS dependency that failed (README, errors). */
  static final Set<String> UNAVAILABLE = Set.of("storage_unavailable", "secret_unavailable");

  /**
   * The function's JVM resolves names from this file alone, which knows only localhost: every AWS
   * name fails to resolve at once, on any machine — one that reaches AWS too — so no test call ever
   * leaves it, and none waits on a DNS server.
   */
  static final Path NO_AWS_HOSTS = hostsFile("127.0.0.1 localhost\n");

  static Path hostsFile(String content) {
    try {
      Path file = Files.createTempFile("no-aws-hosts", "");
      file.toFile().deleteOnExit();
      return Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Stream<String> functions() {
    return samples.byFunction().keySet().stream();
  }

  @Test
  void everySampleEventIsDeliveredToSomeFunctionOfTheTemplate() {
    assertThat(samples.unpaired())
        .as(
            "samples in events/ that no trigger in template.yaml delivers (an HTTP route, a stream"
                + " mapping, a schedule's input)")
        .isEmpty();
  }

  @ParameterizedTest(name = "{0} answers its samples as documented with AWS unreachable")
  @MethodSource("functions")
  void everyFunctionAsDeployedAnswersItsSamplesAsDocumentedWhenAwsIsUnreachable(String function)
      throws Exception {
    List<String> files = samples.byFunction().get(function);
    assertThat(files)
        .as(
            "%s has no sample event in events/ (an event its trigger in template.yaml delivers):"
                + " add one",
            function)
        .isNotEmpty();
    Set<Trigger> triggers = TemplateSamples.triggers(template, function);
    assertThat(triggers).as("how template.yaml triggers %s", function).hasSize(1);

    int reachedAwsSamples = 0;
    try (LambdaRunner deployed = start(function)) {
      for (String file : files) {
        String event = Files.readString(ProjectFiles.resolve("events/" + file));
        String what = function + " with events/" + file;
        int logBefore = deployed.log().length();
        Answer answer = Answer.of(function, deployed, event);
        System.out.printf("%s <- events/%s: %s%n", function, file, answer);
        String log = deployed.log().substring(logBefore);
        for (String missing : MISSING_CLASS) {
          assertThat(log)
              .as("%s loads a class its package lacks:\n%s", what, log)
              .doesNotContain(missing);
          assertThat(answer.body())
              .as("%s loads a class its package lacks", what)
              .doesNotContain(missing);
        }
        boolean reachedAws =
            switch (triggers.iterator().next()) {
              case HTTP_API -> answersUnavailableOrRefuses(what, answer, log);
              case DYNAMODB_STREAM -> reportsItsFirstRecord(what, answer, event, log);
              case SCHEDULE -> failsTheRun(what, answer, log);
            };
        if (reachedAws) {
          reachedAwsSamples++;
          assertThat(log + answer.body())
              .as("%s: failed at the network (the SDK's client-side failure)\n%s", what, log)
              .containsAnyOf("UnknownHostException", "SdkClientException");
        }
      }
    }
    assertThat(reachedAwsSamples)
        .as("%s's samples that reached AWS: none of %s does", function, files)
        .isPositive();
  }

  /**
   * The API: 503 with the documented code of the dependency that failed, to be retried in a second
   * — unless the function refuses the request itself (a 4xx: the request is wrong, which no AWS
   * call decides). Each API function reaches AWS with at least one of its samples.
   *
   * @return whether it reached AWS (answered 503)
   */
  static boolean answersUnavailableOrRefuses(String what, Answer answer, String log) {
    assertThat(answer.error())
        .as("%s: a Lambda error instead of an answer\n%s", what, log)
        .isFalse();
    JsonNode response = Json.parse(answer.body());
    int status = response.path("statusCode").asInt();
    String code = Json.parse(response.path("body").asText()).path("error").path("code").asText();
    if (status >= 400 && status < 500) {
      assertThat(code).as("%s refused with %d\n%s", what, status, log).isNotBlank();
      return false;
    }
    assertThat(status).as("%s\n%s", what, log).isEqualTo(503);
    assertThat(response.path("headers").path("retry-after").asText()).as(what).isEqualTo("1");
    assertThat(code).as(what).isIn(UNAVAILABLE);
    return true;
  }

  /**
   * The stream: the first record that could not be published is the batch's failure, so Lambda
   * gives it and the rest back (and the template's retry settings decide what happens next).
   */
  static boolean reportsItsFirstRecord(String what, Answer answer, String event, String log) {
    assertThat(answer.error())
        .as("%s: a Lambda error instead of an answer\n%s", what, log)
        .isFalse();
    String first = Json.parse(event).at("/Records/0/dynamodb/SequenceNumber").asText();
    JsonNode failures = Json.parse(answer.body()).path("batchItemFailures");
    assertThat(failures).as("%s\n%s", what, log).hasSize(1);
    assertThat(failures.get(0).path("itemIdentifier").asText()).as(what).isEqualTo(first);
    return true;
  }

  /**
   * The schedule: a run whose reads fail fails as a whole (Lambda counts an Error, and the
   * template's on-failure queue records it) after logging its summary; the next run redoes it.
   */
  static boolean failsTheRun(String what, Answer answer, String log) {
    assertThat(answer.error())
        .as("%s: answered instead of failing\n%s", what, answer.body())
        .isTrue();
    JsonNode error = Json.parse(answer.body());
    assertThat(error.path("errorType").asText())
        .as("%s\n%s", what, log)
        .isEqualTo("checkout.store.StorageUnavailableException");
    assertThat(log)
        .as("%s: the summary of a run that read nothing", what)
        .contains("\"event\":\"sweep_summary\"")
        .contains("\"queries\":0");
    return true;
  }

  /** The package under the runtime client, with the template's environment as the stack sets it. */
  static LambdaRunner start(String function) {
    Map<String, String> environment = template.environment(function, DEPLOYED);
    List<String> unresolved = new ArrayList<>();
    environment.forEach(
        (name, value) -> {
          if (fromTheStack(function, name) && !DEPLOYED.containsKey(name)) {
            unresolved.add(name);
          }
        });
    assertThat(unresolved)
        .as("%s's variables the stack fills: give them a deployed value in DEPLOYED", function)
        .isEmpty();
    environment.forEach(
        (name, value) -> {
          if (name.endsWith("_ENDPOINT") || name.startsWith("AWS_ENDPOINT_URL")) {
            assertThat(value).as("%s overrides an endpoint with %s", function, name).isEmpty();
          }
        });
    return LambdaRunner.start(
        ProjectFiles.resolve(template.functionProperty(function, "CodeUri").asText()),
        template.functionProperty(function, "Handler").asText(),
        environment,
        LambdaRunner.javaHomeFor(template.functionProperty(function, "Runtime").asText()),
        List.of("-Djdk.net.hosts.file=" + NO_AWS_HOSTS));
  }

  /**
   * A variable CloudFormation fills when it deploys: a {@code !Ref} to a resource, a condition
   * ({@code !If}), or a parameter without a default.
   */
  static boolean fromTheStack(String function, String name) {
    for (JsonNode variables :
        List.of(
            template.resource(function).path("Properties").path("Environment").path("Variables"),
            template
                .root()
                .path("Globals")
                .path("Function")
                .path("Environment")
                .path("Variables"))) {
      JsonNode value = variables.path(name);
      if (value.isMissingNode()) {
        continue;
      }
      if (!value.isValueNode()) {
        return true;
      }
      String text = value.asText();
      JsonNode parameter = template.root().path("Parameters").path(text);
      return text.contains("${")
          || template.root().path("Resources").has(text)
          || (!parameter.isMissingNode() && !parameter.has("Default"));
    }
    return false;
  }

  /** What the runtime got back: the function's answer, or its error. */
  record Answer(boolean error, String body) {
    /** One line for the test's output: an HTTP status and code, the error, or the answer. */
    @Override
    public String toString() {
      JsonNode json = Json.parse(body);
      if (error) {
        return "Lambda error " + json.path("errorType").asText();
      }
      if (json.has("statusCode")) {
        return json.path("statusCode").asInt()
            + " "
            + Json.parse(json.path("body").asText()).path("error").path("code").asText();
      }
      return body;
    }

    static Answer of(String function, LambdaRunner runner, String event) throws Exception {
      try {
        return new Answer(false, runner.invoke(event).body());
      } catch (LambdaRunner.FunctionError e) {
        return new Answer(true, e.body());
      } catch (IllegalStateException | ExecutionException e) {
        return fail(
            "%s did not answer as deployed: %s\n%s", function, e.getMessage(), runner.log());
      }
    }
  }
}
