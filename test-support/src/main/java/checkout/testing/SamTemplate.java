package checkout.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * template.yaml read as a tree, so tests take the table, the functions and their variables from
 * the one source of truth. CloudFormation's short tags (!Ref, !Sub, …) read as their plain value.
 */
public final class SamTemplate {
  private final JsonNode root;

  private SamTemplate(JsonNode root) {
    this.root = root;
  }

  public static SamTemplate load() {
    return load(ProjectFiles.resolve("template.yaml"));
  }

  public static SamTemplate load(Path path) {
    try {
      return new SamTemplate(new ObjectMapper(new YAMLFactory()).readTree(path.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public JsonNode root() {
    return root;
  }

  public JsonNode resource(String logicalId) {
    JsonNode resource = root.path("Resources").path(logicalId);
    if (resource.isMissingNode()) {
      throw new IllegalArgumentException("template.yaml has no resource " + logicalId);
    }
    return resource;
  }

  /** Logical id → resource, for every AWS::Serverless::Function. */
  public Map<String, JsonNode> functions() {
    Map<String, JsonNode> functions = new LinkedHashMap<>();
    root.path("Resources").fields().forEachRemaining(entry -> {
      if ("AWS::Serverless::Function".equals(entry.getValue().path("Type").asText())) {
        functions.put(entry.getKey(), entry.getValue());
      }
    });
    return functions;
  }

  /**
   * A function's environment as deployed: Globals plus its own variables, a {@code !Ref} to a
   * parameter resolved to the parameter's default, then {@code overrides} applied only to the
   * variables the template declares — as {@code sam local invoke --env-vars} does.
   */
  public Map<String, String> environment(String logicalId, Map<String, String> overrides) {
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode parameters = root.path("Parameters");
    for (JsonNode variables : java.util.List.of(
        root.path("Globals").path("Function").path("Environment").path("Variables"),
        resource(logicalId).path("Properties").path("Environment").path("Variables"))) {
      variables.fields().forEachRemaining(e -> {
        String value = e.getValue().asText();
        if (parameters.has(value)) {
          value = parameters.path(value).path("Default").asText("");
        }
        env.put(e.getKey(), value);
      });
    }
    overrides.forEach((name, value) -> env.computeIfPresent(name, (k, old) -> value));
    return env;
  }

  /** A function's property, falling back to Globals.Function like SAM does. */
  public JsonNode functionProperty(String logicalId, String property) {
    JsonNode own = resource(logicalId).path("Properties").path(property);
    return own.isMissingNode() ? root.path("Globals").path("Function").path(property) : own;
  }
}
