package checkout.store;

import static checkout.store.Attr.n;
import static checkout.store.Attr.s;

import checkout.session.CheckoutSession;
import checkout.session.PaymentStatus;
import checkout.session.SessionStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A session as the table's item, both ways: the one mapping, used by the repository, the claim
 * store and the order publisher. It needs only the attribute type, not the DynamoDB client, so the
 * publisher ships without the client (functions/order-publisher/pom.xml).
 */
public final class SessionItems {
  private SessionItems() {}

  public static Map<String, AttributeValue> toItem(CheckoutSession session) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(SessionsTable.PK, s(SessionsTable.sessionKey(session.id())));
    item.put("type", s("session"));
    item.put("id", s(session.id()));
    item.put("status", s(session.status().wire()));
    Attr.putIfPresent(item, "status_at", session.statusAt());
    Attr.putIfPresent(
        item,
        "payment_status",
        session.paymentStatus() == null ? null : session.paymentStatus().wire());
    Attr.putIfPresent(item, "payment_status_at", session.paymentStatusAt());
    Attr.putIfPresent(item, "payment_intent_id", session.paymentIntentId());
    item.put("amount", n(session.amount()));
    item.put("currency", s(session.currency()));
    Attr.putIfPresent(item, "order_reference", session.orderReference());
    Attr.putIfPresent(item, "mode", session.mode());
    Attr.putIfPresent(item, "success_url", session.successUrl());
    Attr.putIfPresent(item, "cancel_url", session.cancelUrl());
    Attr.putIfPresent(item, "redirect_url", session.redirectUrl());
    Attr.putIfPresent(item, "created_at", session.createdAt());
    Attr.putIfPresent(item, "expires_at", session.expiresAt());
    Attr.putIfPresent(item, "updated_at", session.updatedAt());
    Attr.putIfPresent(item, "attention", session.attention());
    Attr.putIfPresent(item, "next_action", session.nextAction());
    item.put("paid", AttributeValue.fromBool(session.paid()));
    Attr.putNumberIfPresent(item, "payment_amount", session.paymentAmount());
    Attr.putIfPresent(item, "payment_currency", session.paymentCurrency());
    Attr.putIfPresent(item, "line_items", session.lineItems());
    Attr.putIfPresent(item, "pricing", session.pricing());
    Attr.putIfPresent(item, "customer", session.customer());
    Attr.putIfPresent(item, "claim_scope", session.claimScope());
    Attr.putIfPresent(item, "replaced_by", session.replacedBy());
    item.put("version", n(session.version()));
    Attr.putIfPresent(item, "not_found_since", session.notFoundSince());
    if (session.notFoundChecks() > 0) {
      item.put("not_found_checks", n(session.notFoundChecks()));
    }
    Attr.putIfPresent(item, "unknown_reason", session.unknownReason());
    putSet(item, "duplicate_payment_ids", session.duplicatePaymentIds());
    putSet(item, "policy_refunds_owed", session.policyRefundsOwed());
    // A session Fintoc kept not knowing has left the sweep for a person: in neither index.
    boolean swept = session.unknownReason() == null;
    if (swept && session.status().isOpen() && session.expiresAt() != null) {
      item.put(SessionsTable.OPEN_SHARD, s(SessionsTable.openShard(session.id())));
      // The next look: expires_at until the sweeper has asked (items written before looks were
      // counted hold exactly that), then moved back by each look that could not close it.
      Instant nextLook =
          session.nextOpenCheckAt() != null ? session.nextOpenCheckAt() : session.expiresAt();
      item.put(SessionsTable.OPEN_CHECK_AT, n(nextLook.getEpochSecond()));
      if (session.openChecks() > 0) {
        item.put(SessionsTable.OPEN_CHECKS, n(session.openChecks()));
      }
    }
    if (swept && session.nextSettleCheckAt() != null) {
      item.put("settle_checks", n(session.settleChecks()));
      item.put(SessionsTable.UNSETTLED_SHARD, s(SessionsTable.unsettledShard(session.id())));
      item.put(SessionsTable.UNSETTLED_CHECK_AT, n(session.nextSettleCheckAt().getEpochSecond()));
    }
    return item;
  }

  public static CheckoutSession fromItem(Map<String, AttributeValue> item) {
    String paymentStatus = Attr.string(item, "payment_status");
    AttributeValue paid = item.get("paid");
    Long checkAt = Attr.optionalNumber(item, SessionsTable.UNSETTLED_CHECK_AT);
    Long openChecks = Attr.optionalNumber(item, SessionsTable.OPEN_CHECKS);
    Long openCheckAt = Attr.optionalNumber(item, SessionsTable.OPEN_CHECK_AT);
    return CheckoutSession.builder()
        .id(Attr.string(item, "id"))
        .status(SessionStatus.fromWire(Attr.string(item, "status")))
        .statusAt(Attr.instant(item, "status_at"))
        .paymentStatus(PaymentStatus.fromWire(paymentStatus))
        .paymentStatusAt(Attr.instant(item, "payment_status_at"))
        .paymentIntentId(Attr.string(item, "payment_intent_id"))
        .amount(Attr.number(item, "amount"))
        .currency(Attr.string(item, "currency"))
        .orderReference(Attr.string(item, "order_reference"))
        .mode(Attr.string(item, "mode"))
        .successUrl(Attr.string(item, "success_url"))
        .cancelUrl(Attr.string(item, "cancel_url"))
        .redirectUrl(Attr.string(item, "redirect_url"))
        .createdAt(Attr.instant(item, "created_at"))
        .expiresAt(Attr.instant(item, "expires_at"))
        .updatedAt(Attr.instant(item, "updated_at"))
        .attention(Attr.string(item, "attention"))
        .nextAction(Attr.string(item, "next_action"))
        .version(Attr.number(item, "version"))
        .paid(paid != null && Boolean.TRUE.equals(paid.bool()))
        .paymentAmount(Attr.optionalNumber(item, "payment_amount"))
        .paymentCurrency(Attr.string(item, "payment_currency"))
        .lineItems(Attr.string(item, "line_items"))
        .pricing(Attr.string(item, "pricing"))
        .customer(Attr.string(item, "customer"))
        .settleChecks((int) Attr.number(item, "settle_checks"))
        .nextSettleCheckAt(checkAt == null ? null : Instant.ofEpochSecond(checkAt))
        .openChecks(openChecks == null ? 0 : openChecks.intValue())
        .nextOpenCheckAt(
            openChecks == null || openCheckAt == null ? null : Instant.ofEpochSecond(openCheckAt))
        .notFoundSince(Attr.instant(item, "not_found_since"))
        .notFoundChecks((int) Attr.number(item, "not_found_checks"))
        .unknownReason(Attr.string(item, "unknown_reason"))
        .claimScope(Attr.string(item, "claim_scope"))
        .replacedBy(Attr.string(item, "replaced_by"))
        .duplicatePaymentIds(set(item, "duplicate_payment_ids"))
        .policyRefundsOwed(set(item, "policy_refunds_owed"))
        .build();
  }

  /** A string set (DynamoDB has no empty set: absent when empty). */
  private static void putSet(Map<String, AttributeValue> item, String name, List<String> values) {
    if (!values.isEmpty()) {
      item.put(name, AttributeValue.fromSs(values));
    }
  }

  /** Sorted, as the rules keep them, so a set read back compares equal to the one written. */
  private static List<String> set(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || !value.hasSs() ? List.of() : value.ss().stream().sorted().toList();
  }
}
