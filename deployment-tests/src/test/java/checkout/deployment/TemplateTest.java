package checkout.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Settings;
import checkout.events.OrderEvents;
import checkout.local.template.SamTemplate;
import checkout.metrics.Metric;
import checkout.metrics.Metrics;
import checkout.testing.ProjectFiles;
import checkout.testing.SecretsManagerStub;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
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
import java.util.regex.Pattern;
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
                        List<String> expected = expectedEventTypes(id, function);
                        Class<?> requestHandler =
                            loader.loadClass(
                                expected.isEmpty()
                                    ? RequestStreamHandler.class.getName()
                                    : RequestHandler.class.getName());
                        assertThat(requestHandler.isAssignableFrom(handlerClass))
                            .as("%s implements %s", handler[0], requestHandler.getSimpleName())
                            .isTrue();
                        assertThat(handlerClass.getMethods())
                            .extracting(m -> m.getName())
                            .contains(handler[1]);
                        assertThat(handlerClass.getConstructor())
                            .as("Lambda needs a public no-argument constructor")
                            .isNotNull();
                        if (!expected.isEmpty()) {
                          assertThat(eventTypes(handlerClass)).containsExactlyElementsOf(expected);
                        }
                      }
                    }));
  }

  /**
   * RequestHandler's type arguments, as the runtime sees them to deserialize the event; none for a
   * function that reads its event's bytes itself (a RequestStreamHandler).
   */
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
      // A stream batch, read as bytes with our own mapper (no event library, no joda-time): a
      // RequestStreamHandler, so no type arguments.
      case "DynamoDBStream" -> List.of();
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

  /** Every package stays under this (docs/performance.md, "Package sizes"). */
  static final long PACKAGE_LIMIT_BYTES = 10_000_000;

  @TestFactory
  Stream<DynamicTest> eachPackageShipsOnlyTheClientsItsFunctionUsesInAtMostTenMegabytes() {
    return template.functions().keySet().stream()
        .map(
            id ->
                DynamicTest.dynamicTest(
                    id,
                    () -> {
                      Path jar =
                          ProjectFiles.resolve(template.functionProperty(id, "CodeUri").asText());
                      String name = jar.getFileName().toString().replace(".jar", "");
                      try (JarFile file = new JarFile(jar.toFile())) {
                        Set<String> entries = new HashSet<>();
                        file.stream().forEach(e -> entries.add(e.getName()));
                        assertThat(entries)
                            .noneMatch(e -> e.startsWith("software/amazon/awssdk/http/apache"));
                        assertThat(entries)
                            .noneMatch(e -> e.startsWith("software/amazon/awssdk/http/nio/netty"));
                        assertThat(entries).noneMatch(e -> e.startsWith("io/netty/"));
                        assertThat(entries).noneMatch(e -> e.startsWith("checkout/testing/"));
                        String policy = template.resource(id).at("/Properties/Policies").toString();
                        boolean readsSecret = policy.contains("secretsmanager:GetSecretValue");
                        // Stream reads are Lambda's poller's, not the function's code.
                        boolean callsDynamoDb =
                            policy.contains("dynamodb:GetItem")
                                || policy.contains("dynamodb:Query");
                        assertThat(
                                entries.contains(
                                    "software/amazon/awssdk/services/dynamodb/DynamoDbClient.class"))
                            .as("%s carries the DynamoDB client", name)
                            .isEqualTo(callsDynamoDb);
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
                      assertThat(Files.size(jar))
                          .as("%s's package (%s) over 10 MB", id, jar)
                          .isLessThanOrEqualTo(PACKAGE_LIMIT_BYTES);
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

  @TestFactory
  Stream<DynamicTest> aScheduledFunctionsTimeoutIsShorterThanItsSchedulePeriod() {
    return template.schedules().stream()
        .map(
            schedule ->
                DynamicTest.dynamicTest(
                    schedule.function(),
                    () -> {
                      long timeout =
                          template.functionProperty(schedule.function(), "Timeout").asLong();
                      assertThat(timeout)
                          .as(
                              "%s's Timeout (%d s) must be shorter than its schedule %s: with"
                                  + " reserved concurrency 1 a run that uses all its time would"
                                  + " throttle the next one, and FunctionThrottlesAlarm trips",
                              schedule.function(), timeout, schedule.expression())
                          .isLessThan(periodSeconds(schedule.expression()));
                    }));
  }

  /** {@code rate(5 minutes)} → 300; a cron expression's shortest period is one minute. */
  static long periodSeconds(String expression) {
    var rate = Pattern.compile("rate\\((\\d+) (minute|hour|day)s?\\)").matcher(expression.trim());
    if (!rate.matches()) {
      return 60;
    }
    long unit =
        switch (rate.group(2)) {
          case "minute" -> 60;
          case "hour" -> 3_600;
          default -> 86_400;
        };
    return Long.parseLong(rate.group(1)) * unit;
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
    assertThat(mapping.at("/DestinationConfig/OnFailure/Destination").asText())
        .isEqualTo("OrderEventsDeadLetterQueue.Arn");
  }

  /** The stream keeps a record 24 h; after that Lambda's pointer to it points at nothing. */
  static final int STREAM_RETENTION_SECONDS = 24 * 3600;

  @Test
  void aPassingEventBridgeOutageIsRetriedForHoursAndOnlyAnUnreadableRecordIsDeadLettered() {
    JsonNode mapping = template.resource("OrderEventsStreamMapping").path("Properties");
    assertThat(mapping.path("MaximumRetryAttempts").asInt())
        .as(
            "MaximumRetryAttempts must be -1 (no count): Lambda retries a stream batch within"
                + " seconds, so any count dead-letters committed outcomes during a minute of"
                + " EventBridge throttling; the record's age bounds the retries instead")
        .isEqualTo(-1);
    assertThat(mapping.path("MaximumRecordAgeInSeconds").asInt())
        .as(
            "MaximumRecordAgeInSeconds must give an outage hours (>= 6 h) and still leave the"
                + " dead-lettered pointer some of the stream's 24 h (< 24 h)")
        .isBetween(6 * 3600, STREAM_RETENTION_SECONDS - 3600);
    assertThat(
            template
                .environment("OrderPublisherFunction", Map.of())
                .get(Settings.ORDER_EVENTS_DLQ_URL))
        .as(
            "with retries that never give up, the publisher itself must send an unreadable"
                + " record to the mapping's on-failure queue, or it would block its shard")
        .isEqualTo(
            mapping.at("/DestinationConfig/OnFailure/Destination").asText().replace(".Arn", ""));
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

  /** Every metric an alarm or the dashboard reads: namespace → name → dimension names. */
  record Watched(String where, String namespace, String name, Set<String> dimensions) {}

  static List<Watched> alarmMetrics() {
    List<Watched> watched = new ArrayList<>();
    template
        .resources("AWS::CloudWatch::Alarm")
        .forEach(
            (id, alarm) -> {
              JsonNode properties = alarm.path("Properties");
              List<JsonNode> metrics = new ArrayList<>();
              if (properties.has("MetricName")) {
                metrics.add(properties);
              }
              properties
                  .path("Metrics")
                  .forEach(
                      query -> {
                        if (query.has("MetricStat")) {
                          metrics.add(query.at("/MetricStat/Metric"));
                        }
                      });
              for (JsonNode metric : metrics) {
                Set<String> dimensions = new HashSet<>();
                metric.path("Dimensions").forEach(d -> dimensions.add(d.path("Name").asText()));
                watched.add(
                    new Watched(
                        id,
                        metric.path("Namespace").asText(),
                        metric.path("MetricName").asText(),
                        dimensions));
              }
            });
    return watched;
  }

  static List<Watched> dashboardMetrics() throws Exception {
    List<Watched> watched = new ArrayList<>();
    String body = template.resource("OperationsDashboard").at("/Properties/DashboardBody").asText();
    JsonNode dashboard = new ObjectMapper().readTree(body);
    for (JsonNode widget : dashboard.path("widgets")) {
      for (JsonNode row : widget.at("/properties/metrics")) {
        if (row.get(0).isTextual()) {
          Set<String> dimensions = new HashSet<>();
          for (int i = 2; i + 1 < row.size() && row.get(i).isTextual(); i += 2) {
            dimensions.add(row.get(i).asText());
          }
          watched.add(
              new Watched("dashboard", row.get(0).asText(), row.get(1).asText(), dimensions));
        } else {
          String search = row.get(0).path("expression").asText();
          var match =
              java.util.regex.Pattern.compile("\\{([^}]*)} MetricName=\"([^\"]+)\"")
                  .matcher(search);
          assertThat(match.find()).as(search).isTrue();
          List<String> schema = List.of(match.group(1).split(","));
          watched.add(
              new Watched(
                  "dashboard search",
                  schema.get(0),
                  match.group(2),
                  new HashSet<>(schema.subList(1, schema.size()))));
        }
      }
    }
    return watched;
  }

  @Test
  void everyMetricTheAlarmsAndTheDashboardWatchIsOneTheCodeEmitsWithItsDimensions()
      throws Exception {
    Map<String, Metric> emitted = new java.util.HashMap<>();
    for (Metric metric : Metric.values()) {
      emitted.put(metric.metricName, metric);
    }
    List<Watched> watched = new ArrayList<>(alarmMetrics());
    watched.addAll(dashboardMetrics());
    assertThat(watched).hasSizeGreaterThan(20);
    for (Watched metric : watched) {
      if (metric.namespace().startsWith("AWS/")) {
        continue;
      }
      assertThat(metric.namespace()).as(metric.toString()).isEqualTo(Metrics.NAMESPACE);
      assertThat(emitted).as(metric.toString()).containsKey(metric.name());
      Metric code = emitted.get(metric.name());
      Set<String> written = new HashSet<>(Set.of(Metrics.FUNCTION_DIMENSION));
      Set<String> rolledUp = Set.of(Metrics.FUNCTION_DIMENSION);
      if (code.dimension != null) {
        written.add(code.dimension);
      }
      assertThat(metric.dimensions())
          .as("%s: a dimension set the code writes", metric)
          .isIn(written, rolledUp);
    }
  }

  @Test
  void everyAlarmNotifiesTheTopicAndLinksToItsRunbookEntry() throws Exception {
    String runbook = Files.readString(ProjectFiles.resolve("docs/operations.md"));
    Map<String, JsonNode> alarms = template.resources("AWS::CloudWatch::Alarm");
    assertThat(alarms).hasSizeGreaterThanOrEqualTo(10);
    alarms.forEach(
        (id, alarm) -> {
          assertThat(alarm.at("/Properties/AlarmActions").toString())
              .as(id)
              .isEqualTo("[\"AlarmTopic\"]");
          String description = alarm.at("/Properties/AlarmDescription").asText();
          var anchor =
              java.util.regex.Pattern.compile("operations\\.md#([a-z0-9-]+)").matcher(description);
          assertThat(anchor.find()).as(id + ": " + description).isTrue();
          String heading = anchor.group(1);
          assertThat(
                  runbook
                      .lines()
                      .filter(line -> line.startsWith("## "))
                      .map(
                          line ->
                              line.substring(3)
                                  .toLowerCase(java.util.Locale.ROOT)
                                  .replaceAll("[^a-z0-9 -]", "")
                                  .trim()
                                  .replace(' ', '-')))
              .as(id + " has its runbook entry")
              .contains(heading);
        });
  }

  /**
   * An alarm notifies by publishing to the topic as {@code cloudwatch.amazonaws.com}, on behalf of
   * its own ARN; these are the values a policy condition sees for one of this stack's alarms.
   */
  static final Map<String, String> ALARM_PUBLISHING =
      Map.of(
          "aws:SourceAccount",
          "123456789012",
          "aws:SourceArn",
          "arn:aws:cloudwatch:us-east-1:123456789012:alarm:shop-production-AttentionAlarm-1A2B3C4D5E6F");

  /** A template string as deployed in that account and region, for stack shop-production. */
  static String rendered(String value) {
    return value
        .replace("${AWS::Partition}", "aws")
        .replace("${AWS::Region}", "us-east-1")
        .replace("${AWS::AccountId}", "123456789012")
        .replace("${AWS::StackName}", "shop-production")
        .replace("AWS::AccountId", "123456789012");
  }

  /** IAM's wildcard match, case-insensitive as action names are. */
  static boolean matches(String pattern, String value, boolean ignoreCase) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      regex.append(
          c == '*' ? ".*" : c == '?' ? "." : java.util.regex.Pattern.quote(String.valueOf(c)));
    }
    int flags = ignoreCase ? java.util.regex.Pattern.CASE_INSENSITIVE : 0;
    return java.util.regex.Pattern.compile(regex.toString(), flags).matcher(value).matches();
  }

  static List<String> strings(JsonNode node) {
    List<String> values = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(value -> values.add(value.asText()));
    } else if (!node.isMissingNode()) {
      values.add(node.asText());
    }
    return values;
  }

  /**
   * Whether a policy statement lets this stack's alarms do {@code action} on {@code resource}: an
   * Allow to cloudwatch.amazonaws.com whose conditions the alarm's request meets. A condition this
   * test cannot evaluate fails it, rather than pass a policy that might drop every notification.
   */
  static boolean letsAlarms(JsonNode statement, String action, String resource) {
    if (!statement.path("Effect").asText().equals("Allow")
        || !strings(statement.at("/Principal/Service")).contains("cloudwatch.amazonaws.com")
        || strings(statement.path("Action")).stream().noneMatch(a -> matches(a, action, true))
        || strings(statement.path("Resource")).stream()
            .noneMatch(r -> r.equals("*") || r.equals(resource))) {
      return false;
    }
    var conditions = statement.path("Condition").fields();
    while (conditions.hasNext()) {
      var operator = conditions.next();
      var keys = operator.getValue().fields();
      while (keys.hasNext()) {
        var key = keys.next();
        String actual = ALARM_PUBLISHING.get(key.getKey());
        assertThat(actual)
            .as("%s %s: a condition this test cannot evaluate", operator.getKey(), key.getKey())
            .isNotNull();
        boolean like = operator.getKey().endsWith("Like");
        assertThat(operator.getKey())
            .as("condition operator")
            .isIn("StringEquals", "StringLike", "ArnEquals", "ArnLike");
        boolean met =
            strings(key.getValue()).stream()
                .map(TemplateTest::rendered)
                .anyMatch(
                    expected -> like ? matches(expected, actual, false) : expected.equals(actual));
        if (!met) {
          return false;
        }
      }
    }
    return true;
  }

  @Test
  void theAlarmTopicIsOneCloudWatchMayPublishToSoAlarmsReachPeople() {
    JsonNode topic = template.resource("AlarmTopic").path("Properties");
    JsonNode keyId = topic.path("KmsMasterKeyId");
    if (!keyId.isMissingNode()) {
      String key = keyId.asText();
      assertThat(key)
          .as(
              "AlarmTopic's KmsMasterKeyId is %s, a key AWS manages: its key policy does not let"
                  + " cloudwatch.amazonaws.com use kms:Decrypt and kms:GenerateDataKey*, and cannot"
                  + " be edited, so no alarm could publish to the topic and none would reach anyone"
                  + " (AWS Knowledge Center, cloudwatch-configure-alarm-sns). Encrypt it with a"
                  + " customer-managed AWS::KMS::Key of this template whose policy grants"
                  + " cloudwatch.amazonaws.com those actions, or leave the topic unencrypted",
              key)
          .doesNotStartWith("alias/aws/")
          .doesNotContain(":alias/aws/");
      String keyResource = key.split("\\.")[0];
      assertThat(template.root().path("Resources").path(keyResource).path("Type").asText())
          .as(
              "AlarmTopic's key %s is a customer-managed key of this template, so its policy is"
                  + " the one checked here",
              key)
          .isEqualTo("AWS::KMS::Key");
      JsonNode keyPolicy = template.resource(keyResource).at("/Properties/KeyPolicy/Statement");
      for (String action : List.of("kms:Decrypt", "kms:GenerateDataKey")) {
        assertThat(keyPolicy)
            .as(
                "%s's key policy lets this stack's alarms (cloudwatch.amazonaws.com) %s, or they"
                    + " cannot publish to the encrypted topic",
                keyResource, action)
            .anyMatch(statement -> letsAlarms(statement, action, "*"));
      }
      assertThat(template.resource(keyResource).at("/Properties/EnableKeyRotation").asBoolean())
          .as("the key rotates")
          .isTrue();
    }

    List<JsonNode> topicPolicies =
        template.resources("AWS::SNS::TopicPolicy").values().stream()
            .filter(policy -> strings(policy.at("/Properties/Topics")).contains("AlarmTopic"))
            .toList();
    assertThat(topicPolicies)
        .as("AlarmTopic has one topic policy, which says who may publish")
        .hasSize(1);
    assertThat(topicPolicies.get(0).at("/Properties/PolicyDocument/Statement"))
        .as(
            "AlarmTopic's policy replaces SNS's default one, so it must let this stack's alarms"
                + " (cloudwatch.amazonaws.com) sns:Publish to the topic")
        .anyMatch(statement -> letsAlarms(statement, "sns:Publish", "AlarmTopic"));
  }

  /** How a function is invoked asynchronously: Lambda queues the event and may give up on it. */
  static final Set<String> ASYNC_EVENTS =
      Set.of("Schedule", "ScheduleV2", "S3", "SNS", "EventBridgeRule", "CloudWatchEvent");

  @Test
  void everyFunctionInvokedAsynchronouslyOrFromAStreamHasAFailureDestination() {
    List<String> asynchronous = new ArrayList<>();
    template
        .functions()
        .forEach(
            (id, function) ->
                function
                    .at("/Properties/Events")
                    .forEach(
                        event -> {
                          if (ASYNC_EVENTS.contains(event.path("Type").asText())) {
                            asynchronous.add(id);
                            assertThat(
                                    function
                                        .at(
                                            "/Properties/EventInvokeConfig/DestinationConfig/OnFailure/Destination")
                                        .asText())
                                .as(id + "'s failed invocations are kept")
                                .isNotBlank();
                          }
                        }));
    assertThat(asynchronous).contains("ExpirySweeperFunction");
    template
        .resources("AWS::Lambda::EventSourceMapping")
        .forEach(
            (id, mapping) ->
                assertThat(
                        mapping.at("/Properties/DestinationConfig/OnFailure/Destination").asText())
                    .as(id)
                    .isNotBlank());
  }

  /** Properties that are a resource's physical name, unique per account and region. */
  static final Set<String> NAME_PROPERTIES =
      Set.of(
          "Name",
          "TableName",
          "QueueName",
          "AliasName",
          "TopicName",
          "FunctionName",
          "AlarmName",
          "DashboardName",
          "BucketName",
          "RoleName",
          "ScheduleName",
          "StateMachineName");

  static List<String> physicalNames(String stackName) {
    List<String> names = new ArrayList<>();
    template
        .root()
        .path("Resources")
        .fields()
        .forEachRemaining(
            resource -> {
              JsonNode properties = resource.getValue().path("Properties");
              List<JsonNode> holders = new ArrayList<>(List.of(properties));
              properties.path("Events").forEach(event -> holders.add(event.path("Properties")));
              for (JsonNode holder : holders) {
                for (String property : NAME_PROPERTIES) {
                  JsonNode name = holder.path(property);
                  boolean isAName =
                      name.isTextual()
                          && !(property.equals("FunctionName")
                              && resource.getValue().path("Type").asText().contains("Mapping"));
                  if (isAName) {
                    assertThat(name.asText())
                        .as(resource.getKey() + "." + property + " is named per stack")
                        .contains("${AWS::StackName}");
                    names.add(name.asText().replace("${AWS::StackName}", stackName));
                  }
                }
              }
            });
    return names;
  }

  @Test
  void twoStacksInOneAccountAndRegionRenderWithoutAPhysicalNameClash() {
    List<String> production = physicalNames("shop-production");
    List<String> staging = physicalNames("shop-staging");

    assertThat(production).as("the schedule and the bus are named").hasSizeGreaterThanOrEqualTo(2);
    assertThat(production).doesNotHaveDuplicates().doesNotContainAnyElementsOf(staging);
    assertThat(
            template
                .resource("ExpirySweeperFunction")
                .at("/Properties/Events/Sweep/Properties/Name")
                .asText()
                .replace("${AWS::StackName}", "x".repeat(56))
                .length())
        .as("a schedule name fits in 64 characters for stack names up to 56")
        .isLessThanOrEqualTo(64);
  }

  @Test
  void theWebhookRouteHasItsOwnThrottlingApartFromTheStorefronts() {
    JsonNode route =
        template.resource("WebhookHandlerFunction").at("/Properties/Events/Webhook/Properties");
    assertThat(route.at("/RouteSettings/ThrottlingRateLimit").asText())
        .isEqualTo("WebhookThrottlingRateLimit");
    assertThat(route.at("/RouteSettings/ThrottlingBurstLimit").asText())
        .isEqualTo("WebhookThrottlingBurstLimit");
    assertThat(
            template
                .resource("HttpApi")
                .at("/Properties/DefaultRouteSettings/ThrottlingRateLimit")
                .asText())
        .isEqualTo("ApiThrottlingRateLimit");
    template
        .functions()
        .forEach(
            (id, function) -> {
              if (!id.equals("WebhookHandlerFunction")) {
                function
                    .at("/Properties/Events")
                    .forEach(
                        event ->
                            assertThat(event.at("/Properties/RouteSettings").isMissingNode())
                                .as(id)
                                .isTrue());
              }
            });
  }
}
