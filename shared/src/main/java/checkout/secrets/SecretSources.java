package checkout.secrets;

import checkout.aws.AwsClients;
import checkout.config.ConfigException;
import checkout.config.Settings;
import checkout.log.Log;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Chooses where the secrets come from: Secrets Manager when FINTOC_SECRET_ARN is set (always, in
 * AWS); otherwise the local-only variables FINTOC_SECRET_KEY / FINTOC_WEBHOOK_SECRET /
 * ORDER_SIGNING_SECRET, so {@code sam local invoke} works without an AWS account.
 */
public final class SecretSources {
  private SecretSources() {}

  /** The Secrets Manager client is built here, and only when the secret is kept there. */
  public static SecretSource from(Settings.Secrets settings, Settings.Aws aws, Clock clock) {
    if (settings.arn().isPresent()) {
      SecretsManagerClient client =
          AwsClients.build(SecretsManagerClient.builder(), aws, aws.secretsManagerEndpoint());
      return new SecretsManagerSecretSource(
          client, settings.arn().get(), settings.cacheTtl(), settings.maxStale(), clock);
    }
    if (settings.localSecretKey().isEmpty() && settings.localWebhookSecret().isEmpty()) {
      throw new ConfigException(
          Settings.FINTOC_SECRET_ARN
              + " must be set (or, for local runs only, "
              + Settings.FINTOC_SECRET_KEY
              + " / "
              + Settings.FINTOC_WEBHOOK_SECRET
              + ")");
    }
    List<String> webhookSecrets = new ArrayList<>();
    settings.localWebhookSecret().ifPresent(webhookSecrets::add);
    FintocSecrets fixed =
        new FintocSecrets(
            settings.localSecretKey().orElse(null),
            webhookSecrets,
            settings.localOrderSigningSecret().orElse(null));
    return new SecretSource() {
      private volatile boolean said;

      @Override
      public FintocSecrets current() {
        // Said on first use, not at init: init lines have no request id, and priming reads none.
        if (!said) {
          said = true;
          Log.warn(
              "local_secrets_in_use",
              "reason",
              "FINTOC_SECRET_ARN is blank; using local-only variables");
        }
        return fixed;
      }

      @Override
      public FintocSecrets refresh() {
        return fixed;
      }
    };
  }
}
