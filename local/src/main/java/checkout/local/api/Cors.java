package checkout.local.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** An HTTP API's CorsConfiguration, applied as API Gateway applies it. */
public record Cors(
    List<String> allowOrigins,
    List<String> allowMethods,
    List<String> allowHeaders,
    List<String> exposeHeaders,
    int maxAgeSeconds) {

  public static Cors none() {
    return new Cors(List.of(), List.of(), List.of(), List.of(), 0);
  }

  boolean allows(String origin) {
    return origin != null && (allowOrigins.contains("*") || allowOrigins.contains(origin));
  }

  /**
   * Headers for a preflight; empty (so the browser refuses) when the origin or method is not
   * allowed.
   */
  Map<String, String> preflight(String origin, String method, String requestHeaders) {
    Map<String, String> headers = new LinkedHashMap<>();
    boolean methodAllowed =
        allowMethods.contains("*") || allowMethods.contains(method.toUpperCase(Locale.ROOT));
    if (!allows(origin) || !methodAllowed) {
      return headers;
    }
    headers.put("Access-Control-Allow-Origin", allowOrigins.contains("*") ? "*" : origin);
    headers.put("Access-Control-Allow-Methods", String.join(",", allowMethods));
    if (!allowHeaders.isEmpty()) {
      headers.put(
          "Access-Control-Allow-Headers",
          allowHeaders.contains("*") && requestHeaders != null
              ? requestHeaders
              : String.join(",", allowHeaders));
    }
    if (maxAgeSeconds > 0) {
      headers.put("Access-Control-Max-Age", Integer.toString(maxAgeSeconds));
    }
    headers.put("Vary", "Origin");
    return headers;
  }

  /** Headers added to an actual response for a request from {@code origin}. */
  Map<String, String> response(String origin) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (allows(origin)) {
      headers.put("Access-Control-Allow-Origin", allowOrigins.contains("*") ? "*" : origin);
      if (!exposeHeaders.isEmpty()) {
        headers.put("Access-Control-Expose-Headers", String.join(",", exposeHeaders));
      }
      headers.put("Vary", "Origin");
    }
    return headers;
  }
}
