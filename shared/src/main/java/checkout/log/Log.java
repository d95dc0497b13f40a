package checkout.log;

import checkout.json.Json;
import com.amazonaws.services.lambda.runtime.LambdaRuntime;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Structured logging: one JSON object a line, {@code {"event": "...", key: value, ...}}, through
 * the Lambda runtime's logger so the function's LoggingConfig (JSON format, level filter, request
 * id) applies. Callers pass only fields they chose; nothing here ever serializes a request body, a
 * header map or a secret, which is how secrets and customer data stay out of the logs.
 */
public final class Log {
  /** Where lines go; tests swap it to read what was logged. */
  public interface Sink {
    void write(LogLevel level, String line);
  }

  private static final Sink LAMBDA = (level, line) -> LambdaRuntime.getLogger().log(line, level);

  /** Outside Lambda (tests, the local stack) the runtime's logger writes no line breaks. */
  private static final Sink CONSOLE = (level, line) -> System.out.println(level + " " + line);

  private static final Sink DEFAULT =
      System.getenv("AWS_LAMBDA_RUNTIME_API") != null ? LAMBDA : CONSOLE;
  private static volatile Sink sink = DEFAULT;

  private Log() {}

  public static void info(String event, Object... keyValues) {
    sink.write(LogLevel.INFO, line(event, null, keyValues));
  }

  public static void warn(String event, Object... keyValues) {
    sink.write(LogLevel.WARN, line(event, null, keyValues));
  }

  public static void error(String event, Throwable error, Object... keyValues) {
    sink.write(LogLevel.ERROR, line(event, error, keyValues));
  }

  /** Replaces the sink; returns the previous one so a test can restore it. */
  public static Sink useSink(Sink replacement) {
    Sink previous = sink;
    sink = replacement == null ? DEFAULT : replacement;
    return previous;
  }

  private static String line(String event, Throwable error, Object[] keyValues) {
    ObjectNode node = Json.object().put("event", event);
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      Object value = keyValues[i + 1];
      String key = String.valueOf(keyValues[i]);
      if (value instanceof Double || value instanceof Float) {
        node.put(key, ((Number) value).doubleValue());
      } else if (value instanceof Number n) {
        node.put(key, n.longValue());
      } else if (value instanceof Boolean b) {
        node.put(key, b);
      } else {
        node.put(key, value == null ? null : value.toString());
      }
    }
    if (error != null) {
      node.put("error", error.getClass().getName());
      node.put("error_message", error.getMessage());
      StackTraceElement[] stack = error.getStackTrace();
      StringBuilder frames = new StringBuilder();
      for (int i = 0; i < Math.min(stack.length, 12); i++) {
        frames.append(stack[i]).append('\n');
      }
      node.put("stack", frames.toString());
    }
    return Json.write(node);
  }
}
