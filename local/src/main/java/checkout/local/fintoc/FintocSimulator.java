package checkout.local.fintoc;

import checkout.json.Json;
import checkout.local.http.Exchanges;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fintoc's Checkout Sessions API and hosted checkout page, offline. The API validates as Fintoc
 * does, answers Fintoc's error body, replays a stored response for a repeated Idempotency-Key
 * and checks the raw-key Authorization header. The hosted page is where a person (or a test)
 * picks an outcome; each outcome changes the session as Fintoc would and delivers the events
 * Fintoc would send, signed with the webhook secret.
 *
 * <p>Sessions whose expires_at passes expire when next read, without an event: a missed webhook
 * is exactly what the ExpirySweeper is for, so the local stack lets it be seen.
 */
public final class FintocSimulator {
  /** Payment outcomes a person can choose on the hosted page. */
  public static final Set<String> PAYMENT_OUTCOMES = Set.of("succeeded", "failed", "rejected", "pending", "requires_action");
  private static final Set<String> FINAL_PAYMENT = Set.of("succeeded", "failed", "rejected", "expired");
  private static final Set<String> FIELDS = Set.of("amount", "currency", "success_url", "cancel_url",
      "customer_data", "customer", "customer_email", "line_items", "metadata", "payment_method_types",
      "payment_method_options", "business_profile", "expires_at");
  private static final Pattern SESSION_PATH = Pattern.compile("/v2/checkout_sessions/([^/]+)(/expire)?");
  private static final Pattern PAGE_PATH = Pattern.compile("/checkout/([^/]+)/?");
  private static final String DOC_URL = "https://docs.fintoc.com/reference/errors";

  private final String secretKey;
  private final URI baseUrl;
  private final Clock clock;
  private final Function<String, String> ids;
  private final WebhookSender webhooks;
  private final Map<String, SimulatedSession> sessions = new ConcurrentHashMap<>();
  private final Map<String, StoredResponse> idempotency = new ConcurrentHashMap<>();

  private record StoredResponse(String request, int status, String body) {}

  /** Thrown while handling a request; becomes Fintoc's error body. */
  private static final class FintocError extends Exception {
    final int status;
    final String type;
    final String code;
    final String param;

    FintocError(int status, String type, String code, String message, String param) {
      super(message, null, false, false);
      this.status = status;
      this.type = type;
      this.code = code;
      this.param = param;
    }

    static FintocError invalid(String code, String message, String param) {
      return new FintocError(400, "invalid_request_error", code, message, param);
    }
  }

  /**
   * @param baseUrl where this simulator is reached; the hosted page's redirect_url is under it
   * @param ids makes a new id for a prefix ({@code cs_test}, {@code pi_test}, {@code evt_test})
   */
  public FintocSimulator(String secretKey, URI baseUrl, Clock clock, Function<String, String> ids, WebhookSender webhooks) {
    this.secretKey = secretKey;
    this.baseUrl = baseUrl;
    this.clock = clock;
    this.ids = ids;
    this.webhooks = webhooks;
  }

  public WebhookSender webhooks() {
    return webhooks;
  }

  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    Matcher page = PAGE_PATH.matcher(path);
    if (page.matches()) {
      hostedPage(exchange, page.group(1));
      return;
    }
    try {
      if (!path.startsWith("/v2/")) {
        throw new FintocError(404, "invalid_request_error", "resource_missing", "Unknown route " + method + " " + path, null);
      }
      if (!secretKey.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        throw new FintocError(401, "authentication_error", "invalid_api_key", "Invalid API Key provided", null);
      }
      Matcher one = SESSION_PATH.matcher(path);
      if (path.equals("/v2/checkout_sessions") && method.equals("POST")) {
        create(exchange);
      } else if (path.equals("/v2/checkout_sessions") && method.equals("GET")) {
        Exchanges.json(exchange, 200, Json.write(list()));
      } else if (one.matches() && one.group(2) == null && method.equals("GET")) {
        Exchanges.json(exchange, 200, Json.write(find(one.group(1)).toJson()));
      } else if (one.matches() && one.group(2) != null && method.equals("POST")) {
        Exchanges.json(exchange, 200, Json.write(expire(one.group(1))));
      } else {
        throw new FintocError(404, "invalid_request_error", "resource_missing", "Unknown route " + method + " " + path, null);
      }
    } catch (FintocError e) {
      Exchanges.json(exchange, e.status, errorBody(e));
    }
  }

  private static String errorBody(FintocError e) {
    ObjectNode error = Json.object().put("type", e.type).put("code", e.code).put("message", e.getMessage())
        .put("param", e.param).put("doc_url", DOC_URL);
    ObjectNode body = Json.object();
    body.set("error", error);
    return Json.write(body);
  }

  private void create(HttpExchange exchange) throws IOException, FintocError {
    String raw = new String(Exchanges.body(exchange), StandardCharsets.UTF_8);
    String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
    if (key != null && key.length() > 255) {
      throw FintocError.invalid("invalid_idempotency_key", "Idempotency-Key must be at most 255 characters", null);
    }
    JsonNode params;
    try {
      params = Json.parse(raw);
    } catch (RuntimeException e) {
      throw FintocError.invalid("invalid_json", "The request body is not valid JSON", null);
    }
    String canonical = Json.canonical(params);
    if (key != null) {
      StoredResponse stored = idempotency.get(key);
      if (stored != null) {
        if (!stored.request().equals(canonical)) {
          throw FintocError.invalid("idempotency_key_reused",
              "This Idempotency-Key was used with different parameters", null);
        }
        exchange.getResponseHeaders().set("Idempotent-Replayed", "true");
        Exchanges.json(exchange, stored.status(), stored.body());
        return;
      }
    }
    int status;
    String body;
    try {
      SimulatedSession session = newSession(params);
      sessions.put(session.id, session);
      System.out.printf("[fintoc] created %s: %d %s → %s%n", session.id, session.amount, session.currency, session.redirectUrl());
      status = 201;
      body = Json.write(session.toJson());
    } catch (FintocError e) {
      status = e.status;
      body = errorBody(e);
    }
    // Fintoc stores the first response for a key, errors included, and replays it.
    if (key != null) {
      StoredResponse first = idempotency.putIfAbsent(key, new StoredResponse(canonical, status, body));
      if (first != null) {
        status = first.status();
        body = first.body();
      }
    }
    Exchanges.json(exchange, status, body);
  }

  private SimulatedSession newSession(JsonNode params) throws FintocError {
    if (!params.isObject()) {
      throw FintocError.invalid("invalid_json", "The request body must be a JSON object", null);
    }
    var names = params.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw FintocError.invalid("unknown_parameter", "Received unknown parameter: " + name, name);
      }
    }
    JsonNode amount = params.get("amount");
    if (amount == null || !amount.isIntegralNumber() || amount.asLong() <= 0) {
      throw FintocError.invalid("invalid_amount", "amount must be a positive integer in the currency's smallest unit", "amount");
    }
    String currency = params.path("currency").asText("");
    if (!currency.equals("CLP") && !currency.equals("MXN")) {
      throw FintocError.invalid("invalid_currency", "currency must be CLP or MXN", "currency");
    }
    for (String url : List.of("success_url", "cancel_url")) {
      String value = params.path(url).asText("");
      if (!value.startsWith("https://") && !value.startsWith("http://")) {
        throw FintocError.invalid(value.isEmpty() ? "missing_parameter" : "invalid_url",
            url + " must be an absolute http(s) URL", url);
      }
    }
    JsonNode customer = params.path("customer_data");
    if (!customer.isMissingNode() && !customer.has("tax_id") && !customer.has("email")) {
      throw FintocError.invalid("invalid_customer_data", "customer_data needs a tax_id or an email", "customer_data");
    }
    JsonNode metadata = params.path("metadata");
    if (!metadata.isMissingNode()) {
      boolean strings = metadata.isObject();
      for (var values = metadata.elements(); strings && values.hasNext(); ) {
        strings = values.next().isTextual();
      }
      if (!strings) {
        throw FintocError.invalid("invalid_metadata", "metadata must be an object of string values", "metadata");
      }
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant expiresAt = now.plus(Duration.ofHours(24));
    if (params.hasNonNull("expires_at")) {
      try {
        expiresAt = Instant.parse(params.get("expires_at").asText());
      } catch (DateTimeParseException e) {
        throw FintocError.invalid("invalid_expires_at", "expires_at must be an ISO 8601 UTC time", "expires_at");
      }
      if (expiresAt.isBefore(now.plus(Duration.ofMinutes(10)))) {
        throw FintocError.invalid("invalid_expires_at", "expires_at must be at least 10 minutes from now", "expires_at");
      }
    }
    String id = ids.apply("cs_test");
    return new SimulatedSession(id, (ObjectNode) params, now, expiresAt,
        baseUrl.resolve("/checkout/" + id).toString());
  }

  private SimulatedSession find(String id) throws FintocError {
    SimulatedSession session = sessions.get(id);
    if (session == null) {
      throw new FintocError(404, "invalid_request_error", "resource_missing", "No such checkout session: " + id, "id");
    }
    session.expireIfDue(clock.instant());
    return session;
  }

  private JsonNode list() {
    var all = Json.array();
    sessions.values().stream().sorted(Comparator.comparing((SimulatedSession s) -> s.createdAt).reversed())
        .forEach(s -> {
          s.expireIfDue(clock.instant());
          all.add(s.toJson());
        });
    return all;
  }

  private ObjectNode expire(String id) throws FintocError {
    SimulatedSession session = find(id);
    synchronized (session) {
      if (!session.status.equals("created")) {
        throw FintocError.invalid("invalid_status", "Only a session in status created can be expired; this one is "
            + session.status, "id");
      }
      session.status = "expired";
      webhooks.deliver(List.of(event("checkout_session.expired", session.toJson())));
      return session.toJson();
    }
  }

  private ObjectNode event(String type, ObjectNode data) {
    ObjectNode event = Json.object().put("id", ids.apply("evt_test")).put("object", "event").put("type", type)
        .put("mode", "test").put("created_at", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
    event.set("data", data);
    return event;
  }

  // ---- the hosted checkout page -------------------------------------------------------------

  private void hostedPage(HttpExchange exchange, String id) throws IOException {
    SimulatedSession session = sessions.get(id);
    if (session == null) {
      Exchanges.send(exchange, 404, "text/html; charset=utf-8", HostedPage.message("No such checkout session").getBytes(StandardCharsets.UTF_8));
      return;
    }
    session.expireIfDue(clock.instant());
    if (exchange.getRequestMethod().equals("POST")) {
      String outcome = Exchanges.form(new String(Exchanges.body(exchange), StandardCharsets.UTF_8)).getOrDefault("outcome", "");
      String problem = choose(session, outcome);
      if (problem != null) {
        Exchanges.send(exchange, 409, "text/html; charset=utf-8", HostedPage.render(session, problem).getBytes(StandardCharsets.UTF_8));
        return;
      }
      Exchanges.redirect(exchange, outcome.equals("cancel") || outcome.equals("expire") ? session.cancelUrl() : session.successUrl());
      return;
    }
    Exchanges.send(exchange, 200, "text/html; charset=utf-8", HostedPage.render(session, null).getBytes(StandardCharsets.UTF_8));
  }

  /** Applies a person's choice; returns why it cannot be applied, or null. */
  String choose(SimulatedSession session, String outcome) {
    synchronized (session) {
      boolean open = session.status.equals("created") || session.status.equals("in_progress");
      String paymentStatus = session.paymentStatus;
      if (outcome.equals("cancel")) {
        return open ? null : "This checkout is " + session.status + "; there is nothing to cancel.";
      }
      if (outcome.equals("expire")) {
        if (!session.status.equals("created")) {
          return "Only a checkout nobody has paid yet can expire; this one is " + session.status + ".";
        }
        session.status = "expired";
        webhooks.deliver(List.of(event("checkout_session.expired", session.toJson())));
        return null;
      }
      if (!PAYMENT_OUTCOMES.contains(outcome)) {
        return "Unknown outcome '" + outcome + "'.";
      }
      if (open) {
        session.paymentIntentId = ids.apply("pi_test");
        session.paymentStatus = outcome;
        session.status = "finished";
        webhooks.deliver(List.of(
            event("payment_intent." + outcome, session.paymentIntent()),
            event("checkout_session.finished", session.toJson())));
        return null;
      }
      if (session.status.equals("finished") && paymentStatus != null && !FINAL_PAYMENT.contains(paymentStatus)) {
        // A pending or requires_action payment settles later: only its own event follows.
        session.paymentStatus = outcome;
        webhooks.deliver(List.of(event("payment_intent." + outcome, session.paymentIntent())));
        return null;
      }
      return "This checkout is " + session.status
          + (paymentStatus == null ? "" : " with a " + paymentStatus + " payment") + "; it cannot change now.";
    }
  }
}
