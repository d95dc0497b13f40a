package checkout.local.merchant;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.json.Json;
import checkout.local.http.Exchanges;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The example backend's Refund button and what it shows of refund events. */
class ExampleMerchantTest {
  record Call(String method, String path, String key, JsonNode body) {}

  final List<Call> calls = new CopyOnWriteArrayList<>();

  /** The checkout API, as far as the refund route goes: records each call, answers a refund. */
  final HttpServer api =
      Exchanges.serve(
          0,
          "api",
          exchange -> {
            calls.add(
                new Call(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                    Json.parse(new String(Exchanges.body(exchange)))));
            Exchanges.json(
                exchange,
                202,
                "{\"id\":\"rf_1\",\"session_id\":\"cs_test_1\",\"status\":\"pending\",\"amount\":5000}");
          });

  final ExampleMerchant merchant =
      new ExampleMerchant(URI.create("http://127.0.0.1:" + api.getAddress().getPort()));
  final HttpServer backend = Exchanges.serve(0, "merchant", merchant::handle);
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    backend.stop(0);
    api.stop(0);
  }

  HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + backend.getAddress().getPort() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void eachClickOfRefundAsksTheApiUnderItsOwnIdempotencyKeyAndShowsTheRoutesAnswer()
      throws Exception {
    HttpResponse<String> first =
        post("/merchant/refunds", "{\"session_id\":\"cs_test_1\",\"amount\":5000}");
    post("/merchant/refunds", "{\"session_id\":\"cs_test_1\",\"amount\":5000}");

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(Json.parse(first.body()).path("id").asText()).isEqualTo("rf_1");
    assertThat(calls).hasSize(2);
    Call call = calls.get(0);
    assertThat(call.method() + " " + call.path())
        .isEqualTo("POST /checkout-sessions/cs_test_1/refunds");
    assertThat(call.body().path("amount").asLong()).isEqualTo(5000);
    assertThat(call.body().path("reason").asText()).isNotBlank();
    assertThat(call.key()).isNotBlank().isNotEqualTo(calls.get(1).key());
  }

  @Test
  void anAmountThatIsNotANumberIsLeftToTheRouteToRefuse() throws Exception {
    post("/merchant/refunds", "{\"session_id\":\"cs_test_1\",\"amount\":\"lots\"}");

    assertThat(calls)
        .singleElement()
        .satisfies(c -> assertThat(c.body().path("amount").asText()).isEqualTo("lots"));
  }

  @Test
  void aSessionIdThatIsNotOneIsRefusedWithoutCallingTheApi() throws Exception {
    HttpResponse<String> answer =
        post("/merchant/refunds", "{\"session_id\":\"../prices\",\"amount\":5000}");

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(calls).isEmpty();
  }

  @Test
  void refundEventsAreListedOnceWithWhatWentBackAndWhyOneFailed() throws Exception {
    String succeeded =
        """
        {"detail-type":"refund.succeeded","detail":{"id":"rf_1:succeeded","refund_id":"rf_1",
         "session_id":"cs_test_1","order_reference":"order-1","amount":5000,"currency":"CLP",
         "payment_amount":15000,"refunded_total":5000,"refunded":"partial","failure_code":null}}
        """;
    String failed =
        """
        {"detail-type":"refund.failed","detail":{"id":"rf_2:failed","refund_id":"rf_2",
         "session_id":"cs_test_1","order_reference":"order-1","amount":10000,"currency":"CLP",
         "payment_amount":15000,"refunded_total":5000,"refunded":"partial",
         "failure_code":"insufficient_funds"}}
        """;
    post(ExampleMerchant.EVENTS_PATH, succeeded);
    post(ExampleMerchant.EVENTS_PATH, succeeded);
    post(ExampleMerchant.EVENTS_PATH, failed);

    JsonNode seen = merchant.seenSoFar();
    assertThat(seen.path("duplicates").asInt()).isEqualTo(1);
    JsonNode first = seen.path("events").get(0);
    assertThat(first.path("type").asText()).isEqualTo("refund.succeeded");
    assertThat(first.path("order_id").asText()).isEqualTo("order-1");
    assertThat(first.path("refund_id").asText()).isEqualTo("rf_1");
    assertThat(first.path("refunded_total").asLong()).isEqualTo(5000);
    assertThat(first.path("payment_amount").asLong()).isEqualTo(15000);
    assertThat(first.path("refunded").asText()).isEqualTo("partial");
    assertThat(first.path("failure_code").isNull()).isTrue();
    assertThat(seen.path("events").get(1).path("failure_code").asText())
        .isEqualTo("insufficient_funds");
  }
}
