package checkout.local.fintoc;

import checkout.json.Json;
import checkout.local.fintoc.FintocSimulator.FintocError;
import checkout.local.fintoc.FintocSimulator.StoredResponse;
import checkout.local.http.Exchanges;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fintoc's refunds, offline, as {@code ../shared/docs/fintoc.md} ("Refunds") documents them: v1
 * only, also for v2 checkout payments.
 *
 * <ul>
 *   <li>{@code POST /v1/refunds}: {@code resource_type} must be {@code payment_intent}; {@code
 *       resource_id} a succeeded payment of one of the simulator's sessions, in the key's mode;
 *       {@code amount} optional (all that remains when omitted); {@code metadata} optional. No
 *       {@code currency} (the refund takes the payment's): like any other unknown parameter it is a
 *       400 {@code unknown_parameter}. {@code recipient_account} is refused: every payment here is
 *       a bank transfer, whose payer's account Fintoc sees. The refunds of a payment never add up
 *       to more than it; failed and canceled ones free their amount. The Idempotency-Key works as
 *       for sessions: the first answer (errors included) is kept and replayed, other parameters
 *       under the same key are an error. A key check, the sum check and the creation happen under
 *       one lock, so two requests that race cannot both pass.
 *   <li>{@code GET /v1/refunds/{id}}, {@code GET /v1/refunds} (newest first; {@code status}, {@code
 *       since}, {@code until} filter), {@code POST /v1/refunds/{id}/cancel} (only while {@code
 *       pending}).
 * </ul>
 *
 * <p>A refund moves on the simulator's clock: {@code pending} for {@link #pendingFor}, then {@code
 * in_progress} for {@link #inProgressFor}, then {@code succeeded}. It moves when the clock has
 * passed its due time and something looks: a read, a create, a cancel, or {@link #advance()} (the
 * local stack calls it every second; a test calls it after moving its clock). Each transition sends
 * its webhook once ({@code refund.in_progress}, {@code .succeeded}, {@code .failed}, {@code data}
 * the refund as it was then) through the simulator's sender; a cancel sends none, as none was found
 * at Fintoc. {@link Faults} make refunds fail ({@code insufficient_funds} only after {@value
 * #RETRY_BUSINESS_DAYS} business days in progress, as Fintoc retries that long), stay pending, or
 * lose their webhooks; and make the create answer errors, slowly, or not at all.
 *
 * <p>The error codes are the simulator's: Fintoc documents none for refunds, so a caller must go by
 * the status (4xx) and never by a code. Also unconfirmed, and chosen here: a refund short of
 * balance waits out Fintoc's retries {@code in_progress} (not {@code pending}, so not cancelable).
 */
public final class SimulatedRefunds {
  /** Fintoc retries a refund short of balance for this many business days, then fails it. */
  public static final int RETRY_BUSINESS_DAYS = 5;

  private static final Set<String> FIELDS =
      Set.of("resource_type", "resource_id", "amount", "metadata", "recipient_account");
  private static final Set<String> FREED = Set.of("failed", "canceled");
  private static final Pattern ONE = Pattern.compile("/v1/refunds/([^/]+)(/cancel)?");

  private final Clock clock;
  private final Function<String, String> ids;
  private final Supplier<String> mode;
  private final Function<String, SimulatedSession> sessionPaidBy;
  private final Map<String, StoredResponse> idempotency;
  private final Consumer<List<Map.Entry<String, ObjectNode>>> deliver;
  private final Faults faults = new Faults();
  private final List<String> createKeys = new CopyOnWriteArrayList<>();

  /** Every refund, in the order made; guarded by this. */
  private final Map<String, Refund> refunds = new LinkedHashMap<>();

  private volatile Duration pendingFor = Duration.ofSeconds(2);
  private volatile Duration inProgressFor = Duration.ofSeconds(3);

  /**
   * @param mode the key's mode now ({@code test} or {@code live})
   * @param sessionPaidBy the session whose payment is this payment intent id, or null
   * @param idempotency the simulator's stored answers, shared with sessions: a key is the
   *     organisation's, whatever it was used for
   * @param deliver sends the webhooks of a change (subject to the simulator's own webhook faults)
   */
  SimulatedRefunds(
      Clock clock,
      Function<String, String> ids,
      Supplier<String> mode,
      Function<String, SimulatedSession> sessionPaidBy,
      Map<String, StoredResponse> idempotency,
      Consumer<List<Map.Entry<String, ObjectNode>>> deliver) {
    this.clock = clock;
    this.ids = ids;
    this.mode = mode;
    this.sessionPaidBy = sessionPaidBy;
    this.idempotency = idempotency;
    this.deliver = deliver;
  }

  /** One refund; changed only while holding the {@link SimulatedRefunds} lock. */
  private static final class Refund {
    final String id;
    final String mode;
    final String paymentIntentId;
    final long amount;
    final String currency;
    final ObjectNode metadata;
    final Instant createdAt;

    /** The failure code it will end with; null: it succeeds. */
    final String failWith;

    String status = "pending";
    String failureCode;
    Instant updatedAt;

    /** When it moves on next; null once final, or while held pending. */
    Instant dueAt;

    Refund(
        String id,
        String mode,
        String paymentIntentId,
        long amount,
        String currency,
        ObjectNode metadata,
        Instant createdAt,
        String failWith) {
      this.id = id;
      this.mode = mode;
      this.paymentIntentId = paymentIntentId;
      this.amount = amount;
      this.currency = currency;
      this.metadata = metadata;
      this.createdAt = createdAt;
      this.updatedAt = createdAt;
      this.failWith = failWith;
    }

    ObjectNode toJson() {
      ObjectNode refund =
          Json.object()
              .put("id", id)
              .put("object", "refund")
              .put("amount", amount)
              .put("currency", currency)
              .put("status", status)
              .put("failure_code", failureCode)
              .put("resource_id", paymentIntentId)
              .put("resource_type", "payment_intent");
      refund.set("metadata", metadata.deepCopy());
      return refund
          .put("mode", mode)
          .put("created_at", createdAt.toString())
          .put("updated_at", updatedAt.toString());
    }
  }

  // ---- for tests and the local stack ---------------------------------------------------------

  public Faults faults() {
    return faults;
  }

  /**
   * How long a refund stays {@code pending}, then {@code in_progress} (a succeeding one, or one
   * failing with anything but {@code insufficient_funds}). Seconds by default, so the local stack
   * shows the whole flow; Fintoc takes longer.
   */
  public void timing(Duration pendingFor, Duration inProgressFor) {
    this.pendingFor = pendingFor;
    this.inProgressFor = inProgressFor;
  }

  public Duration pendingFor() {
    return pendingFor;
  }

  public Duration inProgressFor() {
    return inProgressFor;
  }

  /**
   * Moves every refund whose due time the clock has passed, sending each transition's webhook.
   *
   * @return how many transitions happened
   */
  public int advance() {
    List<Map.Entry<String, ObjectNode>> events = new ArrayList<>();
    synchronized (this) {
      Instant now = clock.instant();
      refunds.values().forEach(refund -> moveOn(refund, now, events));
    }
    send(events);
    return events.size();
  }

  /** The refund as Fintoc holds it now (moved on the clock first), or null. */
  public ObjectNode refund(String id) {
    advance();
    synchronized (this) {
      Refund refund = refunds.get(id);
      return refund == null ? null : refund.toJson();
    }
  }

  /** Every refund it made, as Fintoc holds it now, oldest first. */
  public synchronized List<ObjectNode> all() {
    return refunds.values().stream().map(Refund::toJson).toList();
  }

  /** How many refunds it made (replayed answers excluded). */
  public synchronized int created() {
    return refunds.size();
  }

  /** The Idempotency-Key of each create request, in the order they arrived (replays included). */
  public List<String> createKeys() {
    return List.copyOf(createKeys);
  }

  /** Forgets every refund and fault; the timing is the default again. */
  synchronized void reset() {
    refunds.clear();
    createKeys.clear();
    faults.clear();
    pendingFor = Duration.ofSeconds(2);
    inProgressFor = Duration.ofSeconds(3);
  }

  // ---- the API --------------------------------------------------------------------------------

  /** A {@code /v1/…} request, authenticated already. */
  void handle(HttpExchange exchange, String method, String path) throws IOException, FintocError {
    Matcher one = ONE.matcher(path);
    if (path.equals("/v1/refunds") && method.equals("POST")) {
      create(exchange);
    } else if (path.equals("/v1/refunds") && method.equals("GET")) {
      Exchanges.json(exchange, 200, Json.write(list(exchange.getRequestURI().getRawQuery())));
    } else if (one.matches() && one.group(2) == null && method.equals("GET")) {
      advance();
      String body;
      synchronized (this) {
        body = Json.write(find(one.group(1)).toJson());
      }
      Exchanges.json(exchange, 200, body);
    } else if (one.matches() && one.group(2) != null && method.equals("POST")) {
      Exchanges.json(exchange, 200, Json.write(cancel(one.group(1))));
    } else {
      throw FintocError.unknownRoute(method, path);
    }
  }

  private void create(HttpExchange exchange) throws IOException, FintocError {
    String raw = new String(Exchanges.body(exchange), StandardCharsets.UTF_8);
    String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
    createKeys.add(String.valueOf(key));
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
    // The route is part of what a key answered: the same key on a session is another request.
    String canonical = "POST /v1/refunds " + Json.canonical(params);
    advance();
    Faults.Create fault = Faults.NORMAL;
    StoredResponse answer;
    synchronized (this) {
      StoredResponse stored = key == null ? null : idempotency.get(key);
      if (stored != null && !stored.request().equals(canonical)) {
        throw FintocError.invalid(
            "idempotency_key_reused",
            "This Idempotency-Key was used with different parameters",
            null);
      }
      if (stored != null) {
        exchange.getResponseHeaders().set("Idempotent-Replayed", "true");
        answer = stored;
      } else {
        fault = faults.nextCreate();
        if (fault.status() != 0) {
          answer = answer(canonical, simulatedFailure(fault.status()));
        } else {
          try {
            Refund refund = newRefund(params);
            refunds.put(refund.id, refund);
            System.out.printf(
                "[fintoc] refund %s of %s: %d %s%n",
                refund.id, refund.paymentIntentId, refund.amount, refund.currency);
            answer = new StoredResponse(canonical, 201, Json.write(refund.toJson()));
          } catch (FintocError e) {
            answer = answer(canonical, e);
          }
        }
        // Fintoc stores the first response for a key, errors included, and replays it.
        if (key != null) {
          idempotency.putIfAbsent(key, answer);
        }
      }
    }
    if (fault.dropConnection()) {
      System.out.println("[fintoc] connection dropped after the refund (simulated fault)");
      exchange.close();
      return;
    }
    if (!fault.delay().isZero()) {
      FintocSimulator.sleep(fault.delay());
    }
    Exchanges.json(exchange, answer.status(), answer.body());
  }

  private static StoredResponse answer(String request, FintocError error) {
    return new StoredResponse(request, error.status, FintocSimulator.errorBody(error));
  }

  private static FintocError simulatedFailure(int status) {
    return new FintocError(
        status,
        status == 429 ? "rate_limit_error" : "api_error",
        status == 429 ? "rate_limit_exceeded" : "internal_error",
        "Simulated failure",
        null);
  }

  /** A refund of a succeeded payment, within what remains of it; the caller holds the lock. */
  private Refund newRefund(JsonNode params) throws FintocError {
    if (!params.isObject()) {
      throw FintocError.invalid("invalid_json", "The request body must be a JSON object", null);
    }
    if (params.has("recipient_account")) {
      throw FintocError.invalid(
          "recipient_account_not_allowed",
          "recipient_account is only for payments whose payer's account Fintoc cannot see;"
              + " this payment was a bank transfer",
          "recipient_account");
    }
    for (var names = params.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw FintocError.invalid("unknown_parameter", "Received unknown parameter: " + name, name);
      }
    }
    JsonNode type = params.path("resource_type");
    if (!type.isTextual()) {
      throw FintocError.invalid(
          "missing_parameter", "resource_type is required: payment_intent", "resource_type");
    }
    if (!type.asText().equals("payment_intent")) {
      throw FintocError.invalid(
          "invalid_resource_type", "resource_type must be payment_intent", "resource_type");
    }
    JsonNode resourceId = params.path("resource_id");
    if (!resourceId.isTextual() || resourceId.asText().isBlank()) {
      throw FintocError.invalid(
          "missing_parameter", "resource_id is required: a payment intent's id", "resource_id");
    }
    String paymentIntentId = resourceId.asText();
    SimulatedSession session = sessionPaidBy.apply(paymentIntentId);
    String mode = this.mode.get();
    if (session == null || !session.mode.equals(mode)) {
      throw FintocError.invalid(
          "resource_missing", "No such payment intent: " + paymentIntentId, "resource_id");
    }
    String paymentStatus = session.statusOfPayment(paymentIntentId);
    if (!"succeeded".equals(paymentStatus)) {
      throw FintocError.invalid(
          "invalid_resource_status",
          "Only a succeeded payment intent can be refunded; this one is " + paymentStatus,
          "resource_id");
    }
    FintocSimulator.checkMetadata(params);
    JsonNode metadata = params.path("metadata");
    JsonNode amount = params.path("amount");
    if (!amount.isMissingNode()
        && (!amount.isIntegralNumber() || !amount.canConvertToLong() || amount.asLong() <= 0)) {
      throw FintocError.invalid(
          "invalid_amount",
          "amount must be a positive integer in the currency's smallest unit",
          "amount");
    }
    long taken = 0;
    for (Refund refund : refunds.values()) {
      if (refund.paymentIntentId.equals(paymentIntentId) && !FREED.contains(refund.status)) {
        taken += refund.amount;
      }
    }
    long remaining = session.amount - taken;
    long wanted = amount.isMissingNode() ? remaining : amount.asLong();
    if (wanted <= 0 || wanted > remaining) {
      throw FintocError.invalid(
          "amount_exceeds_refundable",
          "The sum of all refunds for a resource cannot exceed the resource's amount: "
              + remaining
              + " of "
              + session.amount
              + " remain",
          "amount");
    }
    Faults.Fate fate = faults.nextFate();
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Refund refund =
        new Refund(
            ids.apply("ref_" + mode),
            mode,
            paymentIntentId,
            wanted,
            session.currency,
            metadata.isObject() ? (ObjectNode) metadata.deepCopy() : Json.object(),
            now,
            fate.failWith());
    refund.dueAt = fate.heldPending() ? null : now.plus(pendingFor);
    return refund;
  }

  /** Only while pending; answers the refund canceled. No webhook: Fintoc sends none for it. */
  private ObjectNode cancel(String id) throws FintocError {
    advance();
    synchronized (this) {
      Refund refund = find(id);
      if (!refund.status.equals("pending")) {
        throw FintocError.invalid(
            "invalid_status",
            "Only a pending refund can be canceled; this one is " + refund.status,
            "id");
      }
      refund.status = "canceled";
      refund.updatedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      refund.dueAt = null;
      System.out.printf("[fintoc] refund %s canceled%n", refund.id);
      return refund.toJson();
    }
  }

  /** The key's mode's refund {@code id}; the caller holds the lock. */
  private Refund find(String id) throws FintocError {
    Refund refund = refunds.get(id);
    if (refund == null || !refund.mode.equals(mode.get())) {
      throw new FintocError(
          404, "invalid_request_error", "resource_missing", "No such refund: " + id, "id");
    }
    return refund;
  }

  /** The key's mode's refunds, newest first, filtered by status and created_at (both bounds in). */
  private ArrayNode list(String rawQuery) throws FintocError {
    Map<String, String> query = Exchanges.form(rawQuery);
    Instant since = time(query, "since");
    Instant until = time(query, "until");
    String status = query.get("status");
    advance();
    ArrayNode all = Json.array();
    synchronized (this) {
      List<Refund> newestFirst = new ArrayList<>(refunds.values());
      // Made in order, so the reverse of it is newest first, also among equal created_at.
      Collections.reverse(newestFirst);
      for (Refund refund : newestFirst) {
        if (refund.mode.equals(mode.get())
            && (status == null || refund.status.equals(status))
            && (since == null || !refund.createdAt.isBefore(since))
            && (until == null || !refund.createdAt.isAfter(until))) {
          all.add(refund.toJson());
        }
      }
    }
    return all;
  }

  private static Instant time(Map<String, String> query, String name) throws FintocError {
    String value = query.get(name);
    try {
      return value == null ? null : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw FintocError.invalid("invalid_" + name, name + " must be an ISO 8601 UTC time", name);
    }
  }

  // ---- moving on the clock --------------------------------------------------------------------

  /** Every transition whose time has come, each with its event; the caller holds the lock. */
  private void moveOn(Refund refund, Instant now, List<Map.Entry<String, ObjectNode>> events) {
    while (refund.dueAt != null && !now.isBefore(refund.dueAt)) {
      Instant at = refund.dueAt;
      refund.updatedAt = at;
      if (refund.status.equals("pending")) {
        refund.status = "in_progress";
        // Short of balance, Fintoc keeps trying for days before it gives up.
        refund.dueAt =
            "insufficient_funds".equals(refund.failWith)
                ? plusBusinessDays(at, RETRY_BUSINESS_DAYS)
                : at.plus(inProgressFor);
      } else {
        refund.status = refund.failWith == null ? "succeeded" : "failed";
        refund.failureCode = refund.failWith;
        refund.dueAt = null;
      }
      events.add(Map.entry("refund." + refund.status, refund.toJson()));
      System.out.printf("[fintoc] refund %s %s%n", refund.id, refund.status);
    }
  }

  /** Weekdays only (UTC; no holidays): what "business days" means here. */
  static Instant plusBusinessDays(Instant from, int days) {
    ZonedDateTime at = from.atZone(ZoneOffset.UTC);
    for (int added = 0; added < days; ) {
      at = at.plusDays(1);
      if (at.getDayOfWeek() != DayOfWeek.SATURDAY && at.getDayOfWeek() != DayOfWeek.SUNDAY) {
        added++;
      }
    }
    return at.toInstant();
  }

  /** Outside the lock: the sender only queues, but nothing slow should ever run under it. */
  private void send(List<Map.Entry<String, ObjectNode>> events) {
    List<Map.Entry<String, ObjectNode>> kept = new ArrayList<>();
    for (Map.Entry<String, ObjectNode> event : events) {
      if (faults.loseWebhook()) {
        System.out.printf(
            "[fintoc] webhook %s of %s lost (simulated)%n",
            event.getKey(), Json.text(event.getValue(), "id"));
      } else {
        kept.add(event);
      }
    }
    if (!kept.isEmpty()) {
      deliver.accept(kept);
    }
  }

  /**
   * What Fintoc's refunds do wrong or slowly, on demand: each fault applies to the next refunds (or
   * creates, or webhooks), then they behave again.
   */
  public static final class Faults {
    /** What the next create does: answer this status (0: as normal), after a delay, or drop. */
    record Create(int status, Duration delay, boolean dropConnection) {}

    static final Create NORMAL = new Create(0, Duration.ZERO, false);

    /** How a refund just made will end: failing with this code (null: succeeds), or held. */
    record Fate(String failWith, boolean heldPending) {}

    private final List<Create> creates = new ArrayList<>();
    private final List<Fate> fates = new ArrayList<>();
    private int lostWebhooks;

    /**
     * The next {@code times} creates answer {@code status} (500, 503, 429 …) and make nothing; the
     * answer is kept under their key and replayed, as Fintoc keeps errors.
     */
    public synchronized Faults failCreates(int times, int status) {
      for (int i = 0; i < times; i++) {
        creates.add(new Create(status, Duration.ZERO, false));
      }
      return this;
    }

    /** The next {@code times} creates make the refund, then answer after {@code delay}. */
    public synchronized Faults slowCreates(int times, Duration delay) {
      for (int i = 0; i < times; i++) {
        creates.add(new Create(0, delay, false));
      }
      return this;
    }

    /** The next {@code times} creates make the refund, then drop the connection unanswered. */
    public synchronized Faults resetAfterCreating(int times) {
      for (int i = 0; i < times; i++) {
        creates.add(new Create(0, Duration.ZERO, true));
      }
      return this;
    }

    /**
     * The next {@code times} refunds made fail with {@code failureCode} ({@code insufficient_funds}
     * or {@code fraud_risk}): {@code insufficient_funds} only after {@value #RETRY_BUSINESS_DAYS}
     * business days in progress, as Fintoc retries; any other at the time a refund would have
     * succeeded.
     */
    public synchronized Faults failRefunds(int times, String failureCode) {
      for (int i = 0; i < times; i++) {
        fates.add(new Fate(failureCode, false));
      }
      return this;
    }

    /** The next {@code times} refunds made stay pending (cancelable) until canceled. */
    public synchronized Faults holdPending(int times) {
      for (int i = 0; i < times; i++) {
        fates.add(new Fate(null, true));
      }
      return this;
    }

    /** The next {@code times} refund webhooks are lost (the sweeper must find what they said). */
    public synchronized Faults loseWebhooks(int times) {
      lostWebhooks += times;
      return this;
    }

    synchronized void clear() {
      creates.clear();
      fates.clear();
      lostWebhooks = 0;
    }

    synchronized Create nextCreate() {
      return creates.isEmpty() ? NORMAL : creates.remove(0);
    }

    synchronized Fate nextFate() {
      return fates.isEmpty() ? new Fate(null, false) : fates.remove(0);
    }

    synchronized boolean loseWebhook() {
      if (lostWebhooks > 0) {
        lostWebhooks--;
        return true;
      }
      return false;
    }
  }
}
