package checkout.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.events.OrderEvents;
import checkout.local.template.SamTemplate;
import checkout.testing.ProjectFiles;
import checkout.testing.SecretsManagerStub;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * What SAM deploys: each function's CodeUri is a jar Maven built, and the Handler it names is a
 * class in that very jar that handles the function's event type. Each jar is loaded on its own (no
 * test classpath behind it), so a class missing from a package fails here as in Lambda.
 */
class TemplateTest {
  static final SamTemplate template = ProjectFiles.template();

  @TestFactory
  Stream<DynamicTest> everyFunctionsHandlerIsARequestHandlerForItsEventTypeInItsOwnJar() {
    return template.functions().keySet().stream()
        .map(
            id ->
                DynamicTest.dynamicTest(
                    id,
                    () -> {
                      JsonNode function = template.resource(id);
                      assertThat(function.path("Metadata").path("SkipBuild").asBoolean())
                          .as("%s is built by Maven, not by sam build", id)
                          .isTrue();
                      Path jar =
                          ProjectFiles.resolve(template.functionProperty(id, "CodeUri").asText());
                      assertThat(jar).as("%s's CodeUri", id).isRegularFile();

                      String[] handler =
                          template.functionProperty(id, "Handler").asText().split("::");
                      try (URLClassLoader loader =
                          new URLClassLoader(
                              new URL[] {jar.toUri().toURL()},
                              ClassLoader.getPlatformClassLoader())) {
                        // initialize=true: static initializers run as in Lambda's init phase.
                        Class<?> handlerClass = Class.forName(handler[0], true, loader);
                        Class<?> requestHandler = loader.loadClass(RequestHandler.class.getName());
                        assertThat(requestHandler.isAssignableFrom(handlerClass))
                            .as("%s implements RequestHandler", handler[0])
                            .isTrue();
                        assertThat(handlerClass.getMethods())
                            .extracting(m -> m.getName())
                            .contains(handler[1]);
                        assertThat(handlerClass.getConstructor())
                            .as("Lambda needs a public no-argument constructor")
                            .isNotNull();
                        assertThat(eventTypes(handlerClass))
                            .containsExactlyElementsOf(expectedEventTypes(id, function));
                      }
                    }));
  }

  /** RequestHandler's type arguments, as the runtime sees them to deserialize the event. */
  private static List<String> eventTypes(Class<?> handlerClass) {
    for (Type type : handlerClass.getGenericInterfaces()) {
      if (type instanceof ParameterizedType parameterized
          && parameterized.getRawType().getTypeName().equals(RequestHandler.class.getName())) {
        return Stream.of(parameterized.getActualTypeArguments()).map(Type::getTypeName).toList();
      }
    }
    throw new AssertionError(handlerClass + " does not implement RequestHandler directly");
  }

  private static List<String> expectedEventTypes(String id, JsonNode function) {
    Set<String> eventSources = new HashSet<>();
    function
        .path("Properties")
        .path("Events")
        .forEach(e -> eventSources.add(e.path("Type").asText()));
    template.streamSources().stream()
        .filter(s -> s.function().equals(id))
        .forEach(s -> eventSources.add("DynamoDBStream"));
    assertThat(eventSources).as("one kind of event source per function").hasSize(1);
    String source = eventSources.iterator().next();
    return switch (source) {
      case "HttpApi" ->
          List.of(APIGatewayV2HTTPEvent.class.getName(), APIGatewayV2HTTPResponse.class.getName());
      // The schedule sends the template's Input (a JSON object); the summary goes back as one.
      case "ScheduleV2" ->
          List.of(
              "java.util.Map<java.lang.String, java.lang.Object>",
              "java.util.Map<java.lang.String, java.lang.Object>");
      // A stream batch; the answer names the first record to give back.
      case "DynamoDBStream" ->
          List.of(
              "com.amazonaws.services.lambda.runtime.events.DynamodbEvent",
              "com.amazonaws.services.lambda.runtime.events.StreamsEventResponse");
      default -> throw new AssertionError("no expectation for event source " + source);
    };
  }

  @TestFactory
  Stream<DynamicTest> everyFunctionIsInvokedThroughASnapStartAlias() {
    return template.functions().keySet().stream()
        .map(
            id ->
                DynamicTest.dynamicTest(
                    id,
                    () -> {
                      // SnapStart applies to published versions only: without an alias the API
                      // would call $LATEST.
                      assertThat(template.functionProperty(id, "AutoPublishAlias").asText())
                          .isNotBlank();
                      assertThat(
                              template.functionProperty(id, "SnapStart").path("ApplyOn").asText())
                          .isEqualTo("PublishedVersions");
                      // SnapStart does not combine with provisioned concurrency or EFS.
                      assertThat(
                              template
                                  .functionProperty(id, "ProvisionedConcurrencyConfig")
                                  .isMissingNode())
                          .isTrue();
                      assertThat(template.functionProperty(id, "FileSystemConfigs").isMissingNode())
                          .isTrue();
                    }));
  }

  @TestFactory
  Stream<DynamicTest> eachPackageShipsOnlyTheClientsItsFunctionUses() {
    return Stream.of(
            "create-session", "get-session", "list-prices", "webhook-handler", "expiry-sweeper")
        .map(
            name ->
                DynamicTest.dynamicTest(
                    name,
                    () -> {
                      Path jar =
                          ProjectFiles.resolve("functions/" + name + "/target/" + name + ".jar");
                      try (JarFile file = new JarFile(jar.toFile())) {
                        Set<String> entries = new HashSet<>();
                        file.stream().forEach(e -> entries.add(e.getName()));
                        assertThat(entries)
                            .noneMatch(e -> e.startsWith("software/amazon/awssdk/http/apache"));
                        assertThat(entries)
                            .noneMatch(e -> e.startsWith("software/amazon/awssdk/http/nio/netty"));
                        assertThat(entries).noneMatch(e -> e.startsWith("io/netty/"));
                        assertThat(entries).noneMatch(e -> e.startsWith("checkout/testing/"));
                        boolean readsSecret =
                            !name.equals("get-session") && !name.equals("list-prices");
                        assertThat(
                                entries.stream()
                                    .anyMatch(
                                        e ->
                                            e.startsWith(
                                                "software/amazon/awssdk/services/secretsmanager/")))
                            .as("%s carries the Secrets Manager client", name)
                            .isEqualTo(readsSecret);
                      }
                      System.out.printf("package %-16s %,d bytes%n", name, Files.size(jar));
                    }));
  }

  @Test
  void envJsonOnlyNamesVariablesTheTemplateDeclaresBecauseSamLocalIgnoresTheOthers()
      throws Exception {
    JsonNode env = new ObjectMapper().readTree(ProjectFiles.resolve("env.json").toFile());
    Set<String> global = new HashSet<>();
    template
        .root()
        .path("Globals")
        .path("Function")
        .path("Environment")
        .path("Variables")
        .fieldNames()
        .forEachRemaining(global::add);
    env.fields()
        .forEachRemaining(
            section -> {
              Set<String> declared = new HashSet<>(global);
              if (!section.getKey().equals("Parameters")) {
                template
                    .resource(section.getKey())
                    .path("Properties")
                    .path("Environment")
                    .path("Variables")
                    .fieldNames()
                    .forEachRemaining(declared::add);
              }
              section
                  .getValue()
                  .fieldNames()
                  .forEachRemaining(
                      name ->
                          assertThat(declared)
                              .as("%s in env.json section %s", name, section.getKey())
                              .contains(name));
            });
  }

  @Test
  void theTemplateNeverDeclaresTheSdksEndpointVariablesWhichCrashWhenBlank() {
    assertThat(template.root().toString()).doesNotContain("AWS_ENDPOINT_URL");
  }

  @Test
  void theTableStreamsEveryCommittedWriteToThePublisherThroughItsSnapStartAlias() {
    JsonNode table = template.resource("SessionsTable").path("Properties");
    assertThat(table.at("/StreamSpecification/StreamViewType").asText())
        .as("old and new images: the publisher compares them")
        .isEqualTo("NEW_AND_OLD_IMAGES");

    JsonNode mapping = template.resource("OrderEventsStreamMapping").path("Properties");
    assertThat(mapping.path("EventSourceArn").asText()).isEqualTo("SessionsTable.StreamArn");
    assertThat(mapping.path("FunctionName").asText()).isEqualTo("OrderPublisherFunction.Alias");
    assertThat(mapping.path("StartingPosition").asText()).isEqualTo("TRIM_HORIZON");
    assertThat(mapping.path("FunctionResponseTypes").toString())
        .contains("ReportBatchItemFailures");
    assertThat(mapping.path("BisectBatchOnFunctionError").asBoolean()).isTrue();
    assertThat(mapping.path("MaximumRetryAttempts").asInt())
        .as("bounded: a poison record leaves the shard")
        .isBetween(1, 100);
    assertThat(mapping.at("/DestinationConfig/OnFailure/Destination").asText())
        .isEqualTo("OrderEventsDeadLetterQueue.Arn");
    assertThat(template.resource("OrderEventsDeadLetterQueue").path("Type").asText())
        .isEqualTo("AWS::SQS::Queue");
  }

  @Test
  void thePublisherMayReadItsStreamPutOnItsOneBusAndWriteItsDeadLetterQueueAndNothingElse() {
    List<String> grants = new ArrayList<>();
    template
        .resource("OrderPublisherFunction")
        .at("/Properties/Policies/0/Statement")
        .forEach(
            statement ->
                grants.add(
                    statement.path("Action").toString() + " on " + statement.path("Resource")));

    assertThat(grants)
        .containsExactly(
            "[\"dynamodb:DescribeStream\",\"dynamodb:GetRecords\",\"dynamodb:GetShardIterator\"] on \"SessionsTable.StreamArn\"",
            "\"dynamodb:ListStreams\" on \"*\"",
            "\"events:PutEvents\" on [\"CreateEventBus\",\"OrderEventBus.Arn\",\"arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${EventBusName}\"]",
            "\"sqs:SendMessage\" on \"OrderEventsDeadLetterQueue.Arn\"");
    assertThat(template.resource("OrderPublisherFunction").path("Properties").has("Events"))
        .as("no SAM event: it would add the managed stream policy on every stream (*)")
        .isFalse();
  }

  @Test
  void theBusIsAnExistingOneOrOneTheStackCreatesAndTheExampleRuleQueuesPaidEvents() {
    assertThat(template.root().at("/Parameters/EventBusName/Default").asText()).isEmpty();
    assertThat(template.root().at("/Conditions/CreateEventBus").toString())
        .contains("EventBusName");
    assertThat(template.resource("OrderEventBus").path("Condition").asText())
        .isEqualTo("CreateEventBus");

    JsonNode rule = template.resource("PaidOrdersRule").path("Properties");
    String source =
        template
            .resource("OrderPublisherFunction")
            .at("/Properties/Environment/Variables/EVENT_SOURCE")
            .asText();
    assertThat(rule.at("/EventPattern/source/0").asText())
        .as("the rule matches what the publisher puts")
        .isEqualTo(source);
    assertThat(rule.at("/EventPattern/detail-type/0").asText()).isEqualTo(OrderEvents.PAID);
    assertThat(rule.at("/Targets/0/Arn").asText()).isEqualTo("PaidOrdersQueue.Arn");
    assertThat(template.resource("PaidOrdersQueuePolicy").toString())
        .contains("events.amazonaws.com")
        .contains("PaidOrdersRule.Arn");
    assertThat(template.root().path("Outputs").has("OrderEventsDeadLetterQueueName")).isTrue();
    assertThat(template.root().path("Outputs").has("OrderPublisherFunctionName")).isTrue();
  }

  @Test
  void aDeployedStackAlwaysReadsItsKeysFromSecretsManagerSoSampleKeysCannotBeSwitchedOn() {
    JsonNode arn = template.root().at("/Parameters/FintocSecretArn");
    assertThat(arn.has("Default")).as("no default: the ARN must be given").isFalse();
    String pattern = arn.path("AllowedPattern").asText();
    assertThat("").doesNotMatch(pattern);
    assertThat(SecretsManagerStub.SECRET_ARN).matches(pattern);
    assertThat("arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x-AbCdEf")
        .matches(pattern);
    // The local-only variables exist only so sam local can override them; deployed they are blank.
    assertThat(template.root().at("/Globals/Function/Environment/Variables/FINTOC_SECRET_ARN"))
        .as("every function gets the ARN parameter (a !Ref reads as its name)")
        .hasToString("\"FintocSecretArn\"");
    for (String function : template.functions().keySet()) {
      assertThat(
              template
                  .resource(function)
                  .at("/Properties/Environment/Variables")
                  .has("FINTOC_SECRET_ARN"))
          .as(function + " does not replace the ARN")
          .isFalse();
      Map<String, String> environment = template.environment(function, Map.of());
      for (String local :
          List.of("FINTOC_SECRET_KEY", "FINTOC_WEBHOOK_SECRET", "ORDER_SIGNING_SECRET")) {
        assertThat(environment.getOrDefault(local, "")).as(function + " " + local).isEmpty();
      }
    }
  }
}
