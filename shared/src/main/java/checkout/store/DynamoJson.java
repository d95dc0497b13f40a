package checkout.store;

import checkout.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An item in DynamoDB's JSON, {@code {"name": {"S": "…"}}}, as a stream record's images and the CLI
 * write it, both ways: the order publisher reads a stream batch with it, the local stream mapping
 * writes one. Binary values are base64, as on the wire.
 */
public final class DynamoJson {
  private DynamoJson() {}

  /**
   * The item an image holds; throws {@link IllegalArgumentException} for a value it cannot read.
   */
  public static Map<String, AttributeValue> item(JsonNode image) {
    if (image == null || !image.isObject()) {
      throw new IllegalArgumentException("an image that is not an object");
    }
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = image.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      item.put(field.getKey(), value(field.getKey(), field.getValue()));
    }
    return item;
  }

  private static AttributeValue value(String name, JsonNode typed) {
    if (typed == null || !typed.isObject() || typed.size() != 1) {
      throw new IllegalArgumentException("attribute " + name + " has no single type");
    }
    Map.Entry<String, JsonNode> only = typed.fields().next();
    JsonNode v = only.getValue();
    return switch (only.getKey()) {
      case "S" -> AttributeValue.fromS(text(name, v));
      case "N" -> AttributeValue.fromN(text(name, v));
      case "BOOL" -> AttributeValue.fromBool(bool(name, v));
      case "NULL" -> AttributeValue.builder().nul(bool(name, v)).build();
      case "B" -> AttributeValue.fromB(SdkBytes.fromByteArray(base64(name, v)));
      case "M" -> AttributeValue.fromM(item(v));
      case "L" -> AttributeValue.fromL(list(name, v, element -> value(name, element)));
      case "SS" -> AttributeValue.fromSs(list(name, v, element -> text(name, element)));
      case "NS" -> AttributeValue.fromNs(list(name, v, element -> text(name, element)));
      case "BS" ->
          AttributeValue.fromBs(
              list(name, v, element -> SdkBytes.fromByteArray(base64(name, element))));
      default ->
          throw new IllegalArgumentException(
              "attribute " + name + " has an unknown type " + only.getKey());
    };
  }

  private static String text(String name, JsonNode v) {
    if (!v.isTextual()) {
      throw new IllegalArgumentException("attribute " + name + " is not a string");
    }
    return v.asText();
  }

  private static boolean bool(String name, JsonNode v) {
    if (!v.isBoolean()) {
      throw new IllegalArgumentException("attribute " + name + " is not a boolean");
    }
    return v.asBoolean();
  }

  private static byte[] base64(String name, JsonNode v) {
    try {
      return Base64.getDecoder().decode(text(name, v));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("attribute " + name + " is not base64");
    }
  }

  private static <T> List<T> list(
      String name, JsonNode v, java.util.function.Function<JsonNode, T> element) {
    if (!v.isArray()) {
      throw new IllegalArgumentException("attribute " + name + " is not a list");
    }
    List<T> out = new ArrayList<>(v.size());
    v.forEach(e -> out.add(element.apply(e)));
    return out;
  }

  /** The item in DynamoDB's JSON. */
  public static ObjectNode json(Map<String, AttributeValue> item) {
    ObjectNode image = Json.object();
    item.forEach((name, value) -> image.set(name, json(value)));
    return image;
  }

  private static ObjectNode json(AttributeValue value) {
    ObjectNode out = Json.object();
    if (value.s() != null) {
      out.put("S", value.s());
    } else if (value.n() != null) {
      out.put("N", value.n());
    } else if (value.bool() != null) {
      out.put("BOOL", value.bool());
    } else if (value.nul() != null) {
      out.put("NULL", value.nul());
    } else if (value.b() != null) {
      out.put("B", Base64.getEncoder().encodeToString(value.b().asByteArray()));
    } else if (value.hasM()) {
      out.set("M", json(value.m()));
    } else if (value.hasL()) {
      ArrayNode list = out.putArray("L");
      value.l().forEach(v -> list.add(json(v)));
    } else if (value.hasSs()) {
      ArrayNode set = out.putArray("SS");
      value.ss().forEach(set::add);
    } else if (value.hasNs()) {
      ArrayNode set = out.putArray("NS");
      value.ns().forEach(set::add);
    } else if (value.hasBs()) {
      ArrayNode set = out.putArray("BS");
      value.bs().forEach(b -> set.add(Base64.getEncoder().encodeToString(b.asByteArray())));
    }
    return out;
  }
}
