package checkout.http;

/**
 * A failure the API answers with its one error body, {@code {"error": {"code", "message",
 * "param"}}}. The message is written for the caller and must never carry a secret or a stack trace.
 * Its code is counted as a metric's dimension value ({@link #metricCode}), so a code is a word
 * written in our code, never a string taken from a request or another service.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final String param;
  private final String metricCode;

  public ApiException(int status, String code, String message, String param) {
    this(status, code, message, param, code);
  }

  /**
   * An answer whose code carries a word someone else chose (Fintoc's error code): the caller sees
   * it, metrics count it under {@code metricCode}, one of a closed set.
   */
  ApiException(int status, String code, String message, String param, String metricCode) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.param = param;
    this.metricCode = metricCode;
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

  /**
   * What metrics count this answer under (SessionsRefused{Code}, WebhooksRejected{Reason}, …): its
   * code, or for a code from outside, a value of a closed set. Every distinct dimension value is a
   * metric CloudWatch bills and keeps, so none may be chosen by someone else.
   */
  public String metricCode() {
    return metricCode;
  }
}
