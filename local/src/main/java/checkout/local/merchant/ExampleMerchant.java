package checkout.local.merchant;

import checkout.json.Json;
import checkout.local.http.Exchanges;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The example store's backend, as far as order events go: what a fulfilment worker does with them.
 * It takes each event as an API destination POSTs it ({@code POST /merchant/events}), fulfils an
 * order on its {@code paid} event, and dedupes on the event's {@code detail.id} — so a redelivery
 * is counted, never fulfilled twice. {@code GET /merchant/events} is what it has seen (JSON), and
 * {@code GET /merchant/} a page that shows it.
 */
public final class ExampleMerchant {
  public static final String EVENTS_PATH = "/merchant/events";

  private final Set<String> seen = new LinkedHashSet<>();
  private final List<JsonNode> accepted = new ArrayList<>();
  private int duplicates;

  public static boolean serves(String path) {
    return path.equals("/merchant") || path.startsWith("/merchant/");
  }

  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    if (path.equals(EVENTS_PATH) && method.equals("POST")) {
      receive(exchange);
    } else if (path.equals(EVENTS_PATH) && method.equals("GET")) {
      Exchanges.json(exchange, 200, Json.write(seenSoFar()));
    } else if ((path.equals("/merchant/") || path.equals("/merchant")) && method.equals("GET")) {
      Exchanges.send(
          exchange, 200, "text/html; charset=utf-8", PAGE.getBytes(StandardCharsets.UTF_8));
    } else {
      Exchanges.json(exchange, 404, "{\"message\":\"not found\"}");
    }
  }

  private void receive(HttpExchange exchange) throws IOException {
    JsonNode event;
    try {
      event = Json.parse(new String(Exchanges.body(exchange), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      Exchanges.json(exchange, 400, "{\"message\":\"not JSON\"}");
      return;
    }
    String id = event.path("detail").path("id").asText("");
    if (id.isEmpty()) {
      Exchanges.json(exchange, 400, "{\"message\":\"no detail.id\"}");
      return;
    }
    synchronized (this) {
      if (seen.add(id)) {
        accepted.add(event);
      } else {
        duplicates++;
      }
    }
    Exchanges.json(exchange, 200, "{\"ok\":true}");
  }

  /** The events taken once each, in arrival order, and how many redeliveries were dropped. */
  public synchronized ObjectNode seenSoFar() {
    ObjectNode body = Json.object();
    ArrayNode events = body.putArray("events");
    for (JsonNode event : accepted) {
      JsonNode detail = event.path("detail");
      events
          .addObject()
          .put("id", detail.path("id").asText())
          .put("type", event.path("detail-type").asText())
          .put("order_id", detail.path("order_id").asText(null))
          .put("session_id", detail.path("session_id").asText())
          .put("amount", detail.path("amount").asLong())
          .put("currency", detail.path("currency").asText());
    }
    body.put("duplicates", duplicates);
    return body;
  }

  private static final String PAGE =
      """
      <!doctype html>
      <html lang="en">
      <head><meta charset="utf-8"><title>Merchant backend: order events</title>
      <link rel="icon" href="data:,"><link rel="stylesheet" href="/style.css"></head>
      <body>
      <h1>Order events received</h1>
      <p>What the shop's backend heard from EventBridge (deduplicated on <code>detail.id</code>).
         A <code>checkout.session.paid</code> event is where it ships the order.</p>
      <table><thead><tr><th>event</th><th>order</th><th>session</th><th>amount</th></tr></thead>
      <tbody id="events"></tbody></table>
      <p id="duplicates"></p>
      <script>
      async function refresh() {
        const seen = await (await fetch('/merchant/events')).json();
        document.getElementById('events').replaceChildren(...seen.events.map(e => {
          const row = document.createElement('tr');
          row.dataset.type = e.type;
          row.dataset.order = e.order_id || '';
          for (const text of [e.type, e.order_id || '', e.session_id, e.amount + ' ' + e.currency]) {
            const cell = document.createElement('td');
            cell.textContent = text;
            row.append(cell);
          }
          return row;
        }));
        document.getElementById('duplicates').textContent =
          seen.duplicates + ' redelivered event(s) ignored';
      }
      refresh();
      setInterval(refresh, 500);
      </script>
      </body>
      </html>
      """;
}
