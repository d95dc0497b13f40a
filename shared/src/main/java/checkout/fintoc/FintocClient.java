package checkout.fintoc;

import checkout.json.InvalidJsonException;
import checkout.json.Json;
import checkout.log.Log;
import checkout.metrics.Metric;
import checkout.metrics.Metrics;
import checkout.secrets.SecretSource;
import checkout.secrets.SecretUnavailableException;
import checkout.time.Deadline;
import checkout.time.Jitter;
import checkout.time.Sleeper;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Fintoc's API as this project uses it: checkout sessions and refunds, with timeouts, bounded
 * retries and an idempotency key on every POST (the official SDKs have none of these).
 *
 * <p>HttpURLConnection rather than java.net.http: the AWS SDK's url-connection client already loads
 * it, so Fintoc calls add few classes to a cold start.
 */
public final class FintocClient {
  public static final String API_VERSION = "2026-02-01";
  private static final int MAX_RESPONSE_BYTES = 1 << 20;
  private static final Pattern SECRET_KEY = Pattern.compile("sk_(live|test)_[A-Za-z0-9_]+");

  /** An attempt with less time than this is not worth starting. */
  public static final Duration MIN_ATTEMPT = Duration.ofMillis(300);

  private final FintocOptions options;
  private final SecretSource secrets;
  private final Sleeper sleeper;
  private final Jitter jitter;

  public FintocClient(FintocOptions options, SecretSource secrets) {
    this(options, secrets, Sleeper.REAL, new Jitter());
  }

  /** For tests: a sleeper that records instead of waiting, a seeded jitter. */
  public FintocClient(FintocOptions options, SecretSource secrets, Sleeper sleeper, Jitter jitter) {
    this.options = options;
    this.secrets = secrets;
    this.sleeper = sleeper;
    this.jitter = jitter;
  }

  /**
   * {@code POST /v2/checkout_sessions}; the same key always yields the same session at Fintoc.
   *
   * @param deadline the invocation's: no attempt, and no wait before one, runs past it
   */
  public JsonNode createCheckoutSession(JsonNode params, String idempotencyKey, Deadline deadline) {
    return call("POST", "/v2/checkout_sessions", Json.write(params), idempotencyKey, deadline);
  }

  /** {@code GET /v2/checkout_sessions/{id}}, within the invocation's {@code deadline}. */
  public JsonNode getCheckoutSession(String id, Deadline deadline) {
    return call("GET", "/v2/checkout_sessions/" + id, null, null, deadline);
  }

  /**
   * {@code POST /v1/refunds}: refunds are v1 only, also for v2 checkout payments (the {@code
   * Fintoc-Version} sent on every call is the account's API version, not a route's, so it stays).
   * The same key always yields the same refund at Fintoc, so a retry after a timeout or a 5xx never
   * makes a second one; after a definite error Fintoc replays that error for the key, and a new
   * attempt needs a new key (the caller's).
   *
   * @param params {@code resource_type}, {@code resource_id}, and optionally {@code amount} and
   *     {@code metadata}; no currency (the refund takes the payment's)
   */
  public JsonNode createRefund(JsonNode params, String idempotencyKey, Deadline deadline) {
    return call("POST", "/v1/refunds", Json.write(params), idempotencyKey, deadline);
  }

  /** {@code GET /v1/refunds/{id}}, within the invocation's {@code deadline}. */
  public JsonNode getRefund(String id, Deadline deadline) {
    return call("GET", "/v1/refunds/" + id, null, null, deadline);
  }

  /**
   * {@code POST /v1/refunds/{id}/cancel}: Fintoc allows it only while the refund is pending, and
   * answers it canceled; otherwise a {@link FintocException.Kind#REJECTED}. Sent without a key, as
   * there is nothing to make twice: a retry of a cancel that had taken effect is refused as no
   * longer pending, so after a refusal look at the refund ({@link #getRefund}). No parameters: an
   * empty body with {@code Content-Length: 0}, as for expire.
   */
  public JsonNode cancelRefund(String id, Deadline deadline) {
    return call("POST", "/v1/refunds/" + id + "/cancel", "", null, deadline);
  }

  /**
   * {@code POST /v2/checkout_sessions/{id}/expire}: Fintoc expires a session only while it is
   * {@code created} (and its unfinished payment with it), and answers the session; any 4xx means
   * "not expired by this call: look at the session".
   *
   * <p>Sent without an Idempotency-Key, on purpose: expiring is idempotent in its effect, and a
   * retry after a timeout whose first attempt did expire gets a 4xx, which the caller resolves by
   * reading the session. A key would instead make Fintoc replay a stored first answer — a 5xx
   * included — for 24 h.
   */
  public JsonNode expireCheckoutSession(String id, Deadline deadline) {
    return call("POST", "/v2/checkout_sessions/" + id + "/expire", "", null, deadline);
  }

  /**
   * The mode of the secret key in use, from its prefix: {@code live} ({@code sk_live_}), {@code
   * test} ({@code sk_test_}) or null. Fintoc's sessions are per mode (and per organisation): a key
   * of the other mode gets 404 for them. Only the prefix is looked at; the key is never returned.
   */
  public String keyMode() {
    String key = secretKey(false);
    return key.startsWith("sk_live_") ? "live" : key.startsWith("sk_test_") ? "test" : null;
  }

  private JsonNode call(
      String method, String path, String body, String idempotencyKey, Deadline invocation) {
    String key = secretKey(false);
    boolean refreshedKey = false;
    long started = System.nanoTime();
    // The whole call, retries included, ends at the earlier of its own budget and the invocation's
    // deadline.
    Duration budget = invocation.atMost(options.callBudget());
    int rateLimited = 0;
    Duration waited = Duration.ZERO;
    for (int attempt = 1; ; attempt++) {
      Duration left = budget.minus(used(started, waited));
      if (left.compareTo(MIN_ATTEMPT) < 0) {
        FintocException tooLate =
            new FintocException(
                FintocException.Kind.TIMEOUT,
                0,
                null,
                "no time left in this invocation to call Fintoc",
                null);
        logFailure(method, path, tooLate, attempt - 1);
        throw tooLate;
      }
      FintocException failure;
      long attemptStarted = System.nanoTime();
      try {
        Response response = exchange(method, path, body, key, idempotencyKey, left);
        measure(attemptStarted, outcome(response.status));
        if (response.status / 100 == 2) {
          return parseSuccess(response);
        }
        if (response.status == 401 && !refreshedKey) {
          // The key may have been rotated since this container cached it: read it once more,
          // and try again only if it actually changed.
          refreshedKey = true;
          String fresh = secretKey(true);
          if (!fresh.equals(key)) {
            key = fresh;
            attempt--;
            continue;
          }
        }
        failure = failureFor(response);
      } catch (SocketTimeoutException e) {
        measure(attemptStarted, "timeout");
        boolean connecting = e.getMessage() != null && e.getMessage().contains("connect");
        failure =
            new FintocException(
                connecting ? FintocException.Kind.UNAVAILABLE : FintocException.Kind.TIMEOUT,
                0,
                null,
                connecting ? "could not connect to Fintoc" : "Fintoc did not answer in time",
                null);
      } catch (IOException e) {
        measure(attemptStarted, "network");
        failure =
            new FintocException(
                FintocException.Kind.UNAVAILABLE,
                0,
                null,
                "could not reach Fintoc (" + e.getClass().getSimpleName() + ")",
                null);
      }

      if (!isRetryable(failure)) {
        logFailure(method, path, failure, attempt);
        throw failure;
      }
      boolean limited = failure.kind() == FintocException.Kind.RATE_LIMITED;
      rateLimited += limited ? 1 : 0;
      Duration wait = limited ? rateLimitBackoff(rateLimited) : backoff(attempt - rateLimited);
      // A retry is started only if, after its wait, a useful attempt still fits.
      boolean exhausted =
          limited
              ? rateLimited > options.rateLimitMaxRetries()
              : attempt - rateLimited >= options.maxAttempts();
      if (exhausted || used(started, waited).plus(wait).plus(MIN_ATTEMPT).compareTo(budget) > 0) {
        logFailure(method, path, failure, attempt);
        throw failure;
      }
      waited = waited.plus(wait);
      Log.warn(
          "fintoc_retry",
          "method",
          method,
          "path",
          path,
          "attempt",
          attempt,
          "status",
          failure.status(),
          "kind",
          failure.kind().name(),
          "wait_ms",
          wait.toMillis());
      sleep(wait);
    }
  }

  /**
   * Only what can succeed on a second try is retried: no connection (nothing was sent, or the
   * idempotency key makes a resend safe), a timeout (same reason), 429 (Fintoc asks us to slow
   * down) and 5xx (a fault on Fintoc's side or a proxy's). A 4xx is an answer about the request
   * itself and would be the same again.
   */
  private static boolean isRetryable(FintocException failure) {
    return switch (failure.kind()) {
      case UNAVAILABLE, TIMEOUT, RATE_LIMITED -> true;
      case REJECTED, AUTHENTICATION -> false;
    };
  }

  /**
   * Fintoc's own advice for 429: wait 1, 2, 4, 8, 16 s, plus up to a second of jitter, at most five
   * times.
   */
  private Duration rateLimitBackoff(int retry) {
    long seconds =
        Math.min(
            options.rateLimitBackoffCap().toSeconds(),
            options.rateLimitBackoffBase().toSeconds() << Math.min(retry - 1, 16));
    return Duration.ofSeconds(seconds).plus(jitter.upTo(Duration.ofSeconds(1)));
  }

  /** Exponential backoff with full jitter, so many containers retrying do not retry in step. */
  private Duration backoff(int attempt) {
    long ceiling =
        Math.min(
            options.backoffCap().toMillis(),
            options.backoffBase().toMillis() << Math.min(attempt - 1, 16));
    return jitter.upTo(Duration.ofMillis(ceiling));
  }

  private void sleep(Duration wait) {
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FintocException(
          FintocException.Kind.UNAVAILABLE, 0, null, "interrupted while retrying", null);
    }
  }

  private String secretKey(boolean refresh) {
    var current = refresh ? secrets.refresh() : secrets.current();
    if (current.secretKey() == null) {
      throw new SecretUnavailableException("the Fintoc secret has no secret_key", null);
    }
    return current.secretKey();
  }

  private record Response(int status, String body) {}

  /**
   * The outcome a status is counted under: its class, 429 apart. The status line is whatever
   * answered (Fintoc, a proxy), so a status outside HTTP's 100–599 is "other", never a new metric.
   */
  static String outcome(int status) {
    if (status == 429) {
      return "429";
    }
    return status >= 100 && status <= 599 ? status / 100 + "xx" : "other";
  }

  /** One request to Fintoc: its outcome (status class, 429, timeout, network) and latency. */
  private static void measure(long startedNanos, String outcome) {
    Metrics.count(Metric.FINTOC_CALLS, outcome);
    Metrics.record(
        Metric.FINTOC_LATENCY, outcome, (System.nanoTime() - startedNanos) / 1_000_000.0);
  }

  private Response exchange(
      String method, String path, String body, String apiKey, String idempotencyKey, Duration left)
      throws IOException {
    URL url = options.baseUrl().resolve(path).toURL();
    HttpURLConnection connection = (HttpURLConnection) url.openConnection();
    connection.setConnectTimeout(
        (int) Math.max(1, atMost(options.connectTimeout(), left).toMillis()));
    connection.setReadTimeout((int) Math.max(1, atMost(options.readTimeout(), left).toMillis()));
    connection.setRequestMethod(method);
    connection.setInstanceFollowRedirects(false);
    connection.setRequestProperty("Authorization", apiKey);
    connection.setRequestProperty("Fintoc-Version", API_VERSION);
    connection.setRequestProperty("Accept", "application/json");
    connection.setRequestProperty("User-Agent", "fintoc-checkout-lambda");
    if (idempotencyKey != null) {
      connection.setRequestProperty("Idempotency-Key", idempotencyKey);
    }
    if (body != null) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      connection.setDoOutput(true);
      connection.setFixedLengthStreamingMode(bytes.length);
      if (bytes.length > 0) {
        // A POST without parameters (expire) still says Content-Length: 0, as HTTP asks.
        connection.setRequestProperty("Content-Type", "application/json");
      }
      try (OutputStream out = connection.getOutputStream()) {
        out.write(bytes);
      }
    }
    int status = connection.getResponseCode();
    InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
    if (in == null) {
      return new Response(status, "");
    }
    try (in) {
      // Read to the end so the connection can be kept alive for the next call.
      return new Response(
          status, new String(in.readNBytes(MAX_RESPONSE_BYTES), StandardCharsets.UTF_8));
    }
  }

  /**
   * The part of the budget spent: the time gone, or the waits asked for when a test's sleeper does
   * not really wait — so a budget bounds the retries the same way in both.
   */
  private static Duration used(long startedNanos, Duration waited) {
    Duration elapsed = Duration.ofNanos(System.nanoTime() - startedNanos);
    return elapsed.compareTo(waited) > 0 ? elapsed : waited;
  }

  private static Duration atMost(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  private static JsonNode parseSuccess(Response response) {
    try {
      JsonNode node = Json.parse(response.body);
      if (node.isObject()) {
        return node;
      }
    } catch (InvalidJsonException e) {
      // fall through: a 2xx without a JSON object is a fault on Fintoc's side
    }
    throw new FintocException(
        FintocException.Kind.UNAVAILABLE,
        response.status,
        null,
        "Fintoc answered " + response.status + " without a JSON object",
        null);
  }

  private static FintocException failureFor(Response response) {
    int status = response.status;
    JsonNode error = null;
    try {
      error = Json.parse(response.body).get("error");
    } catch (InvalidJsonException e) {
      // 5xx from a proxy are often HTML: keep the status, drop the body
    }
    String code = Json.text(error, "code");
    String message = safe(Json.text(error, "message"));
    String param = Json.text(error, "param");
    if (status == 401 || status == 403) {
      return new FintocException(
          FintocException.Kind.AUTHENTICATION,
          status,
          code,
          "Fintoc refused our credentials",
          null);
    }
    if (status == 429) {
      return new FintocException(
          FintocException.Kind.RATE_LIMITED, status, code, "Fintoc rate limit reached", null);
    }
    if (status >= 500) {
      return new FintocException(
          FintocException.Kind.UNAVAILABLE, status, code, "Fintoc answered " + status, null);
    }
    if (code != null && !code.matches("[a-z0-9_]{1,64}")) {
      code = null;
    }
    return new FintocException(
        FintocException.Kind.REJECTED,
        status,
        code,
        message == null ? "Fintoc answered " + status : message,
        param);
  }

  /** Fintoc's own message, bounded and with anything shaped like a secret key removed. */
  private static String safe(String message) {
    if (message == null) {
      return null;
    }
    String redacted = SECRET_KEY.matcher(message).replaceAll("[redacted]");
    return redacted.length() > 300 ? redacted.substring(0, 300) : redacted;
  }

  private static void logFailure(
      String method, String path, FintocException failure, int attempts) {
    if (failure.kind() == FintocException.Kind.AUTHENTICATION) {
      // The operator must act: the secret in Secrets Manager is wrong or revoked.
      Metrics.count(Metric.FINTOC_AUTHENTICATION_FAILED);
      Log.error(
          "fintoc_authentication_failed",
          null,
          "method",
          method,
          "path",
          path,
          "status",
          failure.status(),
          "action",
          "check secret_key in the FINTOC_SECRET_ARN secret");
    } else if (failure.kind() == FintocException.Kind.REJECTED) {
      Log.info(
          "fintoc_rejected",
          "method",
          method,
          "path",
          path,
          "status",
          failure.status(),
          "code",
          failure.fintocCode(),
          "param",
          failure.param());
    } else {
      Log.warn(
          "fintoc_call_failed",
          "method",
          method,
          "path",
          path,
          "status",
          failure.status(),
          "kind",
          failure.kind().name(),
          "attempts",
          attempts);
    }
  }
}
