package checkout.catalog;

import checkout.json.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One catalog price, mirroring Fintoc's {@code price_data}: what one unit of a product costs.
 * The storefront refers to it by {@code id}; the amount charged is always computed from here.
 *
 * @param unitAmount in the currency's smallest unit (CLP: pesos; MXN: centavos)
 * @param imageUrl an https URL, or null
 * @param active only active prices are listed and can be bought
 * @param position where it stands in the catalog file (GET /prices lists in this order)
 */
public record Price(String id, String currency, long unitAmount, String name, String imageUrl, boolean active,
    int position) {

  /** Fintoc's {@code price_data} for this price: {@code {currency, unit_amount, product_data}}. */
  public ObjectNode priceData() {
    ObjectNode product = Json.object().put("name", name);
    if (imageUrl != null) {
      product.put("image_url", imageUrl);
    }
    ObjectNode priceData = Json.object().put("currency", currency).put("unit_amount", unitAmount);
    priceData.set("product_data", product);
    return priceData;
  }

  /** Same price for a buyer: everything but its place in the file. */
  public boolean sameAs(Price other) {
    return other != null && id.equals(other.id) && currency.equals(other.currency) && unitAmount == other.unitAmount
        && name.equals(other.name) && java.util.Objects.equals(imageUrl, other.imageUrl) && active == other.active;
  }
}
