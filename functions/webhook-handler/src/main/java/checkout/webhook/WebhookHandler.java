package checkout.webhook;

import checkout.http.ApiException;
import checkout.http.HttpResponses;
import checkout.log.Log;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

/**
 * {@code POST /webhooks/fintoc}. Not implemented yet (its own issue): it answers 501 so that
 * Fintoc keeps the event and redelivers it, instead of a 2xx that would drop it unapplied.
 */
public final class WebhookHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    Log.warn("webhook_not_implemented");
    return HttpResponses.error(new ApiException(501, "not_implemented",
        "Webhook handling is not implemented in this version; Fintoc will redeliver the event.", null));
  }
}
