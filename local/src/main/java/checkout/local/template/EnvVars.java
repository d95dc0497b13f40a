package checkout.local.template;

import checkout.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * env.json as {@code sam local --env-vars} reads it: "Parameters" for every function, then each
 * function's own section on top. The local stack and the tests read it only through here.
 */
public final class EnvVars {
  private final Map<String, Map<String, String>> sections;

  private EnvVars(Map<String, Map<String, String>> sections) {
    this.sections = sections;
  }

  public static EnvVars none() {
    return new EnvVars(Map.of());
  }

  public static EnvVars read(Path path) {
    if (path == null) {
      return none();
    }
    JsonNode root;
    try {
      root = Json.parse(Files.readString(path));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read --env-vars " + path + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--env-vars " + path + " is not valid JSON");
    }
    Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    root.fields()
        .forEachRemaining(
            section -> {
              Map<String, String> values = new LinkedHashMap<>();
              section
                  .getValue()
                  .fields()
                  .forEachRemaining(v -> values.put(v.getKey(), v.getValue().asText()));
              sections.put(section.getKey(), values);
            });
    return new EnvVars(sections);
  }

  /** The "Parameters" section: what every function gets. */
  public Map<String, String> shared() {
    return sections.getOrDefault("Parameters", Map.of());
  }

  /** What sam local gives {@code logicalId}: "Parameters", then its own section over them. */
  public Map<String, String> forFunction(String logicalId) {
    Map<String, String> values = new LinkedHashMap<>(shared());
    values.putAll(sections.getOrDefault(logicalId, Map.of()));
    return values;
  }
}
