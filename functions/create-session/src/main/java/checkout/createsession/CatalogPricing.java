package checkout.createsession;

import checkout.catalog.Price;
import checkout.fintoc.PriceData;
import checkout.http.ApiException;
import checkout.json.Json;
import checkout.store.PriceRepository;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * Prices a catalog order: each line's unit amount, currency and product come from the stored
 * catalog (read consistently, so a price deactivated a moment ago cannot be bought), and the total
 * is computed here. The browser chose only which prices and how many.
 */
final class CatalogPricing {
  private final PriceRepository prices;
  private final Map<String, Long> maxAmounts;

  CatalogPricing(PriceRepository prices, Map<String, Long> maxAmounts) {
    this.prices = prices;
    this.maxAmounts = maxAmounts;
  }

  PricedOrder price(List<CheckoutRequest.CartLine> cart) {
    Map<String, Price> found =
        prices.find(cart.stream().map(CheckoutRequest.CartLine::price).toList());
    String currency = null;
    long amount = 0;
    ArrayNode lineItems = Json.array();
    for (int i = 0; i < cart.size(); i++) {
      CheckoutRequest.CartLine line = cart.get(i);
      String at = "line_items[" + i + "].price";
      Price price = found.get(line.price());
      if (price == null) {
        throw ApiException.invalid(
            "unknown_price", at + ": this shop's catalog has no price " + line.price() + ".", at);
      }
      if (!price.active()) {
        throw ApiException.invalid(
            "inactive_price", at + ": " + line.price() + " is no longer sold.", at);
      }
      if (currency == null) {
        currency = price.currency();
      } else if (!currency.equals(price.currency())) {
        throw ApiException.invalid(
            "mixed_currencies",
            at
                + ": "
                + line.price()
                + " is in "
                + price.currency()
                + " but line_items[0] is in "
                + currency
                + "; one checkout is paid in one currency.",
            at);
      }
      try {
        amount = Math.addExact(amount, Math.multiplyExact(price.unitAmount(), line.quantity()));
      } catch (ArithmeticException overflow) {
        amount = Long.MAX_VALUE;
      }
      ObjectNode item = Json.object().put("price", price.id()).put("quantity", line.quantity());
      item.set("price_data", PriceData.of(price));
      lineItems.add(item);
    }
    long max = maxAmounts.get(currency);
    if (amount > max) {
      throw ApiException.invalid(
          "amount_too_large",
          "The order comes to more than "
              + max
              + " "
              + currency
              + ", this shop's limit for one payment.",
          "line_items");
    }
    return new PricedOrder(
        PricedOrder.CATALOG, amount, currency, lineItems, null, null, null, null);
  }
}
