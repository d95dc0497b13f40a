package checkout.testing;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * Makes chosen calls of a real SDK client fail as DynamoDB fails under load (a throttling error,
 * before anything is sent), so tests can show that a fault leaves nothing half-written. Everything
 * else goes to DynamoDB Local unchanged.
 */
public final class FaultInjector implements ExecutionInterceptor {
  private volatile Predicate<SdkRequest> matcher = r -> false;
  private final AtomicInteger remaining = new AtomicInteger();
  private final AtomicInteger injected = new AtomicInteger();

  /** The next {@code times} requests that match fail; later ones go through. */
  public void failNext(int times, Predicate<SdkRequest> which) {
    matcher = which;
    remaining.set(times);
  }

  public int injected() {
    return injected.get();
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (matcher.test(context.request()) && remaining.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      injected.incrementAndGet();
      throw DynamoDbException.builder()
          .message("injected fault")
          .statusCode(400)
          .awsErrorDetails(
              AwsErrorDetails.builder()
                  .errorCode("ProvisionedThroughputExceededException")
                  .errorMessage("injected fault")
                  .build())
          .build();
    }
  }
}
