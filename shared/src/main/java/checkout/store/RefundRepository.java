package checkout.store;

import static checkout.store.Attr.n;
import static checkout.store.Attr.s;

import checkout.session.PaymentStatus;
import checkout.session.StoredRefund;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Refunds and their payments' ledgers in DynamoDB. Every write is one transaction conditioned on
 * what was read — the refund's version (or its absence), the ledger's version, and for a
 * reservation the payment's own record ({@code succeeded}, linked to the session) — so two requests
 * that race cannot both hold the same money, and a report is counted once.
 */
public final class RefundRepository {
  private final DynamoDbClient dynamo;
  private final String table;

  public RefundRepository(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  public Optional<StoredRefund> find(String refundId) {
    Map<String, AttributeValue> item = get("GetItem refund", SessionsTable.refundKey(refundId));
    return item == null ? Optional.empty() : Optional.of(RefundItems.fromItem(item));
  }

  public Optional<RefundLedger> findLedger(String paymentIntentId) {
    Map<String, AttributeValue> item =
        get("GetItem refund ledger", SessionsTable.ledgerKey(paymentIntentId));
    return item == null ? Optional.empty() : Optional.of(RefundItems.ledgerFromItem(item));
  }

  /** The refunds named, in that order (consistent reads; one that does not exist is left out). */
  public List<StoredRefund> findAll(List<String> refundIds) {
    Map<String, StoredRefund> found = new HashMap<>();
    List<String> ids = refundIds.stream().distinct().toList();
    for (int from = 0; from < ids.size(); from += 100) {
      List<Map<String, AttributeValue>> keys =
          ids.subList(from, Math.min(ids.size(), from + 100)).stream()
              .map(id -> Map.of(SessionsTable.PK, s(SessionsTable.refundKey(id))))
              .toList();
      Map<String, KeysAndAttributes> request =
          Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
      while (request != null && !request.isEmpty()) {
        Map<String, KeysAndAttributes> asked = request;
        BatchGetItemResponse page =
            Storage.call(
                "BatchGetItem refunds", () -> dynamo.batchGetItem(r -> r.requestItems(asked)));
        for (Map<String, AttributeValue> item : page.responses().getOrDefault(table, List.of())) {
          StoredRefund refund = RefundItems.fromItem(item);
          found.put(refund.id(), refund);
        }
        request = page.hasUnprocessedKeys() ? page.unprocessedKeys() : null;
      }
    }
    List<StoredRefund> inOrder = new ArrayList<>();
    for (String id : ids) {
      if (found.containsKey(id)) {
        inOrder.add(found.get(id));
      }
    }
    return inOrder;
  }

  /** What became of a reservation. */
  public enum Reservation {
    RESERVED,
    /** A refund with this id exists (another request with the same key won): read it. */
    EXISTS,
    /** The payment's record is not a succeeded payment of this session: nothing can go back. */
    NOT_REFUNDABLE,
    /** The ledger or the refund changed since they were read: read again and decide again. */
    CONFLICT
  }

  /**
   * Holds a refund's amount against its payment: puts the refund (new, or the next attempt of one
   * Fintoc refused), checks the payment's record still says it succeeded for this session, and puts
   * the ledger with the amount held — all or nothing, each conditioned on what was read.
   *
   * @param refund what to store (amount held, not freed)
   * @param refundVersionRead the stored refund's version when this is its next attempt, 0 for new
   * @param ledger the ledger after the reservation ({@link RefundLedger#with}); its {@code version}
   *     is one more than the one read (0: none was)
   */
  public Reservation reserve(StoredRefund refund, long refundVersionRead, RefundLedger ledger) {
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(
        refundVersionRead == 0
            ? put(RefundItems.toItem(refund), absent(), Map.of())
            : put(RefundItems.toItem(refund), "version = :v", Map.of(":v", n(refundVersionRead))));
    writes.add(
        TransactWriteItem.builder()
            .conditionCheck(
                ConditionCheck.builder()
                    .tableName(table)
                    .key(
                        Map.of(
                            SessionsTable.PK,
                            s(SessionsTable.PAYMENT_PREFIX + refund.refund().paymentIntentId())))
                    .conditionExpression("payment_status = :succeeded AND session_id = :session")
                    .expressionAttributeValues(
                        Map.of(
                            ":succeeded",
                            s(PaymentStatus.SUCCEEDED.wire()),
                            ":session",
                            s(refund.refund().sessionId())))
                    .build())
            .build());
    writes.add(ledgerPut(ledger));
    try {
      Storage.call(
          "TransactWriteItems refund reservation",
          () -> dynamo.transactWriteItems(r -> r.transactItems(writes)));
      return Reservation.RESERVED;
    } catch (TransactionCanceledException cancelled) {
      List<CancellationReason> reasons = cancelled.cancellationReasons();
      if (failedCondition(reasons, 0)) {
        return refundVersionRead == 0 ? Reservation.EXISTS : Reservation.CONFLICT;
      }
      if (failedCondition(reasons, 1)) {
        return Reservation.NOT_REFUNDABLE;
      }
      if (failedCondition(reasons, 2) || anyConflict(reasons)) {
        return Reservation.CONFLICT;
      }
      throw new StorageUnavailableException(
          "TransactWriteItems refund reservation cancelled: " + reasons, cancelled);
    }
  }

  /**
   * Writes a refund's change with its ledger's and, for a webhook, the event's marker: one
   * transaction, each conditioned on the version read, so a report is counted once.
   *
   * @param refund the refund after the change (its version one more than {@code refundVersionRead})
   * @param ledger the ledger after the change, or null when its sums did not move
   */
  public SessionRepository.Commit commit(
      String eventId,
      String eventType,
      Instant now,
      StoredRefund refund,
      long refundVersionRead,
      RefundLedger ledger) {
    List<TransactWriteItem> writes = new ArrayList<>();
    if (eventId != null) {
      writes.add(put(SessionRepository.eventMarker(eventId, eventType, now), absent(), Map.of()));
    }
    if (refund != null) {
      writes.add(
          put(RefundItems.toItem(refund), "version = :v", Map.of(":v", n(refundVersionRead))));
    }
    if (ledger != null) {
      writes.add(ledgerPut(ledger));
    }
    if (writes.isEmpty()) {
      return SessionRepository.Commit.APPLIED;
    }
    try {
      Storage.call(
          "TransactWriteItems refund",
          () -> dynamo.transactWriteItems(r -> r.transactItems(writes)));
      return SessionRepository.Commit.APPLIED;
    } catch (TransactionCanceledException cancelled) {
      List<CancellationReason> reasons = cancelled.cancellationReasons();
      if (eventId != null && failedCondition(reasons, 0)) {
        return SessionRepository.Commit.DUPLICATE;
      }
      if (anyConflict(reasons)) {
        return SessionRepository.Commit.CONFLICT;
      }
      throw new StorageUnavailableException(
          "TransactWriteItems refund cancelled: " + reasons, cancelled);
    }
  }

  private TransactWriteItem ledgerPut(RefundLedger ledger) {
    return ledger.version() <= 1
        ? put(RefundItems.toItem(ledger), absent(), Map.of())
        : put(RefundItems.toItem(ledger), "version = :lv", Map.of(":lv", n(ledger.version() - 1)));
  }

  private Map<String, AttributeValue> get(String operation, String pk) {
    Map<String, AttributeValue> item =
        Storage.call(
                operation,
                () ->
                    dynamo.getItem(
                        r ->
                            r.tableName(table)
                                .key(Map.of(SessionsTable.PK, s(pk)))
                                .consistentRead(true)))
            .item();
    return item == null || item.isEmpty() ? null : item;
  }

  private TransactWriteItem put(
      Map<String, AttributeValue> item, String condition, Map<String, AttributeValue> values) {
    return TransactWriteItem.builder()
        .put(
            Put.builder()
                .tableName(table)
                .item(item)
                .conditionExpression(condition)
                .expressionAttributeValues(values.isEmpty() ? null : new LinkedHashMap<>(values))
                .build())
        .build();
  }

  private static String absent() {
    return "attribute_not_exists(" + SessionsTable.PK + ")";
  }

  private static boolean failedCondition(List<CancellationReason> reasons, int index) {
    return reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
  }

  private static boolean anyConflict(List<CancellationReason> reasons) {
    for (CancellationReason reason : reasons) {
      String code = reason.code();
      if ("ConditionalCheckFailed".equals(code) || "TransactionConflict".equals(code)) {
        return true;
      }
    }
    return false;
  }
}
