package checkout.http;

/**
 * A failure the API answers with its one error body, {@code {"error": {"code", "message",
 * "param"}}}. The message is written for the caller and must never carry a secret or a stack trace.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final String param;

  public ApiException(int status, String code, String message, String param) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.param = param;
  }

  /** 400: the request is wrong in the named field (or as a whole when param is null). */
  public static ApiException invalid(String code, String message, String param) {
    return new ApiException(400, code, message, param);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String param() {
    return param;
  }
}
