package checkout.store;

import static checkout.store.Attr.n;
import static checkout.store.Attr.s;

import checkout.session.CheckoutSession;
import checkout.session.PaymentRecord;
import checkout.session.PaymentStatus;
import checkout.session.SessionRules;
import checkout.session.StoredRefund;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Checkout sessions in DynamoDB, through the low-level client and attribute maps (no reflection
 * mapping: it costs cold-start time and hides the conditions that keep money safe).
 */
public final class SessionRepository {
  private final DynamoDbClient dynamo;
  private final String table;

  public SessionRepository(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /** The idempotency claims in the same table (the claim that made a session is one of them). */
  public IdempotencyStore claims() {
    return new IdempotencyStore(dynamo, table);
  }

  /**
   * Strongly consistent, so a session is visible to GetSession as soon as CreateSession answered.
   */
  public Optional<CheckoutSession> find(String id) {
    Map<String, AttributeValue> item =
        Storage.call(
                "GetItem session",
                () ->
                    dynamo.getItem(
                        r ->
                            r.tableName(table)
                                .key(Map.of(SessionsTable.PK, s(SessionsTable.sessionKey(id))))
                                .consistentRead(true)))
            .item();
    return item == null || item.isEmpty()
        ? Optional.empty()
        : Optional.of(SessionItems.fromItem(item));
  }

  /**
   * Records that the order of idempotency scope {@code scope} replaces session {@code id}: true
   * when it does (first, or again for the same order), false when another order already replaced it
   * — a checkout is replaced once, so one old checkout never opens two new ones. Bumps the version,
   * so a writer that read the session before commits against this, not over it.
   */
  public boolean markReplacedBy(String id, String scope) {
    try {
      Storage.call(
          "UpdateItem session replaced_by",
          () ->
              dynamo.updateItem(
                  r ->
                      r.tableName(table)
                          .key(Map.of(SessionsTable.PK, s(SessionsTable.sessionKey(id))))
                          .updateExpression("SET replaced_by = :scope, version = version + :one")
                          .conditionExpression(
                              "attribute_exists("
                                  + SessionsTable.PK
                                  + ") AND (attribute_not_exists(replaced_by)"
                                  + " OR replaced_by = :scope)")
                          .expressionAttributeValues(Map.of(":scope", s(scope), ":one", n(1)))));
      return true;
    } catch (ConditionalCheckFailedException replacedByAnother) {
      return false;
    }
  }

  /**
   * Stores a session that is not stored yet. Returns false, changing nothing, when one with the
   * same id exists: a retry that Fintoc answered with the same session, whose stored row is newer
   * or equal and must not be overwritten. (Nothing else stores a session: an event about one with
   * no row is foreign, see {@code SessionRules.merge}.)
   */
  public boolean insert(CheckoutSession session) {
    try {
      Storage.call(
          "PutItem session",
          () ->
              dynamo.putItem(
                  r ->
                      r.tableName(table)
                          .item(SessionItems.toItem(session))
                          .conditionExpression("attribute_not_exists(" + SessionsTable.PK + ")")));
      return true;
    } catch (ConditionalCheckFailedException exists) {
      return false;
    }
  }

  public Optional<PaymentRecord> findPayment(String paymentIntentId) {
    Map<String, AttributeValue> item =
        Storage.call(
                "GetItem payment",
                () ->
                    dynamo.getItem(
                        r ->
                            r.tableName(table)
                                .key(
                                    Map.of(
                                        SessionsTable.PK,
                                        s(SessionsTable.PAYMENT_PREFIX + paymentIntentId)))
                                .consistentRead(true)))
            .item();
    if (item == null || item.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new PaymentRecord(
            Attr.string(item, "id"),
            PaymentStatus.fromWire(Attr.string(item, "payment_status")),
            Attr.instant(item, "status_at"),
            Attr.string(item, "session_id"),
            Attr.string(item, "next_action"),
            Attr.optionalNumber(item, "amount"),
            Attr.string(item, "currency"),
            Attr.instant(item, "updated_at"),
            Attr.number(item, "version")));
  }

  /** The two sparse indexes the sweeper reads: what is due, per shard, by a time. */
  public enum Due {
    /** Sessions still open, by the sweeper's next look (expires_at until it has asked). */
    OPEN(
        SessionsTable.OPEN_INDEX,
        SessionsTable.OPEN_SHARD,
        SessionsTable.OPEN_SHARD_PREFIX,
        SessionsTable.OPEN_CHECK_AT),
    /** Sessions over at Fintoc whose payment is not final, by when the sweeper next asks. */
    UNSETTLED(
        SessionsTable.UNSETTLED_INDEX,
        SessionsTable.UNSETTLED_SHARD,
        SessionsTable.UNSETTLED_SHARD_PREFIX,
        SessionsTable.UNSETTLED_CHECK_AT);

    private final String index;
    private final String shardAttribute;
    private final String shardPrefix;
    private final String sortAttribute;

    Due(String index, String shardAttribute, String shardPrefix, String sortAttribute) {
      this.index = index;
      this.shardAttribute = shardAttribute;
      this.shardPrefix = shardPrefix;
      this.sortAttribute = sortAttribute;
    }
  }

  /** How many shards each sweep index has (see {@link SessionsTable#OPEN_SHARDS}). */
  public static final int SHARDS = SessionsTable.OPEN_SHARDS;

  /** Where a page of a sweep index ended; opaque to callers. */
  public static final class Cursor {
    private final Map<String, AttributeValue> lastKey;

    private Cursor(Map<String, AttributeValue> lastKey) {
      this.lastKey = lastKey;
    }
  }

  /**
   * What kind of item is due: the unsettled index holds sessions and, beside them, refunds that are
   * not final ({@code REFUND#}, see {@link RefundItems#toItem(StoredRefund)}).
   */
  public enum DueKind {
    SESSION(SessionsTable.SESSION_PREFIX),
    REFUND(SessionsTable.REFUND_PREFIX);

    private final String prefix;

    DueKind(String prefix) {
      this.prefix = prefix;
    }

    /** The kind of the item with this key, or null for a kind this code does not know. */
    static DueKind of(String pk) {
      for (DueKind kind : values()) {
        if (pk.startsWith(kind.prefix)) {
          return kind;
        }
      }
      return null;
    }
  }

  /**
   * An item due for a look, and since when (epoch seconds: the index's sort key).
   *
   * @param kind a session or a refund; null: a key this code does not know (left alone)
   * @param id the session's id ({@code cs_…}) or our refund's ({@code rf_…}), without the prefix
   */
  public record DueItem(DueKind kind, String id, long dueAt) {}

  /**
   * One page of what is due, oldest first: the items, what reading them cost, and where the next
   * page starts (null: this shard is done).
   */
  public record DuePage(List<DueItem> items, int itemsRead, Double readCapacity, Cursor next) {
    /** The ids of the sessions among them. */
    public List<String> sessionIds() {
      return items.stream()
          .filter(item -> item.kind() == DueKind.SESSION)
          .map(DueItem::id)
          .toList();
    }
  }

  /**
   * The items of {@code shard} due before {@code cutoff} (epoch seconds), from {@code from} on. A
   * key condition only — no filter: a Limit counts items before a filter, and a filter still pays
   * for what it drops — so a page reads what is due and nothing else.
   */
  public DuePage due(Due due, int shard, long cutoff, int pageSize, Cursor from) {
    QueryResponse page =
        Storage.call(
            "Query " + due.index,
            () ->
                dynamo.query(
                    r ->
                        r.tableName(table)
                            .indexName(due.index)
                            .keyConditionExpression("#shard = :shard AND #due < :cutoff")
                            .expressionAttributeNames(
                                Map.of("#shard", due.shardAttribute, "#due", due.sortAttribute))
                            .expressionAttributeValues(
                                Map.of(":shard", s(due.shardPrefix + shard), ":cutoff", n(cutoff)))
                            .limit(pageSize)
                            .exclusiveStartKey(from == null ? null : from.lastKey)
                            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    List<DueItem> items =
        page.items().stream()
            .map(
                item -> {
                  String pk = item.get(SessionsTable.PK).s();
                  DueKind kind = DueKind.of(pk);
                  return new DueItem(
                      kind,
                      kind == null ? pk : pk.substring(kind.prefix.length()),
                      Long.parseLong(item.get(due.sortAttribute).n()));
                })
            .toList();
    Double capacity =
        page.consumedCapacity() == null ? null : page.consumedCapacity().capacityUnits();
    Cursor next =
        page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
            ? new Cursor(page.lastEvaluatedKey())
            : null;
    return new DuePage(items, page.scannedCount(), capacity, next);
  }

  /** How many sessions of a shard are due, and what counting them cost. */
  public record DueCount(long count, int queries, Double readCapacity) {}

  /**
   * How many sessions of {@code shard} are due before {@code cutoff}: a {@code Select COUNT} query
   * of the same key condition (the index holds keys only, so a 1 MB page counts thousands), paged
   * until done. It reads what it counts: use it when the first page did not already say.
   */
  public DueCount countDue(Due due, int shard, long cutoff) {
    long count = 0;
    int queries = 0;
    double capacity = 0;
    boolean measured = false;
    Map<String, AttributeValue> from = null;
    do {
      Map<String, AttributeValue> start = from;
      QueryResponse page =
          Storage.call(
              "Query " + due.index + " count",
              () ->
                  dynamo.query(
                      r ->
                          r.tableName(table)
                              .indexName(due.index)
                              .keyConditionExpression("#shard = :shard AND #due < :cutoff")
                              .expressionAttributeNames(
                                  Map.of("#shard", due.shardAttribute, "#due", due.sortAttribute))
                              .expressionAttributeValues(
                                  Map.of(
                                      ":shard", s(due.shardPrefix + shard), ":cutoff", n(cutoff)))
                              .select(Select.COUNT)
                              .exclusiveStartKey(start)
                              .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
      queries++;
      count += page.count();
      if (page.consumedCapacity() != null) {
        measured = true;
        capacity += page.consumedCapacity().capacityUnits();
      }
      from =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (from != null);
    return new DueCount(count, queries, measured ? capacity : null);
  }

  /** What became of a commit. */
  public enum Commit {
    APPLIED,
    /** The event's marker exists: it was applied before, and nothing was written now. */
    DUPLICATE,
    /** Something changed since it was read; nothing was written: read again and retry. */
    CONFLICT,
    /**
     * The fact is about a session this deployment did not create ({@code
     * SessionRules.Result.foreign()}): nothing was written, not even the event's marker — there is
     * nothing to apply once, and should the session's row ever be there (a table restored late), a
     * redelivery still applies.
     */
    FOREIGN
  }

  /** Webhook event markers are kept long past Fintoc's last retry (about 4.5 days). */
  static final Duration EVENT_RETENTION = Duration.ofDays(30);

  /**
   * A payment record no session of ours is linked to expires this long after its last change. A
   * payment event names no session, so one for another integration's or another stack's session is
   * kept like ours until its {@code checkout_session.finished} would link it; that comes within
   * Fintoc's retries (days), and the sweeper asks Fintoc about every session of ours that awaits
   * one anyway. Linking it to one of our sessions writes the record without {@code ttl}: kept as
   * long as its session.
   */
  static final Duration UNLINKED_PAYMENT_RETENTION = Duration.ofDays(30);

  /**
   * Writes an event's marker and the states it changes in one transaction, each state only if it is
   * still the version that was read, so an event is applied exactly once and a concurrent change is
   * never overwritten.
   *
   * @param eventId the webhook event's id, or null for a change with no event (the sweeper's)
   * @param sessionVersion the version read
   * @param paymentVersion the version read, 0 when the payment record did not exist
   */
  public Commit commitEvent(
      String eventId,
      String eventType,
      Instant now,
      SessionRules.Result result,
      long sessionVersion,
      long paymentVersion) {
    if (result.foreign()) {
      return Commit.FOREIGN;
    }
    List<TransactWriteItem> writes = new ArrayList<>();
    if (eventId != null) {
      writes.add(
          put(
              eventMarker(eventId, eventType, now),
              "attribute_not_exists(" + SessionsTable.PK + ")",
              null));
    }
    if (result.session() != null) {
      writes.add(put(SessionItems.toItem(result.session()), "version = :expected", sessionVersion));
    }
    if (writes.isEmpty() && result.payment() == null) {
      return Commit.APPLIED; // nothing to mark, nothing changed
    }
    if (result.payment() != null) {
      writes.add(
          paymentVersion == 0
              ? put(
                  toItem(result.payment()), "attribute_not_exists(" + SessionsTable.PK + ")", null)
              : put(toItem(result.payment()), "version = :expected", paymentVersion));
    }
    try {
      Storage.call(
          "TransactWriteItems event",
          () -> dynamo.transactWriteItems(r -> r.transactItems(writes)));
      return Commit.APPLIED;
    } catch (TransactionCanceledException cancelled) {
      List<CancellationReason> reasons = cancelled.cancellationReasons();
      if (eventId != null && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
        return Commit.DUPLICATE;
      }
      for (CancellationReason reason : reasons) {
        String code = reason.code();
        if ("ConditionalCheckFailed".equals(code) || "TransactionConflict".equals(code)) {
          return Commit.CONFLICT;
        }
      }
      throw new StorageUnavailableException(
          "TransactWriteItems event cancelled: " + reasons, cancelled);
    }
  }

  /** A webhook event's marker: written once, with the change it made, in one transaction. */
  static Map<String, AttributeValue> eventMarker(String eventId, String eventType, Instant now) {
    Map<String, AttributeValue> marker = new HashMap<>();
    marker.put(SessionsTable.PK, s(SessionsTable.EVENT_PREFIX + eventId));
    marker.put("type", s("event"));
    marker.put("event_type", s(eventType));
    marker.put("applied_at", s(now.toString()));
    marker.put(SessionsTable.TTL, n(now.plus(EVENT_RETENTION).getEpochSecond()));
    return marker;
  }

  private TransactWriteItem put(
      Map<String, AttributeValue> item, String condition, Long expectedVersion) {
    return TransactWriteItem.builder()
        .put(
            Put.builder()
                .tableName(table)
                .item(item)
                .conditionExpression(condition)
                .expressionAttributeValues(
                    expectedVersion == null ? null : Map.of(":expected", n(expectedVersion)))
                .build())
        .build();
  }

  public static Map<String, AttributeValue> toItem(PaymentRecord payment) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(SessionsTable.PK, s(SessionsTable.PAYMENT_PREFIX + payment.id()));
    item.put("type", s("payment"));
    item.put("id", s(payment.id()));
    Attr.putIfPresent(
        item, "payment_status", payment.status() == null ? null : payment.status().wire());
    Attr.putIfPresent(item, "status_at", payment.statusAt());
    Attr.putIfPresent(item, "session_id", payment.sessionId());
    Attr.putIfPresent(item, "next_action", payment.nextAction());
    Attr.putNumberIfPresent(item, "amount", payment.amount());
    Attr.putIfPresent(item, "currency", payment.currency());
    Attr.putIfPresent(item, "updated_at", payment.updatedAt());
    item.put("version", n(payment.version()));
    if (payment.sessionId() == null && payment.updatedAt() != null) {
      // Not ours until linked (maybe never): see UNLINKED_PAYMENT_RETENTION.
      item.put(
          SessionsTable.TTL,
          n(payment.updatedAt().plus(UNLINKED_PAYMENT_RETENTION).getEpochSecond()));
    }
    return item;
  }
}
