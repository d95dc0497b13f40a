package checkout.log;

import checkout.json.Json;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaRuntime;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Structured logging: one JSON object a line, {@code {"level": …, "AWSRequestId": …, "event": …,
 * key: value, …}}. The request id (the field name Lambda's own JSON lines use, so one query finds
 * both) and the invocation's tags ({@link #tag}: session id, event id) are on every line. Lines go
 * to the runtime's logger as bytes — Lambda's level filter applies, the line is not wrapped again.
 * Callers pass only fields they chose; nothing here ever serializes a request body, a header map or
 * a secret, which is how secrets and customer data stay out of the logs.
 */
public final class Log {
  public static final String REQUEST_ID = "AWSRequestId";

  /** Where lines go; tests swap it to read what was logged. */
  public interface Sink {
    void write(LogLevel level, String line);
  }

  /**
   * Ends in a line break, as Lambda's own JSON lines do (one record each, also on plain stdout).
   */
  private static final Sink LAMBDA =
      (level, line) ->
          LambdaRuntime.getLogger().log((line + "\n").getBytes(StandardCharsets.UTF_8), level);

  /** Outside Lambda (tests, the local stack) the level first, for eyes. */
  private static final Sink CONSOLE = (level, line) -> System.out.println(level + " " + line);

  private static final Sink DEFAULT =
      System.getenv("AWS_LAMBDA_RUNTIME_API") != null ? LAMBDA : CONSOLE;
  private static volatile Sink sink = DEFAULT;

  /** This invocation's request id and tags; replaced whole, so threads of one run share it. */
  private static volatile Map<String, String> context = Map.of();

  private Log() {}

  /** A new invocation: its request id on every line until the next, and no tags yet. */
  public static void begin(Context invocation) {
    String requestId = invocation == null ? null : invocation.getAwsRequestId();
    context = requestId == null ? Map.of() : Map.of(REQUEST_ID, requestId);
  }

  /** From now until the next invocation, every line carries {@code key} (a session id, …). */
  public static synchronized void tag(String key, String value) {
    if (value == null) {
      return;
    }
    Map<String, String> tagged = new LinkedHashMap<>(context);
    tagged.put(key, value);
    context = Map.copyOf(tagged);
  }

  public static void info(String event, Object... keyValues) {
    sink.write(LogLevel.INFO, line(LogLevel.INFO, event, null, keyValues));
  }

  public static void warn(String event, Object... keyValues) {
    sink.write(LogLevel.WARN, line(LogLevel.WARN, event, null, keyValues));
  }

  public static void error(String event, Throwable error, Object... keyValues) {
    sink.write(LogLevel.ERROR, line(LogLevel.ERROR, event, error, keyValues));
  }

  /**
   * A line that is not a log event (an EMF metrics document): written whatever the level, with the
   * request id added.
   */
  public static void document(ObjectNode document) {
    String requestId = context.get(REQUEST_ID);
    if (requestId != null) {
      document.put(REQUEST_ID, requestId);
    }
    sink.write(LogLevel.UNDEFINED, Json.write(document));
  }

  /** Replaces the sink; returns the previous one so a test can restore it. */
  public static Sink useSink(Sink replacement) {
    Sink previous = sink;
    sink = replacement == null ? DEFAULT : replacement;
    return previous;
  }

  private static String line(LogLevel level, String event, Throwable error, Object[] keyValues) {
    ObjectNode node = Json.object().put("level", level.name());
    context.forEach(node::put);
    node.put("event", event);
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
