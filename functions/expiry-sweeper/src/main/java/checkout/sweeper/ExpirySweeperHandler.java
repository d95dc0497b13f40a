package checkout.sweeper;

import checkout.log.Log;
import checkout.metrics.Invocation;
import checkout.metrics.Metric;
import checkout.metrics.Metrics;
import checkout.platform.Platform;
import checkout.snapstart.Priming;
import checkout.time.Deadline;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Scheduled (template.yaml: ScheduleV2): one sweep per run, stopping before the Lambda deadline;
 * what it leaves, the next run picks up. Logs and returns one summary.
 */
public final class ExpirySweeperHandler
    implements RequestHandler<Map<String, Object>, Map<String, Object>> {
  /** Kept from the invocation's deadline: time to write the last answers and log the summary. */
  static final Duration MARGIN = Duration.ofSeconds(5);

  private final Sweeper sweeper;

  /** Held here: the runtime keeps hooks weakly. */
  private final Priming priming;

  /** Lambda's: built from the environment, once per container. */
  public ExpirySweeperHandler() {
    this(Platform.fromEnvironment());
  }

  /** For tests and the local stack. */
  public ExpirySweeperHandler(Platform platform) {
    ExpirySweeperRoot root = new ExpirySweeperRoot(platform);
    this.sweeper = root.sweeper;
    this.priming = Priming.register("ExpirySweeper", root::prime);
  }

  /**
   * Always logs and returns one summary, also when the run fails (then it rethrows, for the alarm).
   */
  @Override
  public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
    SweepSummary summary = new SweepSummary();
    try (Invocation invocation = Invocation.begin(context)) {
      try {
        sweeper.sweep(
            () -> Deadline.in(Duration.ofMillis(context.getRemainingTimeInMillis()), MARGIN),
            summary);
      } finally {
        Map<String, Object> result = summary.toMap();
        Log.info(
            "sweep_summary",
            result.entrySet().stream().flatMap(e -> Stream.of(e.getKey(), e.getValue())).toArray());
        Metrics.record(Metric.PAYMENTS_SETTLED, null, summary.settled.get());
        Metrics.record(Metric.REFUNDS_SETTLED, null, summary.refundsSettled.get());
        Metrics.record(Metric.SESSIONS_SWEPT, null, summary.expired.get() + summary.finished.get());
        Metrics.record(Metric.SWEEP_ERRORS, null, summary.errors.get());
      }
    }
    return summary.toMap();
  }
}
