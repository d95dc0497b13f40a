package checkout.store;

import static checkout.store.Attr.n;
import static checkout.store.Attr.s;

import checkout.log.Log;
import checkout.session.CheckoutSession;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * One claim per idempotency scope, {@code IDEMPOTENCY#<scope>} (a hashed Idempotency-Key, or a
 * signed order's hashed order_id), so that requests in one scope — retried or racing — produce one
 * Fintoc session and one row.
 *
 * <p>The first request claims the scope (a conditional put) and is the only one that calls Fintoc;
 * the others wait for it. A claim remembers the request it was made for, and the key we send to
 * Fintoc: made here, random per claim (never the client's key, which Fintoc would share across
 * everything in our organisation), with a generation. The key is kept while the claim lives, so
 * every retry of ours reuses it and Fintoc answers with the same session; a new generation is taken
 * only when a new Fintoc session is wanted. A claim carries a lease longer than the function's
 * timeout: if its owner died mid-way, the next request takes it over and finishes the work with the
 * same key.
 *
 * <p>Every change is conditioned on the {@code revision} it read, so two requests never both take a
 * claim.
 *
 * <p>How long a claim lives is what stops a second payable checkout for one order, so it follows
 * the money, not a fixed number of days: a claim without a session lives {@link #RETENTION} from
 * when it was last taken; once it made a session it has no expiry at all while that session may
 * still take money (open at Fintoc, or a payment without a final answer, which may take more than
 * 10 days); when the session can no longer move money, whoever recorded that sets the claim to go
 * {@link #AFTER_SETTLED} later ({@link #expireAfterSettled}). If that last step is lost, the claim
 * simply stays: the safe direction (docs/reliability.md, "One payable checkout").
 */
public final class IdempotencyStore {
  /** Longer than CreateSession's timeout (28 s), so a live owner is never overtaken. */
  public static final Duration LEASE = Duration.ofSeconds(35);

  /**
   * A claim that has no session taking money (being made, released after a failure) goes this long
   * after it was last taken: longer than Fintoc keeps a key (at least 24 h), so a retry within it
   * still reaches the session Fintoc may have made under it.
   */
  public static final Duration RETENTION = Duration.ofDays(7);

  /**
   * A claim whose session can no longer move money goes this long after that was recorded: longer
   * than Fintoc keeps a key, and longer than any signed order lives (at most a day, {@code
   * ORDER_TOKEN_MAX_LIFETIME_SECONDS}), so no token that could replay the order outlives its claim,
   * nor its {@code iat}.
   */
  public static final Duration AFTER_SETTLED = Duration.ofDays(7);

  public static final String PENDING = "pending";
  public static final String OPEN = "open";
  public static final String COMPLETE = "complete";

  public sealed interface Claim {}

  /**
   * This request owns the scope: it calls Fintoc with {@code fintocKey}, then completes or
   * releases.
   */
  public record Acquired(String token, String fintocKey) implements Claim {}

  /** Somebody made this claim before; what it holds decides what the request does. */
  public record Taken(Record record) implements Claim {}

  /**
   * A claim as stored.
   *
   * @param state {@link #PENDING} (an owner is working), {@link #OPEN} (released after a failure:
   *     nobody is) or {@link #COMPLETE} (it made {@code sessionId})
   * @param leaseExpiresAt epoch milliseconds; a pending claim past it has lost its owner
   * @param orderIssuedAt the {@code iat} (epoch seconds) of the newest signed order accepted in
   *     this scope, or 0
   * @param expiresAt the claim's TTL (epoch seconds), or 0 while it has none
   */
  public record Record(
      String state,
      String requestHash,
      String sessionId,
      long leaseExpiresAt,
      long revision,
      String fintocKeyBase,
      long generation,
      long orderIssuedAt,
      long expiresAt) {

    public boolean ownerGone(Instant now) {
      return OPEN.equals(state) || (PENDING.equals(state) && leaseExpiresAt < now.toEpochMilli());
    }
  }

  private final DynamoDbClient dynamo;
  private final String table;

  public IdempotencyStore(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /**
   * A Fintoc Idempotency-Key for a request no claim covers: used once, by this request's retries.
   */
  public static String oneOffFintocKey() {
    return fintocKey(newKeyBase(), 1);
  }

  /**
   * @param orderIssuedAt a signed order's {@code iat}, or null
   */
  public Claim claim(String scope, String requestHash, Instant orderIssuedAt, Instant now) {
    String token = newToken();
    String base = newKeyBase();
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(SessionsTable.PK, s(pk(scope)));
    item.put("type", s("idempotency"));
    item.put("request_hash", s(requestHash));
    item.put("state", s(PENDING));
    item.put("claim_token", s(token));
    item.put("lease_expires_at", n(now.plus(LEASE).toEpochMilli()));
    item.put("fintoc_key", s(base));
    item.put("generation", n(1));
    item.put("revision", n(1));
    item.put("created_at", s(now.toString()));
    item.put(SessionsTable.TTL, n(now.plus(RETENTION).getEpochSecond()));
    if (orderIssuedAt != null) {
      item.put("order_iat", n(orderIssuedAt.getEpochSecond()));
    }
    try {
      Storage.call(
          "PutItem idempotency",
          () ->
              dynamo.putItem(
                  r ->
                      r.tableName(table)
                          .item(item)
                          .conditionExpression("attribute_not_exists(" + SessionsTable.PK + ")")
                          .returnValuesOnConditionCheckFailure(
                              ReturnValuesOnConditionCheckFailure.ALL_OLD)));
      return new Acquired(token, fintocKey(base, 1));
    } catch (ConditionalCheckFailedException taken) {
      Map<String, AttributeValue> existing = taken.hasItem() ? taken.item() : read(scope);
      // Gone again (its TTL ran out just now): seen as busy, so the caller asks once more.
      return existing == null || existing.isEmpty()
          ? new Taken(new Record(PENDING, requestHash, null, Long.MAX_VALUE, 0, null, 0, 0, 0))
          : new Taken(record(existing));
    }
  }

  /**
   * Takes over a claim as it was seen: its owner is gone, or the session it made ended unpaid. Null
   * when it changed in the meantime (somebody else took it): read again.
   *
   * @param requestHash the request this claim is for from now on
   * @param newGeneration true when Fintoc must be asked for a new session (a new key); false to
   *     repeat the last attempt with its key (Fintoc may have made that session already)
   */
  public Acquired takeOver(
      String scope,
      Record seen,
      String requestHash,
      boolean newGeneration,
      Instant orderIssuedAt,
      Instant now) {
    String token = newToken();
    long generation = seen.generation() + (newGeneration ? 1 : 0);
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":pending", s(PENDING));
    values.put(":token", s(token));
    values.put(":lease", n(now.plus(LEASE).toEpochMilli()));
    values.put(":hash", s(requestHash));
    values.put(":generation", n(generation));
    values.put(":one", n(1));
    values.put(":seen", n(seen.revision()));
    values.put(":ttl", n(now.plus(RETENTION).getEpochSecond()));
    String issued = "";
    if (orderIssuedAt != null) {
      values.put(":iat", n(Math.max(seen.orderIssuedAt(), orderIssuedAt.getEpochSecond())));
      issued = ", order_iat = :iat";
    }
    String update =
        "SET #state = :pending, claim_token = :token, lease_expires_at = :lease,"
            + " request_hash = :hash, generation = :generation, revision = revision + :one,"
            + " #ttl = :ttl"
            + issued
            + " REMOVE session_id";
    try {
      Storage.call(
          "UpdateItem idempotency takeover",
          () ->
              dynamo.updateItem(
                  r ->
                      r.tableName(table)
                          .key(key(scope))
                          .updateExpression(update)
                          .conditionExpression("revision = :seen")
                          .expressionAttributeNames(NAMES)
                          .expressionAttributeValues(values)
                          .returnValues(ReturnValue.NONE)));
      return new Acquired(token, fintocKey(seen.fintocKeyBase(), generation));
    } catch (ConditionalCheckFailedException someoneElse) {
      return null;
    }
  }

  /**
   * The owner asks Fintoc for something else than its key's first request did (an answer to it made
   * the same request useless): the claim moves to the next generation, so the next key is new, and
   * stays the owner's. A takeover after this repeats the new generation's request, not the old
   * one's. Null when the claim is no longer the owner's.
   */
  public Acquired nextGeneration(String scope, String token) {
    try {
      Map<String, AttributeValue> claim =
          Storage.call(
                  "UpdateItem idempotency next generation",
                  () ->
                      dynamo.updateItem(
                          r ->
                              r.tableName(table)
                                  .key(key(scope))
                                  .updateExpression(
                                      "SET generation = generation + :one, revision = revision + :one")
                                  .conditionExpression(OWNED + " AND #state = :pending")
                                  .expressionAttributeNames(Map.of("#state", "state"))
                                  .expressionAttributeValues(
                                      Map.of(
                                          ":one", n(1), ":token", s(token), ":pending", s(PENDING)))
                                  .returnValues(ReturnValue.ALL_NEW)))
              .attributes();
      return new Acquired(
          token, fintocKey(Attr.string(claim, "fintoc_key"), Attr.number(claim, "generation")));
    } catch (ConditionalCheckFailedException notOurs) {
      return null;
    }
  }

  /**
   * Remembers a signed order's {@code iat} as the newest accepted in its scope (a token that only
   * replayed the scope's session, so no claim was taken). Best effort: an older token is refused
   * anyway when its contents differ from the session's, and a later write raises it.
   */
  public void noteIssuedAt(String scope, Instant orderIssuedAt) {
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(key(scope))
                  .updateExpression("SET order_iat = :iat")
                  .conditionExpression(
                      "attribute_exists("
                          + SessionsTable.PK
                          + ") AND"
                          + " (attribute_not_exists(order_iat) OR order_iat < :iat)")
                  .expressionAttributeValues(Map.of(":iat", n(orderIssuedAt.getEpochSecond()))));
    } catch (RuntimeException ignored) {
      // newer already, or the claim is being written: nothing to add
    }
  }

  /**
   * Lets a claim go {@link #AFTER_SETTLED} from now, because the session it made can no longer move
   * money. Only while the claim still holds that session (a later checkout for the order may have
   * taken it over) and only to bring its end nearer from "never". Reads and puts the claim back
   * whole, conditioned on its revision: every writer of a fact is allowed those two calls, and
   * nothing else. Best effort: if it fails, the claim stays, which stops nothing that should pass
   * for longer than the next write that tries again.
   */
  public void expireAfterSettled(String scope, String sessionId, Instant now) {
    try {
      Map<String, AttributeValue> item = read(scope);
      if (item == null || item.isEmpty()) {
        return;
      }
      Record seen = record(item);
      if (!COMPLETE.equals(seen.state())
          || !sessionId.equals(seen.sessionId())
          || seen.expiresAt() != 0) {
        return;
      }
      Map<String, AttributeValue> settled = new HashMap<>(item);
      settled.put(SessionsTable.TTL, n(now.plus(AFTER_SETTLED).getEpochSecond()));
      dynamo.putItem(
          r ->
              r.tableName(table)
                  .item(settled)
                  .conditionExpression("revision = :seen")
                  .expressionAttributeValues(Map.of(":seen", n(seen.revision()))));
    } catch (RuntimeException e) {
      Log.warn(
          "claim_retention_not_shortened",
          "session_id",
          sessionId,
          "reason",
          e.getClass().getSimpleName());
    }
  }

  /**
   * Stores the session the claim produced (only if it is not stored yet) and records it as the
   * claim's, in one transaction: one round trip, and never a session without its claim completed.
   * Only the claim's owner may. Returns false when the session was stored already (an earlier
   * attempt, or a webhook that got there first): then only the claim is completed, and the stored
   * session, newer or equal, stays as it is.
   */
  public boolean completeWith(String scope, String token, CheckoutSession session) {
    Put put =
        Put.builder()
            .tableName(table)
            .item(SessionItems.toItem(session))
            .conditionExpression("attribute_not_exists(" + SessionsTable.PK + ")")
            .build();
    Update complete =
        Update.builder()
            .tableName(table)
            .key(key(scope))
            .updateExpression(COMPLETION)
            .conditionExpression(OWNED)
            .expressionAttributeNames(NAMES)
            .expressionAttributeValues(completed(token, session.id()))
            .build();
    try {
      Storage.call(
          "TransactWriteItems session and claim",
          () ->
              dynamo.transactWriteItems(
                  r ->
                      r.transactItems(
                          TransactWriteItem.builder().put(put).build(),
                          TransactWriteItem.builder().update(complete).build())));
      return true;
    } catch (TransactionCanceledException cancelled) {
      List<CancellationReason> reasons = cancelled.cancellationReasons();
      if (!"ConditionalCheckFailed".equals(reasons.get(0).code())
          || !"None".equals(reasons.get(1).code())) {
        throw new StorageUnavailableException(
            "storing the session and its claim was cancelled: " + reasons, cancelled);
      }
    }
    Storage.call(
        "UpdateItem idempotency complete",
        () ->
            dynamo.updateItem(
                r ->
                    r.tableName(table)
                        .key(key(scope))
                        .updateExpression(COMPLETION)
                        .conditionExpression(OWNED)
                        .expressionAttributeNames(NAMES)
                        .expressionAttributeValues(completed(token, session.id()))));
    return false;
  }

  /** A claim that made a session lives while the session may take money: no TTL from now on. */
  private static final String COMPLETION =
      "SET #state = :complete, session_id = :session, revision = revision + :one"
          + " REMOVE lease_expires_at, claim_token, #ttl";

  private static final String OWNED = "claim_token = :token";
  private static final Map<String, String> NAMES =
      Map.of("#state", "state", "#ttl", SessionsTable.TTL);

  private static Map<String, AttributeValue> completed(String token, String sessionId) {
    return Map.of(
        ":complete", s(COMPLETE), ":session", s(sessionId), ":one", n(1), ":token", s(token));
  }

  /**
   * Gives the claim back after a failure, so the caller's retry can run at once instead of waiting
   * for the lease. The claim stays, with its request: the same key with another order is still
   * refused. Best effort: if this fails too, the lease runs out.
   *
   * @param newGeneration true after a definite answer from Fintoc (it stored that answer under the
   *     key and would replay it); false after no answer (it may have made the session)
   */
  public void release(String scope, String token, boolean newGeneration) {
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(key(scope))
                  .updateExpression(
                      "SET #state = :open, generation = generation + :bump, revision = revision + :one"
                          + " REMOVE lease_expires_at, claim_token")
                  .conditionExpression("claim_token = :token AND #state = :pending")
                  .expressionAttributeNames(Map.of("#state", "state"))
                  .expressionAttributeValues(
                      Map.of(
                          ":token",
                          s(token),
                          ":pending",
                          s(PENDING),
                          ":open",
                          s(OPEN),
                          ":bump",
                          n(newGeneration ? 1 : 0),
                          ":one",
                          n(1))));
    } catch (RuntimeException ignored) {
      // the lease expires on its own
    }
  }

  /**
   * Takes a claim back as if it had never been made: its owner never reached Fintoc (the order
   * could not be priced), so no key needs keeping. Best effort, like {@link #release}.
   */
  public void withdraw(String scope, String token) {
    try {
      dynamo.deleteItem(
          r ->
              r.tableName(table)
                  .key(key(scope))
                  .conditionExpression(OWNED)
                  .expressionAttributeValues(Map.of(":token", s(token))));
    } catch (RuntimeException ignored) {
      // the lease expires on its own
    }
  }

  /**
   * The {@code iat} (epoch seconds) of the newest signed order accepted in {@code scope}, or 0.
   * Consistent: a token refused by it never ends a checkout the claim would keep.
   */
  public long issuedAt(String scope) {
    Map<String, AttributeValue> item = read(scope);
    return item == null || item.isEmpty() ? 0 : Attr.number(item, "order_iat");
  }

  private Map<String, AttributeValue> read(String scope) {
    return Storage.call(
            "GetItem idempotency",
            () -> dynamo.getItem(r -> r.tableName(table).key(key(scope)).consistentRead(true)))
        .item();
  }

  private static Record record(Map<String, AttributeValue> item) {
    AttributeValue lease = item.get("lease_expires_at");
    return new Record(
        Attr.string(item, "state"),
        Attr.string(item, "request_hash"),
        Attr.string(item, "session_id"),
        lease == null ? 0 : Long.parseLong(lease.n()),
        Attr.number(item, "revision"),
        Attr.string(item, "fintoc_key"),
        Attr.number(item, "generation"),
        Attr.number(item, "order_iat"),
        Attr.number(item, SessionsTable.TTL));
  }

  private static Map<String, AttributeValue> key(String scope) {
    return Map.of(SessionsTable.PK, s(pk(scope)));
  }

  private static String pk(String scope) {
    return SessionsTable.IDEMPOTENCY_PREFIX + scope;
  }

  private static String newToken() {
    return UUID.randomUUID().toString();
  }

  /** 128 random bits: unique to this deployment and this claim, and unguessable. */
  private static String newKeyBase() {
    UUID random = UUID.randomUUID();
    return "fcl_"
        + HexFormat.of().toHexDigits(random.getMostSignificantBits())
        + HexFormat.of().toHexDigits(random.getLeastSignificantBits());
  }

  private static String fintocKey(String base, long generation) {
    return base + "_" + generation;
  }
}
