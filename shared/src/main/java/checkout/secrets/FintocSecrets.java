package checkout.secrets;

import java.util.List;

/**
 * The Fintoc credentials of this deployment: the API secret key and the webhook signing
 * secrets (the current one first; a second one is accepted while rotating).
 * {@link #toString()} never shows them.
 */
public record FintocSecrets(String secretKey, List<String> webhookSecrets) {
  public FintocSecrets {
    webhookSecrets = List.copyOf(webhookSecrets);
  }

  @Override
  public String toString() {
    return "FintocSecrets[secretKey=" + (secretKey == null ? "absent" : "***")
        + ", webhookSecrets=" + webhookSecrets.size() + "]";
  }
}
