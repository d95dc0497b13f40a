package checkout.publisher;

import checkout.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Lambda's DynamoDB stream event and the answer it takes, read and written with our own mapper: no
 * event library, so no joda-time and none of its classes to load (docs/performance.md).
 *
 * <p>A record keeps its images as DynamoDB's JSON; whether they are a session we can read is the
 * handler's question, so one bad record never makes the batch unreadable.
 */
final class StreamBatch {
  private StreamBatch() {}

  /**
   * One change to one item, in shard order; any field may be missing from a record we cannot read.
   */
  record Change(
      String sequenceNumber,
      String eventId,
      String eventName,
      String eventSourceArn,
      Long approximateCreation,
      JsonNode keys,
      JsonNode oldImage,
      JsonNode newImage) {}

  /** The batch's records; throws {@link checkout.json.InvalidJsonException} if it is not JSON. */
  static List<Change> read(byte[] event) {
    JsonNode records =
        Json.parse(new String(event, java.nio.charset.StandardCharsets.UTF_8)).path("Records");
    List<Change> changes = new ArrayList<>(records.size());
    for (JsonNode record : records) {
      JsonNode dynamodb = record.path("dynamodb");
      JsonNode created = dynamodb.get("ApproximateCreationDateTime");
      changes.add(
          new Change(
              Json.text(dynamodb, "SequenceNumber"),
              Json.text(record, "eventID"),
              Json.text(record, "eventName"),
              Json.text(record, "eventSourceARN"),
              created != null && created.isNumber() ? created.asLong() : null,
              dynamodb.get("Keys"),
              present(dynamodb.get("OldImage")),
              present(dynamodb.get("NewImage"))));
    }
    return changes;
  }

  private static JsonNode present(JsonNode image) {
    return image == null || image.isNull() ? null : image;
  }

  /**
   * The partial batch response: the record Lambda gives back, with everything after it, or none.
   */
  static String response(String failedSequenceNumber) {
    ObjectNode response = Json.object();
    ArrayNode failures = response.putArray("batchItemFailures");
    if (failedSequenceNumber != null) {
      failures.addObject().put("itemIdentifier", failedSequenceNumber);
    }
    return Json.write(response);
  }
}
