package checkout.local.sqs;

import checkout.json.Json;
import checkout.local.http.Exchanges;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * An SQS queue's {@code SendMessage} on loopback, in its wire format (JSON 1.0, {@code
 * AmazonSQS.SendMessage}), so the publisher's SDK client runs as in AWS — including the client's
 * check of the body's MD5 in the answer. The local stack's order-events dead-letter queue: it holds
 * what the publisher sends there and what the stream mapping discards (Lambda's on-failure
 * records), in order. A refused call ({@link #refuseCalls}) answers as SQS does when it is
 * unavailable.
 */
public final class LocalQueue {
  private final String url;
  private final PrintStream console;
  private final List<JsonNode> messages = new ArrayList<>();
  private int refusalsLeft;

  /**
   * @param url the queue's URL, as the functions' environment names it
   * @param console where each message is printed, or null for nowhere
   */
  public LocalQueue(String url, PrintStream console) {
    this.url = url;
    this.console = console;
  }

  public String url() {
    return url;
  }

  /** The messages, parsed as JSON (a body that is not JSON is kept as a string). */
  public synchronized List<JsonNode> messages() {
    return List.copyOf(messages);
  }

  /** The next {@code times} calls answer 503 {@code ServiceUnavailable}. */
  public synchronized void refuseCalls(int times) {
    refusalsLeft = times;
  }

  /** A message put by the local stack itself (the stream mapping's on-failure record). */
  public void add(JsonNode message) {
    synchronized (this) {
      messages.add(message);
    }
    if (console != null) {
      console.printf("[dead-letter] %s%n", Json.write(message));
    }
  }

  public void handle(HttpExchange exchange) throws IOException {
    String operation = exchange.getRequestHeaders().getFirst("X-Amz-Target");
    JsonNode request;
    try {
      request = Json.parse(new String(Exchanges.body(exchange), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      error(exchange, 400, "InvalidParameterValue", "the body is not JSON");
      return;
    }
    if (!"AmazonSQS.SendMessage".equals(operation)) {
      error(exchange, 400, "UnsupportedOperation", operation + " is not served here");
      return;
    }
    if (!url.equals(request.path("QueueUrl").asText())) {
      error(exchange, 400, "QueueDoesNotExist", "The specified queue does not exist.");
      return;
    }
    String body = request.path("MessageBody").asText(null);
    if (body == null || body.isEmpty()) {
      error(exchange, 400, "MissingParameter", "MessageBody is required");
      return;
    }
    int id;
    synchronized (this) {
      if (refusalsLeft > 0) {
        refusalsLeft--;
        error(exchange, 503, "ServiceUnavailable", "Service is unavailable");
        return;
      }
      JsonNode message;
      try {
        message = Json.parse(body);
      } catch (RuntimeException e) {
        message = Json.object().put("body", body);
      }
      messages.add(message);
      id = messages.size();
    }
    if (console != null) {
      console.printf("[dead-letter] %s%n", body);
    }
    ObjectNode response =
        Json.object()
            .put("MessageId", String.format("00000000-0000-4000-8000-%012d", id))
            .put("MD5OfMessageBody", md5(body));
    Exchanges.send(
        exchange,
        200,
        "application/x-amz-json-1.0",
        Json.write(response).getBytes(StandardCharsets.UTF_8));
  }

  static String md5(String body) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has MD5", e);
    }
  }

  private static void error(HttpExchange exchange, int status, String type, String message)
      throws IOException {
    Exchanges.send(
        exchange,
        status,
        "application/x-amz-json-1.0",
        Json.write(Json.object().put("__type", type).put("message", message))
            .getBytes(StandardCharsets.UTF_8));
  }
}
