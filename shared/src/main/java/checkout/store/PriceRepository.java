package checkout.store;

import static checkout.store.Attr.n;
import static checkout.store.Attr.s;

import checkout.catalog.Price;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The catalog in the sessions table: one {@code PRICE#<id>} item a price. Active prices also carry
 * {@code catalog} and {@code catalog_position}, the keys of the sparse index {@code active-prices},
 * so listing them is a Query that reads only active prices, in catalog order, and deactivating a
 * price takes it out of the index.
 */
public final class PriceRepository {
  /** BatchGetItem takes at most 100 keys a call. */
  private static final int BATCH = 100;

  /** DynamoDB may leave some keys unread under load; a few rounds, then the caller retries. */
  private static final int ROUNDS = 4;

  private final DynamoDbClient dynamo;
  private final String table;

  public PriceRepository(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /**
   * These prices, active or not, read consistently: a price deactivated a moment ago is seen
   * inactive. Ids with no price are absent from the map.
   */
  public Map<String, Price> find(Collection<String> ids) {
    List<String> unique = new ArrayList<>(new LinkedHashSet<>(ids));
    Map<String, Price> found = new HashMap<>();
    for (int from = 0; from < unique.size(); from += BATCH) {
      List<Map<String, AttributeValue>> keys =
          unique.subList(from, Math.min(unique.size(), from + BATCH)).stream()
              .map(id -> Map.of(SessionsTable.PK, s(SessionsTable.PRICE_PREFIX + id)))
              .toList();
      Map<String, KeysAndAttributes> request =
          Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
      for (int round = 0; !request.isEmpty(); round++) {
        if (round == ROUNDS) {
          throw new StorageUnavailableException("BatchGetItem prices: keys left unprocessed", null);
        }
        Map<String, KeysAndAttributes> asked = request;
        BatchGetItemResponse response =
            Storage.call(
                "BatchGetItem prices", () -> dynamo.batchGetItem(r -> r.requestItems(asked)));
        response
            .responses()
            .getOrDefault(table, List.of())
            .forEach(
                item -> {
                  Price price = fromItem(item);
                  found.put(price.id(), price);
                });
        request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
      }
    }
    return found;
  }

  /** The active prices, in catalog order. */
  public List<Price> listActive() {
    List<Price> prices = new ArrayList<>();
    Map<String, AttributeValue> startKey = null;
    do {
      Map<String, AttributeValue> from = startKey;
      QueryResponse page =
          Storage.call(
              "Query active-prices",
              () ->
                  dynamo.query(
                      r ->
                          r.tableName(table)
                              .indexName(SessionsTable.ACTIVE_PRICES_INDEX)
                              .keyConditionExpression("#catalog = :catalog")
                              .expressionAttributeNames(Map.of("#catalog", SessionsTable.CATALOG))
                              .expressionAttributeValues(
                                  Map.of(":catalog", s(SessionsTable.CATALOG_ACTIVE)))
                              .exclusiveStartKey(from)));
      page.items().forEach(item -> prices.add(fromItem(item)));
      startKey =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (startKey != null);
    return prices;
  }

  /** Stores the price as it is now (an import is the catalog's one writer). */
  public void put(Price price, Instant now) {
    Storage.call(
        "PutItem price", () -> dynamo.putItem(r -> r.tableName(table).item(toItem(price, now))));
  }

  static Map<String, AttributeValue> toItem(Price price, Instant now) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(SessionsTable.PK, s(SessionsTable.PRICE_PREFIX + price.id()));
    item.put("type", s("price"));
    item.put("id", s(price.id()));
    item.put("currency", s(price.currency()));
    item.put("unit_amount", n(price.unitAmount()));
    item.put("name", s(price.name()));
    Attr.putIfPresent(item, "image_url", price.imageUrl());
    item.put("active", AttributeValue.fromBool(price.active()));
    item.put(SessionsTable.CATALOG_POSITION, n(price.position()));
    if (price.active()) {
      item.put(SessionsTable.CATALOG, s(SessionsTable.CATALOG_ACTIVE));
    }
    item.put("updated_at", s(now.toString()));
    return item;
  }

  static Price fromItem(Map<String, AttributeValue> item) {
    AttributeValue active = item.get("active");
    return new Price(
        Attr.string(item, "id"),
        Attr.string(item, "currency"),
        Attr.number(item, "unit_amount"),
        Attr.string(item, "name"),
        Attr.string(item, "image_url"),
        active != null && Boolean.TRUE.equals(active.bool()),
        (int) Attr.number(item, SessionsTable.CATALOG_POSITION));
  }
}
