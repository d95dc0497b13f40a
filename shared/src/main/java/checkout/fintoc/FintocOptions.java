package checkout.fintoc;

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

  /** The deployment's settings, with Fintoc's documented backoff for the rest. */
  public static FintocOptions from(Settings.Fintoc fintoc) {
    return new FintocOptions(
        fintoc.baseUrl(),
        fintoc.connectTimeout(),
        fintoc.readTimeout(),
        fintoc.maxAttempts(),
        fintoc.callBudget(),
        Duration.ofMillis(200),
        Duration.ofSeconds(2),
        Duration.ofSeconds(1),
        Duration.ofSeconds(16),
        5);
  }

  /**
   * One attempt per call, no retry inside it, not even after a 429: for a caller whose own queue is
   * its retry (the sweeper moves an unanswered session back with a growing interval), so each of
   * its calls is one paced request and a retry never outlasts the run or its share of the rate.
   */
  public FintocOptions singleAttempt() {
    return new FintocOptions(
        baseUrl,
        connectTimeout,
        readTimeout,
        1,
        callBudget,
        backoffBase,
        backoffCap,
        rateLimitBackoffBase,
        rateLimitBackoffCap,
        0);
  }
}
