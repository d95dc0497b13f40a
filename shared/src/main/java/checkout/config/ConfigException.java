package checkout.config;

/** A setting is missing or malformed: the function cannot start, and says which one. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
