package checkout.refunds;

import checkout.http.ApiException;
import checkout.http.HttpRequests;
import checkout.http.HttpResponses;
import checkout.log.Log;
import checkout.metrics.Invocation;
import checkout.platform.Platform;
import checkout.refund.Refunds;
import checkout.session.RefundStatus;
import checkout.session.StoredRefund;
import checkout.snapstart.Priming;
import checkout.time.Deadline;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The merchant's refunds, for its backend only (IAM-authorized routes: API Gateway lets a request
 * through only when it is signed by a principal allowed {@code execute-api:Invoke} on the route;
 * docs/security.md, "Who may refund"):
 *
 * <ul>
 *   <li>{@code POST /checkout-sessions/{id}/refunds}, {@code Idempotency-Key} required: holds the
 *       amount against the session's payment and asks Fintoc; 202 with the refund;
 *   <li>{@code GET /checkout-sessions/{id}/refunds}: 200 with the session's refunds;
 *   <li>{@code POST /checkout-sessions/{id}/refunds/{refund_id}/cancel}: 200 with it canceled,
 *       while Fintoc still allows it.
 * </ul>
 *
 * Thin: read the request, {@link Refunds} decides, the view answers.
 */
public final class RefundsHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  /** Kept from the invocation's deadline to record Fintoc's answer and respond. */
  static final Duration MARGIN = Duration.ofMillis(1500);

  /** Fintoc's session ids, as GetSession checks them: anything else cannot exist. */
  private static final Pattern SESSION_ID = Pattern.compile("cs_[A-Za-z0-9_]{1,100}");

  /** Ours ({@link Refunds#idFor}): anything else cannot exist. */
  private static final Pattern REFUND_ID = Pattern.compile("rf_[0-9a-f]{32}");

  private final Refunds refunds;
  private final String orderReferenceKey;

  /** Held here: the runtime keeps hooks weakly. */
  private final Priming priming;

  /** Lambda's: built from the environment, once per container. */
  public RefundsHandler() {
    this(Platform.fromEnvironment());
  }

  /** For tests and the local stack. */
  public RefundsHandler(Platform platform) {
    RefundsRoot root = new RefundsRoot(platform);
    this.refunds = root.refunds;
    this.orderReferenceKey = root.orderReferenceKey;
    this.priming = Priming.register("Refunds", () -> root.prime(this));
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    try (Invocation invocation = Invocation.begin(context)) {
      String sessionId = sessionId(event);
      String refundId = HttpRequests.pathParameter(event, "refund_id");
      if ("GET".equals(method(event))) {
        return HttpResponses.json(200, RefundView.list(refunds.list(sessionId)));
      }
      if (refundId != null) {
        return HttpResponses.json(
            200, RefundView.of(refunds.cancel(sessionId, refundId(refundId), deadline(context))));
      }
      return create(sessionId, event, context);
    } catch (Exception e) {
      return HttpResponses.failure(e);
    }
  }

  private APIGatewayV2HTTPResponse create(
      String sessionId, APIGatewayV2HTTPEvent event, Context context) {
    String key = idempotencyKey(HttpRequests.header(event, "Idempotency-Key"));
    RefundRequest request = RefundRequest.parse(HttpRequests.rawBody(event), orderReferenceKey);
    StoredRefund refund =
        refunds.request(
            new Refunds.Request(
                sessionId,
                Refunds.idFor(sessionId, key),
                null,
                request.amount(),
                request.reason(),
                request.metadata(),
                Refunds.requestHash(request.amount(), request.reason(), request.metadata()),
                StoredRefund.MERCHANT),
            deadline(context));
    if (RefundStatus.REJECTED.equals(refund.refund().status())) {
      // Fintoc said no to this very request: nothing went back and its amount is free again.
      throw new ApiException(
          422,
          "refund_rejected",
          "Fintoc refused this refund ("
              + (refund.rejectedCode() == null ? "no code given" : refund.rejectedCode())
              + "); nothing was refunded. The same request with the same Idempotency-Key asks"
              + " Fintoc again.",
          null);
    }
    return HttpResponses.json(202, RefundView.of(refund));
  }

  /** A malformed id cannot exist: answered as an unknown one, without a read (or a log tag). */
  private static String sessionId(APIGatewayV2HTTPEvent event) {
    String id = HttpRequests.pathParameter(event, "id");
    if (id == null || !SESSION_ID.matcher(id).matches()) {
      throw new ApiException(404, "session_not_found", "No checkout session with that id.", "id");
    }
    Log.tag("session_id", id);
    return id;
  }

  private static String refundId(String id) {
    if (!REFUND_ID.matcher(id).matches()) {
      throw new ApiException(
          404, "refund_not_found", "No refund with this id on this session.", "refund_id");
    }
    return id;
  }

  private static String method(APIGatewayV2HTTPEvent event) {
    return event.getRequestContext() == null || event.getRequestContext().getHttp() == null
        ? null
        : event.getRequestContext().getHttp().getMethod();
  }

  /**
   * Required: it is what makes a retry of ours the same refund (our id is derived from it). As
   * CreateSession takes it: 1 to 255 printable ASCII characters.
   */
  static String idempotencyKey(String header) {
    if (header == null) {
      throw ApiException.invalid(
          "missing_idempotency_key",
          "A refund needs an Idempotency-Key header: the same key gives back the same refund, so"
              + " a retry never refunds twice.",
          "Idempotency-Key");
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

  /** What this invocation has left, less the margin; outside Lambda only the configured bounds. */
  static Deadline deadline(Context context) {
    return context == null
        ? Deadline.NONE
        : Deadline.in(Duration.ofMillis(context.getRemainingTimeInMillis()), MARGIN);
  }
}
