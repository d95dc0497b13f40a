package checkout.local.fintoc;

import checkout.json.Json;
import checkout.local.http.Exchanges;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fintoc's Checkout Sessions API and hosted checkout page, offline: the one Fintoc fake, for the
 * local stack and for the tests. The API validates as Fintoc does, answers Fintoc's error body,
 * checks the raw-key Authorization header, and keeps the first answer to an Idempotency-Key —
 * errors included, as Fintoc does — replaying it for the same parameters and refusing other ones.
 * The hosted page is where a person (or a test) picks an outcome; each outcome changes the session
 * as Fintoc would and delivers the events Fintoc would send, signed.
 *
 * <p>It can also misbehave the ways Fintoc can ({@link Faults}): answer errors (kept under the key
 * and replayed), answer slowly, drop the connection after creating, lose webhooks; and leave a
 * payment in {@code created}, {@code in_progress} or a status we do not know.
 *
 * <p>Sessions whose expires_at passes expire when next read, without an event (a missed webhook is
 * what the ExpirySweeper is for), and so does a payment they left unfinished.
 *
 * <p>Customers, as Fintoc's guide documents them, per mode (the key's: {@code sk_live_} is live,
 * any other test): a session's {@code customer_data} makes a new Customer ({@code cus_…}), unless
 * its tax_id (compared as Fintoc stores it: a RUT without dots or hyphens, uppercase) is an
 * existing customer's — then the answer is {@code 409 customer_already_exists}, no session is made
 * and the customer is not changed; like every answer, the 409 is kept under the Idempotency-Key and
 * replayed. {@code customer_data} with only an email always makes a new customer. {@code customer}
 * (an id) reuses one; with {@code customer_data} too it is {@code 400 conflicting_parameters}, and
 * an id this mode does not have is {@code 400 resource_missing} with {@code param: "customer"}
 * (Fintoc does not document which status; 400 is what its Stripe-like errors give for a missing
 * object named in the body, 404 being for the URL's own object). Sessions, their events and their
 * GET embed the customer object ({@code id, name, email, tax_id}), null when none. Customers made
 * outside the stack (the dashboard, another integration): {@link #addCustomer}, or Fintoc's own
 * {@code POST /v2/customers} and {@code GET /v2/customers/{id}} (no Idempotency-Key on those).
 *
 * <p>Refunds ({@code /v1/refunds}) of its sessions' succeeded payments: {@link SimulatedRefunds}.
 */
public final class FintocSimulator {
  /** Payment outcomes a person can choose on the hosted page (final or not). */
  public static final Set<String> PAYMENT_OUTCOMES =
      Set.of("succeeded", "failed", "rejected", "pending", "requires_action", "processing");

  /** Leaving the page mid-way: the payment stays in this status and nothing is sent. */
  public static final Set<String> LEAVE_OUTCOMES = Set.of("created", "in_progress");

  private static final Set<String> FINAL_PAYMENT =
      Set.of("succeeded", "failed", "rejected", "expired");
  private static final Set<String> FIELDS =
      Set.of(
          "amount",
          "currency",
          "success_url",
          "cancel_url",
          "customer_data",
          "customer",
          "customer_email",
          "line_items",
          "metadata",
          "payment_method_types",
          "payment_method_options",
          "business_profile",
          "expires_at");
  private static final Pattern SESSION_PATH =
      Pattern.compile("/v2/checkout_sessions/([^/]+)(/expire)?");
  private static final Pattern PAGE_PATH = Pattern.compile("/checkout/([^/]+)/?");
  private static final Pattern CUSTOMER_PATH = Pattern.compile("/v2/customers/([^/]+)");
  private static final String DOC_URL = "https://docs.fintoc.com/reference/errors";

  private final URI baseUrl;
  private final String pageBase;
  private final Clock clock;
  private final Function<String, String> ids;
  private final WebhookSender webhooks;
  private final Map<String, SimulatedSession> sessions = new ConcurrentHashMap<>();
  private final Map<String, StoredResponse> idempotency = new ConcurrentHashMap<>();
  private final Faults faults = new Faults();
  private final List<String> createKeys = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> retrievals = new ConcurrentHashMap<>();
  private final SimulatedRefunds refunds;

  /**
   * Customers by id; and by {@link SimulatedCustomer#taxKey}, changed only under this map's lock.
   */
  private final Map<String, SimulatedCustomer> customers = new ConcurrentHashMap<>();

  private final Map<String, String> customerByTaxId = new HashMap<>();
  private volatile String secretKey;

  /** The first answer to an Idempotency-Key, and the request it answered (canonical JSON). */
  record StoredResponse(String request, int status, String body) {}

  /** Thrown while handling a request; becomes Fintoc's error body. */
  static final class FintocError extends Exception {
    final int status;
    final String type;
    final String code;
    final String param;

    FintocError(int status, String type, String code, String message, String param) {
      super(message, null, false, false);
      this.status = status;
      this.type = type;
      this.code = code;
      this.param = param;
    }

    static FintocError unknownRoute(String method, String path) {
      return new FintocError(
          404,
          "invalid_request_error",
          "resource_missing",
          "Unknown route " + method + " " + path,
          null);
    }

    static FintocError invalid(String code, String message, String param) {
      return new FintocError(400, "invalid_request_error", code, message, param);
    }
  }

  /**
   * @param baseUrl where this simulator is reached; the hosted page's redirect_url is under it
   * @param ids makes a new id for a prefix ({@code cs_test}, {@code pi_test}, {@code evt_test})
   * @param webhooks where events go; null sends none (an API-only fake)
   */
  public FintocSimulator(
      String secretKey,
      URI baseUrl,
      Clock clock,
      Function<String, String> ids,
      WebhookSender webhooks) {
    this(secretKey, baseUrl, baseUrl.resolve("/checkout/").toString(), clock, ids, webhooks);
  }

  /**
   * @param pageBase what a session's redirect_url starts with (the id follows)
   */
  public FintocSimulator(
      String secretKey,
      URI baseUrl,
      String pageBase,
      Clock clock,
      Function<String, String> ids,
      WebhookSender webhooks) {
    this.secretKey = secretKey;
    this.baseUrl = baseUrl;
    this.pageBase = pageBase;
    this.clock = clock;
    this.ids = ids;
    this.webhooks = webhooks;
    this.refunds =
        new SimulatedRefunds(
            clock, ids, this::mode, this::sessionPaidBy, idempotency, e -> deliver(e, false));
  }

  public WebhookSender webhooks() {
    return webhooks;
  }

  public Faults faults() {
    return faults;
  }

  /**
   * Its refunds ({@code /v1/refunds}): to look at them, move them on the clock, and their faults.
   */
  public SimulatedRefunds refunds() {
    return refunds;
  }

  /** From now on only this key is accepted (as after rotating the key at Fintoc). */
  public void acceptOnlyKey(String key) {
    this.secretKey = key;
  }

  /** Forgets every session, stored answer and fault (tests start each case from nothing). */
  public void reset(String key) {
    sessions.clear();
    idempotency.clear();
    createKeys.clear();
    retrievals.clear();
    faults.clear();
    refunds.reset();
    synchronized (customerByTaxId) {
      customers.clear();
      customerByTaxId.clear();
    }
    secretKey = key;
  }

  /**
   * Makes a customer outside the stack, as Fintoc's dashboard or another integration would, and
   * returns its id. A tax_id this mode already has is refused, as Fintoc refuses it.
   *
   * @param mode {@code test} or {@code live}
   * @param taxIdType {@code cl_rut} or {@code mx_rfc}
   */
  public String addCustomer(
      String mode, String taxIdType, String taxIdValue, String name, String email) {
    try {
      return register(mode, taxIdType, taxIdValue, name, email, null).id();
    } catch (FintocError exists) {
      throw new IllegalStateException(exists.getMessage());
    }
  }

  /** The customer object as Fintoc holds it now, or null. */
  public ObjectNode customer(String id) {
    SimulatedCustomer customer = customers.get(id);
    return customer == null ? null : customer.toJson();
  }

  /** How many customers it holds, of every mode. */
  public int customerCount() {
    return customers.size();
  }

  /** The mode the key in use works in: {@code sk_live_} keys are live, any other test. */
  private String mode() {
    return secretKey.startsWith("sk_live_") ? "live" : "test";
  }

  /** The session whose payment is {@code paymentIntentId}, or null. */
  private SimulatedSession sessionPaidBy(String paymentIntentId) {
    for (SimulatedSession session : sessions.values()) {
      if (session.statusOfPayment(paymentIntentId) != null) {
        return session;
      }
    }
    return null;
  }

  /** A new customer, unless its tax_id is taken in this mode (409, nothing changes). */
  private SimulatedCustomer register(
      String mode,
      String taxIdType,
      String taxIdValue,
      String name,
      String email,
      JsonNode metadata)
      throws FintocError {
    synchronized (customerByTaxId) {
      String taxKey =
          taxIdType == null ? null : SimulatedCustomer.taxKey(mode, taxIdType, taxIdValue);
      if (taxKey != null && customerByTaxId.containsKey(taxKey)) {
        throw new FintocError(
            409,
            "invalid_request_error",
            "customer_already_exists",
            "A customer with this tax_id already exists",
            "customer_data.tax_id");
      }
      UUID random = UUID.randomUUID();
      String id =
          "cus_"
              + HexFormat.of().toHexDigits(random.getMostSignificantBits())
              + HexFormat.of().toHexDigits(random.getLeastSignificantBits()).substring(5);
      SimulatedCustomer customer =
          new SimulatedCustomer(
              id,
              mode,
              name,
              email,
              taxIdType,
              taxIdType == null ? null : SimulatedCustomer.normalize(taxIdType, taxIdValue),
              metadata);
      customers.put(id, customer);
      if (taxKey != null) {
        customerByTaxId.put(taxKey, id);
      }
      return customer;
    }
  }

  /** The Idempotency-Key of each create request, in the order they arrived (replays included). */
  public List<String> createKeys() {
    return List.copyOf(createKeys);
  }

  /** How many times each session was asked for ({@code GET /v2/checkout_sessions/{id}}). */
  public Map<String, Integer> retrievalsBySession() {
    return Map.copyOf(retrievals);
  }

  /** How many sessions it created (replayed answers excluded). */
  public int sessionsCreated() {
    return sessions.size();
  }

  /**
   * From now on it reports this session in this state (and, when given, its payment intent and that
   * payment's status), as after the customer acted on the hosted page: 15 000 CLP, created a day
   * ago, expiring in an hour (so an open one stays open until the clock moves).
   */
  public void hold(String id, String status, String paymentIntentId, String paymentStatus) {
    ObjectNode params =
        Json.object()
            .put("amount", 15000)
            .put("currency", "CLP")
            .put("success_url", "https://shop.example.com/paid")
            .put("cancel_url", "https://shop.example.com/cart");
    Instant now = clock.instant();
    SimulatedSession session =
        new SimulatedSession(
            id,
            params,
            now.minus(Duration.ofDays(1)),
            now.plus(Duration.ofHours(1)),
            pageBase + id);
    session.status = status;
    session.paymentIntentId = paymentIntentId;
    session.paymentStatus = paymentStatus;
    sessions.put(id, session);
  }

  /**
   * Another payment on a held session, of the session's amount (a customer who paid twice): it can
   * be refunded like the session's own.
   */
  public void holdOtherPayment(String sessionId, String paymentIntentId, String paymentStatus) {
    sessions.get(sessionId).otherPayments.put(paymentIntentId, paymentStatus);
  }

  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    Matcher page = PAGE_PATH.matcher(path);
    if (page.matches()) {
      hostedPage(exchange, page.group(1));
      return;
    }
    try {
      if (!path.startsWith("/v2/") && !path.startsWith("/v1/")) {
        throw FintocError.unknownRoute(method, path);
      }
      if (!secretKey.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        throw new FintocError(
            401, "authentication_error", "invalid_api_key", "Invalid API Key provided", null);
      }
      Matcher one = SESSION_PATH.matcher(path);
      if (path.startsWith("/v1/")) {
        // Refunds are v1 only, also for v2 checkout payments; v1 has nothing else here.
        refunds.handle(exchange, method, path);
      } else if (path.equals("/v2/checkout_sessions") && method.equals("POST")) {
        create(exchange);
      } else if (path.equals("/v2/checkout_sessions") && method.equals("GET")) {
        Exchanges.json(exchange, 200, Json.write(list()));
      } else if (one.matches() && one.group(2) == null && method.equals("GET")) {
        retrievals.merge(one.group(1), 1, Integer::sum);
        Duration delay = faults.retrievalDelay();
        if (!delay.isZero()) {
          sleep(delay);
        }
        faults.beforeRetrieval(one.group(1));
        Exchanges.json(exchange, 200, Json.write(find(one.group(1)).toJson()));
      } else if (one.matches() && one.group(2) != null && method.equals("POST")) {
        Exchanges.json(exchange, 200, Json.write(expire(one.group(1))));
      } else if (path.equals("/v2/customers") && method.equals("POST")) {
        Exchanges.json(exchange, 201, Json.write(createCustomer(exchange).toJson()));
      } else if (CUSTOMER_PATH.matcher(path).matches() && method.equals("GET")) {
        Matcher customer = CUSTOMER_PATH.matcher(path);
        customer.matches();
        SimulatedCustomer found = customers.get(customer.group(1));
        if (found == null || !found.mode().equals(mode())) {
          throw new FintocError(
              404,
              "invalid_request_error",
              "resource_missing",
              "No such customer: " + customer.group(1),
              "id");
        }
        Exchanges.json(exchange, 200, Json.write(found.toJson()));
      } else {
        throw FintocError.unknownRoute(method, path);
      }
    } catch (FintocError e) {
      Exchanges.json(exchange, e.status, errorBody(e));
    }
  }

  static String errorBody(FintocError e) {
    ObjectNode error =
        Json.object()
            .put("type", e.type)
            .put("code", e.code)
            .put("message", e.getMessage())
            .put("param", e.param)
            .put("doc_url", DOC_URL);
    ObjectNode body = Json.object();
    body.set("error", error);
    return Json.write(body);
  }

  private void create(HttpExchange exchange) throws IOException, FintocError {
    String raw = new String(Exchanges.body(exchange), StandardCharsets.UTF_8);
    String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
    createKeys.add(String.valueOf(key));
    faults.beforeCreate();
    if (key != null && key.length() > 255) {
      throw FintocError.invalid(
          "invalid_idempotency_key", "Idempotency-Key must be at most 255 characters", null);
    }
    JsonNode params;
    try {
      params = Json.parse(raw);
    } catch (RuntimeException e) {
      throw FintocError.invalid("invalid_json", "The request body is not valid JSON", null);
    }
    String canonical = Json.canonical(params);
    if (key != null) {
      StoredResponse stored = idempotency.get(key);
      if (stored != null) {
        if (!stored.request().equals(canonical)) {
          throw FintocError.invalid(
              "idempotency_key_reused",
              "This Idempotency-Key was used with different parameters",
              null);
        }
        exchange.getResponseHeaders().set("Idempotent-Replayed", "true");
        Exchanges.json(exchange, stored.status(), stored.body());
        return;
      }
    }
    Faults.Create fault = faults.nextCreate();
    int status;
    String body;
    if (fault.error() != null) {
      status = fault.error().status;
      body = errorBody(fault.error());
    } else {
      try {
        SimulatedSession session = newSession(params);
        sessions.put(session.id, session);
        System.out.printf(
            "[fintoc] created %s: %d %s → %s%n",
            session.id, session.amount, session.currency, session.redirectUrl());
        status = 201;
        body = Json.write(session.toJson());
      } catch (FintocError e) {
        status = e.status;
        body = errorBody(e);
      }
    }
    // Fintoc stores the first response for a key, errors included, and replays it.
    if (key != null) {
      StoredResponse first =
          idempotency.putIfAbsent(key, new StoredResponse(canonical, status, body));
      if (first != null) {
        status = first.status();
        body = first.body();
      }
    }
    if (fault.dropConnection()) {
      // Made (and stored) but never answered: the client cannot know whether it exists.
      System.out.println("[fintoc] connection dropped after creating (simulated fault)");
      exchange.close();
      return;
    }
    if (!fault.delay().isZero()) {
      sleep(fault.delay());
    }
    Exchanges.json(exchange, status, body);
  }

  private SimulatedSession newSession(JsonNode params) throws FintocError {
    if (!params.isObject()) {
      throw FintocError.invalid("invalid_json", "The request body must be a JSON object", null);
    }
    var names = params.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw FintocError.invalid("unknown_parameter", "Received unknown parameter: " + name, name);
      }
    }
    JsonNode amount = params.get("amount");
    if (amount == null || !amount.isIntegralNumber() || amount.asLong() <= 0) {
      throw FintocError.invalid(
          "invalid_amount",
          "amount must be a positive integer in the currency's smallest unit",
          "amount");
    }
    String currency = params.path("currency").asText("");
    if (!currency.equals("CLP") && !currency.equals("MXN")) {
      throw FintocError.invalid("invalid_currency", "currency must be CLP or MXN", "currency");
    }
    for (String url : List.of("success_url", "cancel_url")) {
      String value = params.path(url).asText("");
      if (!value.startsWith("https://") && !value.startsWith("http://")) {
        throw FintocError.invalid(
            value.isEmpty() ? "missing_parameter" : "invalid_url",
            url + " must be an absolute http(s) URL",
            url);
      }
    }
    JsonNode customerData = params.path("customer_data");
    JsonNode customerId = params.path("customer");
    if (!customerData.isMissingNode() && !customerId.isMissingNode()) {
      throw FintocError.invalid(
          "conflicting_parameters",
          "Send customer (an existing customer's id) or customer_data, not both",
          "customer");
    }
    if (!customerData.isMissingNode()) {
      customerFields(customerData, "customer_data");
    }
    if (!customerId.isMissingNode() && !customerId.isTextual()) {
      throw FintocError.invalid("invalid_customer", "customer must be a customer id", "customer");
    }
    checkMetadata(params);
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant expiresAt = now.plus(Duration.ofHours(24));
    if (params.hasNonNull("expires_at")) {
      try {
        expiresAt = Instant.parse(params.get("expires_at").asText());
      } catch (DateTimeParseException e) {
        throw FintocError.invalid(
            "invalid_expires_at", "expires_at must be an ISO 8601 UTC time", "expires_at");
      }
      if (expiresAt.isBefore(now.plus(Duration.ofMinutes(10)))) {
        throw FintocError.invalid(
            "invalid_expires_at", "expires_at must be at least 10 minutes from now", "expires_at");
      }
    }
    // Last, once nothing else can refuse the session: a customer is made only with its session.
    SimulatedCustomer customer = null;
    if (customerId.isTextual()) {
      customer = customers.get(customerId.asText());
      if (customer == null || !customer.mode().equals(mode())) {
        throw FintocError.invalid(
            "resource_missing", "No such customer: " + customerId.asText(), "customer");
      }
    } else if (!customerData.isMissingNode()) {
      customer = newCustomer(customerData);
    }
    String id = ids.apply("cs_test");
    return new SimulatedSession(
        id, (ObjectNode) params, now, expiresAt, pageBase + id, customer, mode());
  }

  /** {@code customer_data}, or the body of {@code POST /v2/customers}: a tax_id or an email. */
  private static void customerFields(JsonNode data, String at) throws FintocError {
    if (!data.isObject() || (!data.hasNonNull("tax_id") && !data.hasNonNull("email"))) {
      throw FintocError.invalid("invalid_customer_data", at + " needs a tax_id or an email", at);
    }
    JsonNode taxId = data.path("tax_id");
    if (data.hasNonNull("tax_id")
        && (!Set.of("cl_rut", "mx_rfc").contains(taxId.path("type").asText(""))
            || taxId.path("value").asText("").isBlank())) {
      throw FintocError.invalid(
          "invalid_customer_data",
          at + ".tax_id needs a type (cl_rut or mx_rfc) and a value",
          at + ".tax_id");
    }
  }

  private SimulatedCustomer newCustomer(JsonNode data) throws FintocError {
    JsonNode taxId = data.path("tax_id");
    boolean hasTaxId = data.hasNonNull("tax_id");
    return register(
        mode(),
        hasTaxId ? taxId.path("type").asText() : null,
        hasTaxId ? taxId.path("value").asText() : null,
        data.path("name").asText(null),
        data.path("email").asText(null),
        data.get("metadata"));
  }

  /** {@code POST /v2/customers}: as a session's customer_data would, 409 for a known tax_id. */
  private SimulatedCustomer createCustomer(HttpExchange exchange) throws IOException, FintocError {
    JsonNode data;
    try {
      data = Json.parse(new String(Exchanges.body(exchange), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw FintocError.invalid("invalid_json", "The request body is not valid JSON", null);
    }
    customerFields(data, "customer");
    SimulatedCustomer customer = newCustomer(data);
    System.out.printf("[fintoc] customer %s made outside the stack%n", customer.id());
    return customer;
  }

  private SimulatedSession find(String id) throws FintocError {
    SimulatedSession session = sessions.get(id);
    if (session == null) {
      throw new FintocError(
          404,
          "invalid_request_error",
          "resource_missing",
          "No such checkout session: " + id,
          "id");
    }
    session.expireIfDue(clock.instant());
    return session;
  }

  /**
   * Fintoc's {@code metadata}, where a request may carry one: an object of string values (for
   * refunds Fintoc says only "an object"; checked the same, so what passes here passes there).
   */
  static void checkMetadata(JsonNode params) throws FintocError {
    JsonNode metadata = params.path("metadata");
    if (metadata.isMissingNode()) {
      return;
    }
    boolean strings = metadata.isObject();
    for (var values = metadata.elements(); strings && values.hasNext(); ) {
      strings = values.next().isTextual();
    }
    if (!strings) {
      throw FintocError.invalid(
          "invalid_metadata", "metadata must be an object of string values", "metadata");
    }
  }

  private JsonNode list() {
    var all = Json.array();
    sessions.values().stream()
        .sorted(Comparator.comparing((SimulatedSession s) -> s.createdAt).reversed())
        .forEach(
            s -> {
              s.expireIfDue(clock.instant());
              all.add(s.toJson());
            });
    return all;
  }

  private ObjectNode expire(String id) throws FintocError {
    SimulatedSession session = find(id);
    synchronized (session) {
      if (!session.status.equals("created")) {
        throw FintocError.invalid(
            "invalid_status",
            "Only a session in status created can be expired; this one is " + session.status,
            "id");
      }
      deliver(session.expireNow(), false);
      return session.toJson();
    }
  }

  private ObjectNode event(String type, ObjectNode data) {
    ObjectNode event =
        Json.object()
            .put("id", ids.apply("evt_test"))
            .put("object", "event")
            .put("type", type)
            .put("mode", data.path("mode").asText("test"))
            .put("created_at", clock.instant().toString());
    event.set("data", data);
    return event;
  }

  /** The events of a change, each with the object as it is now. */
  private static List<Map.Entry<String, ObjectNode>> now(
      SimulatedSession session, String... types) {
    List<Map.Entry<String, ObjectNode>> events = new ArrayList<>();
    for (String type : types) {
      events.add(
          Map.entry(
              type,
              type.startsWith("payment_intent.") ? session.paymentIntent() : session.toJson()));
    }
    return events;
  }

  /** Sends the events a change made, unless the change is quiet (or its webhooks are lost). */
  private void deliver(List<Map.Entry<String, ObjectNode>> changes, boolean quiet) {
    List<ObjectNode> events = new ArrayList<>();
    changes.forEach(change -> events.add(event(change.getKey(), change.getValue())));
    if (webhooks == null || events.isEmpty()) {
      return;
    }
    if (quiet || faults.loseWebhooks()) {
      events.forEach(
          e ->
              System.out.printf(
                  "[fintoc] webhook %s %s lost (simulated)%n",
                  Json.text(e, "type"), Json.text(e, "id")));
      return;
    }
    webhooks.deliver(events);
  }

  static void sleep(Duration delay) {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- the hosted checkout page -------------------------------------------------------------

  private void hostedPage(HttpExchange exchange, String id) throws IOException {
    SimulatedSession session = sessions.get(id);
    if (session == null) {
      Exchanges.send(
          exchange,
          404,
          "text/html; charset=utf-8",
          HostedPage.message("No such checkout session").getBytes(StandardCharsets.UTF_8));
      return;
    }
    session.expireIfDue(clock.instant());
    if (exchange.getRequestMethod().equals("POST")) {
      Map<String, String> form =
          Exchanges.form(new String(Exchanges.body(exchange), StandardCharsets.UTF_8));
      String outcome = form.getOrDefault("outcome", "");
      String problem = choose(session, outcome, "lose".equals(form.get("webhooks")));
      if (problem != null) {
        Exchanges.send(
            exchange,
            409,
            "text/html; charset=utf-8",
            HostedPage.render(session, problem).getBytes(StandardCharsets.UTF_8));
        return;
      }
      boolean leaves =
          outcome.equals("cancel") || outcome.equals("expire") || LEAVE_OUTCOMES.contains(outcome);
      Exchanges.redirect(exchange, leaves ? session.cancelUrl() : session.successUrl());
      return;
    }
    Exchanges.send(
        exchange,
        200,
        "text/html; charset=utf-8",
        HostedPage.render(session, null).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Applies a person's choice; returns why it cannot be applied, or null.
   *
   * @param quiet the change happens but its webhooks are lost (the sweeper must find it)
   */
  String choose(SimulatedSession session, String outcome, boolean quiet) {
    synchronized (session) {
      boolean open = session.status.equals("created") || session.status.equals("in_progress");
      String paymentStatus = session.paymentStatus;
      if (outcome.equals("cancel")) {
        return open ? null : "This checkout is " + session.status + "; there is nothing to cancel.";
      }
      if (outcome.equals("expire")) {
        if (!open) {
          return "Only a checkout nobody has paid yet can expire; this one is "
              + session.status
              + ".";
        }
        deliver(session.expireNow(), quiet);
        return null;
      }
      if (LEAVE_OUTCOMES.contains(outcome)) {
        if (!open) {
          return "This checkout is " + session.status + "; it cannot be left mid-way now.";
        }
        session.status = "in_progress";
        session.startPayment(ids, outcome);
        return null;
      }
      if (!PAYMENT_OUTCOMES.contains(outcome)) {
        return "Unknown outcome '" + outcome + "'.";
      }
      if (open) {
        session.startPayment(ids, outcome);
        session.status = "finished";
        deliver(now(session, "payment_intent." + outcome, "checkout_session.finished"), quiet);
        return null;
      }
      if (session.status.equals("finished")
          && paymentStatus != null
          && !FINAL_PAYMENT.contains(paymentStatus)) {
        // A payment that is not final settles (or moves) later: only its own event follows.
        session.paymentStatus = outcome;
        deliver(now(session, "payment_intent." + outcome), quiet);
        return null;
      }
      return "This checkout is "
          + session.status
          + (paymentStatus == null ? "" : " with a " + paymentStatus + " payment")
          + "; it cannot change now.";
    }
  }

  /**
   * What Fintoc does wrong now and then, on demand: each fault applies to the next calls, then the
   * simulator behaves again.
   */
  public static final class Faults {
    /**
     * What the next create does: answer this error (null: as normal), after a delay, or drop the
     * connection.
     */
    record Create(FintocError error, Duration delay, boolean dropConnection) {}

    private final List<Create> creates = new ArrayList<>();
    private int rateLimitedCreates;
    private int failedRetrievals;
    private int retrievalStatus;
    private final Map<String, Integer> failingSessions = new HashMap<>();
    private volatile Duration retrievalDelay = Duration.ZERO;
    private volatile double webhookLossRate;
    private final Random random = new Random(7);

    /**
     * The next {@code times} creates answer {@code status} (500, 503, 429 …), kept under their key.
     */
    public Faults failCreates(int times, int status) {
      return failCreates(
          times,
          status,
          status == 429 ? "rate_limit_error" : "api_error",
          status == 429 ? "rate_limit_exceeded" : "internal_error",
          "Simulated failure",
          null);
    }

    /**
     * The next {@code times} creates are refused with this error, in Fintoc's error body, and the
     * refusal is kept under their key (a 400 for a bad parameter, a 409 conflict …).
     */
    public synchronized Faults failCreates(
        int times, int status, String type, String code, String message, String param) {
      for (int i = 0; i < times; i++) {
        creates.add(
            new Create(new FintocError(status, type, code, message, param), Duration.ZERO, false));
      }
      return this;
    }

    /**
     * The next {@code times} creates meet the rate limiter: 429 before the Idempotency-Key is
     * looked at, so nothing is kept under the key and a retry with it can succeed. (Fintoc's docs
     * say errors are kept; whether a 429 is, they do not say. {@link #failCreates(int, int)} with
     * 429 is the other answer; the client must end well with both.)
     */
    public synchronized Faults rateLimitCreates(int times) {
      rateLimitedCreates += times;
      return this;
    }

    /** The next {@code times} creates make the session, then answer after {@code delay}. */
    public synchronized Faults slowCreates(int times, Duration delay) {
      for (int i = 0; i < times; i++) {
        creates.add(new Create(null, delay, false));
      }
      return this;
    }

    /** The next {@code times} creates make the session, then drop the connection unanswered. */
    public synchronized Faults resetAfterCreating(int times) {
      for (int i = 0; i < times; i++) {
        creates.add(new Create(null, Duration.ZERO, true));
      }
      return this;
    }

    /** The next {@code times} retrievals answer {@code status}. */
    public synchronized Faults failRetrievals(int times, int status) {
      failedRetrievals = times;
      retrievalStatus = status;
      return this;
    }

    /**
     * From now on every retrieval of this session answers {@code status} (a 500 that does not pass,
     * for one session while the others answer).
     */
    public synchronized Faults failRetrievalsOf(String sessionId, int status) {
      failingSessions.put(sessionId, status);
      return this;
    }

    /**
     * From now on every retrieval answers after {@code delay} (a slow Fintoc), each request on its
     * own: slow answers in parallel, as a real server's.
     */
    public Faults slowRetrievals(Duration delay) {
      retrievalDelay = delay;
      return this;
    }

    /** From now on this share of webhook deliveries is lost (0 to 1). */
    public Faults loseWebhooks(double rate) {
      webhookLossRate = rate;
      return this;
    }

    public synchronized void clear() {
      creates.clear();
      rateLimitedCreates = 0;
      failedRetrievals = 0;
      failingSessions.clear();
      retrievalDelay = Duration.ZERO;
      webhookLossRate = 0;
    }

    synchronized Create nextCreate() {
      return creates.isEmpty() ? new Create(null, Duration.ZERO, false) : creates.remove(0);
    }

    synchronized void beforeCreate() throws FintocError {
      if (rateLimitedCreates > 0) {
        rateLimitedCreates--;
        throw new FintocError(
            429, "rate_limit_error", "rate_limit_exceeded", "Too many requests", null);
      }
    }

    Duration retrievalDelay() {
      return retrievalDelay;
    }

    synchronized void beforeRetrieval(String sessionId) throws FintocError {
      Integer failing = failingSessions.get(sessionId);
      if (failing == null && failedRetrievals > 0) {
        failedRetrievals--;
        failing = retrievalStatus;
      }
      if (failing != null) {
        throw new FintocError(
            failing,
            failing == 429 ? "rate_limit_error" : "api_error",
            failing == 429 ? "rate_limit_exceeded" : "internal_error",
            "Simulated failure",
            null);
      }
    }

    synchronized boolean loseWebhooks() {
      return webhookLossRate > 0 && random.nextDouble() < webhookLossRate;
    }
  }
}
