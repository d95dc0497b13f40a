package checkout.secrets;

/** The Fintoc secret could not be read. The message names the secret's role, never its value. */
public final class SecretUnavailableException extends RuntimeException {
  public SecretUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
