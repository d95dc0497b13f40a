package checkout.webhook;

import checkout.fintoc.WebhookSignature;
import checkout.aws.AwsClients;
import checkout.config.Config;
import checkout.config.Settings;
import checkout.fintoc.FintocCheckoutSession;
import checkout.http.ApiException;
import checkout.http.HttpRequests;
import checkout.http.HttpResponses;
import checkout.json.Json;
import checkout.log.Log;
import checkout.secrets.SecretSource;
import checkout.secrets.SecretSources;
import checkout.store.SessionRepository;
import checkout.store.SessionUpdater;
import checkout.snapstart.Priming;
import checkout.time.Sleeper;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code POST /webhooks/fintoc}: verify the signature over the raw body, then apply the event
 * exactly once. 2xx tells Fintoc to stop; any other answer makes it redeliver (up to 17 times),
 * so a fault here answers 5xx and leaves nothing half-applied.
 */
public final class WebhookHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  /** A made-up key for priming the HMAC path: the real secret is never fetched before a snapshot. */
  private static final String PRIMING_SECRET = "whsec_snapstart_priming";

  private final SignatureCheck signatures;
  private final EventApplier applier;
  private final SessionUpdater updater;
  private final String orderReferenceKey;
  private final Duration tolerance;
  private final Clock clock;
  /** Held here: the runtime keeps hooks weakly. */
  private final Priming priming = Priming.register("WebhookHandler", this::prime);

  public WebhookHandler() {
    this(Config.fromEnvironment(), Clock.systemUTC());
  }

  /** Everything built from configuration, as in Lambda. */
  public WebhookHandler(Config config, Clock clock) {
    this(config, AwsClients.build(DynamoDbClient.builder(), config, Settings.DYNAMODB_ENDPOINT),
        SecretSources.fromConfig(config, clock), clock);
  }

  /** For tests and the local stack. */
  public WebhookHandler(Config config, DynamoDbClient dynamo, SecretSource secrets, Clock clock) {
    this.tolerance = Duration.ofSeconds(config.longValue(Settings.WEBHOOK_TOLERANCE_SECONDS,
        WebhookSignature.DEFAULT_TOLERANCE.toSeconds()));
    this.clock = clock;
    this.signatures = new SignatureCheck(secrets, tolerance, clock);
    this.updater = new SessionUpdater(new SessionRepository(dynamo, config.required(Settings.SESSIONS_TABLE)), clock,
        Sleeper.REAL);
    this.orderReferenceKey = config.string(Settings.ORDER_REFERENCE_METADATA_KEY, "order_id");
    this.applier = new EventApplier(updater, orderReferenceKey, clock);
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent request, Context context) {
    try {
      byte[] body = HttpRequests.rawBody(request);
      try {
        signatures.verify(body, HttpRequests.header(request, WebhookSignature.HEADER));
      } catch (WebhookSignature.VerificationException e) {
        Log.warn("webhook_signature_rejected", "reason", e.failure().name(), "message", e.getMessage());
        throw ApiException.invalid("invalid_signature", e.getMessage(), null);
      }
      WebhookEvent event = WebhookEvent.parse(body);
      EventApplier.Applied applied = applier.apply(event);
      String outcome = applied.outcome().name().toLowerCase(java.util.Locale.ROOT);
      Log.info("webhook_event", "event_id", event.id(), "type", event.type(), "outcome", outcome,
          "retries", applied.retries());
      return HttpResponses.json(200, Json.object().put("received", true).put("outcome", outcome));
    } catch (Exception e) {
      return HttpResponses.failure(e);
    }
  }

  /**
   * SnapStart priming: a made-up delivery signed and verified with a made-up key (header
   * parsing, HMAC), the real secret's read stopped before it is sent, the event parsed and
   * translated, the update short of its commit, and our 200 body.
   */
  void prime() {
    // A checkout_session.finished with a succeeded payment: the richest path.
    byte[] body = Json.write(Json.object().put("id", "evt_snapstart_priming").put("object", "event")
        .put("type", "checkout_session.finished").set("data", FintocCheckoutSession.primingSample("finished")))
        .getBytes(StandardCharsets.UTF_8);
    String header = WebhookSignature.sign(body, PRIMING_SECRET, clock.instant().getEpochSecond());
    WebhookSignature.verify(body, header, List.of(PRIMING_SECRET), tolerance, clock);
    signatures.prime();
    EventTranslator.observe(WebhookEvent.parse(body), orderReferenceKey, clock.instant()).ifPresent(updater::prime);
    HttpResponses.json(200, Json.object().put("received", true).put("outcome", "applied"));
  }
}
