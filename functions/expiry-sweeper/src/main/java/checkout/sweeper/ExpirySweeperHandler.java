package checkout.sweeper;

import checkout.aws.AwsClients;
import checkout.config.Config;
import checkout.config.Settings;
import checkout.fintoc.FintocClient;
import checkout.fintoc.FintocOptions;
import checkout.log.Log;
import checkout.secrets.SecretSources;
import checkout.session.SessionRepository;
import checkout.session.SessionUpdater;
import checkout.snapstart.Priming;
import checkout.time.Sleeper;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Scheduled (template.yaml: ScheduleV2): one sweep per run, stopping before the Lambda deadline;
 * what it leaves, the next run picks up. Logs and returns one summary.
 */
public final class ExpirySweeperHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
  private final Sweeper sweeper;
  /** No Fintoc call starts with less than this left: one call's whole budget, and a margin. */
  private final long stopWithMillisLeft;
  /** Held here: the runtime keeps hooks weakly. */
  private final Priming priming;

  public ExpirySweeperHandler() {
    this(Config.fromEnvironment(), Clock.systemUTC());
  }

  /** Everything built from configuration, as in Lambda. */
  public ExpirySweeperHandler(Config config, Clock clock) {
    this(config, AwsClients.build(DynamoDbClient.builder(), config, Settings.DYNAMODB_ENDPOINT),
        new FintocClient(FintocOptions.fromConfig(config), SecretSources.fromConfig(config, clock)), clock);
  }

  /** For tests and the local stack. */
  public ExpirySweeperHandler(Config config, DynamoDbClient dynamo, FintocClient fintoc, Clock clock) {
    String table = config.required(Settings.SESSIONS_TABLE);
    SessionUpdater updater = new SessionUpdater(new SessionRepository(dynamo, table),
        config.string(Settings.ORDER_REFERENCE_METADATA_KEY, "order_id"), clock, Sleeper.REAL);
    this.sweeper = new Sweeper(dynamo, table, fintoc, updater,
        Duration.ofSeconds(config.longValue(Settings.SWEEP_GRACE_SECONDS, 600)),
        (int) Math.max(1, config.longValue(Settings.SWEEP_CONCURRENCY, 4)),
        (int) Math.max(1, config.longValue(Settings.SWEEP_PAGE_SIZE, 100)), clock);
    this.stopWithMillisLeft = FintocOptions.fromConfig(config).callBudget().toMillis() + 5_000;
    this.priming = Priming.register("ExpirySweeper", sweeper::prime);
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
    SweepSummary summary = sweeper.sweep(() -> context.getRemainingTimeInMillis() < stopWithMillisLeft);
    Map<String, Object> result = summary.toMap();
    Object[] fields = result.entrySet().stream()
        .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toArray();
    Log.info("sweep_summary", fields);
    return result;
  }
}
