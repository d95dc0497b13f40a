package checkout.local;

import checkout.local.fintoc.WebhookSender;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/**
 * How the local stack starts. Port 0 picks a free port (tests do). {@code ids} null means random
 * ids; tests pass a deterministic source, and their own clock.
 */
public record LocalOptions(
    int port,
    int lambdaPort,
    int fintocPort,
    int dynamodbPort,
    Path envVars,
    Path dataDir,
    WebhookSender.Chaos webhookChaos,
    URI fintocUrl,
    URI eventsUrl,
    Path template,
    Path catalog,
    boolean schedules,
    boolean pollStreams,
    Duration webhookFirstRetry,
    Clock clock,
    Function<String, String> ids) {

  static final String USAGE =
      """
      usage: java -jar local/target/fintoc-local.jar [options]
        --port N            the HTTP API and the storefront (default 3000)
        --lambda-port N     Lambda's Invoke API, like sam local start-lambda (default 3001)
        --fintoc-port N     the Fintoc simulator and its hosted checkout page (default 3002)
        --dynamodb-port N   DynamoDB Local (default 8000)
        --env-vars FILE     env.json, as sam local --env-vars takes it
        --data-dir DIR      keep DynamoDB's data in DIR between runs (default: in memory)
        --webhook-chaos     deliver every webhook twice and out of order
        --fintoc-url URL    talk to this Fintoc (e.g. https://api.fintoc.com with an sk_test_ key
                            in env.json) instead of the simulator
        --events-url URL    POST each order event there, as an EventBridge API destination
                            would (default: the example merchant backend at /merchant/events)
        --template FILE     the SAM template (default template.yaml)
        --catalog FILE      the catalog to import at start (default: the example store's,
                            storefront/catalog.json beside the template)
        --no-schedules      do not run the template's schedules
      or: java -jar local/target/fintoc-local.jar import-catalog FILE --table NAME (--help for more)
      """;

  /** The defaults of {@code java -jar fintoc-local.jar}. */
  public static LocalOptions defaults() {
    return new Builder().build();
  }

  /** Everything on free ports, no schedules: what tests start. */
  public static LocalOptions forTests(Path template, Clock clock, Function<String, String> ids) {
    Builder options = new Builder();
    options.port = 0;
    options.lambdaPort = 0;
    options.fintocPort = 0;
    options.dynamodbPort = 0;
    options.template = template;
    options.schedules = false;
    options.webhookFirstRetry = Duration.ofMillis(50);
    options.clock = clock;
    options.ids = ids;
    return options.build();
  }

  public LocalOptions withEnvVars(Path file) {
    Builder options = toBuilder();
    options.envVars = file;
    return options.build();
  }

  /**
   * Streams handed over only by {@link LocalStack#drainStreams()}, never on a timer: a test then
   * decides which writes one batch holds.
   */
  public LocalOptions withoutStreamPolling() {
    Builder options = toBuilder();
    options.pollStreams = false;
    return options.build();
  }

  public LocalOptions withEventsUrl(URI url) {
    Builder options = toBuilder();
    options.eventsUrl = url;
    return options.build();
  }

  public LocalOptions withWebhookChaos(WebhookSender.Chaos chaos) {
    Builder options = toBuilder();
    options.webhookChaos = chaos;
    return options.build();
  }

  private Builder toBuilder() {
    Builder options = new Builder();
    options.port = port;
    options.lambdaPort = lambdaPort;
    options.fintocPort = fintocPort;
    options.dynamodbPort = dynamodbPort;
    options.envVars = envVars;
    options.dataDir = dataDir;
    options.webhookChaos = webhookChaos;
    options.fintocUrl = fintocUrl;
    options.eventsUrl = eventsUrl;
    options.template = template;
    options.catalog = catalog;
    options.schedules = schedules;
    options.pollStreams = pollStreams;
    options.webhookFirstRetry = webhookFirstRetry;
    options.clock = clock;
    options.ids = ids;
    return options;
  }

  /** The options being assembled, starting from the defaults; named, never by position. */
  private static final class Builder {
    int port = 3000;
    int lambdaPort = 3001;
    int fintocPort = 3002;
    int dynamodbPort = 8000;
    Path envVars;
    Path dataDir;
    WebhookSender.Chaos webhookChaos = WebhookSender.Chaos.NONE;
    URI fintocUrl;
    URI eventsUrl;
    Path template = Path.of("template.yaml");
    Path catalog;
    boolean schedules = true;
    boolean pollStreams = true;
    Duration webhookFirstRetry = Duration.ofSeconds(3);
    Clock clock = Clock.systemUTC();
    Function<String, String> ids;

    LocalOptions build() {
      return new LocalOptions(
          port,
          lambdaPort,
          fintocPort,
          dynamodbPort,
          envVars,
          dataDir,
          webhookChaos,
          fintocUrl,
          eventsUrl,
          template,
          catalog,
          schedules,
          pollStreams,
          webhookFirstRetry,
          clock,
          ids);
    }
  }

  /**
   * The catalog imported at start: --catalog, else the example store's beside the template (if
   * there).
   */
  Path catalogFile() {
    return catalog != null
        ? catalog
        : template.toAbsolutePath().getParent().resolve("storefront/catalog.json");
  }

  /** Null when only help was asked for. */
  static LocalOptions parse(String[] args) {
    Builder options = new Builder();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      switch (flag) {
        case "--help", "-h" -> {
          return null;
        }
        case "--webhook-chaos" -> options.webhookChaos = WebhookSender.Chaos.TWICE;
        case "--no-schedules" -> options.schedules = false;
        default -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException(
                flag.startsWith("--") ? flag + " needs a value" : "unknown argument " + flag);
          }
          String value = args[++i];
          switch (flag) {
            case "--port" -> options.port = port(flag, value);
            case "--lambda-port" -> options.lambdaPort = port(flag, value);
            case "--fintoc-port" -> options.fintocPort = port(flag, value);
            case "--dynamodb-port" -> options.dynamodbPort = port(flag, value);
            case "--env-vars" -> options.envVars = Path.of(value);
            case "--data-dir" -> options.dataDir = Path.of(value);
            case "--fintoc-url" -> options.fintocUrl = url(flag, value);
            case "--events-url" -> options.eventsUrl = url(flag, value);
            case "--template" -> options.template = Path.of(value);
            case "--catalog" -> options.catalog = Path.of(value);
            default -> throw new IllegalArgumentException("unknown option " + flag);
          }
        }
      }
    }
    return options.build();
  }

  private static int port(String flag, String value) {
    try {
      int port = Integer.parseInt(value);
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a port number, got '" + value + "'");
    }
  }

  private static URI url(String flag, String value) {
    URI uri = URI.create(value);
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException(flag + " must be an absolute URL, got '" + value + "'");
    }
    return uri;
  }
}
