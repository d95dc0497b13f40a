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
    Path template,
    Path catalog,
    boolean schedules,
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
        --template FILE     the SAM template (default template.yaml)
        --catalog FILE      the catalog to import at start (default: the example store's,
                            storefront/catalog.json beside the template)
        --no-schedules      do not run the template's schedules
      or: java -jar local/target/fintoc-local.jar import-catalog FILE --table NAME (--help for more)
      """;

  /** The defaults of {@code java -jar fintoc-local.jar}. */
  public static LocalOptions defaults() {
    return new LocalOptions(
        3000,
        3001,
        3002,
        8000,
        null,
        null,
        WebhookSender.Chaos.NONE,
        null,
        Path.of("template.yaml"),
        null,
        true,
        Duration.ofSeconds(3),
        Clock.systemUTC(),
        null);
  }

  /** Everything on free ports, no schedules: what tests start. */
  public static LocalOptions forTests(Path template, Clock clock, Function<String, String> ids) {
    return new LocalOptions(
        0,
        0,
        0,
        0,
        null,
        null,
        WebhookSender.Chaos.NONE,
        null,
        template,
        null,
        false,
        Duration.ofMillis(50),
        clock,
        ids);
  }

  public LocalOptions withEnvVars(Path file) {
    return new LocalOptions(
        port,
        lambdaPort,
        fintocPort,
        dynamodbPort,
        file,
        dataDir,
        webhookChaos,
        fintocUrl,
        template,
        catalog,
        schedules,
        webhookFirstRetry,
        clock,
        ids);
  }

  public LocalOptions withWebhookChaos(WebhookSender.Chaos chaos) {
    return new LocalOptions(
        port,
        lambdaPort,
        fintocPort,
        dynamodbPort,
        envVars,
        dataDir,
        chaos,
        fintocUrl,
        template,
        catalog,
        schedules,
        webhookFirstRetry,
        clock,
        ids);
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
    LocalOptions d = defaults();
    int port = d.port;
    int lambdaPort = d.lambdaPort;
    int fintocPort = d.fintocPort;
    int dynamodbPort = d.dynamodbPort;
    Path envVars = null;
    Path dataDir = null;
    WebhookSender.Chaos chaos = WebhookSender.Chaos.NONE;
    boolean schedules = true;
    URI fintocUrl = null;
    Path template = d.template;
    Path catalog = null;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      switch (flag) {
        case "--help", "-h" -> {
          return null;
        }
        case "--webhook-chaos" -> chaos = WebhookSender.Chaos.TWICE;
        case "--no-schedules" -> schedules = false;
        default -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException(
                flag.startsWith("--") ? flag + " needs a value" : "unknown argument " + flag);
          }
          String value = args[++i];
          switch (flag) {
            case "--port" -> port = port(flag, value);
            case "--lambda-port" -> lambdaPort = port(flag, value);
            case "--fintoc-port" -> fintocPort = port(flag, value);
            case "--dynamodb-port" -> dynamodbPort = port(flag, value);
            case "--env-vars" -> envVars = Path.of(value);
            case "--data-dir" -> dataDir = Path.of(value);
            case "--fintoc-url" -> fintocUrl = url(flag, value);
            case "--template" -> template = Path.of(value);
            case "--catalog" -> catalog = Path.of(value);
            default -> throw new IllegalArgumentException("unknown option " + flag);
          }
        }
      }
    }
    return new LocalOptions(
        port,
        lambdaPort,
        fintocPort,
        dynamodbPort,
        envVars,
        dataDir,
        chaos,
        fintocUrl,
        template,
        catalog,
        schedules,
        d.webhookFirstRetry,
        d.clock,
        null);
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
