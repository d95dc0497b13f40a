package checkout.json;

/** The input is not well-formed JSON. The message says where, never echoes the input. */
public final class InvalidJsonException extends RuntimeException {
  public InvalidJsonException(String reason) {
    super(reason);
  }
}
