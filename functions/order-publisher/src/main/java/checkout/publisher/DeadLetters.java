package checkout.publisher;

import checkout.json.Json;
import checkout.store.SessionsTable;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Stream records that can never be published — an image that is not a session or a refund we can
 * read — sent by the publisher itself to the mapping's dead-letter queue, so the shard moves on at
 * once while Lambda keeps retrying, for hours, every record that failed for a reason that passes
 * (throttling, an EventBridge outage). The message says where the record was and which item it was
 * about, never the images (they hold the buyer's data); the replay command re-derives the events
 * from the table once the item is fixed (docs/operations.md).
 */
final class DeadLetters {
  final SqsClient sqs;
  private final String queueUrl;

  /** With no queue ({@code queueUrl} null), nothing is sent: the record is given back instead. */
  DeadLetters(SqsClient sqs, String queueUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  boolean configured() {
    return sqs != null && queueUrl != null;
  }

  /** Sends the record's pointer; an SQS failure is thrown (the record is then given back). */
  void send(StreamBatch.Change change, String reason) {
    sqs.sendMessage(request(change, reason));
  }

  SendMessageRequest request(StreamBatch.Change change, String reason) {
    return SendMessageRequest.builder()
        .queueUrl(queueUrl)
        .messageBody(body(change, reason))
        .build();
  }

  static String body(StreamBatch.Change change, String reason) {
    ObjectNode message = Json.object();
    message.put("condition", "UnreadableRecord").put("reason", reason);
    message
        .put("sequence_number", change.sequenceNumber())
        .put("event_id", change.eventId())
        .put("event_name", change.eventName())
        .put("stream_arn", change.eventSourceArn())
        .put(
            "approximate_creation_time",
            change.approximateCreation() == null
                ? null
                : Instant.ofEpochSecond(change.approximateCreation()).toString());
    if (change.keys() != null) {
      message.set("keys", change.keys());
      String pk = Json.text(change.keys().path(SessionsTable.PK), "S");
      if (pk != null && pk.startsWith(SessionsTable.SESSION_PREFIX)) {
        message.put("session_id", pk.substring(SessionsTable.SESSION_PREFIX.length()));
      } else if (pk != null && pk.startsWith(SessionsTable.REFUND_PREFIX)) {
        message.put("refund_id", pk.substring(SessionsTable.REFUND_PREFIX.length()));
      }
    }
    return Json.write(message);
  }
}
