package checkout.local;

import checkout.catalog.CatalogFile;
import checkout.catalog.Price;
import checkout.config.Settings;
import checkout.local.api.ApiGateway;
import checkout.local.api.Cors;
import checkout.local.api.StaticFiles;
import checkout.local.dynamodb.LocalDynamoDb;
import checkout.local.eventbridge.LocalEventBus;
import checkout.local.fintoc.FintocSimulator;
import checkout.local.fintoc.WebhookSender;
import checkout.local.http.Exchanges;
import checkout.local.lambda.InvokeApi;
import checkout.local.lambda.LocalFunction;
import checkout.local.lambda.Schedules;
import checkout.local.merchant.ExampleMerchant;
import checkout.local.sqs.LocalQueue;
import checkout.local.stream.StreamMapping;
import checkout.local.template.EnvVars;
import checkout.local.template.SamTemplate;
import checkout.secrets.SampleKeys;
import checkout.store.CatalogImport;
import checkout.store.PriceRepository;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The whole system on one machine: DynamoDB Local with the template's tables, the Fintoc simulator,
 * every function of template.yaml running from its deployment jar, the HTTP API in front of them,
 * Lambda's Invoke API beside it, and the template's schedules.
 *
 * <p>{@code java -jar local/target/fintoc-local.jar [--port 3000] [--env-vars env.json] …}; tests
 * start it with {@link #start(LocalOptions)} on free ports.
 */
public final class LocalStack implements AutoCloseable {
  /** The public sample key (env.json's): the committed samples verify as they are. */
  public static final String DEFAULT_WEBHOOK_SECRET = SampleKeys.WEBHOOK_SECRET;

  public static final String DEFAULT_SECRET_KEY = "sk_test_local_simulator";
  public static final String DEFAULT_ORDER_SIGNING_SECRET = SampleKeys.ORDER_SIGNING_SECRET;
  private static final String RANDOM_ALPHABET =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final Map<String, LocalFunction> functions = new LinkedHashMap<>();
  private final List<String> banner = new ArrayList<>();
  private final List<StreamMapping> streams = new ArrayList<>();
  private ExampleMerchant merchant;
  private LocalEventBus eventBus;
  private URI eventBusUrl;
  private LocalQueue deadLetters;
  private URI queueUrl;
  private URI apiUrl;
  private URI lambdaUrl;
  private URI fintocUrl;
  private LocalDynamoDb dynamo;

  private Clock clock;

  /** Tables whose template switches TTL on: their key attributes and TTL attribute. */
  private final Map<String, TimeToLive> timeToLive = new LinkedHashMap<>();

  private FintocSimulator simulator;
  private String secretKey;
  private String webhookSecret;
  private String orderSigningSecret;

  private LocalStack() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("import-catalog")) {
      System.exit(ImportCatalogCommand.run(Arrays.copyOfRange(args, 1, args.length)));
      return;
    }
    LocalOptions options;
    try {
      options = LocalOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(LocalOptions.USAGE);
      System.exit(2);
      return;
    }
    if (options == null) {
      System.out.println(LocalOptions.USAGE);
      return;
    }
    long started = System.nanoTime();
    LocalStack stack;
    try {
      stack = start(options);
    } catch (RuntimeException e) {
      System.err.println("fintoc-local could not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stack.close();
                  System.out.println("fintoc-local stopped.");
                },
                "shutdown"));
    stack.banner.forEach(System.out::println);
    System.out.printf(
        "Ready in %d ms. Ctrl-C stops everything.%n", (System.nanoTime() - started) / 1_000_000);
  }

  public static LocalStack start(LocalOptions options) {
    LocalStack stack = new LocalStack();
    try {
      stack.boot(options);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void boot(LocalOptions options) {
    Path templatePath = options.template();
    if (!Files.isRegularFile(templatePath)) {
      throw new IllegalArgumentException(
          templatePath.toAbsolutePath()
              + " not found: run from the repository's root or pass --template");
    }
    // DynamoDB Local takes most of the start-up (~2 s): it starts first, beside everything else.
    Path dataDir = options.dataDir();
    int dynamoPort = options.dynamodbPort() == 0 ? freePort() : options.dynamodbPort();
    URI dynamoEndpoint = URI.create("http://127.0.0.1:" + dynamoPort);
    CompletableFuture<LocalDynamoDb> dynamoStarting = startDynamoDb(dynamoPort, dataDir);

    SamTemplate template = SamTemplate.load(templatePath);
    Clock clock = options.clock();
    this.clock = clock;
    Function<String, String> ids = options.ids() != null ? options.ids() : randomIds();
    EnvVars envVars = EnvVars.read(options.envVars());

    ScheduledExecutorService timer =
        Executors.newScheduledThreadPool(
            4,
            r -> {
              Thread thread = new Thread(r, "local-timer");
              thread.setDaemon(true);
              return thread;
            });
    resources.add(timer::shutdownNow);

    // Servers first, so every port is known before the functions' environment is written.
    Routed api = new Routed(options.port(), "api");
    Routed lambda = new Routed(options.lambdaPort(), "lambda");
    Routed events = new Routed(0, "eventbridge");
    apiUrl = api.url;
    lambdaUrl = lambda.url;
    eventBusUrl = events.url;
    // The example backend's Refund button calls the API, as a merchant's server would.
    merchant = new ExampleMerchant(apiUrl);
    eventBus =
        new LocalEventBus(
            options.eventsUrl() != null
                ? options.eventsUrl()
                : apiUrl.resolve(ExampleMerchant.EVENTS_PATH),
            System.out,
            clock);
    resources.add(eventBus);
    events.route(eventBus::handle);
    // The order events' dead-letter queue: what the publisher sends there and what the stream
    // mapping discards.
    Routed queues = new Routed(0, "sqs");
    queueUrl = queues.url;
    deadLetters =
        new LocalQueue(queues.url + "/000000000000/order-events-dead-letters", System.out);
    queues.route(deadLetters::handle);
    List<String> ownOrigins =
        List.of("http://localhost:" + apiUrl.getPort(), "http://127.0.0.1:" + apiUrl.getPort());

    Map<String, String> shared = envVars.shared();
    secretKey = shared.getOrDefault(Settings.FINTOC_SECRET_KEY, DEFAULT_SECRET_KEY);
    webhookSecret = shared.getOrDefault(Settings.FINTOC_WEBHOOK_SECRET, DEFAULT_WEBHOOK_SECRET);
    orderSigningSecret =
        envVars
            .forFunction("CreateSessionFunction")
            .getOrDefault(Settings.ORDER_SIGNING_SECRET, DEFAULT_ORDER_SIGNING_SECRET);
    startFintoc(options, clock, ids, timer);
    if (simulator != null && options.schedules()) {
      // Fintoc's refunds move on by themselves, like the template's schedules; a test (schedules
      // off) moves its clock and calls simulator().refunds().advance(), or reads them.
      timer.scheduleWithFixedDelay(
          () -> {
            try {
              simulator.refunds().advance();
            } catch (RuntimeException e) {
              // the stack stopping: a throwing task would never run again, so the next tick tries
            }
          },
          1,
          1,
          TimeUnit.SECONDS);
    }

    // Each function from its jar, and the tables its environment names (created once DynamoDB
    // Local is up).
    Map<String, JsonNode> tables = template.resources("AWS::DynamoDB::Table");
    Map<String, JsonNode> tablesToCreate = new LinkedHashMap<>();
    Map<String, String> tableNames = new LinkedHashMap<>();
    String sessionsTable = null;
    for (String id : template.functions().keySet()) {
      Map<String, String> env =
          environment(template, id, envVars.forFunction(id), ownOrigins, dynamoEndpoint);
      for (Map.Entry<String, String> declared : template.environment(id, Map.of()).entrySet()) {
        if (tables.containsKey(declared.getValue())) {
          tablesToCreate.put(
              env.get(declared.getKey()), tables.get(declared.getValue()).path("Properties"));
          tableNames.put(declared.getValue(), env.get(declared.getKey()));
        }
        if (declared.getKey().equals(Settings.SESSIONS_TABLE)) {
          sessionsTable = env.get(declared.getKey());
        }
      }
      functions.put(id, function(template, id, env, clock));
    }
    functions.values().forEach(f -> resources.add(f::close));
    // The functions' SDK clients find credentials the usual way; DynamoDB Local takes any.
    if (System.getProperty("aws.accessKeyId") == null
        && System.getenv("AWS_ACCESS_KEY_ID") == null) {
      System.setProperty("aws.accessKeyId", "local");
      System.setProperty("aws.secretAccessKey", "local");
    }
    // Each function's init (its cold start) runs while DynamoDB Local starts, off the first
    // request's path; init touches no table, as in Lambda.
    functions
        .values()
        .forEach(
            f -> {
              Thread warm = new Thread(f::warm, "warm-" + f.name());
              warm.setDaemon(true);
              warm.start();
            });

    try {
      dynamo = dynamoStarting.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
    tablesToCreate.forEach((name, properties) -> dynamo.createTable(name, properties));
    tablesToCreate.forEach(
        (name, properties) -> {
          JsonNode ttl = properties.path("TimeToLiveSpecification");
          if (ttl.path("Enabled").asBoolean(false)) {
            List<String> keys = new ArrayList<>();
            properties.path("KeySchema").forEach(k -> keys.add(k.path("AttributeName").asText()));
            timeToLive.put(name, new TimeToLive(keys, ttl.path("AttributeName").asText()));
          }
        });
    String catalog = importCatalog(options, sessionsTable, clock);

    ApiGateway gateway =
        new ApiGateway(
            template.httpRoutes(),
            functions,
            cors(template, ownOrigins),
            new StaticFiles("storefront"),
            clock);
    api.route(
        exchange -> {
          if (ExampleMerchant.serves(exchange.getRequestURI().getPath())) {
            merchant.handle(exchange);
          } else {
            gateway.handle(exchange);
          }
        });
    lambda.route(new InvokeApi(functions, timer)::handle);
    startStreams(template, tableNames, clock, options.pollStreams() ? timer : null);
    List<String> schedules =
        options.schedules()
            ? Schedules.start(template.schedules(), functions, timer)
            : template.schedules().stream()
                .map(s -> s.function() + ": " + s.expression() + " (schedules off)")
                .toList();

    writeBanner(options, template, schedules, tablesToCreate.keySet(), dataDir, catalog);
  }

  /**
   * Each stream mapping of the template, reading DynamoDB Local's stream of its table and invoking
   * its function's jar, polled every 100 ms (Lambda polls a shard about 4 times a second); with no
   * timer, only when {@link #drainStreams()} is called.
   */
  private void startStreams(
      SamTemplate template,
      Map<String, String> tableNames,
      Clock clock,
      ScheduledExecutorService timer) {
    for (SamTemplate.StreamSource source : template.streamSources()) {
      String table = tableNames.get(source.table());
      LocalFunction function = functions.get(source.function());
      if (table == null || function == null) {
        continue;
      }
      String streamArn =
          dynamo.client().describeTable(r -> r.tableName(table)).table().latestStreamArn();
      StreamMapping mapping =
          new StreamMapping(
              new StreamMapping.Settings(
                  source.function(),
                  source.batchSize(),
                  source.bisectOnError(),
                  source.maximumRetryAttempts(),
                  source.maximumRecordAgeSeconds(),
                  source.reportBatchItemFailures()),
              dynamo.streamsClient(),
              streamArn,
              function::invoke,
              deadLetters::add,
              clock);
      streams.add(mapping);
      if (timer == null) {
        continue;
      }
      timer.scheduleWithFixedDelay(
          () -> {
            try {
              mapping.poll();
            } catch (RuntimeException e) {
              // DynamoDB Local stopping, or a hiccup: the next poll starts from the checkpoint.
            }
          },
          100,
          100,
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * DynamoDB Local on {@code port}, starting in the background; in memory unless {@code dataDir}.
   */
  private CompletableFuture<LocalDynamoDb> startDynamoDb(int port, Path dataDir) {
    if (dataDir != null) {
      try {
        Files.createDirectories(dataDir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    CompletableFuture<LocalDynamoDb> starting =
        CompletableFuture.supplyAsync(() -> LocalDynamoDb.start(port, dataDir));
    resources.add(() -> starting.thenAccept(LocalDynamoDb::close));
    return starting;
  }

  /** The Fintoc simulator and its webhook sender, unless --fintoc-url names another Fintoc. */
  private void startFintoc(
      LocalOptions options,
      Clock clock,
      Function<String, String> ids,
      ScheduledExecutorService timer) {
    if (options.fintocUrl() != null) {
      fintocUrl = options.fintocUrl();
      return;
    }
    Routed fintoc = new Routed(options.fintocPort(), "fintoc");
    fintocUrl = fintoc.url;
    WebhookSender sender =
        new WebhookSender(
            apiUrl.resolve("/webhooks/fintoc"),
            webhookSecret,
            options.webhookChaos(),
            options.webhookFirstRetry(),
            17,
            clock,
            timer);
    simulator = new FintocSimulator(secretKey, fintocUrl, clock, ids, sender);
    fintoc.route(simulator::handle);
  }

  /**
   * Function {@code id}'s environment: the template's, then env.json's {@code Parameters} and its
   * own entry (as sam local --env-vars), then what points it at this stack.
   */
  private Map<String, String> environment(
      SamTemplate template,
      String id,
      Map<String, String> envVars,
      List<String> ownOrigins,
      URI dynamoEndpoint) {
    Map<String, String> env = template.environment(id, envVars);
    env.put(Settings.DYNAMODB_ENDPOINT, dynamoEndpoint.toString());
    env.put(Settings.FINTOC_API_URL, fintocUrl.toString());
    env.put(Settings.FINTOC_SECRET_ARN, "");
    env.put(Settings.SECRETS_MANAGER_ENDPOINT, "");
    env.put(Settings.FINTOC_SECRET_KEY, secretKey);
    env.put(Settings.FINTOC_WEBHOOK_SECRET, webhookSecret);
    if (env.containsKey(Settings.ORDER_SIGNING_SECRET)) {
      env.put(Settings.ORDER_SIGNING_SECRET, orderSigningSecret);
    }
    if (env.containsKey(Settings.EVENT_BUS_NAME)) {
      env.put(Settings.EVENTBRIDGE_ENDPOINT, eventBusUrl.toString());
      if (env.get(Settings.EVENT_BUS_NAME).isBlank()) {
        env.put(Settings.EVENT_BUS_NAME, "local-orders");
      }
    }
    if (env.containsKey(Settings.ORDER_EVENTS_DLQ_URL)) {
      env.put(Settings.ORDER_EVENTS_DLQ_URL, deadLetters.url());
      env.put(Settings.SQS_ENDPOINT, queueUrl.toString());
    }
    if (env.containsKey(Settings.ALLOWED_REDIRECT_ORIGINS)) {
      LinkedHashSet<String> origins =
          new LinkedHashSet<>(List.of(env.get(Settings.ALLOWED_REDIRECT_ORIGINS).split(",")));
      origins.remove("");
      origins.addAll(ownOrigins);
      env.put(Settings.ALLOWED_REDIRECT_ORIGINS, String.join(",", origins));
    }
    // What the Lambda service sets in every environment.
    env.putIfAbsent(Settings.AWS_REGION, "us-east-1");
    env.put("AWS_DEFAULT_REGION", env.get(Settings.AWS_REGION));
    env.put("AWS_LAMBDA_FUNCTION_NAME", id);
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memory(template, id)));
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    return env;
  }

  private static int memory(SamTemplate template, String id) {
    return template.functionProperty(id, "MemorySize").asInt(128);
  }

  /** Function {@code id} from the jar its CodeUri names, as the template declares it. */
  private static LocalFunction function(
      SamTemplate template, String id, Map<String, String> env, Clock clock) {
    Path jar = template.directory().resolve(template.functionProperty(id, "CodeUri").asText());
    return new LocalFunction(
        new LocalFunction.Definition(
            id,
            jar,
            template.functionProperty(id, "Handler").asText(),
            env,
            template.functionProperty(id, "Timeout").asInt(3),
            memory(template, id)),
        clock);
  }

  /** The HttpApi's CORS, with this stack's own origins added (the store is served here). */
  private static Cors cors(SamTemplate template, List<String> ownOrigins) {
    return template
        .cors()
        .map(
            c -> {
              List<String> origins = new ArrayList<>(template.stringList(c.path("AllowOrigins")));
              origins.addAll(ownOrigins);
              return new Cors(
                  origins,
                  template.stringList(c.path("AllowMethods")),
                  template.stringList(c.path("AllowHeaders")),
                  template.stringList(c.path("ExposeHeaders")),
                  c.path("MaxAge").asInt(0));
            })
        .orElse(Cors.none());
  }

  /**
   * The example store's catalog (or --catalog), imported as {@code import-catalog} would import it
   * into a deployed table: a store served here shows, and CreateSession charges, its prices.
   */
  private String importCatalog(LocalOptions options, String table, Clock clock) {
    Path file = options.catalogFile();
    if (!Files.isRegularFile(file)) {
      if (options.catalog() != null) {
        throw new IllegalArgumentException("--catalog " + file + " not found");
      }
      return "none (" + file + " not found): catalog checkouts answer unknown_price";
    }
    try {
      List<Price> prices = CatalogFile.parse(Files.readString(file));
      CatalogImport.Summary summary =
          CatalogImport.run(
              new PriceRepository(dynamo.client(), table), prices, false, clock.instant());
      return file + " → " + table + " (" + summary + ")";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage());
    }
  }

  private void writeBanner(
      LocalOptions options,
      SamTemplate template,
      List<String> schedules,
      Set<String> tableNames,
      Path dataDir,
      String catalog) {
    banner.add("");
    banner.add("fintoc-checkout-lambda, local stack");
    banner.add("  Storefront     " + apiUrl.resolve("/"));
    banner.add("  API            " + apiUrl);
    template
        .httpRoutes()
        .forEach(
            r ->
                banner.add(
                    String.format(
                        "                   %-6s %-26s → %s", r.method(), r.path(), r.function())));
    banner.add(
        "  Lambda invoke  "
            + lambdaUrl
            + "   (aws lambda invoke --endpoint-url "
            + lambdaUrl
            + " --function-name ExpirySweeperFunction out.json)");
    banner.add(
        "  DynamoDB Local "
            + dynamo.endpoint()
            + "   tables "
            + tableNames
            + (dataDir == null ? ", in memory" : ", kept in " + dataDir));
    banner.add(
        simulator != null
            ? "  Fintoc         "
                + fintocUrl
                + "   (simulator"
                + (options.webhookChaos().any() ? ", webhook chaos: " + options.webhookChaos() : "")
                + ")"
            : "  Fintoc         "
                + fintocUrl
                + "   (real Fintoc: forward its webhooks with `fintoc webhooks listen --forward-to "
                + apiUrl.resolve("/webhooks/fintoc")
                + "`)");
    banner.add("  Catalog        " + catalog);
    banner.add(
        "  Order events   "
            + eventBusUrl
            + " (EventBridge) → POST "
            + eventBus.target()
            + ", and printed here as [events]");
    banner.add(
        "  Dead letters   "
            + deadLetters.url()
            + " (SQS: unreadable records), printed here as [dead-letter]");
    if (options.eventsUrl() == null) {
      banner.add("  Merchant       " + apiUrl.resolve("/merchant/") + "   (example backend)");
    }
    schedules.forEach(s -> banner.add("  Schedule       " + s));
    banner.add(
        "  Local secrets  FINTOC_SECRET_KEY="
            + secretKey
            + "  FINTOC_WEBHOOK_SECRET="
            + webhookSecret);
    banner.add(
        "                 ORDER_SIGNING_SECRET="
            + orderSigningSecret
            + "   (signs orders: README, Signed orders)");
    banner.add("");
    banner.add("Try it:");
    banner.add(
        "  curl -s "
            + apiUrl.resolve("/checkout-sessions")
            + " -H 'content-type: application/json' \\");
    banner.add(
        "    -d '{\"line_items\": [{\"price\": \"price_grano_1kg\", \"quantity\": 1}], \"success_url\": \""
            + apiUrl.resolve("/success.html")
            + "\", \"cancel_url\": \""
            + apiUrl.resolve("/cancel.html")
            + "\", \"metadata\": {\"order_id\": \"order-1\"}}'");
    banner.add(
        "  then open the redirect_url it returns, choose an outcome, and GET "
            + apiUrl.resolve("/checkout-sessions/")
            + "<id>");
    banner.add("");
  }

  /** A server whose handler is set once the rest of the stack exists (503 until then). */
  private final class Routed {
    final URI url;
    private volatile HttpHandler handler =
        exchange -> Exchanges.json(exchange, 503, "{\"message\":\"starting\"}");

    Routed(int port, String name) {
      HttpServer server = Exchanges.serve(port, name, exchange -> handler.handle(exchange));
      resources.add(() -> server.stop(0));
      url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void route(HttpHandler handler) {
      this.handler = handler;
    }
  }

  private static Function<String, String> randomIds() {
    SecureRandom random = new SecureRandom();
    return prefix -> {
      StringBuilder id = new StringBuilder(prefix).append('_');
      for (int i = 0; i < 24; i++) {
        id.append(RANDOM_ALPHABET.charAt(random.nextInt(RANDOM_ALPHABET.length())));
      }
      return id.toString();
    };
  }

  /** A loopback port nothing listens on now (tests and the startup benchmark use it too). */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI apiUrl() {
    return apiUrl;
  }

  public URI lambdaUrl() {
    return lambdaUrl;
  }

  public URI fintocUrl() {
    return fintocUrl;
  }

  /** A client of the stack's DynamoDB Local, for tests that arrange or inspect the tables. */
  public DynamoDbClient dynamoDbClient() {
    return dynamo.client();
  }

  public URI dynamoDbEndpoint() {
    return dynamo.endpoint();
  }

  /** The Fintoc simulator; null when the stack talks to a real Fintoc. */
  public FintocSimulator simulator() {
    return simulator;
  }

  public String webhookSecret() {
    return webhookSecret;
  }

  public String secretKey() {
    return secretKey;
  }

  public String orderSigningSecret() {
    return orderSigningSecret;
  }

  public Map<String, LocalFunction> functions() {
    return functions;
  }

  /** The template's stream mappings (the order publisher's), in template order. */
  public List<StreamMapping> streams() {
    return streams;
  }

  /** Hands every committed write to its stream's function until the streams are caught up. */
  /**
   * Deletes every item DynamoDB's TTL would have deleted by the stack's clock, in each table whose
   * template switches TTL on (DynamoDB Local never does it). Call it after moving the clock past a
   * retention.
   *
   * @return how many items went
   */
  public int expireItemsPastTtl() {
    int deleted = 0;
    for (Map.Entry<String, TimeToLive> table : timeToLive.entrySet()) {
      deleted +=
          dynamo
              .deleteExpired(
                  table.getKey(),
                  table.getValue().keys(),
                  table.getValue().attribute(),
                  clock.instant())
              .size();
    }
    return deleted;
  }

  private record TimeToLive(List<String> keys, String attribute) {}

  public void drainStreams() {
    streams.forEach(StreamMapping::drain);
    eventBus.awaitDeliveries();
  }

  /** The EventBridge stand-in order events are put on. */
  public LocalEventBus eventBus() {
    return eventBus;
  }

  /** The order events' dead-letter queue (SQS stand-in), as the template's on-failure queue. */
  public LocalQueue deadLetters() {
    return deadLetters;
  }

  /** The example merchant backend (order events' default target). */
  public ExampleMerchant merchant() {
    return merchant;
  }

  @Override
  public void close() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
    resources.clear();
  }
}
