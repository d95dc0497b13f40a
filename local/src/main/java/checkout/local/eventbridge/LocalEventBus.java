package checkout.local.eventbridge;

import checkout.json.Json;
import checkout.local.http.Exchanges;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * EventBridge's {@code PutEvents} on loopback, in its wire format (JSON 1.1, {@code
 * AWSEvents.PutEvents}), so the publisher's SDK client runs as in AWS. Each event taken becomes the
 * event EventBridge would route — {@code version, id, detail-type, source, account, time, region,
 * resources, detail} — is printed on the console, and is POSTed to a target as an API destination
 * would send it (in order, off the caller's path: EventBridge takes an event before it delivers
 * it).
 *
 * <p>Faults, for tests and chaos runs: refuse chosen entries (per entry, the rest of the call
 * taken, as EventBridge does when throttled), throttle whole calls, or be out (every call a 500)
 * until a time on the bus's clock.
 */
public final class LocalEventBus implements AutoCloseable {
  private final URI target;
  private final PrintStream console;
  private final Clock clock;
  private final HttpClient http;
  private final ExecutorService delivery;

  /** Every event taken, as routed (in the order taken). */
  private final List<ObjectNode> events = new ArrayList<>();

  /** Every PutEvents call's entries, as sent (refused ones included). */
  private final List<List<JsonNode>> calls = new ArrayList<>();

  /** Every entry taken, as sent. */
  private final List<JsonNode> taken = new ArrayList<>();

  private final AtomicInteger ids = new AtomicInteger();
  private volatile Predicate<JsonNode> refuse = entry -> false;
  private final AtomicInteger refusalsLeft = new AtomicInteger();
  private final AtomicInteger throttledCallsLeft = new AtomicInteger();
  private final AtomicInteger deliveryFailures = new AtomicInteger();
  private volatile Instant outageUntil = Instant.MIN;
  private int outageCalls;

  /**
   * @param target where each event is POSTed, or null for none
   * @param console where each event is printed, or null for nowhere
   */
  public LocalEventBus(URI target, PrintStream console, Clock clock) {
    this.target = target;
    this.console = console;
    this.clock = clock;
    this.http = target == null ? null : HttpClient.newHttpClient();
    this.delivery =
        target == null
            ? null
            : Executors.newSingleThreadExecutor(
                r -> {
                  Thread thread = new Thread(r, "event-delivery");
                  thread.setDaemon(true);
                  return thread;
                });
  }

  /**
   * Every PutEvents call answers 500 {@code InternalException} until {@code until} on the bus's
   * clock, as during a regional outage: nothing of those calls is taken.
   */
  public void outageUntil(Instant until) {
    outageUntil = until;
  }

  public URI target() {
    return target;
  }

  /** The next {@code times} entries that match are refused with ThrottlingException. */
  public void refuse(Predicate<JsonNode> entry, int times) {
    refuse = entry;
    refusalsLeft.set(times);
  }

  /** The next {@code times} PutEvents calls are refused whole (400 ThrottlingException). */
  public void throttleCalls(int times) {
    throttledCallsLeft.set(times);
  }

  /** Every PutEvents call's entries, as sent, refused ones included. */
  public synchronized List<List<JsonNode>> calls() {
    return List.copyOf(calls);
  }

  /** Every entry taken, as sent. */
  public synchronized List<JsonNode> taken() {
    return List.copyOf(taken);
  }

  /** Every event taken, as routed. */
  public synchronized List<ObjectNode> events() {
    return List.copyOf(events);
  }

  /** Each taken event's detail. */
  public synchronized List<JsonNode> details() {
    return events.stream().map(e -> e.get("detail")).toList();
  }

  /** Deliveries to the target that failed after their attempts. */
  public int deliveryFailures() {
    return deliveryFailures.get();
  }

  public void handle(HttpExchange exchange) throws IOException {
    JsonNode request;
    try {
      request = Json.parse(new String(Exchanges.body(exchange), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      error(exchange, "ValidationException", "the body is not JSON");
      return;
    }
    String operation = exchange.getRequestHeaders().getFirst("X-Amz-Target");
    if (!"AWSEvents.PutEvents".equals(operation)) {
      error(exchange, "UnknownOperationException", operation + " is not served here");
      return;
    }
    if (clock.instant().isBefore(outageUntil)) {
      synchronized (this) {
        outageCalls++;
      }
      error(exchange, 500, "InternalException", "An internal error occurred");
      return;
    }
    if (throttledCallsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      error(exchange, "ThrottlingException", "Rate exceeded");
      return;
    }
    ObjectNode response = Json.object();
    ArrayNode results = response.putArray("Entries");
    int failed = 0;
    List<ObjectNode> taken = new ArrayList<>();
    synchronized (this) {
      List<JsonNode> entries = new ArrayList<>();
      request.path("Entries").forEach(entries::add);
      calls.add(entries);
      for (JsonNode entry : entries) {
        if (refuse.test(entry) && refusalsLeft.getAndDecrement() > 0) {
          failed++;
          results
              .addObject()
              .put("ErrorCode", "ThrottlingException")
              .put("ErrorMessage", "Rate exceeded");
          continue;
        }
        String id = String.format("00000000-0000-4000-8000-%012d", ids.incrementAndGet());
        ObjectNode event = routed(id, entry);
        this.taken.add(entry);
        events.add(event);
        taken.add(event);
        results.addObject().put("EventId", id);
      }
    }
    response.put("FailedEntryCount", failed);
    taken.forEach(this::deliver);
    Exchanges.send(
        exchange,
        200,
        "application/x-amz-json-1.1",
        Json.write(response).getBytes(StandardCharsets.UTF_8));
  }

  /** The event as EventBridge routes it to a rule's target. */
  private ObjectNode routed(String id, JsonNode entry) {
    ObjectNode event =
        Json.object()
            .put("version", "0")
            .put("id", id)
            .put("detail-type", entry.path("DetailType").asText())
            .put("source", entry.path("Source").asText())
            .put("account", "000000000000")
            .put("time", time(entry).toString())
            .put("region", "us-east-1");
    event.putArray("resources");
    JsonNode detail;
    try {
      detail = Json.parse(entry.path("Detail").asText());
    } catch (RuntimeException e) {
      detail = Json.object();
    }
    event.set("detail", detail);
    return event;
  }

  /** Entry's Time (epoch seconds on the wire), or now. */
  private Instant time(JsonNode entry) {
    JsonNode time = entry.get("Time");
    return time != null && time.isNumber()
        ? Instant.ofEpochMilli((long) (time.asDouble() * 1000))
        : clock.instant();
  }

  private void deliver(ObjectNode event) {
    if (console != null) {
      console.printf(
          "[events] %s %s%n", event.path("detail-type").asText(), Json.write(event.get("detail")));
    }
    if (target == null) {
      return;
    }
    String body = Json.write(event);
    delivery.execute(
        () -> {
          for (int attempt = 1; attempt <= 3; attempt++) {
            try {
              HttpResponse<Void> response =
                  http.send(
                      HttpRequest.newBuilder(target)
                          .timeout(Duration.ofSeconds(5))
                          .header("content-type", "application/json")
                          .POST(HttpRequest.BodyPublishers.ofString(body))
                          .build(),
                      HttpResponse.BodyHandlers.discarding());
              if (response.statusCode() < 300) {
                return;
              }
            } catch (IOException e) {
              // tried again below
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
          }
          deliveryFailures.incrementAndGet();
          if (console != null) {
            console.printf("[events] could not deliver %s to %s%n", event.path("id"), target);
          }
        });
  }

  /** Waits until every event taken so far was delivered (or given up on). */
  public void awaitDeliveries() {
    if (delivery == null) {
      return;
    }
    try {
      delivery.submit(() -> {}).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("deliveries did not finish", e);
    }
  }

  /** PutEvents calls answered 500 by an outage. */
  public synchronized int outageCalls() {
    return outageCalls;
  }

  private static void error(HttpExchange exchange, String type, String message) throws IOException {
    error(exchange, 400, type, message);
  }

  private static void error(HttpExchange exchange, int status, String type, String message)
      throws IOException {
    Exchanges.send(
        exchange,
        status,
        "application/x-amz-json-1.1",
        Json.write(Json.object().put("__type", type).put("message", message))
            .getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    if (delivery != null) {
      delivery.shutdownNow();
    }
  }
}
