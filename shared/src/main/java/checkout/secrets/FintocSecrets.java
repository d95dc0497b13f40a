package checkout.secrets;

import java.util.List;

/**
 * The credentials of this deployment: Fintoc's API secret key, the webhook signing secrets (the
 * current one first; a second one is accepted while rotating), and the key the merchant's backend
 * signs orders with (null when signed orders are not used). {@link #toString()} never shows them.
 */
public record FintocSecrets(
    String secretKey, List<String> webhookSecrets, String orderSigningSecret) {
  public FintocSecrets {
    webhookSecrets = List.copyOf(webhookSecrets);
  }

  @Override
  public String toString() {
    return "FintocSecrets[secretKey="
        + (secretKey == null ? "absent" : "***")
        + ", webhookSecrets="
        + webhookSecrets.size()
        + ", orderSigningSecret="
        + (orderSigningSecret == null ? "absent" : "***")
        + "]";
  }
}
