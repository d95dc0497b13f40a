package checkout.prices;

import checkout.aws.AwsClients;
import checkout.catalog.Price;
import checkout.store.PriceRepository;
import checkout.config.Config;
import checkout.config.Settings;
import checkout.http.HttpResponses;
import checkout.json.Json;
import checkout.snapstart.Priming;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code GET /prices}: the active catalog prices, in catalog order, so a static store shows
 * exactly what CreateSession will charge. Public and read-only; browsers and CDNs may cache it
 * for a minute (a price changed by an import shows within that; CreateSession always reads the
 * catalog itself).
 */
public final class ListPricesHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  static final Duration MAX_AGE = Duration.ofSeconds(60);

  private final PriceRepository prices;
  /** Held here: the runtime keeps hooks weakly. */
  private final Priming priming = Priming.register("ListPrices", this::prime);

  public ListPricesHandler() {
    this(Config.fromEnvironment());
  }

  /** Everything built from configuration, as in Lambda. */
  public ListPricesHandler(Config config) {
    this(config, AwsClients.build(DynamoDbClient.builder(), config, Settings.DYNAMODB_ENDPOINT));
  }

  /** For tests and the local stack. */
  public ListPricesHandler(Config config, DynamoDbClient dynamo) {
    this.prices = new PriceRepository(dynamo, config.required(Settings.SESSIONS_TABLE));
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    try {
      ArrayNode list = Json.array();
      for (Price price : prices.listActive()) {
        ObjectNode json = Json.object().put("id", price.id());
        json.setAll(price.priceData());
        list.add(json);
      }
      ObjectNode body = Json.object();
      body.set("prices", list);
      return HttpResponses.cacheable(body, MAX_AGE);
    } catch (Exception e) {
      return HttpResponses.failure(e);
    }
  }

  /** SnapStart priming: the request as a store makes it, a read of the index (nothing cached). */
  void prime() {
    handleRequest(Priming.request("GET", "/prices", Map.of(), null), null);
  }
}
