package checkout.publisher;

import checkout.time.Jitter;
import checkout.time.Sleeper;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * An operator's command, never deployed: re-derives the order events of given sessions, or of the
 * sessions changed in a time window, from the sessions table and puts them on the bus again ({@link
 * Replay}; docs/operations.md). Run from the module's class path:
 *
 * <pre>
 * ./mvnw -q -pl functions/order-publisher exec:java@replay -Dexec.args="--table T --bus B --session cs_…"
 * </pre>
 *
 * Its clients are built here, not with checkout.aws.AwsClients: that one reads Lambda's credential
 * sources only, and an operator runs this with their usual ones (a profile, SSO, the environment).
 */
public final class ReplayCommand {
  static final String USAGE =
      """
      usage: ./mvnw -q -pl functions/order-publisher exec:java@replay -Dexec.args="--table NAME --bus NAME (--session ID ... | --changed-since TIME [--changed-until TIME]) [options]"
        --table NAME                 the stack's table (output SessionsTableName)
        --bus NAME                   the stack's bus (output OrderEventBusName)
        --session ID                 a session to replay (cs_… or SESSION#cs_…), with its refunds; repeat for more
        --changed-since TIME         every session whose updated_at is at or after TIME (2026-12-01T00:00:00Z) …
        --changed-until TIME         … and before TIME (default: now). Scans the whole table
        --source SOURCE              the events' source (default fintoc-checkout, the template's EVENT_SOURCE)
        --region REGION              the stack's region (default: AWS_REGION, or your profile's)
        --profile NAME               your ~/.aws profile (default: AWS_PROFILE, or the SDK's default chain)
        --dynamodb-endpoint-url URL  another DynamoDB, e.g. http://127.0.0.1:8000 for the local stack's
        --events-endpoint-url URL    another EventBridge, e.g. the local stack's (its "Order events" URL)
        --max-attempts N             PutEvents sends of an entry before it counts as not put (default 5)
        --dry-run                    print what would be put, and put nothing
      Events are derived from each session's current state, with the ids the publisher gave them:
      a consumer that dedupes on detail.id takes nothing twice. Exit status 1 if any event was not put.
      """;

  /** The template's EVENT_SOURCE: the example rule matches on it. */
  static final String DEFAULT_SOURCE = "fintoc-checkout";

  /** The template's PUBLISH_MAX_ATTEMPTS. */
  static final int DEFAULT_MAX_ATTEMPTS = 5;

  private ReplayCommand() {}

  public static void main(String[] args) {
    int status = run(args, Host.real());
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Where a run writes, what time it is, how it waits, and its Scan pages' Limit (0: DynamoDB's);
   * tests choose each.
   */
  record Host(PrintStream out, PrintStream err, Clock clock, Sleeper sleeper, int scanLimit) {
    static Host real() {
      return new Host(System.out, System.err, Clock.systemUTC(), Sleeper.REAL, 0);
    }
  }

  /** The arguments, checked. */
  record Options(
      String table,
      String bus,
      List<String> sessions,
      Instant changedSince,
      Instant changedUntil,
      String source,
      String region,
      String profile,
      URI dynamoEndpoint,
      URI eventsEndpoint,
      int maxAttempts,
      boolean dryRun) {}

  /** Returns the process's exit status: 0 done, 1 something was not put or read, 2 usage. */
  static int run(String[] args, Host host) {
    Options options;
    try {
      options = parse(args, host.clock());
      if (options == null) {
        host.out().println(USAGE);
        return 0;
      }
    } catch (IllegalArgumentException e) {
      host.err().println(e.getMessage());
      host.err().println(USAGE);
      return 2;
    }
    DefaultCredentialsProvider credentials =
        options.profile() == null
            ? DefaultCredentialsProvider.builder().build()
            : DefaultCredentialsProvider.builder().profileName(options.profile()).build();
    try (credentials;
        DynamoDbClient dynamo =
            client(DynamoDbClient.builder(), options, credentials, options.dynamoEndpoint());
        EventBridgeClient events =
            client(EventBridgeClient.builder(), options, credentials, options.eventsEndpoint())) {
      // Once, before anything is read: else a missing or expired login fails every session alike.
      credentials.resolveCredentials();
      EventBridgePublisher publisher =
          new EventBridgePublisher(
              events,
              options.bus(),
              options.source(),
              options.maxAttempts(),
              host.sleeper(),
              new Jitter());
      Replay replay =
          new Replay(
              dynamo,
              options.table(),
              publisher,
              options.dryRun(),
              host.scanLimit(),
              host.out(),
              host.err());
      host.out()
          .println(
              (options.dryRun() ? "dry run: " : "")
                  + "replaying order events of "
                  + (options.sessions().isEmpty()
                      ? "the sessions changed at or after "
                          + options.changedSince()
                          + " and before "
                          + options.changedUntil()
                      : options.sessions().size() + " session(s)")
                  + " from table "
                  + options.table()
                  + " to bus "
                  + options.bus()
                  + " (source "
                  + options.source()
                  + ")");
      Replay.Summary summary =
          options.sessions().isEmpty()
              ? replay.changedBetween(options.changedSince(), options.changedUntil())
              : replay.sessions(options.sessions());
      host.out().println(summary);
      return summary.ok() ? 0 : 1;
    } catch (SdkClientException e) {
      // No region or no credentials found (an expired SSO login says so), or the table unreachable.
      host.err().println("replay failed: " + e.getMessage());
    } catch (RuntimeException e) {
      host.err().println("replay failed: " + e);
    }
    return 1;
  }

  private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(
      B builder, Options options, DefaultCredentialsProvider credentials, URI endpoint) {
    builder.httpClient(UrlConnectionHttpClient.create()).credentialsProvider(credentials);
    if (options.region() != null) {
      builder.region(Region.of(options.region()));
    } else if (options.profile() != null) {
      builder.region(
          DefaultAwsRegionProviderChain.builder()
              .profileName(options.profile())
              .build()
              .getRegion());
    }
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    return builder.build();
  }

  /** Null when only help was asked for. */
  static Options parse(String[] args, Clock clock) {
    String table = null;
    String bus = null;
    List<String> sessions = new ArrayList<>();
    Instant since = null;
    Instant until = null;
    String source = DEFAULT_SOURCE;
    String region = null;
    String profile = null;
    URI dynamoEndpoint = null;
    URI eventsEndpoint = null;
    int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    boolean dryRun = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--help", "-h" -> {
          return null;
        }
        case "--dry-run" -> dryRun = true;
        case "--table" -> table = value(args, ++i, "--table");
        case "--bus" -> bus = value(args, ++i, "--bus");
        case "--session" -> sessions.add(value(args, ++i, "--session"));
        case "--changed-since" ->
            since = instant("--changed-since", value(args, ++i, "--changed-since"));
        case "--changed-until" ->
            until = instant("--changed-until", value(args, ++i, "--changed-until"));
        case "--source" -> source = value(args, ++i, "--source");
        case "--region" -> region = value(args, ++i, "--region");
        case "--profile" -> profile = value(args, ++i, "--profile");
        case "--dynamodb-endpoint-url" ->
            dynamoEndpoint =
                url("--dynamodb-endpoint-url", value(args, ++i, "--dynamodb-endpoint-url"));
        case "--events-endpoint-url" ->
            eventsEndpoint =
                url("--events-endpoint-url", value(args, ++i, "--events-endpoint-url"));
        case "--max-attempts" -> maxAttempts = attempts(value(args, ++i, "--max-attempts"));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (table == null || bus == null) {
      throw new IllegalArgumentException("--table and --bus are required");
    }
    if (sessions.isEmpty() == (since == null)) {
      throw new IllegalArgumentException(
          sessions.isEmpty()
              ? "say which sessions: --session ID (repeatable) or --changed-since TIME"
              : "--session and --changed-since select differently: give one of them");
    }
    if (until != null && since == null) {
      throw new IllegalArgumentException("--changed-until needs --changed-since");
    }
    if (since != null) {
      until = until != null ? until : clock.instant();
      if (!since.isBefore(until)) {
        throw new IllegalArgumentException(
            "--changed-since " + since + " must be before --changed-until " + until);
      }
    }
    return new Options(
        table,
        bus,
        List.copyOf(sessions),
        since,
        until,
        source,
        region,
        profile,
        dynamoEndpoint,
        eventsEndpoint,
        maxAttempts,
        dryRun);
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  private static Instant instant(String flag, String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          flag + " must be a time like 2026-12-01T00:00:00Z, got '" + value + "'");
    }
  }

  private static URI url(String flag, String value) {
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException(flag + " must be an absolute URL, got '" + value + "'");
    }
    return uri;
  }

  private static int attempts(String value) {
    try {
      int attempts = Integer.parseInt(value);
      if (attempts < 1) {
        throw new NumberFormatException();
      }
      return attempts;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--max-attempts must be a whole number of at least 1, got '" + value + "'");
    }
  }
}
