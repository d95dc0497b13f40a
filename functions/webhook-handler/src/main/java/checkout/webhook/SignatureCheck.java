package checkout.webhook;

import checkout.fintoc.WebhookSignature;
import checkout.secrets.FintocSecrets;
import checkout.secrets.SecretSource;
import checkout.secrets.SecretUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Verifies a delivery with the webhook secrets this container holds. When nothing matches it reads
 * the secret again — the secret may have been rotated since it was cached — but at most once a
 * minute, so forged requests cannot turn into a flood of Secrets Manager reads.
 */
final class SignatureCheck {
  private static final Duration REFRESH_AT_MOST_EVERY = Duration.ofMinutes(1);

  private final SecretSource secrets;
  private final Duration tolerance;
  private final Clock clock;
  private Instant lastRefresh = Instant.MIN;

  SignatureCheck(SecretSource secrets, Duration tolerance, Clock clock) {
    this.secrets = secrets;
    this.tolerance = tolerance;
    this.clock = clock;
  }

  void verify(byte[] body, String header) {
    try {
      WebhookSignature.verify(body, header, webhookSecrets(secrets.current()), tolerance, clock);
    } catch (WebhookSignature.VerificationException e) {
      if (e.failure() != WebhookSignature.Failure.NO_MATCHING_SIGNATURE || !mayRefresh()) {
        throw e;
      }
      WebhookSignature.verify(body, header, webhookSecrets(secrets.refresh()), tolerance, clock);
    }
  }

  private synchronized boolean mayRefresh() {
    Instant now = clock.instant();
    if (now.isBefore(lastRefresh.plus(REFRESH_AT_MOST_EVERY))) {
      return false;
    }
    lastRefresh = now;
    return true;
  }

  private static List<String> webhookSecrets(FintocSecrets current) {
    if (current.webhookSecrets().isEmpty()) {
      throw new SecretUnavailableException("the Fintoc secret has no webhook_secret", null);
    }
    return current.webhookSecrets();
  }
}
