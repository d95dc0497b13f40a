package checkout.http;

import checkout.json.Json;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one builder of the events API Gateway's HTTP API (payload format 2.0) sends a function: for
 * SnapStart priming, for tests, and for the local stack — which sends {@link #json()} to a function
 * in its own class loader, as Lambda sends the JSON. Header names are lower-cased, as API Gateway
 * does.
 */
public final class ApiEvent {
  /** API Gateway's requestContext.time: {@code 21/Nov/2026:12:00:00 +0000}. */
  private static final DateTimeFormatter REQUEST_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  private final String method;
  private final String route;
  private String path;
  private String rawQuery = "";
  private final Map<String, String> headers =
      new TreeMap<>(); // sorted: the samples' JSON is stable
  private final List<String> cookies = new ArrayList<>();
  private final Map<String, String> query = new LinkedHashMap<>();
  private final Map<String, String> pathParameters = new LinkedHashMap<>();
  private String body;
  private boolean base64;
  private String sourceIp = "127.0.0.1";
  private String protocol = "HTTP/1.1";
  private String requestId = "request";
  private Instant time = Instant.EPOCH;

  private ApiEvent(String method, String route) {
    this.method = method.toUpperCase(Locale.ROOT);
    this.route = route;
    this.path = route;
  }

  /**
   * A request to the route {@code route} ({@code /checkout-sessions/{id}}); its path is the route's
   * until set.
   */
  public static ApiEvent request(String method, String route) {
    return new ApiEvent(method, route);
  }

  /** A GET as a browser sends it to {@code route}, on {@code path}, with the route's parameters. */
  public static APIGatewayV2HTTPEvent get(
      String route, String path, Map<String, String> pathParameters) {
    ApiEvent event = request("GET", route).path(path).header("accept", "application/json");
    pathParameters.forEach(event::pathParameter);
    return event.event();
  }

  /** A POST of a JSON body to {@code path}, with these headers (names in any case). */
  public static APIGatewayV2HTTPEvent post(String path, String body, Map<String, String> headers) {
    ApiEvent event = request("POST", path).header("content-type", "application/json").body(body);
    headers.forEach(event::header);
    return event.event();
  }

  public ApiEvent path(String rawPath) {
    this.path = rawPath;
    return this;
  }

  /** The raw query string, and its parameters as API Gateway lists them. */
  public ApiEvent query(String rawQuery, Map<String, String> parameters) {
    this.rawQuery = rawQuery == null ? "" : rawQuery;
    query.putAll(parameters);
    return this;
  }

  public ApiEvent header(String name, String value) {
    headers.put(name.toLowerCase(Locale.ROOT), value);
    return this;
  }

  public ApiEvent cookie(String cookie) {
    cookies.add(cookie);
    return this;
  }

  public ApiEvent pathParameter(String name, String value) {
    pathParameters.put(name, value);
    return this;
  }

  /** A text body, passed as it is. */
  public ApiEvent body(String text) {
    this.body = text;
    this.base64 = false;
    return this;
  }

  /** A body API Gateway does not take for text: base64-encoded in the event. */
  public ApiEvent binaryBody(byte[] bytes) {
    this.body = Base64.getEncoder().encodeToString(bytes);
    this.base64 = true;
    return this;
  }

  /** The body as API Gateway passes it: text as it is, anything else base64-encoded. */
  public ApiEvent body(byte[] bytes, boolean text) {
    return text ? body(new String(bytes, StandardCharsets.UTF_8)) : binaryBody(bytes);
  }

  public ApiEvent source(String ip, String protocol) {
    this.sourceIp = ip;
    this.protocol = protocol;
    return this;
  }

  public ApiEvent requestId(String requestId) {
    this.requestId = requestId;
    return this;
  }

  public ApiEvent time(Instant time) {
    this.time = time;
    return this;
  }

  private String routeKey() {
    return method + " " + route;
  }

  private String host() {
    return headers.getOrDefault("host", "localhost");
  }

  /**
   * The event as the function's handler receives it; its maps are mutable, as the runtime's are.
   */
  public APIGatewayV2HTTPEvent event() {
    APIGatewayV2HTTPEvent.RequestContext context =
        APIGatewayV2HTTPEvent.RequestContext.builder()
            .withAccountId("123456789012")
            .withApiId("local")
            .withDomainName(host())
            .withDomainPrefix(host().split("[.:]")[0])
            .withRequestId(requestId)
            .withRouteKey(routeKey())
            .withStage("$default")
            .withTime(REQUEST_TIME.format(time))
            .withTimeEpoch(time.toEpochMilli())
            .withHttp(
                APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                    .withMethod(method)
                    .withPath(path)
                    .withProtocol(protocol)
                    .withSourceIp(sourceIp)
                    .withUserAgent(headers.getOrDefault("user-agent", ""))
                    .build())
            .build();
    return APIGatewayV2HTTPEvent.builder()
        .withVersion("2.0")
        .withRouteKey(routeKey())
        .withRawPath(path)
        .withRawQueryString(rawQuery)
        .withCookies(cookies.isEmpty() ? null : new ArrayList<>(cookies))
        .withHeaders(new LinkedHashMap<>(headers))
        .withQueryStringParameters(query.isEmpty() ? null : new LinkedHashMap<>(query))
        .withPathParameters(pathParameters.isEmpty() ? null : new LinkedHashMap<>(pathParameters))
        .withRequestContext(context)
        .withBody(body)
        .withIsBase64Encoded(base64)
        .build();
  }

  /** The same event as the JSON document Lambda hands the function. */
  public ObjectNode json() {
    ObjectNode http =
        Json.object()
            .put("method", method)
            .put("path", path)
            .put("protocol", protocol)
            .put("sourceIp", sourceIp)
            .put("userAgent", headers.getOrDefault("user-agent", ""));
    ObjectNode context =
        Json.object()
            .put("accountId", "123456789012")
            .put("apiId", "local")
            .put("domainName", host())
            .put("domainPrefix", host().split("[.:]")[0])
            .put("requestId", requestId)
            .put("routeKey", routeKey())
            .put("stage", "$default")
            .put("time", REQUEST_TIME.format(time))
            .put("timeEpoch", time.toEpochMilli());
    context.set("http", http);
    ObjectNode event =
        Json.object()
            .put("version", "2.0")
            .put("routeKey", routeKey())
            .put("rawPath", path)
            .put("rawQueryString", rawQuery);
    if (!cookies.isEmpty()) {
      ArrayNode list = event.putArray("cookies");
      cookies.forEach(list::add);
    }
    ObjectNode headerNode = event.putObject("headers");
    headers.forEach(headerNode::put);
    if (!query.isEmpty()) {
      ObjectNode node = event.putObject("queryStringParameters");
      query.forEach(node::put);
    }
    if (!pathParameters.isEmpty()) {
      ObjectNode node = event.putObject("pathParameters");
      pathParameters.forEach(node::put);
    }
    event.set("requestContext", context);
    if (body != null) {
      event.put("body", body);
    }
    event.put("isBase64Encoded", base64);
    return event;
  }
}
