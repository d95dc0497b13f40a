package checkout.prices;

import checkout.catalog.Price;
import checkout.fintoc.PriceData;
import checkout.http.HttpResponses;
import checkout.json.Json;
import checkout.metrics.Invocation;
import checkout.platform.Platform;
import checkout.snapstart.Priming;
import checkout.store.PriceRepository;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;

/**
 * {@code GET /prices}: the active catalog prices, in catalog order, so a static store shows exactly
 * what CreateSession will charge. Public and read-only; browsers and CDNs may cache it for a minute
 * (a price changed by an import shows within that; CreateSession always reads the catalog itself).
 */
public final class ListPricesHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  static final Duration MAX_AGE = Duration.ofSeconds(60);

  private final PriceRepository prices;

  /** Held here: the runtime keeps hooks weakly. */
  private final Priming priming;

  /** Lambda's: built from the environment, once per container. */
  public ListPricesHandler() {
    this(Platform.fromEnvironment());
  }

  /** For tests and the local stack. */
  public ListPricesHandler(Platform platform) {
    ListPricesRoot root = new ListPricesRoot(platform);
    this.prices = root.prices;
    this.priming = Priming.register("ListPrices", () -> root.prime(this));
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    try (Invocation invocation = Invocation.begin(context)) {
      ArrayNode list = Json.array();
      for (Price price : prices.listActive()) {
        ObjectNode json = Json.object().put("id", price.id());
        json.setAll(PriceData.of(price));
        list.add(json);
      }
      ObjectNode body = Json.object();
      body.set("prices", list);
      return HttpResponses.cacheable(body, MAX_AGE);
    } catch (Exception e) {
      return HttpResponses.failure(e);
    }
  }
}
