package checkout.fintoc;

import checkout.catalog.Price;
import checkout.json.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Fintoc's {@code price_data} shape: how a catalog price is shown to a store and sent to Fintoc.
 */
public final class PriceData {
  private PriceData() {}

  /** {@code {currency, unit_amount, product_data: {name, image_url}}}. */
  public static ObjectNode of(Price price) {
    ObjectNode product = Json.object().put("name", price.name());
    if (price.imageUrl() != null) {
      product.put("image_url", price.imageUrl());
    }
    ObjectNode priceData =
        Json.object().put("currency", price.currency()).put("unit_amount", price.unitAmount());
    priceData.set("product_data", product);
    return priceData;
  }
}
