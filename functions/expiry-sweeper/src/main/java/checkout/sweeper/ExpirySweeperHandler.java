package checkout.sweeper;

import checkout.aws.AwsClients;
import checkout.config.Config;
import checkout.config.Settings;
import checkout.fintoc.FintocClient;
import checkout.fintoc.FintocOptions;
import checkout.log.Log;
import checkout.secrets.SecretSources;
import checkout.store.SessionRepository;
import checkout.store.SessionUpdater;
import checkout.snapstart.Priming;
import checkout.time.Deadline;
import checkout.time.Pace;
import checkout.time.Sleeper;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Scheduled (template.yaml: ScheduleV2): one sweep per run, stopping before the Lambda deadline;
 * what it leaves, the next run picks up. Logs and returns one summary.
 */
public final class ExpirySweeperHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
  /** Kept from the invocation's deadline: time to write the last answers and log the summary. */
  static final Duration MARGIN = Duration.ofSeconds(5);

  private final Sweeper sweeper;
  /** Held here: the runtime keeps hooks weakly. */
  private final Priming priming;

  public ExpirySweeperHandler() {
    this(Config.fromEnvironment(), Clock.systemUTC());
  }

  /** Everything built from configuration, as in Lambda. */
  public ExpirySweeperHandler(Config config, Clock clock) {
    this(config, AwsClients.build(DynamoDbClient.builder(), config, Settings.DYNAMODB_ENDPOINT),
        new FintocClient(FintocOptions.fromConfig(config), SecretSources.fromConfig(config, clock)), clock, Sleeper.REAL);
  }

  /** For tests and the local stack; {@code sleeper} paces the Fintoc calls. */
  public ExpirySweeperHandler(Config config, DynamoDbClient dynamo, FintocClient fintoc, Clock clock, Sleeper sleeper) {
    String table = config.required(Settings.SESSIONS_TABLE);
    SessionUpdater updater = new SessionUpdater(new SessionRepository(dynamo, table), clock, Sleeper.REAL);
    this.sweeper = new Sweeper(dynamo, table, fintoc, updater,
        Duration.ofSeconds(config.longValue(Settings.SWEEP_GRACE_SECONDS, 600)),
        (int) Math.max(1, config.longValue(Settings.SWEEP_CONCURRENCY, 4)),
        (int) Math.max(1, config.longValue(Settings.SWEEP_PAGE_SIZE, 100)),
        new Pace(Math.max(1, config.longValue(Settings.SWEEP_CALLS_PER_SECOND, 10)), sleeper), clock);
    this.priming = Priming.register("ExpirySweeper", sweeper::prime);
  }

  /** Always logs and returns one summary, also when the run fails (then it rethrows, for the alarm). */
  @Override
  public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
    SweepSummary summary = new SweepSummary();
    try {
      sweeper.sweep(() -> Deadline.in(Duration.ofMillis(context.getRemainingTimeInMillis()), MARGIN), summary);
    } finally {
      Map<String, Object> result = summary.toMap();
      Log.info("sweep_summary", result.entrySet().stream().flatMap(e -> Stream.of(e.getKey(), e.getValue())).toArray());
    }
    return summary.toMap();
  }
}
