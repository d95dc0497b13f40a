package checkout.getsession;

import checkout.http.ApiException;
import checkout.http.HttpRequests;
import checkout.http.HttpResponses;
import checkout.log.Log;
import checkout.metrics.Invocation;
import checkout.platform.Platform;
import checkout.session.CheckoutSession;
import checkout.session.PaymentStatus;
import checkout.session.Refundable;
import checkout.snapstart.Priming;
import checkout.store.RefundRepository;
import checkout.store.SessionRepository;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code GET /checkout-sessions/{id}}: what the storefront's success page polls to learn whether
 * the order is paid ({@code paid}), and whether money went back ({@code refunded}). Read-only and
 * safe to poll; it shows no customer data, no URLs, no payment or refund ids and nothing secret.
 */
public final class GetSessionHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  /** Fintoc's ids: {@code cs_} and an opaque alphanumeric string. Anything else cannot exist. */
  private static final Pattern SESSION_ID = Pattern.compile("cs_[A-Za-z0-9_]{1,100}");

  private final SessionRepository sessions;
  private final RefundRepository refunds;

  /** Held here: the runtime keeps hooks weakly. */
  private final Priming priming;

  /** Lambda's: built from the environment, once per container. */
  public GetSessionHandler() {
    this(Platform.fromEnvironment());
  }

  /** For tests and the local stack. */
  public GetSessionHandler(Platform platform) {
    GetSessionRoot root = new GetSessionRoot(platform);
    this.sessions = root.sessions;
    this.refunds = root.refunds;
    this.priming = Priming.register("GetSession", () -> root.prime(this));
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    try (Invocation invocation = Invocation.begin(context)) {
      String id = HttpRequests.pathParameter(event, "id");
      // A malformed id cannot exist: answer as for an unknown one, without a read (or a log tag).
      boolean wellFormed = id != null && SESSION_ID.matcher(id).matches();
      if (wellFormed) {
        Log.tag("session_id", id);
      }
      CheckoutSession session =
          (wellFormed ? sessions.find(id) : Optional.<CheckoutSession>empty())
              .orElseThrow(
                  () ->
                      new ApiException(
                          404, "session_not_found", "No checkout session with that id.", "id"));
      return HttpResponses.json(200, SessionView.of(session, refunded(session)));
    } catch (Exception e) {
      return HttpResponses.failure(e);
    }
  }

  /**
   * How much of the payment went back, from its {@code REFUNDS#} ledger: one more consistent read,
   * only for a session whose payment succeeded (nothing else can be refunded); no ledger, nothing
   * was ever asked back.
   */
  private Refundable.Refunded refunded(CheckoutSession session) {
    if (!PaymentStatus.SUCCEEDED.equals(session.paymentStatus())
        || session.paymentIntentId() == null) {
      return Refundable.Refunded.NONE;
    }
    return refunds
        .findLedger(session.paymentIntentId())
        .map(ledger -> ledger.refundable().refunded())
        .orElse(Refundable.Refunded.NONE);
  }
}
