package checkout.createsession;

import checkout.config.Config;
import checkout.config.ConfigException;
import checkout.config.Settings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What this deployment decides about a checkout, read once at init: where the customer may be
 * sent back to, the largest amount and quantity, how long a signed order may live, and every
 * Fintoc parameter that routes or presents money (payment methods, their options, the business
 * profile) — those come from here and never from the browser. A bad value stops the function
 * at init with the variable's name.
 *
 * @param paymentMethodTypes sent to Fintoc as they are; empty: not sent (Fintoc's default)
 * @param paymentMethodOptions sent to Fintoc as they are (null: not sent); the customer's bank,
 *     when allowed, is added under {@code payment_intent.sender_account.institution_id}
 * @param businessProfile sent to Fintoc as it is (null: not sent)
 * @param allowedSenderInstitutions the banks a customer may pick; empty: the choice is refused
 */
public record CreateSessionSettings(
    String table,
    Set<String> allowedRedirectOrigins,
    Map<String, Long> maxAmounts,
    long maxQuantityPerItem,
    Duration orderTokenMaxLifetime,
    String orderReferenceKey,
    List<String> paymentMethodTypes,
    ObjectNode paymentMethodOptions,
    ObjectNode businessProfile,
    Set<String> allowedSenderInstitutions) {

  public static final String DEFAULT_ORDER_REFERENCE_KEY = "order_id";
  private static final Set<String> PAYMENT_METHOD_TYPES = Set.of("bank_transfer", "card");

  public static CreateSessionSettings fromConfig(Config config) {
    List<String> methods = config.list(Settings.PAYMENT_METHOD_TYPES);
    for (String method : methods) {
      if (!PAYMENT_METHOD_TYPES.contains(method)) {
        throw new ConfigException(Settings.PAYMENT_METHOD_TYPES + " may hold bank_transfer and card, got '" + method + "'");
      }
    }
    ObjectNode options = config.jsonObject(Settings.PAYMENT_METHOD_OPTIONS).orElse(null);
    JsonNode presetSender = options == null ? null : options.path("payment_intent").get("sender_account");
    if (presetSender != null) {
      throw new ConfigException(Settings.PAYMENT_METHOD_OPTIONS + " must not set payment_intent.sender_account:"
          + " the customer's own bank is theirs to pick, from " + Settings.ALLOWED_SENDER_INSTITUTIONS);
    }
    return new CreateSessionSettings(
        config.required(Settings.SESSIONS_TABLE),
        Set.copyOf(config.list(Settings.ALLOWED_REDIRECT_ORIGINS).stream().map(CreateSessionSettings::normalizeOrigin).toList()),
        Map.of("CLP", positive(config, Settings.MAX_AMOUNT_CLP, 10_000_000L),
            "MXN", positive(config, Settings.MAX_AMOUNT_MXN, 20_000_000L)),
        positive(config, Settings.MAX_QUANTITY_PER_ITEM, 100),
        Duration.ofSeconds(positive(config, Settings.ORDER_TOKEN_MAX_LIFETIME_SECONDS, 3_600)),
        config.string(Settings.ORDER_REFERENCE_METADATA_KEY, DEFAULT_ORDER_REFERENCE_KEY),
        List.copyOf(methods),
        options,
        config.jsonObject(Settings.BUSINESS_PROFILE).orElse(null),
        Set.copyOf(config.list(Settings.ALLOWED_SENDER_INSTITUTIONS)));
  }

  private static long positive(Config config, String name, long defaultValue) {
    long value = config.longValue(name, defaultValue);
    if (value <= 0) {
      throw new ConfigException(name + " must be a positive whole number, got " + value);
    }
    return value;
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
