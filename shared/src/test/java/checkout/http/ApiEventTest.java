package checkout.http;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiEventTest {
  @Test
  void aRequestLooksLikeWhatApiGatewaySends() {
    var request =
        ApiEvent.request("GET", "/checkout-sessions/cs_x").pathParameter("id", "cs_x").event();

    assertThat(request.getRouteKey()).isEqualTo("GET /checkout-sessions/cs_x");
    assertThat(request.getPathParameters()).containsEntry("id", "cs_x");
    assertThat(request.getIsBase64Encoded()).isFalse();
  }

  @Test
  void theEventAndItsJsonSayTheSame() {
    ApiEvent event =
        ApiEvent.request("POST", "/checkout-sessions")
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", "k-1")
            .body("{\"a\": 1}");

    var pojo = event.event();
    var json = event.json();

    assertThat(pojo.getHeaders())
        .containsEntry("idempotency-key", "k-1")
        .containsEntry("content-type", "application/json");
    assertThat(json.at("/headers/idempotency-key").asText()).isEqualTo("k-1");
    assertThat(json.get("routeKey").asText())
        .isEqualTo(pojo.getRouteKey())
        .isEqualTo("POST /checkout-sessions");
    assertThat(json.get("body").asText()).isEqualTo(pojo.getBody());
    assertThat(json.at("/requestContext/http/method").asText())
        .isEqualTo(pojo.getRequestContext().getHttp().getMethod());
    assertThat(Json.write(json)).contains("\"isBase64Encoded\":false");
  }

  @Test
  void aBodyThatIsNotTextIsBase64EncodedAsApiGatewayDoes() {
    var event =
        ApiEvent.request("POST", "/webhooks/fintoc")
            .body("é".getBytes(StandardCharsets.UTF_8), false)
            .event();

    assertThat(event.getIsBase64Encoded()).isTrue();
    assertThat(HttpRequests.rawBody(event)).isEqualTo("é".getBytes(StandardCharsets.UTF_8));
    assertThat(ApiEvent.get("/prices", "/prices", Map.of()).getHeaders())
        .containsEntry("accept", "application/json");
  }
}
