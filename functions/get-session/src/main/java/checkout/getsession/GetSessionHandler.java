package checkout.getsession;

import checkout.aws.AwsClients;
import checkout.config.Config;
import checkout.config.Settings;
import checkout.http.ApiException;
import checkout.http.HttpRequests;
import checkout.http.HttpResponses;
import checkout.json.Json;
import checkout.session.CheckoutSession;
import checkout.store.SessionRepository;
import checkout.snapstart.Priming;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code GET /checkout-sessions/{id}}: what the storefront's success page polls to learn
 * whether the order is paid ({@code paid}). Read-only and safe to poll; it shows no customer
 * data, no URLs and nothing secret.
 */
public final class GetSessionHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  /** Fintoc's ids: {@code cs_} and an opaque alphanumeric string. Anything else cannot exist. */
  private static final Pattern SESSION_ID = Pattern.compile("cs_[A-Za-z0-9_]{1,100}");

  private final SessionRepository sessions;
  /** Held here: the runtime keeps hooks weakly. */
  private final Priming priming = Priming.register("GetSession", this::prime);

  public GetSessionHandler() {
    this(Config.fromEnvironment());
  }

  /** Everything built from configuration, as in Lambda. */
  public GetSessionHandler(Config config) {
    this(config, AwsClients.build(DynamoDbClient.builder(), config, Settings.DYNAMODB_ENDPOINT));
  }

  /** For tests and the local stack. */
  public GetSessionHandler(Config config, DynamoDbClient dynamo) {
    this.sessions = new SessionRepository(dynamo, config.required(Settings.SESSIONS_TABLE));
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    try {
      String id = HttpRequests.pathParameter(event, "id");
      // A malformed id cannot exist: answer as for an unknown one, without a read.
      Optional<CheckoutSession> session =
          id != null && SESSION_ID.matcher(id).matches() ? sessions.find(id) : Optional.empty();
      return HttpResponses.json(200, view(session.orElseThrow(() ->
          new ApiException(404, "session_not_found", "No checkout session with that id.", "id"))));
    } catch (Exception e) {
      return HttpResponses.failure(e);
    }
  }

  /** SnapStart priming: a poll for a session that does not exist — one read, the 404 body. */
  void prime() {
    handleRequest(Priming.request("GET", "/checkout-sessions/" + SessionRepository.PRIMING_ID,
        Map.of("id", SessionRepository.PRIMING_ID), null), null);
  }

  static ObjectNode view(CheckoutSession session) {
    ObjectNode body = Json.object()
        .put("id", session.id())
        .put("status", session.status().wire())
        // The one field a storefront may confirm an order on (see SessionRules).
        .put("paid", session.paid())
        .put("payment_status", session.paymentStatus() == null ? null : session.paymentStatus().wire())
        .put("amount", session.amount())
        .put("currency", session.currency())
        .put("order", session.orderReference())
        .put("expires_at", session.expiresAt() == null ? null : session.expiresAt().toString())
        .put("updated_at", session.updatedAt() == null ? null : session.updatedAt().toString());
    if (session.nextAction() != null) {
      // What the customer must do next (e.g. more approvers on a business account).
      body.set("next_action", Json.parse(session.nextAction()));
    }
    if (session.attention() != null) {
      body.put("attention", session.attention());
    }
    return body;
  }
}
