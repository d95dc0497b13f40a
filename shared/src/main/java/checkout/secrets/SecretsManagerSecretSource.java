package checkout.secrets;

import checkout.json.InvalidJsonException;
import checkout.json.Json;
import checkout.log.Log;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Reads the Fintoc secret from Secrets Manager once per container and keeps it for a TTL. The
 * secret is a JSON object: {@code {"secret_key": "sk_…", "webhook_secret": "whsec_…",
 * "previous_webhook_secret": "whsec_…", "order_signing_secret": "…"}} (the last two optional: for
 * rotating the webhook secret without downtime, and for orders signed by the merchant's backend).
 */
public final class SecretsManagerSecretSource implements SecretSource {
  /** After a failed refresh, the cached secret is used this long before the next try. */
  static final Duration RETRY_REFRESH_AFTER = Duration.ofSeconds(30);

  private final SecretsManagerClient client;
  private final String secretId;
  private final Duration ttl;
  private final Duration maxStale;
  private final Clock clock;
  private FintocSecrets cached;

  /** When the cached secret was read; it is refreshed from {@code readAt + ttl} on. */
  private Instant readAt;

  /** When to try again after a failed refresh (null: no failure pending). */
  private Instant retryAt;

  /**
   * @param maxStale how long past its TTL a secret that cannot be refreshed is still used: a
   *     Secrets Manager fault must not stop payments while the key we hold is still good
   */
  public SecretsManagerSecretSource(
      SecretsManagerClient client, String secretId, Duration ttl, Duration maxStale, Clock clock) {
    this.client = client;
    this.secretId = secretId;
    this.ttl = ttl;
    this.maxStale = maxStale;
    this.clock = clock;
  }

  /** The client and the secret's id, for SnapStart priming to build the read without sending it. */
  public SecretsManagerClient client() {
    return client;
  }

  public String secretId() {
    return secretId;
  }

  /**
   * The cached secret while fresh; past its TTL, a new read. If that read fails and the cached one
   * is at most {@code maxStale} past its TTL, the cached one is used (a warning is logged) and the
   * read is tried again {@link #RETRY_REFRESH_AFTER} later.
   */
  @Override
  public synchronized FintocSecrets current() {
    Instant now = clock.instant();
    if (cached != null && !now.isAfter(readAt.plus(ttl))) {
      return cached;
    }
    if (cached != null && retryAt != null && now.isBefore(retryAt)) {
      return cached;
    }
    try {
      return read();
    } catch (SecretUnavailableException e) {
      if (cached == null || now.isAfter(readAt.plus(ttl).plus(maxStale))) {
        throw e;
      }
      retryAt = now.plus(RETRY_REFRESH_AFTER);
      Log.warn(
          "secret_refresh_failed",
          "reason",
          e.getMessage(),
          "cached_read_at",
          readAt.toString(),
          "action",
          "using the secret read before; check Secrets Manager and the role's access to the secret");
      return cached;
    }
  }

  /** A read now, whatever the cache holds (Fintoc refused our key: it may have been rotated). */
  @Override
  public synchronized FintocSecrets refresh() {
    return read();
  }

  private FintocSecrets read() {
    String text;
    try {
      text = client.getSecretValue(r -> r.secretId(secretId)).secretString();
    } catch (SdkException e) {
      // The SDK's message names the secret id and the AWS error, never the value.
      throw new SecretUnavailableException(
          "could not read FINTOC_SECRET_ARN: " + e.getMessage(), e);
    }
    cached = parse(text);
    readAt = clock.instant();
    retryAt = null;
    return cached;
  }

  /** Parses the secret's JSON. Errors never include the text: it is the secret. */
  static FintocSecrets parse(String text) {
    JsonNode node;
    try {
      node = text == null ? null : Json.parse(text);
    } catch (InvalidJsonException e) {
      node = null;
    }
    if (node == null || !node.isObject()) {
      throw new SecretUnavailableException(
          "FINTOC_SECRET_ARN does not hold a JSON object with secret_key and webhook_secret", null);
    }
    List<String> webhookSecrets = new ArrayList<>();
    for (String field : List.of("webhook_secret", "previous_webhook_secret")) {
      String value = Json.text(node, field);
      if (value != null && !value.isBlank()) {
        webhookSecrets.add(value);
      }
    }
    String orderSigningSecret = nonBlank(node, "order_signing_secret");
    if (webhookSecrets.stream().anyMatch(SampleKeys::isSample)
        || SampleKeys.isSample(orderSigningSecret)) {
      // A deployed stack must never verify with a key published in the samples.
      throw new SecretUnavailableException(
          "FINTOC_SECRET_ARN holds a key published in this project's samples (env.json): put your"
              + " own webhook_secret and order_signing_secret in it",
          null);
    }
    return new FintocSecrets(nonBlank(node, "secret_key"), webhookSecrets, orderSigningSecret);
  }

  private static String nonBlank(JsonNode node, String field) {
    String value = Json.text(node, field);
    return value == null || value.isBlank() ? null : value;
  }
}
