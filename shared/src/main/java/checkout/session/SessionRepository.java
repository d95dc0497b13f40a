package checkout.session;

import static checkout.session.Attr.n;
import static checkout.session.Attr.s;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Checkout sessions in DynamoDB, through the low-level client and attribute maps (no
 * reflection mapping: it costs cold-start time and hides the conditions that keep money safe).
 */
public final class SessionRepository {
  private final DynamoDbClient dynamo;
  private final String table;

  public SessionRepository(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /** Strongly consistent, so a session is visible to GetSession as soon as CreateSession answered. */
  public Optional<CheckoutSession> find(String id) {
    Map<String, AttributeValue> item = Storage.call("GetItem session", () -> dynamo.getItem(r -> r
        .tableName(table)
        .key(Map.of(SessionsTable.PK, s(SessionsTable.sessionKey(id))))
        .consistentRead(true))).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
  }

  /**
   * Stores a session that is not stored yet. Returns false, changing nothing, when one with the
   * same id exists: a retry that Fintoc answered with the same session, or a webhook that got
   * there first — either way the stored one is newer or equal, and must not be overwritten.
   */
  public boolean insert(CheckoutSession session) {
    try {
      Storage.call("PutItem session", () -> dynamo.putItem(r -> r
          .tableName(table)
          .item(toItem(session))
          .conditionExpression("attribute_not_exists(" + SessionsTable.PK + ")")));
      return true;
    } catch (ConditionalCheckFailedException exists) {
      return false;
    }
  }

  public static Map<String, AttributeValue> toItem(CheckoutSession session) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(SessionsTable.PK, s(SessionsTable.sessionKey(session.id())));
    item.put("type", s("session"));
    item.put("id", s(session.id()));
    item.put("status", s(session.status().wire()));
    Attr.putIfPresent(item, "payment_status", session.paymentStatus() == null ? null : session.paymentStatus().wire());
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
    item.put("version", n(session.version()));
    if (session.status().isOpen() && session.expiresAt() != null) {
      item.put(SessionsTable.OPEN_SHARD, s(SessionsTable.openShard(session.id())));
      item.put(SessionsTable.OPEN_EXPIRES_AT, n(session.expiresAt().getEpochSecond()));
    }
    return item;
  }

  public static CheckoutSession fromItem(Map<String, AttributeValue> item) {
    String paymentStatus = Attr.string(item, "payment_status");
    return new CheckoutSession(
        Attr.string(item, "id"),
        SessionStatus.fromWire(Attr.string(item, "status")),
        paymentStatus == null ? null : PaymentStatus.fromWire(paymentStatus),
        Attr.string(item, "payment_intent_id"),
        Attr.number(item, "amount"),
        Attr.string(item, "currency"),
        Attr.string(item, "order_reference"),
        Attr.string(item, "mode"),
        Attr.string(item, "success_url"),
        Attr.string(item, "cancel_url"),
        Attr.string(item, "redirect_url"),
        Attr.instant(item, "created_at"),
        Attr.instant(item, "expires_at"),
        Attr.instant(item, "updated_at"),
        Attr.string(item, "attention"),
        Attr.number(item, "version"));
  }
}
