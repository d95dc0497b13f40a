package checkout.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.HashMap;
import java.util.Map;

/** API Gateway HTTP API (payload 2.0) events, as the functions receive them. */
public final class ApiEvents {
  private ApiEvents() {}

  public static APIGatewayV2HTTPEvent post(String path, String body, Map<String, String> headers) {
    Map<String, String> lowerCased = new HashMap<>();
    lowerCased.put("content-type", "application/json");
    headers.forEach((k, v) -> lowerCased.put(k.toLowerCase(), v));
    return APIGatewayV2HTTPEvent.builder()
        .withVersion("2.0")
        .withRouteKey("POST " + path)
        .withRawPath(path)
        .withHeaders(lowerCased)
        .withBody(body)
        .withIsBase64Encoded(false)
        .withRequestContext(context("POST", path))
        .build();
  }

  public static APIGatewayV2HTTPEvent get(String routeKey, String path, Map<String, String> pathParameters) {
    return APIGatewayV2HTTPEvent.builder()
        .withVersion("2.0")
        .withRouteKey("GET " + routeKey)
        .withRawPath(path)
        .withHeaders(Map.of("accept", "application/json"))
        .withPathParameters(pathParameters)
        .withIsBase64Encoded(false)
        .withRequestContext(context("GET", path))
        .build();
  }

  private static APIGatewayV2HTTPEvent.RequestContext context(String method, String path) {
    return APIGatewayV2HTTPEvent.RequestContext.builder()
        .withRequestId("test-request")
        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
            .withMethod(method).withPath(path).withProtocol("HTTP/1.1").withSourceIp("127.0.0.1").build())
        .build();
  }
}
