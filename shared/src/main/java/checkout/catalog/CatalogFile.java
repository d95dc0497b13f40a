package checkout.catalog;

import checkout.json.InvalidJsonException;
import checkout.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A catalog file, as a merchant writes it and the import reads it:
 *
 * <pre>{"prices": [{"id": "price_grano_1kg", "currency": "CLP", "unit_amount": 15000,
 *   "product_data": {"name": "Café de grano 1 kg", "image_url": "https://…"}, "active": true}]}
 * </pre>
 *
 * Every rule a price must meet is checked here, before anything is written, and a broken file is
 * refused as a whole with the place of the first problem ({@code prices[2].unit_amount}).
 */
public final class CatalogFile {
  /** Price ids go in URLs and logs: letters, digits, {@code _} and {@code -}. */
  public static final Pattern PRICE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private static final Set<String> PRICE_FIELDS =
      Set.of("id", "currency", "unit_amount", "product_data", "active");
  private static final Set<String> PRODUCT_FIELDS = Set.of("name", "image_url");

  private CatalogFile() {}

  /**
   * The prices in the file, in its order; throws {@link IllegalArgumentException} naming the
   * problem.
   */
  public static List<Price> parse(String text) {
    JsonNode root;
    try {
      root = Json.parse(text);
    } catch (InvalidJsonException e) {
      throw new IllegalArgumentException("the catalog is not valid JSON: " + e.getMessage());
    }
    JsonNode prices = root.path("prices");
    if (!root.isObject() || !prices.isArray()) {
      throw new IllegalArgumentException("the catalog must be {\"prices\": [...]}");
    }
    List<Price> parsed = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < prices.size(); i++) {
      Price price = price(prices.get(i), "prices[" + i + "]", i);
      if (!ids.add(price.id())) {
        throw new IllegalArgumentException(
            "prices[" + i + "].id: " + price.id() + " appears twice");
      }
      parsed.add(price);
    }
    return parsed;
  }

  private static Price price(JsonNode node, String at, int position) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(at + " must be an object");
    }
    onlyFields(node, PRICE_FIELDS, at);
    String id = Json.text(node, "id");
    if (id == null || !PRICE_ID.matcher(id).matches()) {
      throw new IllegalArgumentException(at + ".id must be 1 to 64 letters, digits, _ or -");
    }
    String currency = Json.text(node, "currency");
    if (!"CLP".equals(currency) && !"MXN".equals(currency)) {
      throw new IllegalArgumentException(at + ".currency must be \"CLP\" or \"MXN\"");
    }
    JsonNode unitAmount = node.path("unit_amount");
    if (!unitAmount.isIntegralNumber()
        || !unitAmount.canConvertToLong()
        || unitAmount.asLong() <= 0) {
      throw new IllegalArgumentException(
          at
              + ".unit_amount must be a positive whole number in the currency's"
              + " smallest unit (CLP: pesos; MXN: centavos)");
    }
    JsonNode product = node.path("product_data");
    if (!product.isObject()) {
      throw new IllegalArgumentException(at + ".product_data must be an object with a name");
    }
    onlyFields(product, PRODUCT_FIELDS, at + ".product_data");
    String name = Json.text(product, "name");
    if (name == null || name.isBlank() || name.length() > 200) {
      throw new IllegalArgumentException(at + ".product_data.name must be 1 to 200 characters");
    }
    String image = null;
    if (product.hasNonNull("image_url")) {
      image = Json.text(product, "image_url");
      if (image == null || !image.startsWith("https://") || image.length() > 2048) {
        throw new IllegalArgumentException(at + ".product_data.image_url must be an https URL");
      }
    }
    JsonNode active = node.path("active");
    if (!active.isMissingNode() && !active.isBoolean()) {
      throw new IllegalArgumentException(at + ".active must be true or false");
    }
    return new Price(
        id,
        currency,
        unitAmount.asLong(),
        name,
        image,
        active.isMissingNode() || active.asBoolean(),
        position);
  }

  private static void onlyFields(JsonNode node, Set<String> known, String at) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new IllegalArgumentException(at + "." + name + " is not a field of a price");
      }
    }
  }
}
