package checkout.testing;

import checkout.json.Json;
import checkout.secrets.SampleKeys;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the signed samples in events/ with the public sample keys ({@link SampleKeys}, the values
 * env.json holds): the webhook deliveries and the signed order. A check keyed with a sample key
 * does not look at the time, so the committed files work as they are, whenever they are invoked;
 * run this only when a sample's content changes ({@code --at <unix seconds>} to choose the time).
 */
public final class SignSampleEvents {
  public static final String SESSION_ID = "cs_test_000001";
  public static final String PAYMENT_ID = "pi_test_000001";
  public static final String SIGNED_ORDER_SAMPLE = "create-session-signed-order.json";

  /** How long the sample's order token is valid: the template's OrderTokenMaxLifetimeSeconds. */
  public static final Duration ORDER_TOKEN_LIFETIME = Duration.ofHours(1);

  public static void main(String[] args) throws IOException {
    long at =
        args.length == 2 && args[0].equals("--at")
            ? Long.parseLong(args[1])
            : Instant.now().getEpochSecond();
    Path root = ProjectFiles.root();
    for (Map.Entry<String, String> sample : samples().entrySet()) {
      write(root, sample.getKey(), render(sample.getValue(), SampleKeys.WEBHOOK_SECRET, at), at);
    }
    write(root, SIGNED_ORDER_SAMPLE, renderSignedOrder(SampleKeys.ORDER_SIGNING_SECRET, at), at);
  }

  private static void write(Path root, String name, String content, long at) throws IOException {
    Path file = root.resolve("events").resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    System.out.println("signed " + root.relativize(file) + " at t=" + at);
  }

  /** File name → the event body Fintoc would send. */
  public static Map<String, String> samples() {
    Map<String, String> samples = new LinkedHashMap<>();
    samples.put(
        "webhook-checkout-session-finished.json",
        FintocEvents.sessionFinished("evt_sample_finished", SESSION_ID, PAYMENT_ID, "succeeded"));
    samples.put(
        "webhook-payment-intent-succeeded.json",
        FintocEvents.paymentIntent("evt_sample_succeeded", "succeeded", PAYMENT_ID));
    // About a session the create sample never makes: answered "foreign", nothing stored
    // (docs/security.md, "Foreign sessions").
    samples.put(
        "webhook-checkout-session-expired.json",
        FintocEvents.sessionExpired("evt_sample_expired", "cs_test_000002"));
    return samples;
  }

  /** The API Gateway event for a signed delivery of {@code body}, as the file is written. */
  public static String render(String body, String secret, long at) throws IOException {
    ObjectNode signed =
        new ObjectMapper()
            .valueToTree(FintocEvents.delivery(body, secret, Instant.ofEpochSecond(at)));
    return apiEvent(
        "POST /webhooks/fintoc",
        "sample-webhook",
        (ObjectNode) signed.get("headers"),
        "Fintoc",
        body);
  }

  /**
   * What a merchant's backend signs for the sample: an MXN order of two teas, with the customer's
   * email, valid from {@code at} for {@link #ORDER_TOKEN_LIFETIME}.
   */
  public static ObjectNode signedOrderClaims(long at) {
    ObjectNode claims =
        OrderTokens.order(
                "order-2001", 25050, "MXN", Instant.ofEpochSecond(at).plus(ORDER_TOKEN_LIFETIME))
            .put("iat", at);
    claims.set("line_items", Json.array().add(OrderTokens.line(2, "MXN", 12525, "Té verde")));
    claims.set("customer_data", Json.object().put("email", "ana@example.com"));
    return claims;
  }

  /** When a signed-order sample (the event's JSON) was signed: its token's {@code iat}. */
  public static long orderSignedAt(String event) {
    String token = Json.parse(Json.parse(event).get("body").asText()).get("order_token").asText();
    return Json.parse(
            new String(
                Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8))
        .get("iat")
        .asLong();
  }

  /**
   * The storefront's POST /checkout-sessions carrying that signed order, as the file is written.
   */
  public static String renderSignedOrder(String secret, long at) throws IOException {
    ObjectNode body =
        Json.object()
            .put("order_token", OrderTokens.sign(signedOrderClaims(at), secret))
            .put("success_url", "http://localhost:3000/success.html")
            .put("cancel_url", "http://localhost:3000/cancel.html");
    ObjectNode headers =
        Json.object()
            .put("content-type", "application/json")
            .put("origin", "http://localhost:3000");
    return apiEvent(
        "POST /checkout-sessions", "sample-signed-order", headers, "Mozilla/5.0", Json.write(body));
  }

  private static String apiEvent(
      String routeKey, String requestId, ObjectNode headers, String userAgent, String body)
      throws IOException {
    String method = routeKey.substring(0, routeKey.indexOf(' '));
    String path = routeKey.substring(routeKey.indexOf(' ') + 1);
    headers.put("user-agent", userAgent);
    ObjectNode event = Json.object();
    event
        .put("version", "2.0")
        .put("routeKey", routeKey)
        .put("rawPath", path)
        .put("rawQueryString", "");
    event.set("headers", headers);
    ObjectNode http =
        Json.object()
            .put("method", method)
            .put("path", path)
            .put("protocol", "HTTP/1.1")
            .put("sourceIp", "127.0.0.1")
            .put("userAgent", userAgent);
    ObjectNode context =
        Json.object()
            .put("accountId", "123456789012")
            .put("apiId", "local")
            .put("requestId", requestId)
            .put("routeKey", routeKey)
            .put("stage", "$default");
    context.set("http", http);
    event.set("requestContext", context);
    event.put("body", body);
    event.put("isBase64Encoded", false);
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(event)
        + "\n";
  }
}
