package checkout.createsession;

import checkout.store.IdempotencyStore;
import checkout.aws.AwsClients;
import checkout.store.PriceRepository;
import checkout.config.Config;
import checkout.config.Settings;
import checkout.fintoc.FintocClient;
import checkout.fintoc.FintocOptions;
import checkout.http.ApiException;
import checkout.http.HttpRequests;
import checkout.http.HttpResponses;
import checkout.json.Json;
import checkout.secrets.SecretSource;
import checkout.secrets.SecretSources;
import checkout.session.CheckoutSession;
import checkout.store.SessionRepository;
import checkout.snapstart.Priming;
import checkout.time.Deadline;
import checkout.time.Jitter;
import checkout.time.Sleeper;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code POST /checkout-sessions}: price the order on the server (catalog prices, or an order
 * the merchant's backend signed), create the session at Fintoc, store it, answer 201 with the
 * {@code redirect_url} the storefront sends the customer to.
 */
public final class CreateSessionHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  /** Kept from the invocation's deadline to give a claim back and answer. */
  static final Duration MARGIN = Duration.ofMillis(1500);

  private final CheckoutRequestParser parser;
  private final CreateSessionService service;
  private final PriceRepository prices;
  private final CreateSessionSettings settings;
  /** Held here: the runtime keeps hooks weakly. */
  private final Priming priming = Priming.register("CreateSession", this::prime);

  /** Lambda's entry point: clients are built once per container, here, during init. */
  public CreateSessionHandler() {
    this(Config.fromEnvironment(), Clock.systemUTC());
  }

  /** Everything built from configuration, as in Lambda; the local stack uses it with its own clock. */
  public CreateSessionHandler(Config config, Clock clock) {
    this(config, AwsClients.build(DynamoDbClient.builder(), config, Settings.DYNAMODB_ENDPOINT),
        SecretSources.fromConfig(config, clock), clock);
  }

  /** For tests: the table's client and the secret come from outside. */
  public CreateSessionHandler(Config config, DynamoDbClient dynamo, SecretSource secrets, Clock clock) {
    this(config, dynamo, secrets, clock, Sleeper.REAL);
  }

  /** For tests of retries: {@code sleeper} takes the waits between Fintoc attempts (recorded, not slept). */
  public CreateSessionHandler(Config config, DynamoDbClient dynamo, SecretSource secrets, Clock clock, Sleeper sleeper) {
    this.settings = CreateSessionSettings.fromConfig(config);
    this.parser = new CheckoutRequestParser(settings, clock);
    this.prices = new PriceRepository(dynamo, settings.table());
    this.service = new CreateSessionService(
        new CatalogPricing(prices, settings.maxAmounts()),
        new SignedOrder(secrets, settings, clock),
        new FintocClient(FintocOptions.fromConfig(config), secrets, sleeper, new Jitter()),
        new SessionRepository(dynamo, settings.table()),
        new IdempotencyStore(dynamo, settings.table()),
        settings, clock, Sleeper.REAL);
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    try {
      String idempotencyKey = idempotencyKey(HttpRequests.header(event, "Idempotency-Key"));
      CheckoutRequest request = parser.parse(HttpRequests.rawBody(event));
      CheckoutSession session = service.create(request, idempotencyKey, deadline(context));
      return HttpResponses.json(201, view(session));
    } catch (Exception e) {
      return HttpResponses.failure(e);
    }
  }

  /**
   * What this invocation has left (Lambda's timeout is 28 s), less the time to give a claim back
   * and answer. Outside Lambda (no context) only the configured bounds apply.
   */
  static Deadline deadline(Context context) {
    return context == null ? Deadline.NONE : Deadline.in(Duration.ofMillis(context.getRemainingTimeInMillis()), MARGIN);
  }

  /** Fintoc accepts keys up to 255 characters; we take printable ASCII so logs stay readable. */
  static String idempotencyKey(String header) {
    if (header == null) {
      return null;
    }
    if (header.isEmpty() || header.length() > 255 || !header.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw ApiException.invalid("invalid_idempotency_key",
          "The Idempotency-Key header must be 1 to 255 printable ASCII characters.", "Idempotency-Key");
    }
    return header;
  }

  /**
   * SnapStart priming, short of Fintoc, of the secret and of any write: a refused order through
   * the whole handler (mapping, parsing, the error body); a catalog read of a price that does
   * not exist; the storage paths; the signature's HMAC on a made-up key; Fintoc's answer mapped
   * to a session and to our 201 body; and last, because it needs a configured redirect origin,
   * a valid order as far as the request body Fintoc would get.
   */
  void prime() {
    handleRequest(Priming.request("POST", "/checkout-sessions", Map.of(), "{}"), null);
    prices.find(List.of("snapstart_priming"));
    SignedOrder.hmac(new byte[SignedOrder.MIN_KEY_BYTES], "priming.priming");
    HttpResponses.json(201, view(service.prime()));
    String origin = settings.allowedRedirectOrigins().stream().sorted().findFirst().orElse(null);
    if (origin != null) {
      String order = """
          {"order_token": "priming", "success_url": "%1$s/success", "cancel_url": "%1$s/cancel",
           "metadata": {"note": "priming"}}""".formatted(origin);
      try {
        service.primeRequest(parser.parse(order.getBytes(StandardCharsets.UTF_8)));
      } catch (ApiException refused) {
        // an origin the rules refuse anyway (e.g. plain http): the refusal was primed instead
      }
    }
  }

  private static ObjectNode view(CheckoutSession session) {
    return Json.object()
        .put("id", session.id())
        .put("redirect_url", session.redirectUrl())
        .put("status", session.status().wire())
        .put("amount", session.amount())
        .put("currency", session.currency())
        .put("expires_at", session.expiresAt() == null ? null : session.expiresAt().toString());
  }
}
