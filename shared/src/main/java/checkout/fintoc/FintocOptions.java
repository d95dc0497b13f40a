package checkout.fintoc;

import checkout.config.Config;
import checkout.config.Settings;
import java.net.URI;
import java.time.Duration;

/**
 * How we talk to Fintoc. The defaults keep a whole call, retries included, well inside API
 * Gateway's 29 s: an attempt is only started when it can finish inside {@code callBudget}.
 *
 * @param connectTimeout per attempt
 * @param readTimeout per attempt, from request sent to response read
 * @param maxAttempts including the first
 * @param callBudget the whole call, all attempts and backoff
 * @param backoffBase the first retry waits a random time up to this (full jitter), doubling
 * @param backoffCap no single wait is longer than this
 * @param rateLimitBackoffBase after a 429, Fintoc asks to wait 1 s, then doubling ...
 * @param rateLimitBackoffCap ... up to 16 s ...
 * @param rateLimitMaxRetries ... at most 5 times (within the budget); 429s do not count against
 *     {@code maxAttempts}
 */
public record FintocOptions(
    URI baseUrl,
    Duration connectTimeout,
    Duration readTimeout,
    int maxAttempts,
    Duration callBudget,
    Duration backoffBase,
    Duration backoffCap,
    Duration rateLimitBackoffBase,
    Duration rateLimitBackoffCap,
    int rateLimitMaxRetries) {

  public static FintocOptions fromConfig(Config config) {
    return new FintocOptions(
        config.uri(Settings.FINTOC_API_URL).orElse(URI.create(Settings.DEFAULT_FINTOC_API_URL)),
        config.millis(Settings.FINTOC_CONNECT_TIMEOUT_MS, 2_000),
        config.millis(Settings.FINTOC_READ_TIMEOUT_MS, 6_000),
        (int) Math.max(1, config.longValue(Settings.FINTOC_MAX_ATTEMPTS, 3)),
        config.millis(Settings.FINTOC_CALL_BUDGET_MS, 20_000),
        Duration.ofMillis(200),
        Duration.ofSeconds(2),
        Duration.ofSeconds(1),
        Duration.ofSeconds(16),
        5);
  }
}
