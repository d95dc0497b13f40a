package checkout.http;

import checkout.json.InvalidJsonException;
import checkout.json.Json;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/** Reading an API Gateway HTTP API (payload 2.0) request: headers and the body's exact bytes. */
public final class HttpRequests {
  private HttpRequests() {}

  /**
   * The body's bytes as the client sent them: API Gateway base64-encodes bodies it does not
   * consider text, and passes others as a string.
   */
  public static byte[] rawBody(APIGatewayV2HTTPEvent event) {
    String body = event.getBody();
    if (body == null) {
      return new byte[0];
    }
    if (event.getIsBase64Encoded()) {
      try {
        return Base64.getDecoder().decode(body);
      } catch (IllegalArgumentException e) {
        throw ApiException.invalid("invalid_body", "The request body is not valid base64.", null);
      }
    }
    return body.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The body as a JSON object, within {@code maxBytes}: 413 {@code body_too_large} past it, 400
   * {@code invalid_json} when it is not JSON or not an object.
   */
  public static JsonNode jsonObject(byte[] body, int maxBytes) {
    if (body.length > maxBytes) {
      throw new ApiException(
          413,
          "body_too_large",
          "The request body is " + body.length + " bytes; the limit is " + maxBytes + ".",
          null);
    }
    JsonNode root;
    try {
      root = Json.parse(new String(body, StandardCharsets.UTF_8));
    } catch (InvalidJsonException e) {
      throw ApiException.invalid(
          "invalid_json", "The request body is not valid JSON: " + e.getMessage(), null);
    }
    if (!root.isObject()) {
      throw ApiException.invalid("invalid_json", "The request body must be a JSON object.", null);
    }
    return root;
  }

  /** A header's value, whatever its case (payload 2.0 lower-cases names, local tools may not). */
  public static String header(APIGatewayV2HTTPEvent event, String name) {
    Map<String, String> headers = event.getHeaders();
    if (headers == null) {
      return null;
    }
    String value = headers.get(name.toLowerCase(Locale.ROOT));
    if (value != null) {
      return value;
    }
    for (Map.Entry<String, String> entry : headers.entrySet()) {
      if (entry.getKey().equalsIgnoreCase(name)) {
        return entry.getValue();
      }
    }
    return null;
  }

  public static String pathParameter(APIGatewayV2HTTPEvent event, String name) {
    Map<String, String> parameters = event.getPathParameters();
    return parameters == null ? null : parameters.get(name);
  }
}
