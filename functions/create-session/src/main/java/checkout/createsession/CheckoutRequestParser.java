package checkout.createsession;

import checkout.catalog.CatalogFile;
import checkout.config.Settings;
import checkout.http.ApiException;
import checkout.http.HttpRequests;
import checkout.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads what the browser sent to {@code POST /checkout-sessions}. The body is public input: anyone
 * can type it. So it may only pick from what the server offers — catalog prices and quantities, or
 * an order the merchant's backend signed — plus the customer's own data, labels and return URLs,
 * each checked field by field, nested fields included. Whatever would decide an amount, a currency
 * or where money goes is refused by name ({@code parameter_not_allowed}); anything else unknown is
 * refused too ({@code unknown_parameter}). Nothing is read or written here: a refused request has
 * changed nothing.
 */
public final class CheckoutRequestParser {
  public static final int MAX_BODY_BYTES = 64 * 1024;
  static final Duration MIN_EXPIRY = Duration.ofMinutes(10);

  /** Fintoc's default; a session open longer only delays the order's answer. */
  static final Duration MAX_EXPIRY = Duration.ofHours(24);

  static final int MAX_LINE_ITEMS = 50;
  static final int MAX_METADATA_KEYS = 20;
  static final int MAX_METADATA_VALUE = 500;
  static final int MAX_ORDER_TOKEN = 8 * 1024;
  private static final Pattern METADATA_KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,40}");

  private static final Set<String> FIELDS =
      Set.of(
          "line_items",
          "order_token",
          "success_url",
          "cancel_url",
          "customer_data",
          "customer_email",
          "metadata",
          "expires_at",
          "payment_method_options",
          "replaces");

  /** Fintoc parameters the browser may not set, and why: each answers a 400 naming it. */
  private static final Map<String, String> NOT_ALLOWED =
      Map.of(
          "amount",
              "the amount is decided on the server: send catalog prices in line_items, or an order_token signed by the shop's backend.",
          "currency",
              "the currency is decided on the server: it comes from the catalog prices or the signed order.",
          "price_data", "prices come from the catalog or the signed order, never from the browser.",
          "payment_method_types", "payment methods come from this shop's configuration.",
          "business_profile", "the business profile comes from this shop's configuration.",
          "customer",
              "an existing Fintoc customer cannot be chosen from the browser; send customer_data.");

  private static final Set<String> LINE_FIELDS = Set.of("price", "quantity");
  private static final Set<String> LINE_PRICE_FIELDS =
      Set.of("price_data", "unit_amount", "amount", "currency", "product_data");
  private static final Set<String> CUSTOMER_FIELDS = Set.of("tax_id", "name", "email", "metadata");
  private static final Set<String> TAX_ID_FIELDS = Set.of("type", "value");
  private static final Set<String> TAX_ID_TYPES = Set.of("cl_rut", "mx_rfc");
  private static final Set<String> REPLACES_FIELDS = Set.of("session_id", "checkout_secret");

  /** Fintoc's ids are letters, digits and underscores ({@code cs_test_…}); bounded for the logs. */
  private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_]{1,100}");

  /**
   * Printable ASCII, bounded: whether it is the right secret is decided later, in constant time.
   */
  private static final Pattern SECRET_SHAPE = Pattern.compile("[\\x21-\\x7e]{1,256}");

  private final Settings settings;

  /** The configured origins, normalised once as request origins are. */
  private final Set<String> allowedRedirectOrigins;

  private final Clock clock;

  public CheckoutRequestParser(Settings settings, Clock clock) {
    this.settings = settings;
    this.allowedRedirectOrigins =
        Set.copyOf(
            settings.checkout().allowedRedirectOrigins().stream()
                .map(CheckoutRequestParser::normalizeOrigin)
                .toList());
    this.clock = clock;
  }

  public CheckoutRequest parse(byte[] body) {
    JsonNode root = HttpRequests.jsonObject(body, MAX_BODY_BYTES);
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (NOT_ALLOWED.containsKey(name)) {
        throw notAllowed(name, name + " cannot be sent: " + NOT_ALLOWED.get(name));
      }
      if (!FIELDS.contains(name)) {
        throw ApiException.invalid("unknown_parameter", "Unknown field '" + name + "'.", name);
      }
    }

    boolean catalog = root.has("line_items");
    boolean signed = root.has("order_token");
    if (catalog && signed) {
      throw ApiException.invalid(
          "conflicting_parameters",
          "Send line_items (catalog prices) or order_token (an order signed by the shop's backend), not both:"
              + " a signed order carries its own line_items.",
          "line_items");
    }
    if (!catalog && !signed) {
      throw ApiException.invalid(
          "missing_parameter",
          "line_items (catalog prices and quantities) or order_token (an order signed by the shop's backend) is required.",
          "line_items");
    }

    ObjectNode customer = Json.object();
    customer.put("success_url", redirectUrl(root.get("success_url"), "success_url"));
    customer.put("cancel_url", redirectUrl(root.get("cancel_url"), "cancel_url"));
    if (present(root, "customer_data")) {
      customer.set("customer_data", customerData(root.get("customer_data"), "customer_data"));
    }
    if (present(root, "customer_email")) {
      customer.put("customer_email", email(root.get("customer_email"), "customer_email"));
    }
    if (present(root, "metadata")) {
      customer.set("metadata", metadata(root.get("metadata"), "metadata"));
    }
    if (present(root, "expires_at")) {
      customer.put("expires_at", expiresAt(root.get("expires_at")));
    }
    String senderInstitution =
        present(root, "payment_method_options")
            ? senderInstitution(root.get("payment_method_options"))
            : null;
    CheckoutRequest.Replaces replaces =
        present(root, "replaces") ? replaces(root.get("replaces")) : null;
    return catalog
        ? new CheckoutRequest(
            cart(root.get("line_items")), null, customer, senderInstitution, replaces)
        : new CheckoutRequest(
            null, orderToken(root.get("order_token")), customer, senderInstitution, replaces);
  }

  /**
   * {@code {"session_id": "cs_…", "checkout_secret": "…"}}, both required, nothing else. Only the
   * shape is checked here; the message never repeats what was sent (the secret is never echoed).
   */
  private static CheckoutRequest.Replaces replaces(JsonNode node) {
    String shape =
        "replaces must be {\"session_id\": \"cs_…\", \"checkout_secret\": \"…\"}, both from the"
            + " answer that opened the checkout it replaces.";
    if (!node.isObject()) {
      throw ApiException.invalid("invalid_replaces", shape, "replaces");
    }
    onlyFields(node, REPLACES_FIELDS, "replaces");
    String sessionId = Json.text(node, "session_id");
    if (!node.path("session_id").isTextual() || !SESSION_ID.matcher(sessionId).matches()) {
      throw ApiException.invalid("invalid_replaces", shape, "replaces.session_id");
    }
    String secret = Json.text(node, "checkout_secret");
    if (!node.path("checkout_secret").isTextual() || !SECRET_SHAPE.matcher(secret).matches()) {
      throw ApiException.invalid("invalid_replaces", shape, "replaces.checkout_secret");
    }
    return new CheckoutRequest.Replaces(sessionId, secret);
  }

  private static boolean present(JsonNode root, String field) {
    return root.hasNonNull(field);
  }

  private static ApiException notAllowed(String param, String message) {
    return ApiException.invalid("parameter_not_allowed", message, param);
  }

  /** Catalog prices and quantities, nothing else: the price of each comes from the catalog. */
  private List<CheckoutRequest.CartLine> cart(JsonNode node) {
    if (node == null || !node.isArray() || node.isEmpty() || node.size() > MAX_LINE_ITEMS) {
      throw ApiException.invalid(
          "invalid_line_items",
          "line_items must be an array of 1 to "
              + MAX_LINE_ITEMS
              + " {\"price\": \"<price id>\", \"quantity\": n}.",
          "line_items");
    }
    List<CheckoutRequest.CartLine> lines = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode line = node.get(i);
      String at = "line_items[" + i + "]";
      if (!line.isObject()) {
        throw ApiException.invalid(
            "invalid_line_items",
            at + " must be {\"price\": \"<price id>\", \"quantity\": n}.",
            at);
      }
      for (Iterator<String> names = line.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (LINE_PRICE_FIELDS.contains(name)) {
          throw notAllowed(
              at + "." + name,
              at
                  + "."
                  + name
                  + " cannot be sent: the price of a line comes from the"
                  + " catalog. Send {\"price\": \"<price id>\", \"quantity\": n}; GET /prices lists them.");
        }
        if (!LINE_FIELDS.contains(name)) {
          throw ApiException.invalid(
              "unknown_parameter", "Unknown field '" + at + "." + name + "'.", at + "." + name);
        }
      }
      String price = Json.text(line, "price");
      if (price == null || !CatalogFile.PRICE_ID.matcher(price).matches()) {
        throw ApiException.invalid(
            "invalid_line_items",
            at + ".price must be a price id from GET /prices.",
            at + ".price");
      }
      Integer earlier = seen.putIfAbsent(price, i);
      if (earlier != null) {
        throw ApiException.invalid(
            "duplicate_price",
            at
                + ".price repeats line_items["
                + earlier
                + "].price ("
                + price
                + "); send one line with the whole quantity.",
            at + ".price");
      }
      JsonNode quantity = line.get("quantity");
      long max = settings.checkout().maxQuantityPerItem();
      if (quantity == null
          || !quantity.isIntegralNumber()
          || !quantity.canConvertToLong()
          || quantity.asLong() < 1
          || quantity.asLong() > max) {
        throw ApiException.invalid(
            "invalid_quantity",
            at + ".quantity must be a whole number from 1 to " + max + ".",
            at + ".quantity");
      }
      lines.add(new CheckoutRequest.CartLine(price, quantity.asLong()));
    }
    return List.copyOf(lines);
  }

  private static String orderToken(JsonNode node) {
    if (!node.isTextual() || node.asText().isEmpty() || node.asText().length() > MAX_ORDER_TOKEN) {
      throw ApiException.invalid(
          "invalid_order_token",
          "order_token must be the JWT the shop's backend signed (a string of at most "
              + MAX_ORDER_TOKEN
              + " characters).",
          "order_token");
    }
    return node.asText();
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
    if (node.isTextual() && node.asText().length() <= 2048) {
      try {
        uri = new URI(node.asText());
      } catch (URISyntaxException e) {
        uri = null;
      }
    }
    if (uri == null || !uri.isAbsolute() || uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw ApiException.invalid(
          "invalid_url", field + " must be an absolute URL (at most 2048 characters).", field);
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    boolean loopback = uri.getHost().equals("localhost") || uri.getHost().equals("127.0.0.1");
    if (!scheme.equals("https") && !(scheme.equals("http") && loopback)) {
      throw ApiException.invalid("invalid_url", field + " must use https.", field);
    }
    String origin =
        normalizeOrigin(
            scheme + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort()));
    if (!allowedRedirectOrigins.contains(origin)) {
      throw ApiException.invalid(
          "redirect_origin_not_allowed",
          field + "'s origin " + origin + " is not in this shop's ALLOWED_REDIRECT_ORIGINS.",
          field);
    }
    return node.asText();
  }

  /**
   * Fintoc's customer_data, field by field: {@code tax_id {type, value}}, {@code name}, {@code
   * email}, {@code metadata}; a tax_id or an email is required. Also used for a signed order's
   * claim ({@code at} names where it came from).
   */
  static ObjectNode customerData(JsonNode node, String at) {
    if (!node.isObject()) {
      throw ApiException.invalid("invalid_customer_data", at + " must be an object.", at);
    }
    onlyFields(node, CUSTOMER_FIELDS, at);
    ObjectNode clean = Json.object();
    JsonNode taxId = node.get("tax_id");
    if (taxId != null && !taxId.isNull()) {
      if (!taxId.isObject()) {
        throw ApiException.invalid(
            "invalid_customer_data", at + ".tax_id must be {\"type\", \"value\"}.", at + ".tax_id");
      }
      onlyFields(taxId, TAX_ID_FIELDS, at + ".tax_id");
      String type = Json.text(taxId, "type");
      String value = Json.text(taxId, "value");
      if (type == null || !TAX_ID_TYPES.contains(type) || !text(value, 20)) {
        throw ApiException.invalid(
            "invalid_customer_data",
            at + ".tax_id needs a type (cl_rut or mx_rfc) and a value of 1 to 20 characters.",
            at + ".tax_id");
      }
      clean.set("tax_id", Json.object().put("type", type).put("value", value));
    }
    if (node.hasNonNull("name")) {
      String name = Json.text(node, "name");
      if (!text(name, 200)) {
        throw ApiException.invalid(
            "invalid_customer_data", at + ".name must be 1 to 200 characters.", at + ".name");
      }
      clean.put("name", name);
    }
    if (node.hasNonNull("email")) {
      clean.put("email", email(node.get("email"), at + ".email"));
    }
    if (node.hasNonNull("metadata")) {
      clean.set("metadata", metadata(node.get("metadata"), at + ".metadata"));
    }
    if (!clean.has("tax_id") && !clean.has("email")) {
      throw ApiException.invalid("invalid_customer_data", at + " needs a tax_id or an email.", at);
    }
    return clean;
  }

  /** Printable text of 1 to {@code max} characters: no control characters, not blank. */
  private static boolean text(String value, int max) {
    return value != null
        && !value.isBlank()
        && value.length() <= max
        && value.chars().noneMatch(Character::isISOControl);
  }

  static String email(JsonNode node, String field) {
    String value = node.isTextual() ? node.asText() : "";
    int at = value.indexOf('@');
    if (value.length() > 254
        || at < 1
        || at != value.lastIndexOf('@')
        || at == value.length() - 1
        || value.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw ApiException.invalid("invalid_email", field + " must be an email address.", field);
    }
    return value;
  }

  /**
   * Labels: a flat map of at most 20 strings, keys of letters, digits and {@code _.:-} up to 40
   * characters, values up to 500. They are shown to Fintoc and the merchant, never trusted.
   */
  static ObjectNode metadata(JsonNode node, String field) {
    if (!node.isObject() || node.size() > MAX_METADATA_KEYS) {
      throw ApiException.invalid(
          "invalid_metadata",
          field + " must be an object of at most " + MAX_METADATA_KEYS + " string values.",
          field);
    }
    ObjectNode clean = Json.object();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String at = field + "." + entry.getKey();
      if (!METADATA_KEY.matcher(entry.getKey()).matches()) {
        throw ApiException.invalid(
            "invalid_metadata", at + ": keys are 1 to 40 letters, digits, or _ . : -", at);
      }
      JsonNode value = entry.getValue();
      if (!value.isTextual()
          || value.asText().length() > MAX_METADATA_VALUE
          || value.asText().chars().anyMatch(Character::isISOControl)) {
        throw ApiException.invalid(
            "invalid_metadata",
            at
                + " must be a string of at most "
                + MAX_METADATA_VALUE
                + " characters (metadata is a flat map of strings).",
            at);
      }
      clean.put(entry.getKey(), value.asText());
    }
    return clean;
  }

  /**
   * The one payment option a customer may choose: their own bank, from the shop's list. Every other
   * option (a recipient account above all) comes from the deployment.
   */
  private String senderInstitution(JsonNode node) {
    String field = "payment_method_options";
    String only =
        "payment_method_options come from this shop's configuration; the customer may only choose"
            + " payment_method_options.payment_intent.sender_account.institution_id.";
    if (!node.isObject()) {
      throw ApiException.invalid(
          "invalid_payment_method_options", field + " must be an object.", field);
    }
    String path = field;
    JsonNode current = node;
    for (String step : List.of("payment_intent", "sender_account", "institution_id")) {
      for (Iterator<String> names = current.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!name.equals(step)) {
          throw notAllowed(path + "." + name, path + "." + name + " cannot be sent: " + only);
        }
      }
      path = path + "." + step;
      current = current.get(step);
      if (current == null || (!step.equals("institution_id") && !current.isObject())) {
        throw ApiException.invalid("invalid_payment_method_options", only, path);
      }
    }
    String institution = current.isTextual() ? current.asText() : null;
    if (institution == null
        || !settings.checkout().allowedSenderInstitutions().contains(institution)) {
      throw ApiException.invalid(
          "sender_institution_not_allowed",
          settings.checkout().allowedSenderInstitutions().isEmpty()
              ? "This shop does not let customers choose their bank here."
              : path
                  + " must be one of "
                  + settings.checkout().allowedSenderInstitutions().stream().sorted().toList()
                  + ".",
          path);
    }
    return institution;
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
      throw ApiException.invalid(
          "invalid_expires_at",
          "expires_at must be an ISO-8601 UTC time, e.g. 2026-01-31T23:59:00Z.",
          "expires_at");
    }
    Instant now = clock.instant();
    if (expiresAt.isBefore(now.plus(MIN_EXPIRY)) || expiresAt.isAfter(now.plus(MAX_EXPIRY))) {
      throw ApiException.invalid(
          "invalid_expires_at",
          "expires_at must be from 10 minutes to 24 hours from now.",
          "expires_at");
    }
    return expiresAt.toString();
  }

  private static void onlyFields(JsonNode node, Set<String> known, String at) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw ApiException.invalid(
            "unknown_parameter", "Unknown field '" + at + "." + name + "'.", at + "." + name);
      }
    }
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
}
