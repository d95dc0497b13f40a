package checkout.secrets;

/** Where the functions get the Fintoc secrets from. Implementations cache; callers don't. */
public interface SecretSource {
  /** The current secrets, from the cache while it is fresh. */
  FintocSecrets current();

  /**
   * Reads the secrets again, ignoring the cache: called once when Fintoc answers 401, in case the
   * key was rotated since this container read it.
   */
  FintocSecrets refresh();
}
