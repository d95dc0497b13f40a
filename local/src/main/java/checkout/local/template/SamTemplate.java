package checkout.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * template.yaml read as a tree, so the local stack and the tests take the API, the functions, their
 * variables and the table from the one source of truth. CloudFormation's short tags (!Ref, !Sub, …)
 * read as their plain value, so a {@code !Ref} reads as the name it refers to.
 */
public final class SamTemplate {
  private final JsonNode root;
  private final Path directory;

  private SamTemplate(JsonNode root, Path directory) {
    this.root = root;
    this.directory = directory;
  }

  public static SamTemplate load(Path path) {
    try {
      return new SamTemplate(
          new ObjectMapper(new YAMLFactory()).readTree(path.toFile()),
          path.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public JsonNode root() {
    return root;
  }

  /** The folder template.yaml is in; CodeUri paths are relative to it. */
  public Path directory() {
    return directory;
  }

  public JsonNode resource(String logicalId) {
    JsonNode resource = root.path("Resources").path(logicalId);
    if (resource.isMissingNode()) {
      throw new IllegalArgumentException("template.yaml has no resource " + logicalId);
    }
    return resource;
  }

  /** Logical id → resource, for every resource of this type, in template order. */
  public Map<String, JsonNode> resources(String type) {
    Map<String, JsonNode> found = new LinkedHashMap<>();
    root.path("Resources")
        .fields()
        .forEachRemaining(
            entry -> {
              if (type.equals(entry.getValue().path("Type").asText())) {
                found.put(entry.getKey(), entry.getValue());
              }
            });
    return found;
  }

  /** Logical id → resource, for every AWS::Serverless::Function. */
  public Map<String, JsonNode> functions() {
    return resources("AWS::Serverless::Function");
  }

  /**
   * A function's environment as deployed: Globals plus its own variables, a {@code !Ref} to a
   * parameter resolved to the parameter's default, then {@code overrides} applied only to the
   * variables the template declares — as {@code sam local invoke --env-vars} does.
   */
  public Map<String, String> environment(String logicalId, Map<String, String> overrides) {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode variables :
        List.of(
            root.path("Globals").path("Function").path("Environment").path("Variables"),
            resource(logicalId).path("Properties").path("Environment").path("Variables"))) {
      variables
          .fields()
          .forEachRemaining(e -> env.put(e.getKey(), parameterOr(e.getValue().asText())));
    }
    overrides.forEach((name, value) -> env.computeIfPresent(name, (k, old) -> value));
    return env;
  }

  /** A parameter's default when {@code value} names a parameter, else the value itself. */
  public String parameterOr(String value) {
    JsonNode parameter = root.path("Parameters").path(value);
    return parameter.isMissingNode() ? value : parameter.path("Default").asText("");
  }

  /** A function's property, falling back to Globals.Function like SAM does. */
  public JsonNode functionProperty(String logicalId, String property) {
    JsonNode own = resource(logicalId).path("Properties").path(property);
    return own.isMissingNode() ? root.path("Globals").path("Function").path(property) : own;
  }

  /** An HttpApi event of a function: {@code POST /checkout-sessions} served by {@code function}. */
  public record Route(String method, String path, String function) {}

  public List<Route> httpRoutes() {
    List<Route> routes = new ArrayList<>();
    forEachEvent(
        (function, event) -> {
          if ("HttpApi".equals(event.path("Type").asText())) {
            JsonNode properties = event.path("Properties");
            routes.add(
                new Route(
                    properties.path("Method").asText("ANY").toUpperCase(),
                    properties.path("Path").asText("/"),
                    function));
          }
        });
    return routes;
  }

  /** A schedule that invokes a function with a fixed input (ScheduleV2 or Schedule events). */
  public record Schedule(String function, String expression, String input) {}

  public List<Schedule> schedules() {
    List<Schedule> schedules = new ArrayList<>();
    forEachEvent(
        (function, event) -> {
          String type = event.path("Type").asText();
          if (type.equals("ScheduleV2") || type.equals("Schedule")) {
            JsonNode properties = event.path("Properties");
            String expression =
                parameterOr(
                    properties.has("ScheduleExpression")
                        ? properties.path("ScheduleExpression").asText()
                        : properties.path("Schedule").asText());
            schedules.add(
                new Schedule(function, expression, properties.path("Input").asText("{}")));
          }
        });
    return schedules;
  }

  /**
   * A DynamoDB stream mapping ({@code AWS::Lambda::EventSourceMapping} on a table's StreamArn):
   * which function, which table, and how Lambda hands the records over.
   *
   * @param onFailure the logical id of the on-failure destination, or null
   */
  public record StreamSource(
      String function,
      String table,
      int batchSize,
      boolean bisectOnError,
      int maximumRetryAttempts,
      int maximumRecordAgeSeconds,
      boolean reportBatchItemFailures,
      String onFailure) {}

  public List<StreamSource> streamSources() {
    List<StreamSource> sources = new ArrayList<>();
    resources("AWS::Lambda::EventSourceMapping")
        .values()
        .forEach(
            mapping -> {
              JsonNode properties = mapping.path("Properties");
              String arn = properties.path("EventSourceArn").asText();
              if (!arn.endsWith(".StreamArn")) {
                return;
              }
              String onFailure =
                  properties
                      .path("DestinationConfig")
                      .path("OnFailure")
                      .path("Destination")
                      .asText(null);
              List<String> responseTypes = stringList(properties.path("FunctionResponseTypes"));
              sources.add(
                  new StreamSource(
                      properties.path("FunctionName").asText().split("\\.")[0],
                      arn.substring(0, arn.length() - ".StreamArn".length()),
                      Integer.parseInt(parameterOr(properties.path("BatchSize").asText("100"))),
                      properties.path("BisectBatchOnFunctionError").asBoolean(false),
                      Integer.parseInt(
                          parameterOr(properties.path("MaximumRetryAttempts").asText("-1"))),
                      Integer.parseInt(
                          parameterOr(properties.path("MaximumRecordAgeInSeconds").asText("-1"))),
                      responseTypes.contains("ReportBatchItemFailures"),
                      onFailure == null ? null : onFailure.split("\\.")[0]));
            });
    return sources;
  }

  /** Each event of each function, with the function's logical id. */
  private void forEachEvent(BiConsumer<String, JsonNode> action) {
    functions()
        .forEach(
            (id, function) ->
                function
                    .path("Properties")
                    .path("Events")
                    .forEach(event -> action.accept(id, event)));
  }

  /** The HttpApi's CorsConfiguration, with parameters resolved; empty when it has none. */
  public Optional<JsonNode> cors() {
    for (JsonNode api : resources("AWS::Serverless::HttpApi").values()) {
      JsonNode cors = api.path("Properties").path("CorsConfiguration");
      if (!cors.isMissingNode()) {
        return Optional.of(cors);
      }
    }
    return Optional.empty();
  }

  /**
   * A list property that may be a YAML list or a {@code !Ref} to a CommaDelimitedList parameter.
   */
  public List<String> stringList(JsonNode node) {
    List<String> values = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(v -> values.add(v.asText()));
    } else if (!node.isMissingNode() && !node.isNull()) {
      for (String v : parameterOr(node.asText()).split(",")) {
        if (!v.isBlank()) {
          values.add(v.trim());
        }
      }
    }
    return values;
  }
}
