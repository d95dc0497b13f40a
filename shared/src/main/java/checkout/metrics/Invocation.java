package checkout.metrics;

import checkout.log.Log;
import com.amazonaws.services.lambda.runtime.Context;

/**
 * One invocation's telemetry: from {@link #begin} every log line carries its request id, and on
 * {@link #close} the metrics it recorded are written. Each handler wraps its work in one: {@code
 * try (var invocation = Invocation.begin(context)) { … }}.
 */
public final class Invocation implements AutoCloseable {
  private static final Invocation CURRENT = new Invocation();

  private Invocation() {}

  public static Invocation begin(Context context) {
    Log.begin(context);
    Metrics.clear();
    return CURRENT;
  }

  @Override
  public void close() {
    Metrics.flush();
  }
}
