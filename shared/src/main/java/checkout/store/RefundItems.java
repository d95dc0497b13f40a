package checkout.store;

import static checkout.store.Attr.n;
import static checkout.store.Attr.s;

import checkout.session.RefundRecord;
import checkout.session.RefundStatus;
import checkout.session.StoredRefund;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A refund and a payment's refund ledger as the table's items, both ways: the one mapping, used by
 * the repository and the order publisher (stream images), which needs only the attribute type.
 */
public final class RefundItems {
  private RefundItems() {}

  public static boolean isRefund(Map<String, AttributeValue> item) {
    String pk = Attr.string(item, SessionsTable.PK);
    return pk != null && pk.startsWith(SessionsTable.REFUND_PREFIX);
  }

  public static Map<String, AttributeValue> toItem(StoredRefund stored) {
    RefundRecord refund = stored.refund();
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(SessionsTable.PK, s(SessionsTable.refundKey(stored.id())));
    item.put("type", s("refund"));
    item.put("id", s(stored.id()));
    Attr.putIfPresent(item, "session_id", refund.sessionId());
    Attr.putIfPresent(item, "payment_intent_id", refund.paymentIntentId());
    Attr.putIfPresent(item, "fintoc_refund_id", refund.refundId());
    item.put("amount", n(refund.amount()));
    Attr.putIfPresent(item, "currency", refund.currency());
    Attr.putIfPresent(item, "status", refund.status() == null ? null : refund.status().wire());
    Attr.putIfPresent(item, "status_at", refund.statusAt());
    Attr.putIfPresent(item, "failure_code", refund.failureCode());
    Attr.putIfPresent(item, "reason", refund.reason());
    Attr.putIfPresent(item, "created_at", refund.createdAt());
    Attr.putIfPresent(item, "updated_at", refund.updatedAt());
    item.put("version", n(refund.version()));
    item.put("amount_freed", AttributeValue.fromBool(refund.amountFreed()));
    item.put("origin", s(stored.origin()));
    Attr.putIfPresent(item, "order_reference", stored.orderReference());
    Attr.putIfPresent(item, "metadata", stored.metadata());
    Attr.putIfPresent(item, "request_hash", stored.requestHash());
    item.put("fintoc_key", s(stored.fintocKey()));
    item.put("generation", n(stored.generation()));
    Attr.putIfPresent(item, "sent_at", stored.sentAt());
    Attr.putIfPresent(item, "rejected_code", stored.rejectedCode());
    if (stored.checks() > 0) {
      item.put("checks", n(stored.checks()));
    }
    Attr.putIfPresent(item, "attention", stored.attention());
    item.put("payment_amount", n(stored.paymentAmount()));
    item.put("refunded_after", n(stored.refundedAfter()));
    if (stored.nextCheckAt() != null) {
      // In the sweeper's unsettled index beside the payments, until Fintoc's answer is final.
      item.put(SessionsTable.UNSETTLED_SHARD, s(SessionsTable.unsettledShard(stored.id())));
      item.put(SessionsTable.UNSETTLED_CHECK_AT, n(stored.nextCheckAt().getEpochSecond()));
    }
    return item;
  }

  public static StoredRefund fromItem(Map<String, AttributeValue> item) {
    AttributeValue freed = item.get("amount_freed");
    Long checkAt = Attr.optionalNumber(item, SessionsTable.UNSETTLED_CHECK_AT);
    RefundRecord refund =
        new RefundRecord(
            Attr.string(item, "id"),
            Attr.string(item, "session_id"),
            Attr.string(item, "payment_intent_id"),
            Attr.string(item, "fintoc_refund_id"),
            Attr.number(item, "amount"),
            Attr.string(item, "currency"),
            RefundStatus.fromWire(Attr.string(item, "status")),
            Attr.instant(item, "status_at"),
            Attr.string(item, "failure_code"),
            Attr.string(item, "reason"),
            Attr.instant(item, "created_at"),
            Attr.instant(item, "updated_at"),
            Attr.number(item, "version"),
            freed != null && Boolean.TRUE.equals(freed.bool()));
    return new StoredRefund(
        refund,
        Attr.string(item, "origin"),
        Attr.string(item, "order_reference"),
        Attr.string(item, "metadata"),
        Attr.string(item, "request_hash"),
        Attr.string(item, "fintoc_key"),
        (int) Attr.number(item, "generation"),
        Attr.instant(item, "sent_at"),
        Attr.string(item, "rejected_code"),
        (int) Attr.number(item, "checks"),
        checkAt == null ? null : Instant.ofEpochSecond(checkAt),
        Attr.string(item, "attention"),
        Attr.number(item, "payment_amount"),
        Attr.number(item, "refunded_after"));
  }

  public static Map<String, AttributeValue> toItem(RefundLedger ledger) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(SessionsTable.PK, s(SessionsTable.ledgerKey(ledger.paymentIntentId())));
    item.put("type", s("refund_ledger"));
    item.put("payment_intent_id", s(ledger.paymentIntentId()));
    Attr.putIfPresent(item, "session_id", ledger.sessionId());
    item.put("paid", n(ledger.paid()));
    Attr.putIfPresent(item, "currency", ledger.currency());
    item.put("held", n(ledger.held()));
    item.put("succeeded", n(ledger.succeeded()));
    if (!ledger.refundIds().isEmpty()) {
      item.put(
          "refund_ids", AttributeValue.fromL(ledger.refundIds().stream().map(Attr::s).toList()));
    }
    item.put("version", n(ledger.version()));
    return item;
  }

  public static RefundLedger ledgerFromItem(Map<String, AttributeValue> item) {
    List<String> ids = new ArrayList<>();
    AttributeValue list = item.get("refund_ids");
    if (list != null && list.hasL()) {
      list.l().forEach(value -> ids.add(value.s()));
    }
    return new RefundLedger(
        Attr.string(item, "payment_intent_id"),
        Attr.string(item, "session_id"),
        Attr.number(item, "paid"),
        Attr.string(item, "currency"),
        Attr.number(item, "held"),
        Attr.number(item, "succeeded"),
        ids,
        Attr.number(item, "version"));
  }
}
