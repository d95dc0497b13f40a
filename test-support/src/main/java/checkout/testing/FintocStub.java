package checkout.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import checkout.local.fintoc.FintocSimulator;
import checkout.local.fintoc.SimulatedRefunds;
import checkout.local.http.Exchanges;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fintoc for the tests: the local stack's {@link FintocSimulator} (the one Fintoc fake), with
 * WireMock in front of it only as a recorder and a fault proxy. Everything is proxied to the
 * simulator — auth, validation, ids, statuses, Idempotency-Key replay, its own faults ({@link
 * #faults()}: Fintoc's errors kept under their key, the rate limiter's 429, failed retrievals, slow
 * answers, dropped connections) — unless a test puts a higher-priority WireMock stub in front
 * (priority 1) for a fault only the wire shows (a proxy's HTML 503, a delayed network, a malformed
 * answer).
 */
public final class FintocStub implements AutoCloseable {
  public static final String SECRET_KEY = "sk_test_stub_0123456789abcdef";

  private final HttpServer simulatorServer;
  private final FintocSimulator simulator;
  private final WireMockServer server;
  private final AtomicInteger ids = new AtomicInteger();

  public FintocStub(Clock clock) {
    FintocSimulator[] holder = new FintocSimulator[1];
    simulatorServer = Exchanges.serve(0, "fintoc-stub", exchange -> holder[0].handle(exchange));
    URI simulatorUrl = URI.create("http://127.0.0.1:" + simulatorServer.getAddress().getPort());
    // Ids like Fintoc's test mode, numbered so tests can name them: cs_test_000001, pi_test_000001.
    simulator =
        new FintocSimulator(
            SECRET_KEY,
            simulatorUrl,
            "https://checkout.fintoc.com/checkout_sessions/",
            clock,
            prefix -> String.format("%s_%06d", prefix, ids.incrementAndGet()),
            null);
    holder[0] = simulator;
    server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
    reset();
  }

  /** A new Fintoc: no sessions, no stored answers, no faults, ids from 1, the default key. */
  public void reset() {
    server.resetAll();
    simulator.reset(SECRET_KEY);
    ids.set(0);
    server.stubFor(
        any(urlPathMatching("/.*"))
            .atPriority(10)
            .willReturn(
                aResponse()
                    .proxiedFrom("http://127.0.0.1:" + simulatorServer.getAddress().getPort())));
  }

  public String baseUrl() {
    return server.baseUrl();
  }

  /**
   * The simulator itself, not through WireMock: where a dropped connection reaches the client as
   * one.
   */
  public String directUrl() {
    return "http://127.0.0.1:" + simulatorServer.getAddress().getPort();
  }

  /** The WireMock server, to add fault stubs in front of the simulator. */
  public WireMockServer server() {
    return server;
  }

  /**
   * The simulator's own faults: what Fintoc itself does wrong, kept under the key as Fintoc keeps
   * it.
   */
  public FintocSimulator.Faults faults() {
    return simulator.faults();
  }

  /** Fintoc's refunds: to look at them, move them on the clock, and their faults. */
  public SimulatedRefunds refunds() {
    return simulator.refunds();
  }

  /** From now on only this key is accepted (as after rotating the key at Fintoc). */
  public void acceptOnlyKey(String key) {
    simulator.acceptOnlyKey(key);
  }

  public List<LoggedRequest> createRequests() {
    return server.findAll(postRequestedFor(urlEqualTo("/v2/checkout_sessions")));
  }

  /**
   * The Idempotency-Key of each create Fintoc received, as it arrived (WireMock's log waits for
   * answers).
   */
  public List<String> createKeys() {
    return simulator.createKeys();
  }

  /** How many distinct sessions Fintoc created (replays excluded). */
  public int sessionsCreated() {
    return simulator.sessionsCreated();
  }

  /**
   * From now on Fintoc reports this session with this status (and, when given, its payment intent
   * and that payment's status), as after the customer acted on the hosted page.
   */
  public void holdSession(String id, String status, String paymentIntentId, String paymentStatus) {
    simulator.hold(id, status, paymentIntentId, paymentStatus);
  }

  /** Another payment on a held session, of its amount: a customer who paid twice. */
  public void holdOtherPayment(String sessionId, String paymentIntentId, String paymentStatus) {
    simulator.holdOtherPayment(sessionId, paymentIntentId, paymentStatus);
  }

  /**
   * A customer made outside the stack (Fintoc's dashboard, another integration), in test mode;
   * returns its id.
   */
  public String addCustomer(String taxIdType, String taxIdValue, String name, String email) {
    return simulator.addCustomer("test", taxIdType, taxIdValue, name, email);
  }

  /** The customer object as Fintoc holds it now, or null. */
  public ObjectNode customer(String id) {
    return simulator.customer(id);
  }

  /** How many customers Fintoc holds. */
  public int customerCount() {
    return simulator.customerCount();
  }

  /**
   * A customer picks {@code outcome} on the session's hosted page (e.g. {@code succeeded}, {@code
   * in_progress}: see {@link FintocSimulator#PAYMENT_OUTCOMES}). Answers the page's status: a
   * redirect (3xx) when the simulator applied it, 409 when the session cannot take it (paying an
   * expired checkout, for one).
   */
  public int choose(String sessionId, String outcome) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(directUrl() + "/checkout/" + sessionId))
            .header("content-type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("outcome=" + outcome))
            .build();
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** How many times the simulator was asked for each session. */
  public Map<String, Integer> retrievalsBySession() {
    return simulator.retrievalsBySession();
  }

  /** How many times Fintoc was asked for a session. */
  public int retrievals() {
    return server.findAll(getRequestedFor(urlPathMatching("/v2/checkout_sessions/.*"))).size();
  }

  @Override
  public void close() {
    server.stop();
    simulatorServer.stop(0);
  }
}
