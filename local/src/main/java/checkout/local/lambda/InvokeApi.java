package checkout.local.lambda;

import checkout.json.Json;
import checkout.local.http.Exchanges;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lambda's Invoke API, as {@code sam local start-lambda} offers it: {@code POST
 * /2015-03-31/functions/{name}/invocations}, so {@code aws lambda invoke --endpoint-url} and the
 * SDKs can run any function with any event. Function names are the template's logical ids.
 */
public final class InvokeApi {
  private static final Pattern PATH =
      Pattern.compile("/2015-03-31/functions/([^/]+)/invocations/?");

  private final Map<String, LocalFunction> functions;
  private final ExecutorService background;

  public InvokeApi(Map<String, LocalFunction> functions, ExecutorService background) {
    this.functions = functions;
    this.background = background;
  }

  public void handle(HttpExchange exchange) throws IOException {
    Matcher matcher = PATH.matcher(exchange.getRequestURI().getRawPath());
    if (!matcher.matches() || !exchange.getRequestMethod().equals("POST")) {
      error(
          exchange,
          404,
          "UnknownOperationException",
          "Unknown operation "
              + exchange.getRequestMethod()
              + " "
              + exchange.getRequestURI().getPath());
      return;
    }
    String name = URLDecoder.decode(matcher.group(1), StandardCharsets.UTF_8);
    // The SDKs also accept a function ARN; its last part is the name.
    name = name.substring(name.lastIndexOf(':') + 1);
    LocalFunction function = functions.get(name);
    if (function == null) {
      error(
          exchange,
          404,
          "ResourceNotFoundException",
          "Function not found: "
              + name
              + " (functions: "
              + String.join(", ", functions.keySet())
              + ")");
      return;
    }
    byte[] event = Exchanges.body(exchange);
    if (event.length == 0) {
      event = "{}".getBytes(StandardCharsets.UTF_8);
    }
    String type = exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type");
    if ("DryRun".equals(type)) {
      Exchanges.send(exchange, 204, null, new byte[0]);
      return;
    }
    if ("Event".equals(type)) {
      byte[] queued = event;
      background.submit(() -> function.invoke(queued));
      Exchanges.send(exchange, 202, null, new byte[0]);
      return;
    }
    LocalFunction.Result result = function.invoke(event);
    exchange.getResponseHeaders().set("X-Amz-Executed-Version", "$LATEST");
    if (result.error()) {
      exchange.getResponseHeaders().set("X-Amz-Function-Error", "Unhandled");
    }
    Exchanges.send(exchange, 200, "application/json", result.payload());
  }

  private static void error(HttpExchange exchange, int status, String type, String message)
      throws IOException {
    exchange.getResponseHeaders().set("X-Amzn-ErrorType", type);
    Exchanges.json(
        exchange, status, Json.write(Json.object().put("Type", "User").put("message", message)));
  }
}
