package checkout.metrics;

import checkout.json.Json;
import checkout.log.Log;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metrics as CloudWatch Embedded Metric Format lines in the function's log: no API call, no client,
 * nothing at cold start but this class. Values are kept during an invocation and written when it
 * ends ({@link Invocation}), one line per dimension value. Every metric is in {@link #NAMESPACE},
 * dimensioned by the function's name (unique per stack, so two stacks never mix) and, when it has
 * one, by its own dimension — and also by the function alone, so an alarm can watch "any kind".
 *
 * <p>Why our own ~100 lines and not a library: docs/performance.md, "Metrics".
 */
public final class Metrics {
  public static final String NAMESPACE = "FintocCheckout";
  public static final String FUNCTION_DIMENSION = "FunctionName";

  /** EMF takes at most 100 values of one metric in one line. */
  private static final int MAX_VALUES = 100;

  private static final String FUNCTION = functionName();

  private record Key(String dimension, String value) {}

  private static final Map<Key, Map<Metric, List<Double>>> pending = new LinkedHashMap<>();

  private Metrics() {}

  private static String functionName() {
    String name = System.getenv("AWS_LAMBDA_FUNCTION_NAME");
    return name == null || name.isBlank() ? "local" : name;
  }

  public static void count(Metric metric) {
    record(metric, null, 1);
  }

  /** Counts one, under {@code label} as the metric's dimension value. */
  public static void count(Metric metric, String label) {
    record(metric, label, 1);
  }

  public static void record(Metric metric, String label, double value) {
    if ((metric.dimension == null) != (label == null)) {
      throw new IllegalArgumentException(metric + " takes " + metric.dimension + ", got " + label);
    }
    synchronized (pending) {
      List<Double> values =
          pending
              .computeIfAbsent(new Key(metric.dimension, label), k -> new LinkedHashMap<>())
              .computeIfAbsent(metric, m -> new ArrayList<>());
      if (metric.unit == Metric.Unit.COUNT && !values.isEmpty()) {
        values.set(0, values.get(0) + value);
      } else if (values.size() < MAX_VALUES) {
        values.add(value);
      }
    }
  }

  /** Forgets what was recorded (a new invocation; values from priming never reach CloudWatch). */
  public static void clear() {
    synchronized (pending) {
      pending.clear();
    }
  }

  /** While priming runs handlers on made-up requests, their documents are built, never written. */
  private static volatile boolean discarding;

  /** Runs {@code priming} with every flush discarded: nothing priming does is ever counted. */
  public static void discardingWhile(Runnable priming) {
    discarding = true;
    try {
      priming.run();
    } finally {
      discarding = false;
      clear();
    }
  }

  /** Writes what was recorded as EMF lines, and forgets it. */
  public static void flush() {
    List<ObjectNode> documents = new ArrayList<>();
    synchronized (pending) {
      pending.forEach((key, metrics) -> documents.add(document(key, metrics)));
      pending.clear();
    }
    if (!discarding) {
      documents.forEach(Log::document);
    }
  }

  private static ObjectNode document(Key key, Map<Metric, List<Double>> metrics) {
    ObjectNode document = Json.object();
    ObjectNode directive = Json.object().put("Namespace", NAMESPACE);
    ArrayNode dimensionSets = directive.putArray("Dimensions");
    if (key.dimension() != null) {
      dimensionSets.addArray().add(FUNCTION_DIMENSION).add(key.dimension());
    }
    dimensionSets.addArray().add(FUNCTION_DIMENSION);
    ArrayNode definitions = directive.putArray("Metrics");
    document.put(FUNCTION_DIMENSION, FUNCTION);
    if (key.dimension() != null) {
      document.put(key.dimension(), key.value());
    }
    metrics.forEach(
        (metric, values) -> {
          definitions.addObject().put("Name", metric.metricName).put("Unit", metric.unit.emf);
          // Whole numbers: counts are, and a millisecond is fine enough for a latency.
          if (values.size() == 1) {
            document.put(metric.metricName, Math.round(values.get(0)));
          } else {
            ArrayNode array = document.putArray(metric.metricName);
            values.forEach(value -> array.add(Math.round(value)));
          }
        });
    ObjectNode aws = document.putObject("_aws").put("Timestamp", System.currentTimeMillis());
    aws.putArray("CloudWatchMetrics").add(directive);
    return document;
  }
}
