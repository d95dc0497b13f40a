package checkout.store;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reading and writing DynamoDB attribute values without a reflection-based mapper. */
public final class Attr {
  private Attr() {}

  public static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  public static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  public static String string(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.s();
  }

  public static long number(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
  }

  /** A number attribute, or null when absent. */
  public static Long optionalNumber(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.n() == null ? null : Long.parseLong(value.n());
  }

  public static Instant instant(Map<String, AttributeValue> item, String name) {
    String value = string(item, name);
    return value == null ? null : Instant.parse(value);
  }

  /** Puts the number only when it is not null. */
  public static void putNumberIfPresent(Map<String, AttributeValue> item, String name, Long value) {
    if (value != null) {
      item.put(name, n(value));
    }
  }

  /** Puts the attribute only when the value is not null: DynamoDB has no use for null strings. */
  public static void putIfPresent(Map<String, AttributeValue> item, String name, Object value) {
    if (value != null) {
      item.put(name, s(value.toString()));
    }
  }
}
