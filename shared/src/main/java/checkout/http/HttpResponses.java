package checkout.http;

import checkout.fintoc.FintocException;
import checkout.json.Json;
import checkout.log.Log;
import checkout.secrets.SecretUnavailableException;
import checkout.store.StorageUnavailableException;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Building API responses, and the one mapping from a failure to a status and error body. CORS
 * headers are added by the HTTP API's CorsConfiguration (template.yaml), including on error
 * responses, so they are not repeated here.
 */
public final class HttpResponses {
  private static final Map<String, String> JSON_HEADERS =
      Map.of(
          "content-type", "application/json; charset=utf-8",
          "cache-control", "no-store");

  /** Busy or briefly unavailable: the caller may retry after a second. */
  private static final Map<String, String> RETRY_HEADERS = withRetryAfter();

  private static Map<String, String> withRetryAfter() {
    Map<String, String> headers = new HashMap<>(JSON_HEADERS);
    headers.put("retry-after", "1");
    return Map.copyOf(headers);
  }

  /**
   * Fintoc's error codes for a refused request that we know (those of the local stack's Fintoc
   * simulator, and invalid_request when Fintoc gave none). The caller always sees Fintoc's own
   * code; metrics count one we do not know as {@code fintoc_other}, so a code Fintoc adds never
   * becomes a new CloudWatch metric.
   */
  static final Set<String> KNOWN_FINTOC_CODES =
      Set.of(
          "invalid_request",
          "idempotency_key_reused",
          "invalid_amount",
          "invalid_currency",
          "invalid_customer_data",
          "invalid_expires_at",
          "invalid_idempotency_key",
          "invalid_json",
          "invalid_metadata",
          "invalid_status",
          "invalid_url",
          "missing_parameter",
          "resource_missing",
          "unknown_parameter");

  private HttpResponses() {}

  public static APIGatewayV2HTTPResponse json(int status, JsonNode body) {
    return json(status, body, JSON_HEADERS);
  }

  /** A 200 that browsers and CDNs may keep for {@code maxAge}: public data only. */
  public static APIGatewayV2HTTPResponse cacheable(JsonNode body, Duration maxAge) {
    return json(
        200,
        body,
        Map.of(
            "content-type",
            "application/json; charset=utf-8",
            "cache-control",
            "public, max-age=" + maxAge.toSeconds()));
  }

  private static APIGatewayV2HTTPResponse json(
      int status, JsonNode body, Map<String, String> headers) {
    APIGatewayV2HTTPResponse response = new APIGatewayV2HTTPResponse();
    response.setStatusCode(status);
    response.setHeaders(headers);
    response.setBody(Json.write(body));
    response.setIsBase64Encoded(false);
    return response;
  }

  public static APIGatewayV2HTTPResponse error(ApiException error) {
    ObjectNode detail =
        Json.object()
            .put("code", error.code())
            .put("message", error.getMessage())
            .put("param", error.param());
    ObjectNode body = Json.object();
    body.set("error", detail);
    return json(error.status(), body, retryable(error) ? RETRY_HEADERS : JSON_HEADERS);
  }

  /** Answers that say "the same request will work in a moment": busy, unavailable, out of time. */
  private static boolean retryable(ApiException error) {
    return error.status() == 429
        || error.status() == 503
        || error.status() == 504
        || "idempotency_in_progress".equals(error.code());
  }

  /** Any failure → the response the caller should see. Faults outside us are logged here. */
  public static APIGatewayV2HTTPResponse failure(Throwable failure) {
    return error(toApiException(failure));
  }

  /** The answer a failure gets (its status and code); faults outside us are logged here. */
  public static ApiException toApiException(Throwable failure) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof FintocException fintoc) {
      return fromFintoc(fintoc);
    }
    if (failure instanceof StorageUnavailableException storage) {
      Log.warn("storage_unavailable", "reason", storage.getMessage());
      return new ApiException(
          503,
          "storage_unavailable",
          "The session store is temporarily unavailable; retry shortly.",
          null);
    }
    if (failure instanceof SecretUnavailableException secret) {
      Log.error("secret_unavailable", secret);
      return new ApiException(
          503,
          "secret_unavailable",
          "The payment provider's credentials could not be loaded; retry shortly.",
          null);
    }
    Log.error("unexpected_failure", failure);
    return new ApiException(
        500, "internal_error", "Something went wrong on our side. It has been logged.", null);
  }

  private static ApiException fromFintoc(FintocException e) {
    return switch (e.kind()) {
      case REJECTED -> {
        int status =
            switch (e.status()) {
              case 404, 409, 422 -> e.status();
              default -> 400;
            };
        String code = e.fintocCode() == null ? "invalid_request" : e.fintocCode();
        yield new ApiException(
            status,
            "fintoc_" + code,
            "Fintoc rejected the request: " + e.getMessage(),
            e.param(),
            "fintoc_" + (KNOWN_FINTOC_CODES.contains(code) ? code : "other"));
      }
      // Our key is wrong or revoked: not the caller's fault, and nothing they can fix.
      case AUTHENTICATION ->
          new ApiException(
              502,
              "fintoc_authentication_failed",
              "The payment provider rejected this shop's credentials.",
              null);
      case RATE_LIMITED ->
          new ApiException(
              503, "fintoc_rate_limited", "The payment provider is busy; retry shortly.", null);
      case UNAVAILABLE ->
          new ApiException(
              502,
              "fintoc_unavailable",
              "The payment provider did not answer correctly; retry shortly.",
              null);
      case TIMEOUT ->
          new ApiException(
              504,
              "fintoc_timeout",
              "The payment provider did not answer in time; retry shortly.",
              null);
    };
  }
}
