package checkout.deployment.local;

import checkout.json.Json;
import checkout.local.LocalStack;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** What a storefront, a person on the hosted page and an operator do to a running local stack. */
final class StackClient {
  private final LocalStack stack;
  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  StackClient(LocalStack stack) {
    this.stack = stack;
  }

  /** A storefront's order from the example store's catalog: one café de grano, 15 000 CLP. */
  static String order(String orderId) {
    return """
        {"line_items": [{"price": "price_grano_1kg", "quantity": 1}], "success_url": "http://localhost:3000/success.html",
         "cancel_url": "http://localhost:3000/cancel.html", "metadata": {"order_id": "%s"}}"""
        .formatted(orderId);
  }

  HttpResponse<String> post(URI url, String contentType, String body) {
    return send(
        HttpRequest.newBuilder(url)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  HttpResponse<String> get(URI url) {
    return send(HttpRequest.newBuilder(url).GET().build());
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** POST /checkout-sessions → the session the API answered (expects 201). */
  JsonNode create(String orderId) {
    HttpResponse<String> response =
        post(stack.apiUrl().resolve("/checkout-sessions"), "application/json", order(orderId));
    if (response.statusCode() != 201) {
      throw new AssertionError("create answered " + response.statusCode() + ": " + response.body());
    }
    return Json.parse(response.body());
  }

  /** A person's choice on the hosted page: the page's 303 (or its refusal). */
  HttpResponse<String> choose(JsonNode session, String outcome) {
    return post(
        URI.create(session.path("redirect_url").asText()),
        "application/x-www-form-urlencoded",
        "outcome=" + outcome);
  }

  /** The same choice, with its webhooks lost on the way (a missed webhook, on demand). */
  HttpResponse<String> chooseLosingWebhooks(JsonNode session, String outcome) {
    return post(
        URI.create(session.path("redirect_url").asText()),
        "application/x-www-form-urlencoded",
        "outcome=" + outcome + "&webhooks=lose");
  }

  /**
   * GET /checkout-sessions/{id}, after every webhook the simulator has sent so far was answered.
   */
  JsonNode settled(String id) throws InterruptedException {
    if (!stack.simulator().webhooks().awaitIdle(Duration.ofSeconds(20))) {
      throw new AssertionError("webhooks still in flight after 20 s");
    }
    return Json.parse(get(stack.apiUrl().resolve("/checkout-sessions/" + id)).body());
  }

  HttpResponse<String> invoke(String function, String event) {
    return post(
        stack.lambdaUrl().resolve("/2015-03-31/functions/" + function + "/invocations"),
        "application/json",
        event);
  }
}
