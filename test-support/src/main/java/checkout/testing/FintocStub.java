package checkout.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import checkout.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An HTTP stand-in for Fintoc's checkout session API that behaves like it where our code
 * depends on it: the raw-key Authorization header, the error body, ids, statuses, and
 * Idempotency-Key replay (the same key returns the first response). Tests put higher-priority
 * WireMock stubs in front of it (priority 1) to make Fintoc fail.
 */
public final class FintocStub implements AutoCloseable {
  public static final String SECRET_KEY = "sk_test_stub_0123456789abcdef";

  private final WireMockServer server;
  private final Behaviour behaviour;

  public FintocStub(Clock clock) {
    this.behaviour = new Behaviour(clock);
    this.server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").extensions(behaviour));
    server.start();
    reset();
  }

  public void reset() {
    server.resetAll();
    behaviour.reset();
    server.stubFor(any(urlPathMatching("/v2/checkout_sessions.*")).atPriority(10)
        .willReturn(ResponseDefinitionBuilder.responseDefinition().withTransformers(Behaviour.NAME)));
  }

  public String baseUrl() {
    return server.baseUrl();
  }

  /** The WireMock server, to add failure stubs in front of the default behaviour. */
  public WireMockServer server() {
    return server;
  }

  /** From now on only this key is accepted (as after rotating the key at Fintoc). */
  public void acceptOnlyKey(String key) {
    behaviour.acceptedKey = key;
  }

  public List<LoggedRequest> createRequests() {
    return server.findAll(postRequestedFor(urlEqualTo("/v2/checkout_sessions")));
  }

  /** How many distinct sessions Fintoc created (replays excluded). */
  public int sessionsCreated() {
    return behaviour.sessions.size();
  }

  /**
   * From now on Fintoc reports this session with this status (and, when given, its payment
   * intent and that payment's status), as after the customer acted on the hosted page.
   */
  public void holdSession(String id, String status, String paymentIntentId, String paymentStatus) {
    ObjectNode session = Json.object().put("id", id).put("object", "checkout_session").put("mode", "test")
        .put("status", status).put("amount", 15000).put("currency", "CLP")
        .put("expires_at", "2026-11-21T11:00:00Z");
    if (paymentIntentId == null) {
      session.putNull("payment_resource");
    } else {
      ObjectNode resource = Json.object();
      resource.set("payment_intent", Json.object().put("id", paymentIntentId).put("object", "payment_intent")
          .put("status", paymentStatus).put("amount", 15000).put("currency", "CLP"));
      session.set("payment_resource", resource);
    }
    behaviour.sessions.put(id, session);
  }

  /** How many times Fintoc was asked for a session. */
  public int retrievals() {
    return server.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
        urlPathMatching("/v2/checkout_sessions/.*"))).size();
  }

  @Override
  public void close() {
    server.stop();
  }

  /** Fintoc's behaviour, as a WireMock response transformer. */
  static final class Behaviour implements ResponseDefinitionTransformerV2 {
    static final String NAME = "fintoc-checkout-sessions";
    private final Clock clock;
    private final Map<String, ResponseDefinition> byIdempotencyKey = new HashMap<>();
    private final Map<String, ObjectNode> sessions = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile String acceptedKey = SECRET_KEY;
    private int counter;

    Behaviour(Clock clock) {
      this.clock = clock;
    }

    synchronized void reset() {
      byIdempotencyKey.clear();
      sessions.clear();
      acceptedKey = SECRET_KEY;
      counter = 0;
    }

    @Override
    public String getName() {
      return NAME;
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }

    @Override
    public synchronized ResponseDefinition transform(ServeEvent event) {
      Request request = event.getRequest();
      if (!acceptedKey.equals(request.getHeader("Authorization"))) {
        return error(401, "authentication_error", "invalid_api_key", "Invalid API Key provided", null);
      }
      String path = request.getUrl();
      if (request.getMethod().getName().equals("POST") && path.equals("/v2/checkout_sessions")) {
        String key = request.containsHeader("Idempotency-Key") ? request.getHeader("Idempotency-Key") : null;
        if (key != null && byIdempotencyKey.containsKey(key)) {
          return byIdempotencyKey.get(key);
        }
        ResponseDefinition response = create(Json.parse(request.getBodyAsString()));
        if (key != null) {
          byIdempotencyKey.put(key, response);
        }
        return response;
      }
      if (request.getMethod().getName().equals("GET") && path.startsWith("/v2/checkout_sessions/")) {
        ObjectNode session = sessions.get(path.substring("/v2/checkout_sessions/".length()));
        return session == null
            ? error(404, "invalid_request_error", "resource_missing", "No such checkout session", "id")
            : json(200, session);
      }
      return error(404, "invalid_request_error", "resource_missing", "Unknown route", null);
    }

    private ResponseDefinition create(JsonNode params) {
      String id = String.format("cs_test_%06d", ++counter);
      Instant now = clock.instant();
      ObjectNode session = Json.object()
          .put("id", id)
          .put("object", "checkout_session")
          .put("mode", "test")
          .put("status", "created")
          .put("amount", params.path("amount").asLong())
          .put("currency", params.path("currency").asText())
          .put("created_at", now.toString())
          .put("expires_at", params.hasNonNull("expires_at")
              ? params.get("expires_at").asText()
              : now.plus(Duration.ofHours(24)).toString())
          .put("success_url", params.path("success_url").asText())
          .put("cancel_url", params.path("cancel_url").asText())
          .put("redirect_url", "https://checkout.fintoc.com/checkout_sessions/" + id);
      session.set("metadata", params.has("metadata") ? params.get("metadata") : Json.object());
      session.putNull("customer");
      session.putNull("payment_resource");
      sessions.put(id, session);
      return json(201, session);
    }

    private static ResponseDefinition json(int status, JsonNode body) {
      return ResponseDefinitionBuilder.responseDefinition()
          .withStatus(status)
          .withHeader("Content-Type", "application/json")
          .withBody(Json.write(body))
          .build();
    }
  }

  /** Fintoc's error body. */
  public static ResponseDefinition error(int status, String type, String code, String message, String param) {
    ObjectNode error = Json.object().put("type", type).put("code", code).put("message", message).put("param", param)
        .put("doc_url", "https://docs.fintoc.com/reference/errors");
    ObjectNode body = Json.object();
    body.set("error", error);
    return Behaviour.json(status, body);
  }

  public static String errorBody(String type, String code, String message, String param) {
    return error(400, type, code, message, param).getBody();
  }
}
