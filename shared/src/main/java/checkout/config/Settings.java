package checkout.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Every setting a function reads, typed: each environment variable's name and default is written
 * here once, and {@link #from} checks them all at init — a deployment with bad values does not
 * start, and says which, one line per value.
 *
 * <p>Blank counts as unset: SAM local only overrides variables the template declares, so the
 * template declares the optional ones blank.
 *
 * @param table the DynamoDB table (sessions, claims, events, the catalog)
 * @param orderReferenceKey the metadata key that holds the merchant's order id
 * @param webhookTolerance how far a webhook signature's time may be from now, either way
 * @param events where order events go (the publisher's)
 * @param automaticRefunds AutomaticRefunds {@code on}: money that should not have been taken (paid
 *     after expiry, the wrong amount or currency, a duplicate payment) is refunded in full
 *     automatically, once per payment
 */
public record Settings(
    String table,
    Aws aws,
    Secrets secrets,
    Fintoc fintoc,
    String orderReferenceKey,
    Checkout checkout,
    Duration webhookTolerance,
    Sweep sweep,
    Events events,
    boolean automaticRefunds) {

  public static final String SESSIONS_TABLE = "SESSIONS_TABLE";
  public static final String AWS_REGION = "AWS_REGION";

  /** Blank in AWS; set for sam local to reach DynamoDB Local / a Secrets Manager stand-in. */
  public static final String DYNAMODB_ENDPOINT = "DYNAMODB_ENDPOINT";

  public static final String SECRETS_MANAGER_ENDPOINT = "SECRETS_MANAGER_ENDPOINT";
  public static final String FINTOC_SECRET_ARN = "FINTOC_SECRET_ARN";

  /** Local-only stand-ins for the secret, for sam local invoke without AWS. */
  public static final String FINTOC_SECRET_KEY = "FINTOC_SECRET_KEY";

  public static final String FINTOC_WEBHOOK_SECRET = "FINTOC_WEBHOOK_SECRET";
  public static final String ORDER_SIGNING_SECRET = "ORDER_SIGNING_SECRET";
  public static final String SECRET_CACHE_TTL_SECONDS = "SECRET_CACHE_TTL_SECONDS";

  /** How long a secret that cannot be refreshed may still be used, past its TTL. */
  public static final String SECRET_MAX_STALE_SECONDS = "SECRET_MAX_STALE_SECONDS";

  public static final String FINTOC_API_URL = "FINTOC_API_URL";
  public static final String FINTOC_CONNECT_TIMEOUT_MS = "FINTOC_CONNECT_TIMEOUT_MS";
  public static final String FINTOC_READ_TIMEOUT_MS = "FINTOC_READ_TIMEOUT_MS";
  public static final String FINTOC_MAX_ATTEMPTS = "FINTOC_MAX_ATTEMPTS";
  public static final String FINTOC_CALL_BUDGET_MS = "FINTOC_CALL_BUDGET_MS";
  public static final String ORDER_REFERENCE_METADATA_KEY = "ORDER_REFERENCE_METADATA_KEY";
  public static final String ALLOWED_REDIRECT_ORIGINS = "ALLOWED_REDIRECT_ORIGINS";
  public static final String MAX_AMOUNT_CLP = "MAX_AMOUNT_CLP";
  public static final String MAX_AMOUNT_MXN = "MAX_AMOUNT_MXN";
  public static final String MAX_QUANTITY_PER_ITEM = "MAX_QUANTITY_PER_ITEM";
  public static final String ORDER_TOKEN_MAX_LIFETIME_SECONDS = "ORDER_TOKEN_MAX_LIFETIME_SECONDS";
  public static final String PAYMENT_METHOD_TYPES = "PAYMENT_METHOD_TYPES";
  public static final String PAYMENT_METHOD_OPTIONS = "PAYMENT_METHOD_OPTIONS";
  public static final String BUSINESS_PROFILE = "BUSINESS_PROFILE";
  public static final String ALLOWED_SENDER_INSTITUTIONS = "ALLOWED_SENDER_INSTITUTIONS";
  public static final String WEBHOOK_TOLERANCE_SECONDS = "WEBHOOK_TOLERANCE_SECONDS";
  public static final String SWEEP_GRACE_SECONDS = "SWEEP_GRACE_SECONDS";
  public static final String SWEEP_CONCURRENCY = "SWEEP_CONCURRENCY";
  public static final String SWEEP_PAGE_SIZE = "SWEEP_PAGE_SIZE";

  /**
   * Fintoc calls a sweep starts per second at most (Fintoc allows 100/s per organisation, all
   * callers).
   */
  public static final String SWEEP_CALLS_PER_SECOND = "SWEEP_CALLS_PER_SECOND";

  /**
   * How long Fintoc must keep answering 404 for a session (at least three looks) before the sweeper
   * stops asking and flags it {@code unknown_at_fintoc} for a person: a 404 is evidence (another
   * organisation's or mode's key, a Fintoc fault), never a verdict.
   */
  public static final String SWEEP_UNKNOWN_AFTER_SECONDS = "SWEEP_UNKNOWN_AFTER_SECONDS";

  /** The EventBridge bus order events are put on; {@code default} is the account's own. */
  public static final String EVENT_BUS_NAME = "EVENT_BUS_NAME";

  /** The {@code source} of every order event, what a rule matches on. */
  public static final String EVENT_SOURCE = "EVENT_SOURCE";

  /** Blank in AWS; set for local runs and tests to reach an EventBridge stand-in. */
  public static final String EVENTBRIDGE_ENDPOINT = "EVENTBRIDGE_ENDPOINT";

  /** How many times a batch of order events is sent before the stream record is given back. */
  public static final String PUBLISH_MAX_ATTEMPTS = "PUBLISH_MAX_ATTEMPTS";

  /**
   * The queue a stream record that cannot be read is sent to by the publisher itself (the stream
   * mapping's own on-failure queue), so Lambda can retry everything else for hours. Blank: such a
   * record is given back like any other, and waits for a fix.
   */
  public static final String ORDER_EVENTS_DLQ_URL = "ORDER_EVENTS_DLQ_URL";

  /** Blank in AWS; set for local runs and tests to reach an SQS stand-in. */
  public static final String SQS_ENDPOINT = "SQS_ENDPOINT";

  /** {@code on} or {@code off} (the default): the template's AutomaticRefunds. */
  public static final String AUTOMATIC_REFUNDS = "AUTOMATIC_REFUNDS";

  private static final Set<String> PAYMENT_METHODS = Set.of("bank_transfer", "card");

  /** Where the AWS SDK clients go: the region, and endpoint overrides for local runs only. */
  public record Aws(
      Optional<String> region,
      Optional<URI> dynamodbEndpoint,
      Optional<URI> secretsManagerEndpoint) {}

  /**
   * Where the Fintoc secret comes from: Secrets Manager ({@code arn}; always, in AWS), or for local
   * runs the three local-only variables.
   *
   * @param maxStale how long past its TTL a secret that cannot be refreshed is still used
   */
  public record Secrets(
      Optional<String> arn,
      Optional<String> localSecretKey,
      Optional<String> localWebhookSecret,
      Optional<String> localOrderSigningSecret,
      Duration cacheTtl,
      Duration maxStale) {}

  /**
   * Fintoc's API and how long we give it.
   *
   * @param connectTimeout per attempt
   * @param readTimeout per attempt, from request sent to response read
   * @param maxAttempts including the first
   * @param callBudget the whole call, all attempts and backoff
   */
  public record Fintoc(
      URI baseUrl,
      Duration connectTimeout,
      Duration readTimeout,
      int maxAttempts,
      Duration callBudget) {}

  /**
   * What this deployment decides about a checkout: where the customer may be sent back to, the
   * largest amount and quantity, how long a signed order may live, and every Fintoc parameter that
   * routes or presents money — those come from here and never from the browser.
   *
   * @param allowedRedirectOrigins as configured (compared after normalising both sides)
   * @param maxAmounts per currency, in its smallest unit
   * @param paymentMethodTypes sent to Fintoc as they are; empty: not sent (Fintoc's default)
   * @param paymentMethodOptions sent to Fintoc as they are (null: not sent); the customer's bank,
   *     when allowed, is added under {@code payment_intent.sender_account.institution_id}
   * @param businessProfile sent to Fintoc as it is (null: not sent)
   * @param allowedSenderInstitutions the banks a customer may pick; empty: the choice is refused
   */
  public record Checkout(
      List<String> allowedRedirectOrigins,
      Map<String, Long> maxAmounts,
      long maxQuantityPerItem,
      Duration orderTokenMaxLifetime,
      List<String> paymentMethodTypes,
      ObjectNode paymentMethodOptions,
      ObjectNode businessProfile,
      Set<String> allowedSenderInstitutions) {}

  /**
   * How the sweeper runs.
   *
   * @param grace a session is swept this long after its expires_at (the webhook gets the first
   *     chance)
   * @param concurrency Fintoc calls at once
   * @param pageSize index items per page
   * @param callsPerSecond Fintoc calls a second at most
   * @param unknownAfter how long a session must keep being unknown to Fintoc (404) before it leaves
   *     the sweep for a person to look at
   */
  public record Sweep(
      Duration grace, int concurrency, int pageSize, int callsPerSecond, Duration unknownAfter) {}

  /**
   * Where the publisher puts order events.
   *
   * @param maxAttempts sends of a batch, the first included, before its stream record fails
   */
  public record Events(
      String busName,
      String source,
      Optional<URI> endpoint,
      int maxAttempts,
      Optional<String> deadLetterQueueUrl,
      Optional<URI> queueEndpoint) {}

  /** Reads and checks every setting; all problems are reported together, one line each. */
  public static Settings from(Config config) {
    Reader read = new Reader(config);
    Settings settings =
        new Settings(
            read.check(() -> config.required(SESSIONS_TABLE), null),
            new Aws(
                config.optional(AWS_REGION),
                read.uri(DYNAMODB_ENDPOINT),
                read.uri(SECRETS_MANAGER_ENDPOINT)),
            new Secrets(
                config.optional(FINTOC_SECRET_ARN),
                config.optional(FINTOC_SECRET_KEY),
                config.optional(FINTOC_WEBHOOK_SECRET),
                config.optional(ORDER_SIGNING_SECRET),
                Duration.ofSeconds(read.positive(SECRET_CACHE_TTL_SECONDS, 300)),
                Duration.ofSeconds(read.atLeastZero(SECRET_MAX_STALE_SECONDS, 3_600))),
            new Fintoc(
                read.uri(FINTOC_API_URL).orElse(URI.create("https://api.fintoc.com")),
                Duration.ofMillis(read.positive(FINTOC_CONNECT_TIMEOUT_MS, 2_000)),
                Duration.ofMillis(read.positive(FINTOC_READ_TIMEOUT_MS, 6_000)),
                (int) read.positive(FINTOC_MAX_ATTEMPTS, 3),
                Duration.ofMillis(read.positive(FINTOC_CALL_BUDGET_MS, 20_000))),
            config.string(ORDER_REFERENCE_METADATA_KEY, "order_id"),
            checkout(config, read),
            Duration.ofSeconds(read.positive(WEBHOOK_TOLERANCE_SECONDS, 300)),
            new Sweep(
                Duration.ofSeconds(read.atLeastZero(SWEEP_GRACE_SECONDS, 600)),
                (int) read.positive(SWEEP_CONCURRENCY, 4),
                (int) read.positive(SWEEP_PAGE_SIZE, 100),
                (int) read.positive(SWEEP_CALLS_PER_SECOND, 10),
                Duration.ofSeconds(read.positive(SWEEP_UNKNOWN_AFTER_SECONDS, 6 * 3_600))),
            new Events(
                config.string(EVENT_BUS_NAME, "default"),
                config.string(EVENT_SOURCE, "fintoc-checkout"),
                read.uri(EVENTBRIDGE_ENDPOINT),
                (int) read.positive(PUBLISH_MAX_ATTEMPTS, 5),
                config.optional(ORDER_EVENTS_DLQ_URL),
                read.uri(SQS_ENDPOINT)),
            read.onOff(AUTOMATIC_REFUNDS, false));
    if (!read.problems.isEmpty()) {
      throw new ConfigException(
          read.problems.size() == 1
              ? read.problems.get(0)
              : "settings are not valid:\n- " + String.join("\n- ", read.problems));
    }
    return settings;
  }

  private static Checkout checkout(Config config, Reader read) {
    List<String> methods = config.list(PAYMENT_METHOD_TYPES);
    for (String method : methods) {
      if (!PAYMENT_METHODS.contains(method)) {
        read.problems.add(
            PAYMENT_METHOD_TYPES + " may hold bank_transfer and card, got '" + method + "'");
      }
    }
    ObjectNode options =
        read.check(() -> config.jsonObject(PAYMENT_METHOD_OPTIONS).orElse(null), null);
    JsonNode presetSender =
        options == null ? null : options.path("payment_intent").get("sender_account");
    if (presetSender != null) {
      read.problems.add(
          PAYMENT_METHOD_OPTIONS
              + " must not set payment_intent.sender_account: the customer's own"
              + " bank is theirs to pick, from "
              + ALLOWED_SENDER_INSTITUTIONS);
    }
    return new Checkout(
        config.list(ALLOWED_REDIRECT_ORIGINS),
        Map.of(
            "CLP",
            read.positive(MAX_AMOUNT_CLP, 10_000_000L),
            "MXN",
            read.positive(MAX_AMOUNT_MXN, 20_000_000L)),
        read.positive(MAX_QUANTITY_PER_ITEM, 100),
        // At most a day: a settled order's claim, and the iat it holds, outlive any token.
        Duration.ofSeconds(read.between(ORDER_TOKEN_MAX_LIFETIME_SECONDS, 1, 86_400, 3_600)),
        List.copyOf(methods),
        options,
        read.check(() -> config.jsonObject(BUSINESS_PROFILE).orElse(null), null),
        Set.copyOf(config.list(ALLOWED_SENDER_INSTITUTIONS)));
  }

  /** Reads values, keeping each problem instead of stopping at the first. */
  private static final class Reader {
    private final Config config;
    private final List<String> problems = new ArrayList<>();

    Reader(Config config) {
      this.config = config;
    }

    <T> T check(Supplier<T> read, T fallback) {
      try {
        return read.get();
      } catch (ConfigException e) {
        problems.add(e.getMessage());
        return fallback;
      }
    }

    Optional<URI> uri(String name) {
      return check(() -> config.uri(name), Optional.empty());
    }

    long positive(String name, long defaultValue) {
      long value = check(() -> config.longValue(name, defaultValue), defaultValue);
      if (value <= 0) {
        problems.add(name + " must be a positive whole number, got " + value);
        return defaultValue;
      }
      return value;
    }

    long between(String name, long min, long max, long defaultValue) {
      long value = check(() -> config.longValue(name, defaultValue), defaultValue);
      if (value < min || value > max) {
        problems.add(
            name + " must be a whole number from " + min + " to " + max + ", got " + value);
        return defaultValue;
      }
      return value;
    }

    boolean onOff(String name, boolean defaultValue) {
      String value = config.optional(name).orElse(null);
      if (value == null) {
        return defaultValue;
      }
      if (!value.equals("on") && !value.equals("off")) {
        problems.add(name + " must be on or off, got '" + value + "'");
        return defaultValue;
      }
      return value.equals("on");
    }

    long atLeastZero(String name, long defaultValue) {
      long value = check(() -> config.longValue(name, defaultValue), defaultValue);
      if (value < 0) {
        problems.add(name + " must be zero or more, got " + value);
        return defaultValue;
      }
      return value;
    }
  }
}
