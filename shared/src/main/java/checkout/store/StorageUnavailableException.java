package checkout.store;

/**
 * DynamoDB could not be reached or throttled us: nothing was changed by the failed call, and the
 * caller should retry (HTTP 503, or an error so Fintoc redelivers).
 */
public final class StorageUnavailableException extends RuntimeException {
  public StorageUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
