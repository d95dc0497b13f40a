package checkout.config;

import checkout.json.InvalidJsonException;
import checkout.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one way this project reads its settings: environment variables, with blank treated as unset.
 * SAM local only overrides variables the template declares, so the template declares optional ones
 * with a blank default, and code here ignores them when blank.
 *
 * <p>Tests build one from a map; Lambda builds one from the process environment.
 */
public final class Config {
  private final Map<String, String> values;

  private Config(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  public static Config fromEnvironment() {
    return new Config(System.getenv());
  }

  public static Config of(Map<String, String> values) {
    return new Config(values);
  }

  /** A copy with some values replaced; for tests and for the local stack. */
  public Config with(Map<String, String> overrides) {
    var merged = new HashMap<>(values);
    merged.putAll(overrides);
    return new Config(merged);
  }

  public Optional<String> optional(String name) {
    String value = values.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String required(String name) {
    return optional(name).orElseThrow(() -> new ConfigException(name + " must be set"));
  }

  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  public long longValue(String name, long defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      return Long.parseLong(raw.get());
    } catch (NumberFormatException e) {
      throw new ConfigException(name + " must be a whole number, got '" + raw.get() + "'");
    }
  }

  public Duration millis(String name, long defaultMillis) {
    return Duration.ofMillis(longValue(name, defaultMillis));
  }

  /** A comma-separated list; blank items are dropped. */
  public List<String> list(String name) {
    return optional(name)
        .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
        .orElse(List.of());
  }

  /** A JSON object, for settings that are Fintoc parameters (e.g. payment_method_options). */
  public Optional<ObjectNode> jsonObject(String name) {
    return optional(name)
        .map(
            v -> {
              try {
                JsonNode node = Json.parse(v);
                if (node.isObject()) {
                  return (ObjectNode) node;
                }
              } catch (InvalidJsonException e) {
                // reported below, without echoing the value
              }
              throw new ConfigException(name + " must be a JSON object");
            });
  }

  public Optional<URI> uri(String name) {
    return optional(name)
        .map(
            v -> {
              try {
                URI uri = URI.create(v);
                if (uri.getScheme() == null || uri.getHost() == null) {
                  throw new IllegalArgumentException();
                }
                return uri;
              } catch (IllegalArgumentException e) {
                throw new ConfigException(name + " must be an absolute URL, got '" + v + "'");
              }
            });
  }
}
