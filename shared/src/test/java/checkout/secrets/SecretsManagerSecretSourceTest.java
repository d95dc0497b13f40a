package checkout.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretsManagerSecretSourceTest {
  @Test
  void theSecretJsonGivesTheKeyAndBothWebhookSecretsCurrentFirst() {
    FintocSecrets secrets = SecretsManagerSecretSource.parse(
        "{\"secret_key\": \"sk_test_1\", \"webhook_secret\": \"whsec_new\", \"previous_webhook_secret\": \"whsec_old\"}");

    assertThat(secrets.secretKey()).isEqualTo("sk_test_1");
    assertThat(secrets.webhookSecrets()).containsExactly("whsec_new", "whsec_old");
  }

  @Test
  void aSecretThatIsNotJsonFailsWithoutQuotingIt() {
    assertThatThrownBy(() -> SecretsManagerSecretSource.parse("sk_live_plain_text_key"))
        .isInstanceOf(SecretUnavailableException.class)
        .hasMessageNotContaining("sk_live_plain_text_key");
  }

  @Test
  void printingTheSecretsNeverShowsThem() {
    FintocSecrets secrets = new FintocSecrets("sk_live_abc", java.util.List.of("whsec_abc"));

    assertThat(secrets.toString()).doesNotContain("sk_live_abc").doesNotContain("whsec_abc");
  }
}
