package checkout.testing;

import checkout.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the signed sample webhook events in events/ — signed now (or at {@code --at <unix
 * seconds>}) with env.json's FINTOC_WEBHOOK_SECRET — so {@code sam local invoke
 * WebhookHandlerFunction -e events/webhook-….json} passes verification. Signatures are only
 * valid for 5 minutes either way: re-sign right before invoking.
 */
public final class SignSampleEvents {
  public static final String SESSION_ID = "cs_test_000001";
  public static final String PAYMENT_ID = "pi_test_000001";

  public static void main(String[] args) throws IOException {
    long at = args.length == 2 && args[0].equals("--at") ? Long.parseLong(args[1]) : Instant.now().getEpochSecond();
    Path root = ProjectFiles.root();
    String secret = webhookSecret(root);
    for (Map.Entry<String, String> sample : samples().entrySet()) {
      Path file = root.resolve("events").resolve(sample.getKey());
      Files.writeString(file, render(sample.getValue(), secret, at), StandardCharsets.UTF_8);
      System.out.println("signed " + root.relativize(file) + " at t=" + at);
    }
  }

  /** File name → the event body Fintoc would send. */
  public static Map<String, String> samples() {
    Map<String, String> samples = new LinkedHashMap<>();
    samples.put("webhook-checkout-session-finished.json",
        FintocEvents.sessionFinished("evt_sample_finished", SESSION_ID, PAYMENT_ID, "succeeded"));
    samples.put("webhook-payment-intent-succeeded.json",
        FintocEvents.paymentIntent("evt_sample_succeeded", "succeeded", PAYMENT_ID));
    samples.put("webhook-checkout-session-expired.json",
        FintocEvents.sessionExpired("evt_sample_expired", "cs_test_000002"));
    return samples;
  }

  public static String webhookSecret(Path root) throws IOException {
    JsonNode env = Json.parse(Files.readString(root.resolve("env.json")));
    String secret = Json.text(env.path("WebhookHandlerFunction"), "FINTOC_WEBHOOK_SECRET");
    return secret != null ? secret : Json.text(env.path("Parameters"), "FINTOC_WEBHOOK_SECRET");
  }

  /** The API Gateway event for a signed delivery of {@code body}, as the file is written. */
  public static String render(String body, String secret, long at) throws IOException {
    ObjectNode event = new ObjectMapper().valueToTree(FintocEvents.delivery(body, secret, Instant.ofEpochSecond(at)));
    ObjectNode clean = Json.object();
    clean.put("version", "2.0").put("routeKey", "POST /webhooks/fintoc").put("rawPath", "/webhooks/fintoc")
        .put("rawQueryString", "");
    clean.set("headers", event.get("headers"));
    ObjectNode http = Json.object().put("method", "POST").put("path", "/webhooks/fintoc")
        .put("protocol", "HTTP/1.1").put("sourceIp", "127.0.0.1").put("userAgent", "Fintoc");
    ObjectNode context = Json.object().put("accountId", "123456789012").put("apiId", "local")
        .put("requestId", "sample-webhook").put("routeKey", "POST /webhooks/fintoc").put("stage", "$default");
    context.set("http", http);
    clean.set("requestContext", context);
    clean.put("body", body);
    clean.put("isBase64Encoded", false);
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(clean) + "\n";
  }
}
