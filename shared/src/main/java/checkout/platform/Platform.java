package checkout.platform;

import checkout.aws.AwsClients;
import checkout.config.Config;
import checkout.config.Settings;
import checkout.secrets.SecretSource;
import checkout.secrets.SecretSources;
import checkout.time.Sleeper;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What a function is built from that is not its own code: its settings, its AWS clients, its secret
 * source, the clock and how it waits. Each client is built once, when a function's composition root
 * first asks for it (so at init, and never for a function that does not use it). In Lambda all of
 * it comes from the environment; tests and the local stack give their own.
 */
public final class Platform {
  private final Settings settings;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Supplier<DynamoDbClient> dynamo;
  private final Supplier<SecretSource> secrets;

  private Platform(Builder builder) {
    this.settings = builder.settings;
    this.clock = builder.clock;
    this.sleeper = builder.sleeper;
    // No lambda may return a DynamoDB type here: a lambda's method type is resolved when it is
    // created, and the order publisher's jar has no DynamoDB client (it only reads attribute
    // values), yet builds a Platform. A generic helper and an anonymous class resolve nothing
    // until the client is asked for.
    this.dynamo =
        builder.dynamo != null
            ? fixed(builder.dynamo)
            : once(
                new Supplier<DynamoDbClient>() {
                  @Override
                  public DynamoDbClient get() {
                    return AwsClients.build(
                        DynamoDbClient.builder(),
                        settings.aws(),
                        settings.aws().dynamodbEndpoint());
                  }
                });
    this.secrets =
        builder.secrets != null
            ? fixed(builder.secrets)
            : once(() -> SecretSources.from(settings.secrets(), settings.aws(), clock));
    // No Secrets Manager type may appear in this class, not even in a lambda: GetSession's jar
    // has no Secrets Manager SDK, and this class must still load there.
  }

  /** Lambda's: the process environment, the system clock, real waits. */
  public static Platform fromEnvironment() {
    return builder(Config.fromEnvironment()).build();
  }

  /**
   * A function's environment and the clock to run it on: how the local stack builds each function
   * (by reflection, inside the function's own class loader).
   */
  public static Platform of(Map<String, String> environment, Clock clock) {
    return builder(Config.of(environment)).clock(clock).build();
  }

  /** Settings read from {@code config} (and checked: a bad value throws here, naming it). */
  public static Builder builder(Config config) {
    return new Builder(Settings.from(config));
  }

  public Settings settings() {
    return settings;
  }

  public Clock clock() {
    return clock;
  }

  public Sleeper sleeper() {
    return sleeper;
  }

  public DynamoDbClient dynamo() {
    return dynamo.get();
  }

  public SecretSource secrets() {
    return secrets.get();
  }

  /**
   * Lambda's choices unless told otherwise: the system clock, real waits, clients from the
   * settings.
   */
  public static final class Builder {
    private final Settings settings;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.REAL;
    private DynamoDbClient dynamo;
    private SecretSource secrets;

    private Builder(Settings settings) {
      this.settings = settings;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = sleeper;
      return this;
    }

    public Builder dynamo(DynamoDbClient dynamo) {
      this.dynamo = dynamo;
      return this;
    }

    public Builder secrets(SecretSource secrets) {
      this.secrets = secrets;
      return this;
    }

    public Platform build() {
      return new Platform(this);
    }
  }

  private static <T> Supplier<T> fixed(T value) {
    return () -> value;
  }

  /** Built on first use, then kept: a container builds each client once. */
  private static <T> Supplier<T> once(Supplier<T> build) {
    return new Supplier<>() {
      private T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = build.get();
        }
        return value;
      }
    };
  }
}
