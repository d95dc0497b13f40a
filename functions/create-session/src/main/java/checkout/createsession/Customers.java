package checkout.createsession;

import checkout.fintoc.FintocException;
import checkout.json.Json;
import checkout.log.Log;
import checkout.secrets.Digests;
import checkout.secrets.SecretSource;
import checkout.store.CustomerIndex;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Returning customers at Fintoc, who never become an oracle. Fintoc answers 409 to a session whose
 * {@code customer_data.tax_id} is an existing customer's, and wants that customer's id in {@code
 * customer} instead; it offers no search by tax id. So this deployment remembers, per tax id and
 * mode, what Fintoc's answers taught it ({@link CustomerIndex}, keyed by {@link #hash}), and
 * decides what each session asks for:
 *
 * <ul>
 *   <li>A tax id nobody here has seen: {@code customer_data} as sent; the customer id in Fintoc's
 *       answer is learned — vouched when the signed order carried that customer_data.
 *   <li>A signed order whose tax id has a vouched id: {@code customer} (that id) instead.
 *   <li>Any other known tax id — a browser's word, or an id never vouched for, or a customer Fintoc
 *       has whose id we never saw: the session without {@code customer_data}. Nothing a stranger
 *       types changes an existing customer, nor binds the session to one (which would show its
 *       record on Fintoc's page).
 *   <li>Fintoc's 409 to a tax id we sent (a customer made elsewhere, or forgotten here): the same
 *       checkout at once without {@code customer_data}, and the tax id remembered as known.
 * </ul>
 *
 * Wherever customer_data is left out, its email stays as {@code customer_email} (Fintoc writes to
 * it about refunds). The browser's answer is the same on every route; only the server's log says
 * {@code customer_exists_at_fintoc}. Memory is a hint: if it cannot be read or written, the
 * checkout still opens (by the 409 route at worst). See docs/security.md.
 */
final class Customers {
  /** A known customer's memory is extended at most once a day: one write, not one per purchase. */
  static final Duration REFRESH_AFTER = Duration.ofDays(1);

  private final CustomerIndex index;
  private final SecretSource secrets;
  private final Clock clock;

  Customers(CustomerIndex index, SecretSource secrets, Clock clock) {
    this.index = index;
    this.secrets = secrets;
    this.clock = clock;
  }

  /** What a session says about its customer to Fintoc. */
  enum Route {
    /** No tax id: customer_data (if any) as sent. */
    NONE,
    /** A tax id we do not know: customer_data as sent, its customer id to be learned. */
    NEW,
    /** {@code customer}: the vouched id of a signed order's tax id. */
    KNOWN,
    /** Without customer_data: Fintoc has this customer, and it is not ours to name. */
    WITHHELD
  }

  /**
   * One request to Fintoc.
   *
   * @param params the body of {@code POST /v2/checkout_sessions}
   * @param asked the session as the order asked for it (with its customer_data)
   * @param taxId the normalised {@code type:value} sent or withheld, null for {@link Route#NONE}
   * @param vouched the customer_data is the signed order's
   * @param known what was remembered, or null
   * @param existsAtFintoc Fintoc answered 409 to this tax id on an earlier attempt
   */
  record Plan(
      Route route,
      ObjectNode params,
      ObjectNode asked,
      String mode,
      String hash,
      boolean vouched,
      CustomerIndex.Entry known,
      boolean existsAtFintoc) {}

  /** The first request to Fintoc for this session. */
  Plan plan(SessionRequest request) {
    ObjectNode asked = request.fintocParams();
    JsonNode taxId = asked.path("customer_data").path("tax_id");
    String secretKey = taxId.isObject() ? secrets.current().secretKey() : null;
    if (secretKey == null) {
      // Without the key Fintoc's call fails anyway, with the error that says why.
      return new Plan(Route.NONE, asked, asked, null, null, false, null, false);
    }
    String mode = secretKey.startsWith("sk_live_") ? "live" : "test";
    String hash = hash(secretKey, Json.text(taxId, "type"), Json.text(taxId, "value"));
    boolean vouched = request.order().customerData() != null;
    CustomerIndex.Entry known = recall(mode, hash);
    if (known == null) {
      return new Plan(Route.NEW, asked, asked, mode, hash, vouched, null, false);
    }
    if (vouched && known.vouched() && known.customerId() != null) {
      ObjectNode params = withoutCustomerData(asked);
      params.put("customer", known.customerId());
      return new Plan(Route.KNOWN, params, asked, mode, hash, true, known, false);
    }
    return new Plan(
        Route.WITHHELD, withoutCustomerData(asked), asked, mode, hash, vouched, known, false);
  }

  /**
   * The next request after Fintoc refused this one, or null when the refusal is the answer. A 409
   * to a tax id we sent means Fintoc has that customer (its code is not documented: status and
   * request decide, not a string); a {@code customer} id Fintoc says it does not have is forgotten,
   * and the order's customer_data sent instead.
   */
  Plan afterRefusal(Plan plan, FintocException refusal) {
    if (plan.route() == Route.NEW && refusal.status() == 409) {
      bestEffort("remember", () -> index.used(plan.mode(), plan.hash(), clock.instant()));
      return new Plan(
          Route.WITHHELD,
          withoutCustomerData(plan.asked()),
          plan.asked(),
          plan.mode(),
          plan.hash(),
          plan.vouched(),
          plan.known(),
          true);
    }
    if (plan.route() == Route.KNOWN
        && refusal.status() / 100 == 4
        && "customer".equals(refusal.param())) {
      Log.warn("customer_id_refused_by_fintoc", "status", refusal.status());
      bestEffort("forget", () -> index.forget(plan.mode(), plan.hash(), plan.known().customerId()));
      return new Plan(
          Route.NEW,
          plan.asked(),
          plan.asked(),
          plan.mode(),
          plan.hash(),
          plan.vouched(),
          null,
          false);
    }
    return null;
  }

  /** Learns from the session Fintoc made: a new customer's id, or that a known one came back. */
  void made(Plan plan, JsonNode created, String sessionId) {
    Instant now = clock.instant();
    if (plan.existsAtFintoc()) {
      Log.info("customer_exists_at_fintoc", "session_id", sessionId, "mode", plan.mode());
    }
    if (plan.route() == Route.NEW) {
      JsonNode customer = created.path("customer");
      String id = Json.text(customer, "id");
      JsonNode sent = plan.asked().path("customer_data").path("tax_id");
      JsonNode answered = customer.path("tax_id");
      // Only an id Fintoc gave for this very tax id is learned.
      if (id != null
          && Json.text(sent, "type").equals(Json.text(answered, "type"))
          && Json.text(answered, "value") != null
          && normalize(Json.text(sent, "type"), Json.text(sent, "value"))
              .equals(normalize(Json.text(answered, "type"), Json.text(answered, "value")))) {
        bestEffort("learn", () -> index.learn(plan.mode(), plan.hash(), id, plan.vouched(), now));
      }
    } else if (plan.route() != Route.NONE
        && !plan.existsAtFintoc()
        && (plan.known().lastUsedAt() == null
            || plan.known().lastUsedAt().plus(REFRESH_AFTER).isBefore(now))) {
      bestEffort("refresh", () -> index.used(plan.mode(), plan.hash(), now));
    }
  }

  /**
   * A tax id as Fintoc stores it: a RUT without dots or hyphens, uppercase; an RFC uppercase. Only
   * what Fintoc documents: a looser rule could take two of Fintoc's customers for one, a stricter
   * one costs at most a 409.
   */
  static String normalize(String type, String value) {
    String upper = value.strip().toUpperCase(Locale.ROOT);
    return "cl_rut".equals(type) ? upper.replace(".", "").replace("-", "") : upper;
  }

  /**
   * The tax id as the index keys it: HMAC-SHA256, under a key derived from the Fintoc secret key,
   * of {@code type:normalised value}. Without the key nobody can tell which tax id an item is for
   * (a bare hash of a RUT is reversed by trying the few million there are). A new secret key starts
   * a new memory: the old items are never matched again and expire.
   */
  static String hash(String secretKey, String type, String value) {
    return Digests.hmacHex(
        Digests.derivedKey("customer-index:", secretKey), type + ":" + normalize(type, value));
  }

  private CustomerIndex.Entry recall(String mode, String hash) {
    try {
      Optional<CustomerIndex.Entry> known = index.find(mode, hash, clock.instant());
      return known.orElse(null);
    } catch (RuntimeException e) {
      // Unknown then: customer_data is sent, and a 409 still ends well.
      Log.warn("customer_index_unavailable", "operation", "read", "error", e.getClass().getName());
      return null;
    }
  }

  private static void bestEffort(String operation, Runnable write) {
    try {
      write.run();
    } catch (RuntimeException e) {
      Log.warn(
          "customer_index_unavailable", "operation", operation, "error", e.getClass().getName());
    }
  }

  private static ObjectNode withoutCustomerData(ObjectNode asked) {
    ObjectNode params = asked.deepCopy();
    JsonNode data = params.remove("customer_data");
    String email = Json.text(data, "email");
    if (!params.hasNonNull("customer_email") && email != null) {
      params.put("customer_email", email);
    }
    return params;
  }
}
