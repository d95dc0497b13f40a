package checkout.webhook;

import checkout.aws.AwsClients;
import checkout.config.Config;
import checkout.config.Settings;
import checkout.http.ApiException;
import checkout.http.HttpRequests;
import checkout.http.HttpResponses;
import checkout.json.Json;
import checkout.log.Log;
import checkout.secrets.SecretSource;
import checkout.secrets.SecretSources;
import checkout.session.SessionRepository;
import checkout.session.SessionUpdater;
import checkout.time.Sleeper;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code POST /webhooks/fintoc}: verify the signature over the raw body, then apply the event
 * exactly once. 2xx tells Fintoc to stop; any other answer makes it redeliver (up to 17 times),
 * so a fault here answers 5xx and leaves nothing half-applied.
 */
public final class WebhookHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  private final SignatureCheck signatures;
  private final EventApplier applier;

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
    Duration tolerance = Duration.ofSeconds(config.longValue(Settings.WEBHOOK_TOLERANCE_SECONDS,
        WebhookSignature.DEFAULT_TOLERANCE.toSeconds()));
    this.signatures = new SignatureCheck(secrets, tolerance, clock);
    this.applier = new EventApplier(new SessionUpdater(
        new SessionRepository(dynamo, config.required(Settings.SESSIONS_TABLE)),
        config.string(Settings.ORDER_REFERENCE_METADATA_KEY, "order_id"), clock, Sleeper.REAL));
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
      EventApplier.Outcome outcome = applier.apply(event);
      Log.info("webhook_event", "event_id", event.id(), "type", event.type(),
          "outcome", outcome.name().toLowerCase(java.util.Locale.ROOT));
      return HttpResponses.json(200, Json.object().put("received", true)
          .put("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT)));
    } catch (Exception e) {
      return HttpResponses.failure(e);
    }
  }
}
