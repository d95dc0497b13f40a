package checkout.fintoc;

/**
 * A call to Fintoc did not produce what we asked for. {@link Kind} decides what the caller sees
 * (see {@code HttpResponses}); the message is safe to show: it never carries our key.
 */
public final class FintocException extends RuntimeException {
  public enum Kind {
    /** Fintoc answered 4xx (not 401/403/429): the request itself is wrong. */
    REJECTED,
    /** 401/403: our secret key is wrong or revoked. */
    AUTHENTICATION,
    /** 429 on every attempt. */
    RATE_LIMITED,
    /** 5xx on every attempt, or no connection could be made. */
    UNAVAILABLE,
    /** Fintoc did not answer within the read timeout on the last attempt. */
    TIMEOUT
  }

  private final Kind kind;
  private final int status;
  private final String fintocCode;
  private final String param;

  public FintocException(Kind kind, int status, String fintocCode, String message, String param) {
    super(message, null, false, false);
    this.kind = kind;
    this.status = status;
    this.fintocCode = fintocCode;
    this.param = param;
  }

  public Kind kind() {
    return kind;
  }

  /** Fintoc's HTTP status, or 0 when no answer came. */
  public int status() {
    return status;
  }

  public String fintocCode() {
    return fintocCode;
  }

  public String param() {
    return param;
  }
}
