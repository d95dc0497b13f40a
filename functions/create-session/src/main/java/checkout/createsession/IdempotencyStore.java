package checkout.createsession;

import static checkout.session.Attr.n;
import static checkout.session.Attr.s;

import checkout.session.Attr;
import checkout.session.SessionsTable;
import checkout.session.Storage;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * One item per idempotency key, {@code IDEMPOTENCY#<key>}, so that requests with the same key
 * — retried or racing — produce one Fintoc session and one row.
 *
 * <p>The first request claims the key (a conditional put) and is the only one that calls
 * Fintoc; the others wait for it to complete. A claim carries a lease longer than the function's
 * timeout: if its owner died mid-way, the next request takes the claim over and finishes the
 * work, calling Fintoc with the same idempotency key, which returns the same session.
 */
final class IdempotencyStore {
  /** Longer than CreateSession's timeout (28 s), so a live owner is never overtaken. */
  static final Duration LEASE = Duration.ofSeconds(35);
  /** Fintoc keeps keys for at least 24 h; we remember which session a key made for longer. */
  static final Duration RETENTION = Duration.ofDays(7);

  sealed interface Claim {}

  /** This request owns the key and must create the session, then {@link #complete} or {@link #release}. */
  record Acquired(String token) implements Claim {}

  /** An earlier request with this key created this session. */
  record Completed(String sessionId) implements Claim {}

  /** Another request with this key is creating the session right now. */
  record InProgress() implements Claim {}

  /** The key was used before with a different request. */
  record Mismatch() implements Claim {}

  private final DynamoDbClient dynamo;
  private final String table;

  IdempotencyStore(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  Claim claim(String key, String requestHash, Instant now) {
    String token = UUID.randomUUID().toString();
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(SessionsTable.PK, s(pk(key)));
    item.put("type", s("idempotency"));
    item.put("request_hash", s(requestHash));
    item.put("state", s("pending"));
    item.put("claim_token", s(token));
    item.put("lease_expires_at", n(now.plus(LEASE).toEpochMilli()));
    item.put("created_at", s(now.toString()));
    item.put(SessionsTable.TTL, n(now.plus(RETENTION).getEpochSecond()));
    Map<String, AttributeValue> existing;
    try {
      Storage.call("PutItem idempotency", () -> dynamo.putItem(r -> r
          .tableName(table)
          .item(item)
          .conditionExpression("attribute_not_exists(" + SessionsTable.PK + ")")
          .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
      return new Acquired(token);
    } catch (ConditionalCheckFailedException taken) {
      existing = taken.hasItem() ? taken.item() : read(key);
    }
    if (existing == null || existing.isEmpty()) {
      return new InProgress(); // released between our put and our read: the caller tries again
    }
    if (!requestHash.equals(Attr.string(existing, "request_hash"))) {
      return new Mismatch();
    }
    if ("complete".equals(Attr.string(existing, "state"))) {
      return new Completed(Attr.string(existing, "session_id"));
    }
    if (Attr.number(existing, "lease_expires_at") < now.toEpochMilli()) {
      return takeOver(key, Attr.string(existing, "claim_token"), token, now);
    }
    return new InProgress();
  }

  private Claim takeOver(String key, String staleToken, String token, Instant now) {
    try {
      Storage.call("UpdateItem idempotency takeover", () -> dynamo.updateItem(r -> r
          .tableName(table)
          .key(Map.of(SessionsTable.PK, s(pk(key))))
          .updateExpression("SET claim_token = :token, lease_expires_at = :lease")
          .conditionExpression("claim_token = :stale AND #state = :pending")
          .expressionAttributeNames(Map.of("#state", "state"))
          .expressionAttributeValues(Map.of(
              ":token", s(token),
              ":lease", n(now.plus(LEASE).toEpochMilli()),
              ":stale", s(staleToken),
              ":pending", s("pending")))));
      return new Acquired(token);
    } catch (ConditionalCheckFailedException someoneElse) {
      return new InProgress();
    }
  }

  /** Records the session the key produced; only the claim's owner may. */
  void complete(String key, String token, String sessionId) {
    Storage.call("UpdateItem idempotency complete", () -> dynamo.updateItem(r -> r
        .tableName(table)
        .key(Map.of(SessionsTable.PK, s(pk(key))))
        .updateExpression("SET #state = :complete, session_id = :session REMOVE lease_expires_at")
        .conditionExpression("claim_token = :token")
        .expressionAttributeNames(Map.of("#state", "state"))
        .expressionAttributeValues(Map.of(
            ":complete", s("complete"),
            ":session", s(sessionId),
            ":token", s(token)))));
  }

  /**
   * Gives the key back after a failure, so the caller's retry can run at once instead of
   * waiting for the lease. Best effort: if this fails too, the lease runs out.
   */
  void release(String key, String token) {
    try {
      dynamo.deleteItem(r -> r
          .tableName(table)
          .key(Map.of(SessionsTable.PK, s(pk(key))))
          .conditionExpression("claim_token = :token AND #state = :pending")
          .expressionAttributeNames(Map.of("#state", "state"))
          .expressionAttributeValues(Map.of(":token", s(token), ":pending", s("pending"))));
    } catch (RuntimeException ignored) {
      // the lease expires on its own
    }
  }

  private Map<String, AttributeValue> read(String key) {
    return Storage.call("GetItem idempotency", () -> dynamo.getItem(r -> r
        .tableName(table)
        .key(Map.of(SessionsTable.PK, s(pk(key))))
        .consistentRead(true))).item();
  }

  private static String pk(String key) {
    return SessionsTable.IDEMPOTENCY_PREFIX + key;
  }

  /**
   * SnapStart priming of the conditional put and update this store makes, both conditioned on
   * an item that never exists, so DynamoDB refuses them and nothing is written.
   */
  void prime() {
    Map<String, AttributeValue> key = Map.of(SessionsTable.PK, s(SessionsTable.PRIMING_KEY));
    String never = "attribute_exists(" + SessionsTable.PK + ")";
    try {
      dynamo.putItem(r -> r.tableName(table).item(key).conditionExpression(never));
    } catch (ConditionalCheckFailedException expected) {
      // refused, as intended
    }
    try {
      dynamo.updateItem(r -> r.tableName(table).key(key).conditionExpression(never)
          .updateExpression("SET #state = :state")
          .expressionAttributeNames(Map.of("#state", "state"))
          .expressionAttributeValues(Map.of(":state", s("priming"))));
    } catch (ConditionalCheckFailedException expected) {
      // refused, as intended
    }
  }
}
