package checkout.local.api;

import checkout.http.ApiEvent;
import checkout.json.Json;
import checkout.local.http.Exchanges;
import checkout.local.lambda.LocalFunction;
import checkout.local.template.SamTemplate.Route;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP API as API Gateway runs it: the template's routes, its CORS configuration, each request
 * turned into a payload-format-2.0 event for the route's function and the function's response
 * turned back into HTTP. Requests no route takes are served from the storefront's files.
 */
public final class ApiGateway {
  private static final byte[] NOT_FOUND =
      "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] INTERNAL_ERROR =
      "{\"message\":\"Internal Server Error\"}".getBytes(StandardCharsets.UTF_8);

  private record CompiledRoute(Route route, Pattern pattern, List<String> parameters) {}

  private final List<CompiledRoute> routes = new ArrayList<>();
  private final Map<String, LocalFunction> functions;
  private final Cors cors;
  private final StaticFiles files;
  private final Clock clock;

  public ApiGateway(
      List<Route> routes,
      Map<String, LocalFunction> functions,
      Cors cors,
      StaticFiles files,
      Clock clock) {
    this.functions = functions;
    this.cors = cors;
    this.files = files;
    this.clock = clock;
    // Like API Gateway, the most specific route wins: fewer {parameters} first.
    routes.stream()
        .sorted(Comparator.comparingLong(r -> r.path().chars().filter(c -> c == '{').count()))
        .forEach(r -> this.routes.add(compile(r)));
  }

  private static CompiledRoute compile(Route route) {
    List<String> parameters = new ArrayList<>();
    Matcher m = Pattern.compile("\\{([^}]+)}").matcher(route.path());
    StringBuilder regex = new StringBuilder();
    int last = 0;
    while (m.find()) {
      regex.append(Pattern.quote(route.path().substring(last, m.start())));
      String name = m.group(1);
      boolean greedy = name.endsWith("+");
      parameters.add(greedy ? name.substring(0, name.length() - 1) : name);
      regex.append(greedy ? "(.+)" : "([^/]+)");
      last = m.end();
    }
    regex.append(Pattern.quote(route.path().substring(last)));
    return new CompiledRoute(route, Pattern.compile(regex.toString()), parameters);
  }

  public void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    String path = exchange.getRequestURI().getRawPath();
    String origin = exchange.getRequestHeaders().getFirst("Origin");

    if (method.equals("OPTIONS")
        && origin != null
        && exchange.getRequestHeaders().getFirst("Access-Control-Request-Method") != null) {
      // API Gateway answers CORS preflights itself when the API has a CORS configuration.
      cors.preflight(
              origin,
              exchange.getRequestHeaders().getFirst("Access-Control-Request-Method"),
              exchange.getRequestHeaders().getFirst("Access-Control-Request-Headers"))
          .forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
      Exchanges.send(exchange, 204, null, new byte[0]);
      return;
    }

    for (CompiledRoute compiled : routes) {
      Matcher matcher = compiled.pattern().matcher(path);
      String routeMethod = compiled.route().method();
      if (matcher.matches() && (routeMethod.equals(method) || routeMethod.equals("ANY"))) {
        Map<String, String> pathParameters = new LinkedHashMap<>();
        for (int i = 0; i < compiled.parameters().size(); i++) {
          pathParameters.put(
              compiled.parameters().get(i),
              URLDecoder.decode(matcher.group(i + 1), StandardCharsets.UTF_8));
        }
        cors.response(origin)
            .forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        invoke(exchange, compiled.route(), pathParameters);
        return;
      }
    }
    if ((method.equals("GET") || method.equals("HEAD")) && files.serve(exchange, path)) {
      return;
    }
    Exchanges.send(exchange, 404, "application/json", NOT_FOUND);
  }

  private void invoke(HttpExchange exchange, Route route, Map<String, String> pathParameters)
      throws IOException {
    LocalFunction function = functions.get(route.function());
    byte[] event =
        Json.write(event(exchange, route, pathParameters)).getBytes(StandardCharsets.UTF_8);
    LocalFunction.Result result = function.invoke(event);
    if (result.error()) {
      Exchanges.send(exchange, 500, "application/json", INTERNAL_ERROR);
      return;
    }
    respond(exchange, result.payload());
  }

  /** The payload format 2.0 event API Gateway sends for this request. */
  ObjectNode event(HttpExchange exchange, Route route, Map<String, String> pathParameters)
      throws IOException {
    String rawQuery = exchange.getRequestURI().getRawQuery();
    ApiEvent event =
        ApiEvent.request(exchange.getRequestMethod(), route.path())
            .path(exchange.getRequestURI().getRawPath())
            .query(rawQuery, Exchanges.form(rawQuery))
            .source(
                exchange.getRemoteAddress().getAddress().getHostAddress(), exchange.getProtocol())
            .requestId(UUID.randomUUID().toString())
            .time(clock.instant());
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (name.equalsIgnoreCase("cookie")) {
                values.forEach(
                    v -> {
                      for (String cookie : v.split(";")) {
                        if (!cookie.isBlank()) {
                          event.cookie(cookie.trim());
                        }
                      }
                    });
              } else {
                event.header(name, String.join(",", values));
              }
            });
    pathParameters.forEach(event::pathParameter);
    byte[] body = Exchanges.body(exchange);
    if (body.length > 0) {
      event.body(body, isText(exchange.getRequestHeaders().getFirst("Content-Type")));
    }
    return event.json();
  }

  /** API Gateway passes text bodies as they are and base64-encodes everything else. */
  static boolean isText(String contentType) {
    String type =
        (contentType == null ? "" : contentType).toLowerCase(Locale.ROOT).split(";")[0].trim();
    return type.startsWith("text/")
        || type.equals("application/json")
        || type.endsWith("+json")
        || type.equals("application/xml")
        || type.endsWith("+xml")
        || type.equals("application/javascript")
        || type.equals("application/x-www-form-urlencoded");
  }

  /**
   * The function's answer as API Gateway reads payload format 2.0: an object with statusCode is a
   * response; anything else that is JSON is a 200 body of its own.
   */
  private void respond(HttpExchange exchange, byte[] payload) throws IOException {
    JsonNode response;
    try {
      response = Json.parse(new String(payload, StandardCharsets.UTF_8));
    } catch (RuntimeException notJson) {
      Exchanges.send(exchange, 500, "application/json", INTERNAL_ERROR);
      return;
    }
    if (!response.isObject() || !response.has("statusCode")) {
      Exchanges.send(exchange, 200, "application/json", payload);
      return;
    }
    response
        .path("headers")
        .fields()
        .forEachRemaining(
            h -> exchange.getResponseHeaders().set(h.getKey(), h.getValue().asText()));
    response
        .path("multiValueHeaders")
        .fields()
        .forEachRemaining(
            h ->
                h.getValue()
                    .forEach(v -> exchange.getResponseHeaders().add(h.getKey(), v.asText())));
    response
        .path("cookies")
        .forEach(c -> exchange.getResponseHeaders().add("Set-Cookie", c.asText()));
    String body = response.path("body").isNull() ? "" : response.path("body").asText("");
    byte[] bytes =
        response.path("isBase64Encoded").asBoolean(false)
            ? Base64.getDecoder().decode(body)
            : body.getBytes(StandardCharsets.UTF_8);
    if (!exchange.getResponseHeaders().containsKey("Content-Type") && bytes.length > 0) {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
    }
    Exchanges.send(exchange, response.path("statusCode").asInt(200), null, bytes);
  }
}
