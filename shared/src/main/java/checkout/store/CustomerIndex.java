package checkout.store;

import static checkout.store.Attr.n;
import static checkout.store.Attr.s;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * What this deployment knows of Fintoc's customers, one item per tax id and mode: {@code
 * CUSTOMER#<mode>#<keyed hash>}. The hash is made by the caller (a keyed HMAC of the normalised tax
 * id: see {@code checkout.createsession.Customers}); no tax id, name or email is stored. An item
 * holds Fintoc's customer id when one was learned from Fintoc's answer ({@code customer_id}),
 * whether a signed order vouched for it ({@code vouched}), or only that Fintoc has that customer
 * (no {@code customer_id}: it answered 409). It lives {@link #RETENTION} after its last use.
 */
public final class CustomerIndex {
  /**
   * A customer who buys once a year is still known the next year (a year and a month's margin).
   * Forgetting costs little: the next purchase takes one more Fintoc call (the 409) and is
   * remembered again.
   */
  public static final Duration RETENTION = Duration.ofDays(400);

  /**
   * What is known of one tax id.
   *
   * @param customerId Fintoc's {@code cus_…}, or null: Fintoc has this customer, its id unknown
   * @param vouched the id was learned from an order the merchant's backend signed
   */
  public record Entry(String customerId, boolean vouched, Instant lastUsedAt) {}

  private final DynamoDbClient dynamo;
  private final String table;

  public CustomerIndex(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /** What is known, unless nothing or its time is up (TTL deletes items some time after). */
  public Optional<Entry> find(String mode, String hash, Instant now) {
    Map<String, AttributeValue> item =
        Storage.call(
                "GetItem customer",
                () -> dynamo.getItem(r -> r.tableName(table).key(key(mode, hash))))
            .item();
    if (item == null
        || item.isEmpty()
        || Attr.number(item, SessionsTable.TTL) < now.getEpochSecond()) {
      return Optional.empty();
    }
    AttributeValue vouched = item.get("vouched");
    return Optional.of(
        new Entry(
            Attr.string(item, "customer_id"),
            vouched != null && Boolean.TRUE.equals(vouched.bool()),
            Attr.instant(item, "last_used_at")));
  }

  /**
   * Remembers Fintoc's id for the tax id. A vouched id replaces whatever was known; one learned
   * from a browser's order never replaces an id already known.
   */
  public void learn(String mode, String hash, String customerId, boolean vouched, Instant now) {
    try {
      Storage.call(
          "UpdateItem customer learn",
          () ->
              dynamo.updateItem(
                  r ->
                      r.tableName(table)
                          .key(key(mode, hash))
                          .updateExpression(
                              "SET #type = :type, customer_id = :id, vouched = :vouched,"
                                  + " last_used_at = :now, #ttl = :ttl")
                          .conditionExpression(vouched ? null : "attribute_not_exists(customer_id)")
                          .expressionAttributeNames(
                              Map.of("#type", "type", "#ttl", SessionsTable.TTL))
                          .expressionAttributeValues(
                              Map.of(
                                  ":type", s("customer"),
                                  ":id", s(customerId),
                                  ":vouched", AttributeValue.fromBool(vouched),
                                  ":now", s(now.toString()),
                                  ":ttl", n(now.plus(RETENTION).getEpochSecond())))));
    } catch (ConditionalCheckFailedException known) {
      // an id was known already: it stays
    }
  }

  /**
   * Fintoc has this customer (created here, elsewhere, or learned before) and it was used now: the
   * item is made if absent, its time extended, and any id it holds kept.
   */
  public void used(String mode, String hash, Instant now) {
    Storage.call(
        "UpdateItem customer used",
        () ->
            dynamo.updateItem(
                r ->
                    r.tableName(table)
                        .key(key(mode, hash))
                        .updateExpression("SET #type = :type, last_used_at = :now, #ttl = :ttl")
                        .expressionAttributeNames(
                            Map.of("#type", "type", "#ttl", SessionsTable.TTL))
                        .expressionAttributeValues(
                            Map.of(
                                ":type", s("customer"),
                                ":now", s(now.toString()),
                                ":ttl", n(now.plus(RETENTION).getEpochSecond())))));
  }

  /** Forgets an id Fintoc refused (only that id: one learned meanwhile stays). */
  public void forget(String mode, String hash, String customerId) {
    try {
      Storage.call(
          "DeleteItem customer",
          () ->
              dynamo.deleteItem(
                  r ->
                      r.tableName(table)
                          .key(key(mode, hash))
                          .conditionExpression("customer_id = :id")
                          .expressionAttributeValues(Map.of(":id", s(customerId)))));
    } catch (ConditionalCheckFailedException changed) {
      // somebody learned another id meanwhile
    }
  }

  private static Map<String, AttributeValue> key(String mode, String hash) {
    return Map.of(SessionsTable.PK, s(SessionsTable.CUSTOMER_PREFIX + mode + "#" + hash));
  }
}
