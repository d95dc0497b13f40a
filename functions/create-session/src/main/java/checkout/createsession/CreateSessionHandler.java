package checkout.createsession;

import checkout.http.ApiException;
import checkout.http.HttpRequests;
import checkout.http.HttpResponses;
import checkout.metrics.Invocation;
import checkout.metrics.Metric;
import checkout.metrics.Metrics;
import checkout.platform.Platform;
import checkout.session.CheckoutSession;
import checkout.snapstart.Priming;
import checkout.time.Deadline;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Duration;

/**
 * {@code POST /checkout-sessions}: price the order on the server (catalog prices, or an order the
 * merchant's backend signed), create the session at Fintoc, store it, answer 201 with the {@code
 * redirect_url} the storefront sends the customer to and the {@code checkout_secret} that lets this
 * browser replace the checkout when the order changes ({@code replaces}).
 */
public final class CreateSessionHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  /** Kept from the invocation's deadline to give a claim back and answer. */
  static final Duration MARGIN = Duration.ofMillis(1500);

  private final CheckoutRequestParser parser;
  private final CreateSessionService service;
  private final CheckoutSecrets checkoutSecrets;

  /** Held here: the runtime keeps hooks weakly. */
  private final Priming priming;

  /** Lambda's: built from the environment, once per container. */
  public CreateSessionHandler() {
    this(Platform.fromEnvironment());
  }

  /** For tests and the local stack. */
  public CreateSessionHandler(Platform platform) {
    CreateSessionRoot root = new CreateSessionRoot(platform);
    this.parser = root.parser;
    this.service = root.service;
    this.checkoutSecrets = root.checkoutSecrets;
    this.priming = Priming.register("CreateSession", () -> root.prime(this));
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    try (Invocation invocation = Invocation.begin(context)) {
      try {
        String idempotencyKey = idempotencyKey(HttpRequests.header(event, "Idempotency-Key"));
        CheckoutRequest request = parser.parse(HttpRequests.rawBody(event));
        CheckoutSession session = service.create(request, idempotencyKey, deadline(context));
        Metrics.count(Metric.SESSIONS_CREATED);
        return HttpResponses.json(201, CreatedView.of(session, checkoutSecrets.of(session.id())));
      } catch (Exception e) {
        ApiException refusal = HttpResponses.toApiException(e);
        Metrics.count(Metric.SESSIONS_REFUSED, refusal.metricCode());
        return HttpResponses.error(refusal);
      }
    }
  }

  /**
   * What this invocation has left (Lambda's timeout is 28 s), less the time to give a claim back
   * and answer. Outside Lambda (no context) only the configured bounds apply.
   */
  static Deadline deadline(Context context) {
    return context == null
        ? Deadline.NONE
        : Deadline.in(Duration.ofMillis(context.getRemainingTimeInMillis()), MARGIN);
  }

  /** Fintoc accepts keys up to 255 characters; we take printable ASCII so logs stay readable. */
  static String idempotencyKey(String header) {
    if (header == null) {
      return null;
    }
    if (header.isEmpty()
        || header.length() > 255
        || !header.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw ApiException.invalid(
          "invalid_idempotency_key",
          "The Idempotency-Key header must be 1 to 255 printable ASCII characters.",
          "Idempotency-Key");
    }
    return header;
  }
}
