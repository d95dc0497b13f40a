package checkout.secrets;

import checkout.aws.AwsClients;
import checkout.config.Config;
import checkout.config.ConfigException;
import checkout.config.Settings;
import checkout.log.Log;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Chooses where the secrets come from: Secrets Manager when FINTOC_SECRET_ARN is set (always,
 * in AWS); otherwise the local-only variables FINTOC_SECRET_KEY / FINTOC_WEBHOOK_SECRET /
 * ORDER_SIGNING_SECRET, so
 * {@code sam local invoke} works without an AWS account.
 */
public final class SecretSources {
  private SecretSources() {}

  public static SecretSource fromConfig(Config config, Clock clock) {
    var arn = config.optional(Settings.FINTOC_SECRET_ARN);
    if (arn.isPresent()) {
      SecretsManagerClient client =
          AwsClients.build(SecretsManagerClient.builder(), config, Settings.SECRETS_MANAGER_ENDPOINT);
      Duration ttl = Duration.ofSeconds(config.longValue(Settings.SECRET_CACHE_TTL_SECONDS, 300));
      Duration maxStale = Duration.ofSeconds(config.longValue(Settings.SECRET_MAX_STALE_SECONDS, 3_600));
      return new SecretsManagerSecretSource(client, arn.get(), ttl, maxStale, clock);
    }
    var key = config.optional(Settings.FINTOC_SECRET_KEY);
    var webhook = config.optional(Settings.FINTOC_WEBHOOK_SECRET);
    if (key.isEmpty() && webhook.isEmpty()) {
      throw new ConfigException(Settings.FINTOC_SECRET_ARN + " must be set (or, for local runs only, "
          + Settings.FINTOC_SECRET_KEY + " / " + Settings.FINTOC_WEBHOOK_SECRET + ")");
    }
    Log.warn("local_secrets_in_use", "reason", "FINTOC_SECRET_ARN is blank; using local-only variables");
    List<String> webhookSecrets = new ArrayList<>();
    webhook.ifPresent(webhookSecrets::add);
    FintocSecrets fixed = new FintocSecrets(key.orElse(null), webhookSecrets,
        config.optional(Settings.ORDER_SIGNING_SECRET).orElse(null));
    return new SecretSource() {
      @Override
      public FintocSecrets current() {
        return fixed;
      }

      @Override
      public FintocSecrets refresh() {
        return fixed;
      }
    };
  }
}
