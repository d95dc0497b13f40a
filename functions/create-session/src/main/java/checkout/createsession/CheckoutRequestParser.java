package checkout.createsession;

import checkout.config.Config;
import checkout.config.Settings;
import checkout.http.ApiException;
import checkout.json.InvalidJsonException;
import checkout.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Validates the storefront's create request before anything is sent to Fintoc. Each rule
 * answers 400 with a code and the offending field, so a storefront developer can fix the call
 * from the response alone. Unknown fields are refused rather than silently dropped or
 * forwarded.
 */
public final class CheckoutRequestParser {
  public static final int MAX_BODY_BYTES = 64 * 1024;
  static final Duration MIN_EXPIRY = Duration.ofMinutes(10);
  private static final Set<String> FIELDS = Set.of("amount", "currency", "success_url", "cancel_url",
      "customer_data", "customer_email", "line_items", "metadata", "payment_method_types",
      "payment_method_options", "expires_at");
  private static final Set<String> PAYMENT_METHOD_TYPES = Set.of("bank_transfer", "card");
  private static final Set<String> TAX_ID_TYPES = Set.of("cl_rut", "mx_rfc");

  private final Set<String> allowedOrigins;
  private final Map<String, Long> maxAmounts;
  private final String orderReferenceKey;
  private final Clock clock;

  public CheckoutRequestParser(List<String> allowedOrigins, Map<String, Long> maxAmounts,
      String orderReferenceKey, Clock clock) {
    this.allowedOrigins = Set.copyOf(allowedOrigins.stream().map(CheckoutRequestParser::normalizeOrigin).toList());
    this.maxAmounts = Map.copyOf(maxAmounts);
    this.orderReferenceKey = orderReferenceKey;
    this.clock = clock;
  }

  public static CheckoutRequestParser fromConfig(Config config, Clock clock) {
    return new CheckoutRequestParser(
        config.list(Settings.ALLOWED_REDIRECT_ORIGINS),
        Map.of("CLP", config.longValue(Settings.MAX_AMOUNT_CLP, 10_000_000L),
            "MXN", config.longValue(Settings.MAX_AMOUNT_MXN, 20_000_000L)),
        config.string(Settings.ORDER_REFERENCE_METADATA_KEY, "order_id"),
        clock);
  }

  /** An origin this parser accepts, for SnapStart priming; null when none is configured. */
  String primingOrigin() {
    return allowedOrigins.stream().sorted().findFirst().orElse(null);
  }

  public CheckoutRequest parse(byte[] body) {
    if (body.length > MAX_BODY_BYTES) {
      throw new ApiException(413, "body_too_large",
          "The request body is " + body.length + " bytes; the limit is " + MAX_BODY_BYTES + ".", null);
    }
    JsonNode root;
    try {
      root = Json.parse(new String(body, StandardCharsets.UTF_8));
    } catch (InvalidJsonException e) {
      throw ApiException.invalid("invalid_json", "The request body is not valid JSON: " + e.getMessage(), null);
    }
    if (!root.isObject()) {
      throw ApiException.invalid("invalid_json", "The request body must be a JSON object.", null);
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw ApiException.invalid("unknown_parameter", "Unknown field '" + name + "'.", name);
      }
    }

    ObjectNode params = Json.object();
    String currency = currency(root.get("currency"));
    long amount = amount(root.get("amount"), currency);
    params.put("amount", amount);
    params.put("currency", currency);
    params.put("success_url", redirectUrl(root.get("success_url"), "success_url"));
    params.put("cancel_url", redirectUrl(root.get("cancel_url"), "cancel_url"));
    if (present(root, "customer_data")) {
      params.set("customer_data", customerData(root.get("customer_data")));
    }
    if (present(root, "customer_email")) {
      params.put("customer_email", email(root.get("customer_email"), "customer_email"));
    }
    if (present(root, "line_items")) {
      params.set("line_items", lineItems(root.get("line_items"), currency, amount));
    }
    String orderReference = null;
    if (present(root, "metadata")) {
      ObjectNode metadata = flatStringMap(root.get("metadata"), "metadata");
      params.set("metadata", metadata);
      orderReference = Json.text(metadata, orderReferenceKey);
    }
    if (present(root, "payment_method_types")) {
      params.set("payment_method_types", paymentMethodTypes(root.get("payment_method_types")));
    }
    if (present(root, "payment_method_options")) {
      JsonNode options = root.get("payment_method_options");
      if (!options.isObject()) {
        throw ApiException.invalid("invalid_payment_method_options",
            "payment_method_options must be an object.", "payment_method_options");
      }
      params.set("payment_method_options", options);
    }
    if (present(root, "expires_at")) {
      params.put("expires_at", expiresAt(root.get("expires_at")));
    }
    return new CheckoutRequest(params, sha256(Json.canonical(params)), orderReference);
  }

  private static boolean present(JsonNode root, String field) {
    return root.hasNonNull(field);
  }

  private static String currency(JsonNode node) {
    if (node == null || node.isNull()) {
      throw ApiException.invalid("missing_parameter", "currency is required.", "currency");
    }
    if (!node.isTextual() || !(node.asText().equals("CLP") || node.asText().equals("MXN"))) {
      throw ApiException.invalid("invalid_currency", "currency must be \"CLP\" or \"MXN\".", "currency");
    }
    return node.asText();
  }

  private long amount(JsonNode node, String currency) {
    if (node == null || node.isNull()) {
      throw ApiException.invalid("missing_parameter", "amount is required.", "amount");
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() <= 0) {
      throw ApiException.invalid("invalid_amount",
          "amount must be a positive whole number in the currency's smallest unit"
              + " (CLP: pesos; MXN: centavos).", "amount");
    }
    long max = maxAmounts.get(currency);
    if (node.asLong() > max) {
      throw ApiException.invalid("amount_too_large",
          "amount must not exceed " + max + " " + currency + " for this shop.", "amount");
    }
    return node.asLong();
  }

  /**
   * Only https URLs (or http://localhost / 127.0.0.1 for development) whose origin the merchant
   * listed in ALLOWED_REDIRECT_ORIGINS: Fintoc sends the customer there, so anything else would
   * make us an open redirect.
   */
  private String redirectUrl(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      throw ApiException.invalid("missing_parameter", field + " is required.", field);
    }
    URI uri = null;
    if (node.isTextual()) {
      try {
        uri = new URI(node.asText());
      } catch (URISyntaxException e) {
        uri = null;
      }
    }
    if (uri == null || !uri.isAbsolute() || uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw ApiException.invalid("invalid_url", field + " must be an absolute URL.", field);
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    boolean loopback = uri.getHost().equals("localhost") || uri.getHost().equals("127.0.0.1");
    if (!scheme.equals("https") && !(scheme.equals("http") && loopback)) {
      throw ApiException.invalid("invalid_url", field + " must use https.", field);
    }
    String origin = normalizeOrigin(scheme + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort()));
    if (!allowedOrigins.contains(origin)) {
      throw ApiException.invalid("redirect_origin_not_allowed",
          field + "'s origin " + origin + " is not in this shop's ALLOWED_REDIRECT_ORIGINS.", field);
    }
    return node.asText();
  }

  /** Lower-cased scheme and host, default port dropped, no trailing slash. */
  static String normalizeOrigin(String origin) {
    String value = origin.trim().toLowerCase(Locale.ROOT);
    while (value.endsWith("/")) {
      value = value.substring(0, value.length() - 1);
    }
    if (value.startsWith("https://") && value.endsWith(":443")) {
      value = value.substring(0, value.length() - 4);
    } else if (value.startsWith("http://") && value.endsWith(":80")) {
      value = value.substring(0, value.length() - 3);
    }
    return value;
  }

  private static ObjectNode customerData(JsonNode node) {
    if (!node.isObject()) {
      throw ApiException.invalid("invalid_customer_data", "customer_data must be an object.", "customer_data");
    }
    JsonNode taxId = node.get("tax_id");
    boolean hasEmail = node.hasNonNull("email");
    if ((taxId == null || taxId.isNull()) && !hasEmail) {
      throw ApiException.invalid("invalid_customer_data",
          "customer_data needs a tax_id or an email.", "customer_data");
    }
    if (taxId != null && !taxId.isNull()) {
      String type = Json.text(taxId, "type");
      String value = Json.text(taxId, "value");
      if (type == null || !TAX_ID_TYPES.contains(type) || value == null || value.isBlank()) {
        throw ApiException.invalid("invalid_customer_data",
            "customer_data.tax_id needs a type (cl_rut or mx_rfc) and a value.", "customer_data.tax_id");
      }
    }
    if (hasEmail) {
      email(node.get("email"), "customer_data.email");
    }
    if (node.has("name") && !node.get("name").isTextual()) {
      throw ApiException.invalid("invalid_customer_data", "customer_data.name must be a string.", "customer_data.name");
    }
    if (node.hasNonNull("metadata")) {
      flatStringMap(node.get("metadata"), "customer_data.metadata");
    }
    return (ObjectNode) node;
  }

  private static String email(JsonNode node, String field) {
    String value = node.isTextual() ? node.asText() : "";
    int at = value.indexOf('@');
    if (value.length() > 254 || at < 1 || at != value.lastIndexOf('@') || at == value.length() - 1
        || value.chars().anyMatch(Character::isWhitespace)) {
      throw ApiException.invalid("invalid_email", field + " must be an email address.", field);
    }
    return value;
  }

  private static ArrayNode lineItems(JsonNode node, String currency, long amount) {
    if (!node.isArray() || node.isEmpty()) {
      throw ApiException.invalid("invalid_line_items", "line_items must be a non-empty array.", "line_items");
    }
    long total = 0;
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String at = "line_items[" + i + "]";
      JsonNode quantity = item.get("quantity");
      JsonNode price = item.path("price_data");
      JsonNode unitAmount = price.get("unit_amount");
      if (quantity == null || !quantity.isIntegralNumber() || !quantity.canConvertToLong() || quantity.asLong() <= 0) {
        throw ApiException.invalid("invalid_line_items", at + ".quantity must be a positive whole number.", at + ".quantity");
      }
      if (unitAmount == null || !unitAmount.isIntegralNumber() || !unitAmount.canConvertToLong() || unitAmount.asLong() < 0) {
        throw ApiException.invalid("invalid_line_items",
            at + ".price_data.unit_amount must be a whole number, zero or more.", at + ".price_data.unit_amount");
      }
      if (!currency.equals(Json.text(price, "currency"))) {
        throw ApiException.invalid("line_item_currency_mismatch",
            at + ".price_data.currency must be " + currency + ", the session's currency.", at + ".price_data.currency");
      }
      String name = Json.text(price.path("product_data"), "name");
      if (name == null || name.isBlank()) {
        throw ApiException.invalid("invalid_line_items",
            at + ".price_data.product_data.name is required.", at + ".price_data.product_data.name");
      }
      String image = Json.text(price.path("product_data"), "image_url");
      if (image != null && !image.startsWith("https://")) {
        throw ApiException.invalid("invalid_line_items",
            at + ".price_data.product_data.image_url must use https.", at + ".price_data.product_data.image_url");
      }
      try {
        total = Math.addExact(total, Math.multiplyExact(quantity.asLong(), unitAmount.asLong()));
      } catch (ArithmeticException overflow) {
        total = Long.MAX_VALUE;
      }
    }
    if (total != amount) {
      throw ApiException.invalid("line_items_total_mismatch",
          "line_items add up to " + total + " but amount is " + amount + ".", "line_items");
    }
    return (ArrayNode) node;
  }

  private static ObjectNode flatStringMap(JsonNode node, String field) {
    if (!node.isObject()) {
      throw ApiException.invalid("invalid_metadata", field + " must be an object of string values.", field);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!entry.getValue().isTextual()) {
        throw ApiException.invalid("invalid_metadata",
            field + "." + entry.getKey() + " must be a string (metadata is a flat map of strings).",
            field + "." + entry.getKey());
      }
    }
    return (ObjectNode) node;
  }

  private static ArrayNode paymentMethodTypes(JsonNode node) {
    if (!node.isArray() || node.isEmpty()) {
      throw ApiException.invalid("invalid_payment_method_types",
          "payment_method_types must be a non-empty array.", "payment_method_types");
    }
    Set<String> seen = new HashSet<>();
    for (JsonNode type : node) {
      if (!type.isTextual() || !PAYMENT_METHOD_TYPES.contains(type.asText()) || !seen.add(type.asText())) {
        throw ApiException.invalid("invalid_payment_method_types",
            "payment_method_types may hold \"bank_transfer\" and \"card\", each once.", "payment_method_types");
      }
    }
    return (ArrayNode) node;
  }

  private String expiresAt(JsonNode node) {
    Instant expiresAt = null;
    if (node.isTextual()) {
      try {
        expiresAt = Instant.parse(node.asText());
      } catch (DateTimeParseException e) {
        expiresAt = null;
      }
    }
    if (expiresAt == null) {
      throw ApiException.invalid("invalid_expires_at",
          "expires_at must be an ISO-8601 UTC time, e.g. 2026-01-31T23:59:00Z.", "expires_at");
    }
    if (expiresAt.isBefore(clock.instant().plus(MIN_EXPIRY))) {
      throw ApiException.invalid("invalid_expires_at",
          "expires_at must be at least 10 minutes from now.", "expires_at");
    }
    return expiresAt.toString();
  }

  static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
