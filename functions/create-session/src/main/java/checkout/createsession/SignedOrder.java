package checkout.createsession;

import checkout.config.Settings;
import checkout.http.ApiException;
import checkout.json.InvalidJsonException;
import checkout.json.Json;
import checkout.log.Log;
import checkout.secrets.Digests;
import checkout.secrets.SampleKeys;
import checkout.secrets.SecretSource;
import checkout.secrets.SecretUnavailableException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An order the merchant's backend priced and signed: a JWT (RFC 7519) with HS256, keyed with {@code
 * order_signing_secret}, that the browser carries as {@code order_token}. Any standard JWT library
 * makes one. It is the only way a caller sets an amount, so it is checked in full before anything
 * else happens: the algorithm is HS256 and nothing else ({@code none} included), the signature
 * matches (constant-time), {@code exp} is neither past nor further ahead than the shop allows (an
 * {@code exp} in milliseconds is caught here), and the claims agree with each other.
 *
 * <p>Claims: {@code order_id}, {@code amount}, {@code currency}, {@code exp}, {@code iat}
 * (required); {@code line_items} (Fintoc's {@code price_data} shape, adding up to {@code amount}),
 * {@code customer_data}, {@code metadata} (optional); the registered claims {@code nbf}, {@code
 * iss}, {@code sub}, {@code aud}, {@code jti} are accepted; anything else is refused. {@code iat}
 * orders the tokens of one order_id: a token signed before one already accepted is refused
 * (CreateSessionService), so an old price can never be paid after a new one was signed.
 */
final class SignedOrder {
  static final String ALGORITHM = "HS256";

  /** HS256 wants a key of at least 256 bits (RFC 7518 §3.2). */
  static final int MIN_KEY_BYTES = 32;

  /** Clocks of the merchant's backend and ours may differ a little. */
  static final Duration LEEWAY = Duration.ofSeconds(60);

  private static final Pattern PART = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern ORDER_ID = Pattern.compile("[!-~]{1,100}");
  private static final Set<String> CLAIMS =
      Set.of(
          "order_id",
          "amount",
          "currency",
          "exp",
          "line_items",
          "customer_data",
          "metadata",
          "iat",
          "nbf",
          "iss",
          "sub",
          "aud",
          "jti");
  private static final Set<String> LINE_FIELDS = Set.of("quantity", "price_data");
  private static final Set<String> PRICE_DATA_FIELDS =
      Set.of("currency", "unit_amount", "product_data");
  private static final Set<String> PRODUCT_FIELDS = Set.of("name", "image_url");

  private final SecretSource secrets;
  private final Settings settings;
  private final Clock clock;

  SignedOrder(SecretSource secrets, Settings settings, Clock clock) {
    this.secrets = secrets;
    this.settings = settings;
    this.clock = clock;
  }

  PricedOrder verify(String token) {
    String[] parts = token.split("\\.", -1);
    // An empty signature is let through to the algorithm's check, so "alg: none" is named as such.
    if (parts.length != 3
        || !PART.matcher(parts[0]).matches()
        || !PART.matcher(parts[1]).matches()
        || !(parts[2].isEmpty() || PART.matcher(parts[2]).matches())) {
      throw invalid(
          "order_token is not a JWT (three base64url parts joined by dots).", "order_token");
    }
    JsonNode header = jsonPart(parts[0], "header");
    String alg = Json.text(header, "alg");
    if (!ALGORITHM.equals(alg)) {
      throw invalid(
          "order_token's alg is "
              + (alg == null ? "missing" : "\"" + alg + "\"")
              + "; only HS256 is accepted.",
          "order_token");
    }
    if (header.has("crit")
        || (header.has("typ") && !"JWT".equalsIgnoreCase(Json.text(header, "typ")))) {
      throw invalid(
          "order_token's header has a typ or crit this shop does not accept.", "order_token");
    }
    if (!MessageDigest.isEqual(Digests.hmac(key(), parts[0] + "." + parts[1]), decode(parts[2]))) {
      throw invalid(
          "order_token's signature does not match: it was not signed with this shop's"
              + " order_signing_secret, or it was changed after signing.",
          "order_token");
    }
    ObjectNode claims = jsonPart(parts[1], "payload");
    for (Iterator<String> names = claims.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!CLAIMS.contains(name)) {
        throw invalid(
            "order_token has a claim this shop does not know: " + name + ".",
            "order_token." + name);
      }
    }
    // A token signed with the public sample key proves nothing, its exp included (SampleKeys).
    if (!SampleKeys.isSample(secrets.current().orderSigningSecret())) {
      checkTimes(claims);
    }
    return order(claims);
  }

  private void checkTimes(ObjectNode claims) {
    Instant now = clock.instant();
    Instant exp = numericDate(claims, "exp", true);
    if (exp.plus(LEEWAY).isBefore(now)) {
      throw invalid("order_token expired at " + exp + ".", "order_token.exp");
    }
    if (exp.isAfter(now.plus(settings.checkout().orderTokenMaxLifetime()).plus(LEEWAY))) {
      throw invalid(
          "order_token's exp ("
              + exp
              + ") is further ahead than this shop accepts ("
              + settings.checkout().orderTokenMaxLifetime().toSeconds()
              + " s). exp is in seconds since the epoch, not milliseconds.",
          "order_token.exp");
    }
    Instant notBefore = numericDate(claims, "nbf", false);
    if (notBefore != null && notBefore.isAfter(now.plus(LEEWAY))) {
      throw invalid("order_token is not valid before " + notBefore + ".", "order_token.nbf");
    }
    Instant issuedAt = numericDate(claims, "iat", true);
    if (issuedAt.isAfter(now.plus(LEEWAY))) {
      throw invalid("order_token's iat (" + issuedAt + ") is in the future.", "order_token.iat");
    }
    if (issuedAt.isAfter(exp) || (notBefore != null && notBefore.isAfter(exp))) {
      throw disagree(
          "order_token expires before it was issued or became valid.", "order_token.exp");
    }
  }

  private PricedOrder order(ObjectNode claims) {
    String orderId = Json.text(claims, "order_id");
    if (orderId == null || !ORDER_ID.matcher(orderId).matches()) {
      throw invalid(
          "order_token's order_id must be 1 to 100 printable characters without spaces.",
          "order_token.order_id");
    }
    String currency = Json.text(claims, "currency");
    if (!"CLP".equals(currency) && !"MXN".equals(currency)) {
      throw invalid("order_token's currency must be \"CLP\" or \"MXN\".", "order_token.currency");
    }
    JsonNode amountNode = claims.get("amount");
    if (amountNode == null
        || !amountNode.isIntegralNumber()
        || !amountNode.canConvertToLong()
        || amountNode.asLong() <= 0) {
      throw invalid(
          "order_token's amount must be a positive whole number in the currency's smallest unit"
              + " (CLP: pesos; MXN: centavos).",
          "order_token.amount");
    }
    long amount = amountNode.asLong();
    long max = settings.checkout().maxAmounts().get(currency);
    if (amount > max) {
      throw ApiException.invalid(
          "amount_too_large",
          "order_token's amount is more than "
              + max
              + " "
              + currency
              + ", this shop's limit for one payment.",
          "order_token.amount");
    }
    ArrayNode lineItems =
        claims.hasNonNull("line_items")
            ? lineItems(claims.get("line_items"), currency, amount)
            : null;
    ObjectNode customerData =
        claims.hasNonNull("customer_data")
            ? CheckoutRequestParser.customerData(
                claims.get("customer_data"), "order_token.customer_data")
            : null;
    ObjectNode metadata =
        claims.hasNonNull("metadata")
            ? CheckoutRequestParser.metadata(claims.get("metadata"), "order_token.metadata")
            : null;
    String reference = Json.text(metadata, settings.orderReferenceKey());
    if (reference != null && !reference.equals(orderId)) {
      throw disagree(
          "order_token's metadata."
              + settings.orderReferenceKey()
              + " ("
              + reference
              + ") is not its order_id ("
              + orderId
              + ").",
          "order_token.metadata." + settings.orderReferenceKey());
    }
    return new PricedOrder(
        PricedOrder.SIGNED_ORDER,
        amount,
        currency,
        lineItems,
        orderId,
        customerData,
        metadata,
        // Required even of a sample-key token, whose times are not checked: it still orders tokens.
        numericDate(claims, "iat", true));
  }

  /**
   * Fintoc's line items, each field checked, in the order's currency and adding up to its amount.
   */
  private ArrayNode lineItems(JsonNode node, String currency, long amount) {
    if (!node.isArray() || node.isEmpty() || node.size() > CheckoutRequestParser.MAX_LINE_ITEMS) {
      throw invalid(
          "order_token's line_items must be an array of 1 to "
              + CheckoutRequestParser.MAX_LINE_ITEMS
              + " {quantity, price_data}.",
          "order_token.line_items");
    }
    ArrayNode clean = Json.array();
    long total = 0;
    for (int i = 0; i < node.size(); i++) {
      String at = "order_token.line_items[" + i + "]";
      JsonNode line = node.get(i);
      only(line, LINE_FIELDS, at);
      JsonNode quantity = line.path("quantity");
      if (!quantity.isIntegralNumber()
          || !quantity.canConvertToLong()
          || quantity.asLong() < 1
          || quantity.asLong() > settings.checkout().maxQuantityPerItem()) {
        throw invalid(
            at
                + ".quantity must be a whole number from 1 to "
                + settings.checkout().maxQuantityPerItem()
                + ".",
            at + ".quantity");
      }
      JsonNode priceData = line.path("price_data");
      only(priceData, PRICE_DATA_FIELDS, at + ".price_data");
      JsonNode unitAmount = priceData.path("unit_amount");
      if (!unitAmount.isIntegralNumber()
          || !unitAmount.canConvertToLong()
          || unitAmount.asLong() < 0) {
        throw invalid(
            at + ".price_data.unit_amount must be a whole number, zero or more.",
            at + ".price_data.unit_amount");
      }
      if (!currency.equals(Json.text(priceData, "currency"))) {
        throw disagree(
            at + ".price_data.currency must be the order's currency, " + currency + ".",
            at + ".price_data.currency");
      }
      JsonNode product = priceData.path("product_data");
      only(product, PRODUCT_FIELDS, at + ".price_data.product_data");
      String name = Json.text(product, "name");
      if (name == null || name.isBlank() || name.length() > 200) {
        throw invalid(
            at + ".price_data.product_data.name must be 1 to 200 characters.",
            at + ".price_data.product_data.name");
      }
      String image = product.hasNonNull("image_url") ? Json.text(product, "image_url") : null;
      if (product.hasNonNull("image_url") && (image == null || !image.startsWith("https://"))) {
        throw invalid(
            at + ".price_data.product_data.image_url must use https.",
            at + ".price_data.product_data.image_url");
      }
      try {
        total = Math.addExact(total, Math.multiplyExact(quantity.asLong(), unitAmount.asLong()));
      } catch (ArithmeticException overflow) {
        total = Long.MAX_VALUE;
      }
      ObjectNode cleanProduct = Json.object().put("name", name);
      if (image != null) {
        cleanProduct.put("image_url", image);
      }
      ObjectNode cleanPrice =
          Json.object().put("currency", currency).put("unit_amount", unitAmount.asLong());
      cleanPrice.set("product_data", cleanProduct);
      ObjectNode cleanLine = Json.object().put("quantity", quantity.asLong());
      cleanLine.set("price_data", cleanPrice);
      clean.add(cleanLine);
    }
    if (total != amount) {
      throw disagree(
          "order_token's line_items add up to " + total + " but its amount is " + amount + ".",
          "order_token.line_items");
    }
    return clean;
  }

  private static void only(JsonNode node, Set<String> fields, String at) {
    if (!node.isObject()) {
      throw invalid(at + " must be an object.", at);
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!fields.contains(name)) {
        throw invalid("Unknown field '" + at + "." + name + "'.", at + "." + name);
      }
    }
  }

  /**
   * The key a signed order's claim fingerprint is made with (SessionRequest#fingerprint): derived
   * from the signing secret, so only this deployment can compute it, and never the secret itself.
   */
  String fingerprintKey() {
    return HexFormat.of()
        .formatHex(
            Digests.derivedKey("claim-fingerprint:", secrets.current().orderSigningSecret()));
  }

  /** The key the merchant's backend signs with; its absence means signed orders are off. */
  private byte[] key() {
    String secret = secrets.current().orderSigningSecret();
    if (secret == null) {
      Log.warn("signed_order_refused", "reason", "no order_signing_secret in the secret");
      throw ApiException.invalid(
          "signed_orders_not_enabled",
          "This shop does not take signed orders: send catalog prices in line_items.",
          "order_token");
    }
    byte[] key = secret.getBytes(StandardCharsets.UTF_8);
    if (key.length < MIN_KEY_BYTES) {
      throw new SecretUnavailableException(
          "order_signing_secret is shorter than "
              + MIN_KEY_BYTES
              + " bytes, too short for HS256: make a longer one",
          null);
    }
    return key;
  }

  private static byte[] decode(String part) {
    try {
      return Base64.getUrlDecoder().decode(part);
    } catch (IllegalArgumentException e) {
      throw invalid("order_token is not a JWT (a part is not base64url).", "order_token");
    }
  }

  private static ObjectNode jsonPart(String part, String name) {
    try {
      JsonNode node = Json.parse(new String(decode(part), StandardCharsets.UTF_8));
      if (node.isObject()) {
        return (ObjectNode) node;
      }
    } catch (InvalidJsonException e) {
      // reported below
    }
    throw invalid("order_token's " + name + " is not a JSON object.", "order_token");
  }

  /** A NumericDate claim (seconds since the epoch, possibly with a fraction). */
  private static Instant numericDate(ObjectNode claims, String name, boolean required) {
    JsonNode node = claims.get(name);
    if (node == null || node.isNull()) {
      if (required) {
        throw invalid(
            "order_token needs an " + name + " claim (seconds since the epoch).",
            "order_token." + name);
      }
      return null;
    }
    if (!node.isNumber()) {
      throw invalid(
          "order_token's " + name + " must be a number of seconds since the epoch.",
          "order_token." + name);
    }
    BigDecimal seconds = node.decimalValue();
    if (seconds.signum() < 0
        || seconds.compareTo(BigDecimal.valueOf(Instant.MAX.getEpochSecond())) > 0) {
      throw invalid("order_token's " + name + " is out of range.", "order_token." + name);
    }
    return Instant.ofEpochSecond(seconds.longValue());
  }

  private static ApiException invalid(String message, String param) {
    return ApiException.invalid("invalid_order_token", message, param);
  }

  private static ApiException disagree(String message, String param) {
    return ApiException.invalid("order_token_claims_disagree", message, param);
  }
}
