package checkout.prices;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Config;
import checkout.http.ApiEvent;
import checkout.json.Json;
import checkout.testing.FaultInjector;
import checkout.testing.TestCatalog;
import checkout.testing.TestStack;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /prices: what a static store shows, exactly what CreateSession will charge. */
class ListPricesTest {
  static final TestStack stack = new TestStack();
  Config config;

  @BeforeEach
  void freshTable() {
    config = stack.config("prices", Map.of());
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  APIGatewayV2HTTPResponse list(ListPricesHandler handler) {
    return handler.handleRequest(ApiEvent.get("/prices", "/prices", Map.of()), null);
  }

  @Test
  void theActivePricesAreListedInCatalogOrderAsFintocsPriceData() {
    TestCatalog.load(stack, config);

    APIGatewayV2HTTPResponse response =
        list(new ListPricesHandler(TestStack.platform(config).build()));

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(Json.parse(response.getBody()))
        .isEqualTo(
            Json.parse(
                """
        {"prices": [
          {"id": "price_grano_1kg", "currency": "CLP", "unit_amount": 15000, "product_data": {"name": "Café de grano 1 kg"}},
          {"id": "price_taza", "currency": "CLP", "unit_amount": 8500,
           "product_data": {"name": "Taza de cerámica", "image_url": "https://shop.example.com/taza.png"}},
          {"id": "price_te_mx", "currency": "MXN", "unit_amount": 12525, "product_data": {"name": "Té verde"}}]}"""));
  }

  @Test
  void browsersAndCdnsMayKeepTheListForAMinute() {
    APIGatewayV2HTTPResponse response =
        list(new ListPricesHandler(TestStack.platform(config).build()));

    assertThat(response.getHeaders())
        .containsEntry("cache-control", "public, max-age=60")
        .containsEntry("content-type", "application/json; charset=utf-8");
  }

  @Test
  void anEmptyCatalogIsAnEmptyList() {
    assertThat(
            Json.parse(list(new ListPricesHandler(TestStack.platform(config).build())).getBody()))
        .isEqualTo(Json.parse("{\"prices\": []}"));
  }

  @Test
  void aThrottledReadIsA503ThatIsNotCached() {
    FaultInjector faults = new FaultInjector();
    faults.failNext(1, request -> true);

    APIGatewayV2HTTPResponse response =
        list(
            new ListPricesHandler(
                TestStack.platform(config).dynamo(stack.dynamo.client(faults)).build()));

    assertThat(response.getStatusCode()).isEqualTo(503);
    assertThat(Json.parse(response.getBody()).at("/error/code").asText())
        .isEqualTo("storage_unavailable");
    assertThat(response.getHeaders()).containsEntry("cache-control", "no-store");
  }
}
