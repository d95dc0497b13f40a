package checkout.local.merchant;

import checkout.json.Json;
import checkout.local.http.Exchanges;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The example store's backend, as far as order events and refunds go: what a fulfilment worker does
 * with the events, and what a back office does to give money back.
 *
 * <ul>
 *   <li>{@code POST /merchant/events}: each event as an API destination POSTs it. It fulfils an
 *       order on its {@code paid} event, and dedupes on the event's {@code detail.id} — so a
 *       redelivery is counted, never fulfilled twice. {@code GET /merchant/events} is what it has
 *       seen (JSON), and {@code GET /merchant/} a page that shows it.
 *   <li>{@code POST /merchant/refunds} {@code {"session_id", "amount"}}: the page's Refund button.
 *       The backend, not the browser, calls the API's {@code POST /checkout-sessions/{id}/refunds}
 *       with a new {@code Idempotency-Key}, and answers what the route answered. The refund's
 *       outcome arrives later as a {@code refund.succeeded} or {@code refund.failed} event.
 * </ul>
 */
public final class ExampleMerchant {
  public static final String EVENTS_PATH = "/merchant/events";
  public static final String REFUNDS_PATH = "/merchant/refunds";

  /** A session id as the API hands them out: it goes into the route's path, so nothing else. */
  private static final Pattern SESSION_ID = Pattern.compile("cs_[A-Za-z0-9_]{1,100}");

  private final URI api;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Set<String> seen = new LinkedHashSet<>();
  private final List<JsonNode> accepted = new ArrayList<>();
  private int duplicates;

  /**
   * @param api the checkout API's base URL, which the Refund button's requests go to; null: a
   *     backend that only takes events (its refunds answer 503)
   */
  public ExampleMerchant(URI api) {
    this.api = api;
  }

  public ExampleMerchant() {
    this(null);
  }

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
    } else if (path.equals(REFUNDS_PATH) && method.equals("POST")) {
      refund(exchange);
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

  /**
   * The Refund button: asks the API for a refund of {@code amount} of the session's payment, with
   * an Idempotency-Key made for this click (a retry of the same click would reuse it; a new click
   * is a new refund). The route's status and body go back to the page as they came.
   */
  private void refund(HttpExchange exchange) throws IOException {
    if (api == null) {
      Exchanges.json(exchange, 503, "{\"message\":\"this backend has no API to call\"}");
      return;
    }
    JsonNode asked;
    try {
      asked = Json.parse(new String(Exchanges.body(exchange), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      Exchanges.json(exchange, 400, "{\"message\":\"not JSON\"}");
      return;
    }
    String sessionId = asked.path("session_id").asText("");
    if (!SESSION_ID.matcher(sessionId).matches()) {
      Exchanges.json(exchange, 400, "{\"message\":\"session_id must be a cs_… id\"}");
      return;
    }
    ObjectNode body = Json.object();
    // The amount as typed, whatever it is: the route is what decides which amounts it refuses.
    if (asked.has("amount")) {
      body.set("amount", asked.get("amount"));
    }
    body.put("reason", "requested from the example merchant page");
    // Deployed, this route is AWS_IAM-only: a real backend signs the request with SigV4 under a
    // role allowed execute-api:Invoke on it (README, "Refunds"). The local stack serves it without
    // IAM, as sam local start-api does, so this one sends it unsigned.
    HttpRequest request =
        HttpRequest.newBuilder(api.resolve("/checkout-sessions/" + sessionId + "/refunds"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", "merchant-" + UUID.randomUUID())
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
            .build();
    HttpResponse<String> answer;
    try {
      answer = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      Exchanges.json(exchange, 502, "{\"message\":\"the API did not answer\"}");
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Exchanges.json(exchange, 502, "{\"message\":\"interrupted\"}");
      return;
    }
    Exchanges.json(exchange, answer.statusCode(), answer.body());
  }

  /** The events taken once each, in arrival order, and how many redeliveries were dropped. */
  public synchronized ObjectNode seenSoFar() {
    ObjectNode body = Json.object();
    ArrayNode events = body.putArray("events");
    for (JsonNode event : accepted) {
      JsonNode detail = event.path("detail");
      String type = event.path("detail-type").asText();
      ObjectNode seen =
          events
              .addObject()
              .put("id", detail.path("id").asText())
              .put("type", type)
              // Session events name the order order_id; refund events, order_reference.
              .put(
                  "order_id",
                  detail.path("order_id").asText(detail.path("order_reference").asText(null)))
              .put("session_id", detail.path("session_id").asText())
              .put("amount", detail.path("amount").asLong())
              .put("currency", detail.path("currency").asText());
      if (type.startsWith("refund.")) {
        seen.put("refund_id", detail.path("refund_id").asText(null))
            .put("payment_amount", detail.path("payment_amount").asLong())
            .put("refunded_total", detail.path("refunded_total").asLong())
            .put("refunded", detail.path("refunded").asText(null))
            .put("failure_code", detail.path("failure_code").asText(null));
      }
    }
    body.put("duplicates", duplicates);
    return body;
  }

  private static final String PAGE =
      """
      <!doctype html>
      <html lang="en">
      <head><meta charset="utf-8"><title>Merchant backend: order events</title>
      <link rel="icon" href="data:,"><link rel="stylesheet" href="/style.css">
      <style>td { padding: .2rem .5rem; } td:nth-child(-n+4) { white-space: nowrap; }
        td input { width: 6rem; } td button { padding: .3rem .8rem; }
        td output { display: block; font-size: .85rem; color: #555; }</style>
      </head>
      <body>
      <h1>Order events received</h1>
      <p>What the shop's backend heard from EventBridge (deduplicated on <code>detail.id</code>).
         A <code>checkout.session.paid</code> event is where it ships the order. Its Refund button asks
         this backend, which calls the API's <code>POST /checkout-sessions/{id}/refunds</code>; the
         outcome arrives later as a <code>refund.succeeded</code> or <code>refund.failed</code> event.</p>
      <table><thead><tr><th>event</th><th>order</th><th>session</th><th>amount</th><th></th></tr></thead>
      <tbody id="events"></tbody></table>
      <p id="duplicates"></p>
      <script>
      const shown = new Set();

      function cell(row, text) {
        const td = document.createElement('td');
        td.textContent = text;
        row.append(td);
        return td;
      }

      // A paid order's refund: this page asks its backend, never the API (the route is IAM-only).
      function refundControl(e) {
        const td = document.createElement('td');
        const amount = Object.assign(document.createElement('input'),
          { type: 'number', min: 1, max: e.amount, value: Math.max(1, Math.floor(e.amount / 2)) });
        const button = Object.assign(document.createElement('button'), { textContent: 'Refund' });
        const answer = document.createElement('output');
        button.onclick = async () => {
          button.disabled = true;
          const typed = amount.value.trim();
          try {
            const response = await fetch('/merchant/refunds', {
              method: 'POST', headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ session_id: e.session_id, amount: /^\\d+$/.test(typed) ? Number(typed) : typed }),
            });
            const body = await response.json();
            answer.dataset.status = response.ok ? body.status : 'refused';
            answer.textContent = response.ok ? ` ${body.id}: ${body.status}` : ` ${response.status}: ${body.message}`;
          } finally {
            button.disabled = false;
          }
        };
        td.append(amount, ' ', button, answer);
        return td;
      }

      function describe(e) {
        if (e.type === 'refund.succeeded') {
          return `${e.refunded} refund: ${e.refunded_total} of ${e.payment_amount} ${e.currency} returned`;
        }
        return e.type === 'refund.failed' ? `failed: ${e.failure_code}` : '';
      }

      // Rows are only added, never redrawn, so an amount being typed stays as it is.
      async function refresh() {
        const seen = await (await fetch('/merchant/events')).json();
        for (const e of seen.events.filter((e) => !shown.has(e.id))) {
          shown.add(e.id);
          const row = document.createElement('tr');
          row.dataset.type = e.type;
          row.dataset.order = e.order_id || '';
          if (e.refunded) row.dataset.refunded = e.refunded;
          for (const text of [e.type, e.order_id || '', e.session_id, e.amount + ' ' + e.currency]) {
            cell(row, text);
          }
          if (e.type === 'checkout.session.paid') row.append(refundControl(e));
          else cell(row, describe(e));
          document.getElementById('events').append(row);
        }
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
