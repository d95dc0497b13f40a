package checkout.store;

import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Runs a DynamoDB call and turns the faults a retry can fix (throttling, 5xx, no connection) into
 * {@link StorageUnavailableException}. Anything else — a conditional check, a validation error that
 * means our code is wrong — is left for the caller.
 */
public final class Storage {
  private Storage() {}

  public static <T> T call(String operation, Supplier<T> call) {
    try {
      return call.get();
    } catch (SdkException e) {
      if (isTransient(e)) {
        throw new StorageUnavailableException(operation + " failed: " + e.getMessage(), e);
      }
      throw e;
    }
  }

  static boolean isTransient(SdkException e) {
    if (e instanceof SdkClientException) {
      return true;
    }
    if (e instanceof AwsServiceException service) {
      return service.isThrottlingException() || service.statusCode() >= 500;
    }
    return false;
  }
}
