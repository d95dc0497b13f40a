package checkout.store;

import static checkout.store.Attr.n;
import static checkout.store.Attr.s;

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
 */
public final class IdempotencyStore {
  /** Longer than CreateSession's timeout (28 s), so a live owner is never overtaken. */
  public static final Duration LEASE = Duration.ofSeconds(35);

  /** Fintoc keeps keys for at least 24 h; we remember which session a scope made for longer. */
  public static final Duration RETENTION = Duration.ofDays(7);

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
   */
  public record Record(
      String state,
      String requestHash,
      String sessionId,
      long leaseExpiresAt,
      long revision,
      String fintocKeyBase,
      long generation) {

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

  public Claim claim(String scope, String requestHash, Instant now) {
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
          ? new Taken(new Record(PENDING, requestHash, null, Long.MAX_VALUE, 0, null, 0))
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
      String scope, Record seen, String requestHash, boolean newGeneration, Instant now) {
    String token = newToken();
    long generation = seen.generation() + (newGeneration ? 1 : 0);
    try {
      Storage.call(
          "UpdateItem idempotency takeover",
          () ->
              dynamo.updateItem(
                  r ->
                      r.tableName(table)
                          .key(key(scope))
                          .updateExpression(
                              "SET #state = :pending, claim_token = :token, lease_expires_at = :lease,"
                                  + " request_hash = :hash, generation = :generation, revision = revision + :one REMOVE session_id")
                          .conditionExpression("revision = :seen")
                          .expressionAttributeNames(Map.of("#state", "state"))
                          .expressionAttributeValues(
                              Map.of(
                                  ":pending", s(PENDING),
                                  ":token", s(token),
                                  ":lease", n(now.plus(LEASE).toEpochMilli()),
                                  ":hash", s(requestHash),
                                  ":generation", n(generation),
                                  ":one", n(1),
                                  ":seen", n(seen.revision())))
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
                                  .expressionAttributeNames(STATE)
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
            .expressionAttributeNames(STATE)
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
                        .expressionAttributeNames(STATE)
                        .expressionAttributeValues(completed(token, session.id()))));
    return false;
  }

  private static final String COMPLETION =
      "SET #state = :complete, session_id = :session, revision = revision + :one"
          + " REMOVE lease_expires_at, claim_token";
  private static final String OWNED = "claim_token = :token";
  private static final Map<String, String> STATE = Map.of("#state", "state");

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
        Attr.number(item, "generation"));
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
