package checkout.deployment;

import checkout.json.Json;
import checkout.local.template.SamTemplate;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which sample events in events/ each function of template.yaml receives, derived from the
 * template's triggers and each sample's shape — never from a list kept by hand, so a function or a
 * sample added later is paired (or shown unpaired) without editing a test:
 *
 * <ul>
 *   <li>an HTTP API event ({@code requestContext.http} method and path, and its {@code routeKey})
 *       goes to the function whose HttpApi route matches it;
 *   <li>a DynamoDB stream batch ({@code Records[].eventSource == "aws:dynamodb"}) goes to the
 *       function a stream mapping targets;
 *   <li>a schedule's payload (its {@code Input}, or EventBridge's own {@code Scheduled Event} when
 *       the schedule has none) goes to the scheduled function.
 * </ul>
 */
record TemplateSamples(Map<String, List<String>> byFunction, List<String> unpaired) {
  static final Path EVENTS = Path.of("events");

  /** How a function is triggered, which decides what its documented answers look like. */
  enum Trigger {
    HTTP_API,
    DYNAMODB_STREAM,
    SCHEDULE
  }

  /** Every function (template order) with its samples (file names, sorted); unpaired samples. */
  static TemplateSamples derive(SamTemplate template, Path root) {
    Map<String, List<String>> byFunction = new LinkedHashMap<>();
    template.functions().keySet().forEach(function -> byFunction.put(function, new ArrayList<>()));
    List<String> unpaired = new ArrayList<>();
    for (Path file : sampleFiles(root.resolve(EVENTS))) {
      String name = file.getFileName().toString();
      Set<String> receivers = receivers(template, read(file));
      if (receivers.isEmpty()) {
        unpaired.add(name);
      }
      receivers.forEach(function -> byFunction.get(function).add(name));
    }
    return new TemplateSamples(byFunction, unpaired);
  }

  /** The ways template.yaml triggers {@code function}. */
  static Set<Trigger> triggers(SamTemplate template, String function) {
    Set<Trigger> triggers = new LinkedHashSet<>();
    if (template.httpRoutes().stream().anyMatch(r -> r.function().equals(function))) {
      triggers.add(Trigger.HTTP_API);
    }
    if (template.streamSources().stream().anyMatch(s -> s.function().equals(function))) {
      triggers.add(Trigger.DYNAMODB_STREAM);
    }
    if (template.schedules().stream().anyMatch(s -> s.function().equals(function))) {
      triggers.add(Trigger.SCHEDULE);
    }
    return triggers;
  }

  /** The functions whose triggers deliver an event of this shape. */
  static Set<String> receivers(SamTemplate template, JsonNode sample) {
    Set<String> receivers = new LinkedHashSet<>();
    JsonNode http = sample.path("requestContext").path("http");
    if (http.has("method") && http.has("path")) {
      String method = http.path("method").asText();
      String path = http.path("path").asText();
      for (SamTemplate.Route route : template.httpRoutes()) {
        boolean methodMatches = route.method().equals("ANY") || route.method().equals(method);
        // API Gateway puts the route it matched in routeKey: a sample must agree with its path.
        boolean routeKeyAgrees =
            !sample.has("routeKey")
                || sample.path("routeKey").asText().equals(route.method() + " " + route.path());
        if (methodMatches && routeKeyAgrees && pathPattern(route.path()).matcher(path).matches()) {
          receivers.add(route.function());
        }
      }
    }
    JsonNode records = sample.path("Records");
    boolean streamBatch = records.isArray() && !records.isEmpty();
    for (JsonNode record : records) {
      streamBatch &= record.path("eventSource").asText().equals("aws:dynamodb");
    }
    if (streamBatch) {
      template.streamSources().forEach(source -> receivers.add(source.function()));
    }
    for (SamTemplate.Schedule schedule : template.schedules()) {
      JsonNode input = Json.parse(schedule.input());
      boolean scheduledEvent =
          input.isEmpty()
              && sample.path("source").asText().equals("aws.events")
              && sample.path("detail-type").asText().equals("Scheduled Event");
      if ((!input.isEmpty() && sample.equals(input)) || scheduledEvent) {
        receivers.add(schedule.function());
      }
    }
    return receivers;
  }

  /** {@code /checkout-sessions/{id}} matches {@code /checkout-sessions/cs_123}; {proxy+} more. */
  static Pattern pathPattern(String routePath) {
    StringBuilder regex = new StringBuilder();
    for (String part : routePath.split("(?=\\{)|(?<=})")) {
      if (part.startsWith("{") && part.endsWith("+}")) {
        regex.append(".+");
      } else if (part.startsWith("{")) {
        regex.append("[^/]+");
      } else {
        regex.append(Pattern.quote(part));
      }
    }
    return Pattern.compile(regex.toString());
  }

  static List<Path> sampleFiles(Path events) {
    try (Stream<Path> files = Files.list(events)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode read(Path file) {
    try {
      return Json.parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
