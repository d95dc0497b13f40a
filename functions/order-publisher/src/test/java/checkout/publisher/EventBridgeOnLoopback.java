package checkout.publisher;

import checkout.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * EventBridge's PutEvents on loopback, in its wire format (JSON 1.1, {@code AWSEvents.PutEvents}),
 * so the SDK client runs as in AWS. It keeps every entry it took, and refuses the entries a test
 * says to, as EventBridge does: per entry, with an error code, the rest of the call taken.
 */
final class EventBridgeOnLoopback implements AutoCloseable {
  private final HttpServer server;

  /** Every PutEvents call's entries, as sent. */
  final List<List<JsonNode>> calls = new ArrayList<>();

  /** Every entry taken. */
  final List<JsonNode> taken = new ArrayList<>();

  private volatile Predicate<JsonNode> refuse = entry -> false;
  private final AtomicInteger refusalsLeft = new AtomicInteger();
  private final AtomicInteger ids = new AtomicInteger();

  EventBridgeOnLoopback() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          JsonNode request =
              Json.parse(
                  new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          List<JsonNode> entries = new ArrayList<>();
          request.path("Entries").forEach(entries::add);
          ObjectNode response = Json.object();
          ArrayNode results = response.putArray("Entries");
          int failed = 0;
          synchronized (this) {
            calls.add(entries);
            for (JsonNode entry : entries) {
              if (refuse.test(entry) && refusalsLeft.getAndDecrement() > 0) {
                failed++;
                results
                    .addObject()
                    .put("ErrorCode", "ThrottlingException")
                    .put("ErrorMessage", "Rate exceeded");
              } else {
                taken.add(entry);
                results.addObject().put("EventId", "evb-" + ids.incrementAndGet());
              }
            }
          }
          response.put("FailedEntryCount", failed);
          byte[] body = Json.write(response).getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The next {@code times} entries that match are refused (throttled). */
  void refuse(Predicate<JsonNode> which, int times) {
    refuse = which;
    refusalsLeft.set(times);
  }

  /** The detail of each entry taken, parsed. */
  synchronized List<JsonNode> details() {
    return taken.stream().map(e -> Json.parse(e.path("Detail").asText())).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
