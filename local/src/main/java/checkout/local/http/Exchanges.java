package checkout.local.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The local stack's servers: the JDK's HTTP server (nothing to load), one thread per request. */
public final class Exchanges {
  private Exchanges() {}

  /** A server on loopback; port 0 picks a free one. Handler failures answer 500 and are printed. */
  public static HttpServer serve(int port, String name, HttpHandler handler) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
      ExecutorService threads =
          Executors.newCachedThreadPool(
              r -> {
                Thread thread = new Thread(r, name);
                thread.setDaemon(true);
                return thread;
              });
      server.setExecutor(threads);
      server.createContext(
          "/",
          exchange -> {
            try (exchange) {
              handler.handle(exchange);
            } catch (Exception | Error e) {
              System.err.printf(
                  "[%s] %s %s failed: %s%n",
                  name, exchange.getRequestMethod(), exchange.getRequestURI(), e);
              e.printStackTrace();
              try {
                send(
                    exchange,
                    500,
                    "application/json",
                    "{\"message\":\"Internal Server Error\"}".getBytes(StandardCharsets.UTF_8));
              } catch (IOException | RuntimeException alreadyAnswered) {
                // headers were sent already; the client sees a cut response
              }
            }
          });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(
          name + " could not listen on port " + port + ": " + e.getMessage(), e);
    }
  }

  public static byte[] body(HttpExchange exchange) throws IOException {
    return exchange.getRequestBody().readAllBytes();
  }

  public static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    if (contentType != null) {
      exchange.getResponseHeaders().set("Content-Type", contentType);
    }
    boolean empty =
        body.length == 0
            || status == 204
            || status == 304
            || "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, empty ? -1 : body.length);
    if (!empty) {
      exchange.getResponseBody().write(body);
    }
  }

  public static void json(HttpExchange exchange, int status, String json) throws IOException {
    send(exchange, status, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  public static void redirect(HttpExchange exchange, String location) throws IOException {
    exchange.getResponseHeaders().set("Location", location);
    send(exchange, 303, null, new byte[0]);
  }

  /**
   * {@code a=1&b=two} (a query string or a form body) → decoded name → value; a repeated name's
   * values are joined with commas, as API Gateway's payload 2.0 joins them.
   */
  public static Map<String, String> form(String encoded) {
    Map<String, String> values = new LinkedHashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return values;
    }
    for (String pair : encoded.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      values.merge(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8),
          (first, next) -> first + "," + next);
    }
    return values;
  }
}
