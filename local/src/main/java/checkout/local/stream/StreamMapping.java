package checkout.local.stream;

import checkout.json.Json;
import checkout.local.lambda.LocalFunction;
import checkout.store.DynamoJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * A DynamoDB stream event source mapping, as Lambda runs one: reads the table's stream shard by
 * shard from the last checkpoint, invokes the function with a batch in Lambda's event shape, and
 * checkpoints what the function took. With {@code ReportBatchItemFailures} the reported record and
 * everything after it come back; with {@code BisectBatchOnFunctionError} a failing batch is split
 * so that, once {@code MaximumRetryAttempts} are spent, only the record that keeps failing goes to
 * the on-failure destination (as Lambda's invocation record: the shard and sequence range, not the
 * data) and the records after it still flow. With {@code MaximumRetryAttempts: -1} a failing record
 * is tried again on every pass until it is taken or older than {@code MaximumRecordAgeInSeconds}
 * (measured on the mapping's clock from when it first read the record, so tests move the clock past
 * it), and the shard waits behind it, as Lambda's does.
 *
 * <p>{@link #poll()} does one pass over every shard; the local stack calls it on a timer, tests
 * call {@link #drain()} to run until the stream is caught up or blocked behind a failing record —
 * no sleeping to wait for it.
 */
public final class StreamMapping {
  /** What the template says about the mapping. */
  public record Settings(
      String function,
      int batchSize,
      boolean bisectOnError,
      int maximumRetryAttempts,
      int maximumRecordAgeSeconds,
      boolean reportBatchItemFailures) {}

  private final Settings settings;
  private final DynamoDbStreamsClient streams;
  private final String streamArn;
  private final Function<byte[], LocalFunction.Result> function;
  private final Consumer<ObjectNode> destination;
  private final Clock clock;
  private final Map<String, Instant> firstRead = new HashMap<>();
  private final Map<String, String> checkpoints = new LinkedHashMap<>();
  private final List<ObjectNode> onFailure = new ArrayList<>();
  private final AtomicInteger invocations = new AtomicInteger();
  private final AtomicInteger crashesLeft = new AtomicInteger();

  public StreamMapping(
      Settings settings,
      DynamoDbStreamsClient streams,
      String streamArn,
      Function<byte[], LocalFunction.Result> function,
      Consumer<ObjectNode> destination,
      Clock clock) {
    this.settings = settings;
    this.streams = streams;
    this.streamArn = streamArn;
    this.function = function;
    this.destination = destination;
    this.clock = clock;
  }

  public Settings settings() {
    return settings;
  }

  /**
   * The next {@code times} invocations fail after the function ran — a timeout half-way, or the
   * poller dying between reading and checkpointing: whatever the function did stays done and the
   * batch comes back.
   */
  public void crashAfterInvoking(int times) {
    crashesLeft.set(times);
  }

  /** The on-failure destination's messages (Lambda's invocation records), in order. */
  public synchronized List<ObjectNode> onFailure() {
    return List.copyOf(onFailure);
  }

  public int invocations() {
    return invocations.get();
  }

  /**
   * Polls until a pass moves nothing on: everything committed so far has been handed over, or a
   * shard waits behind a record its function keeps failing (retried on the next pass).
   */
  public synchronized void drain() {
    while (poll() > 0) {
      // keep going
    }
  }

  /** One pass over every shard; the number of records it moved past (taken or discarded). */
  public synchronized int poll() {
    int moved = 0;
    for (Shard shard :
        streams.describeStream(r -> r.streamArn(streamArn)).streamDescription().shards()) {
      String checkpoint = checkpoints.get(shard.shardId());
      String iterator =
          streams
              .getShardIterator(
                  r -> {
                    r.streamArn(streamArn).shardId(shard.shardId());
                    if (checkpoint == null) {
                      r.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
                    } else {
                      r.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                          .sequenceNumber(checkpoint);
                    }
                  })
              .shardIterator();
      List<Record> records =
          iterator == null
              ? List.of()
              : streams
                  .getRecords(r -> r.shardIterator(iterator).limit(settings.batchSize()))
                  .records();
      if (!records.isEmpty()) {
        String before = checkpoints.get(shard.shardId());
        process(shard.shardId(), records);
        String after = checkpoints.get(shard.shardId());
        for (Record record : records) {
          String sequence = record.dynamodb().sequenceNumber();
          if (after != null
              && (before == null || order(sequence, before) > 0)
              && order(sequence, after) <= 0) {
            firstRead.remove(sequence);
            moved++;
          }
        }
      }
    }
    return moved;
  }

  /** Sequence numbers are decimal strings, not always of one length. */
  private static int order(String a, String b) {
    return new BigInteger(a).compareTo(new BigInteger(b));
  }

  private void process(String shardId, List<Record> batch) {
    Deque<List<Record>> todo = new ArrayDeque<>();
    todo.add(batch);
    while (!todo.isEmpty()) {
      List<Record> segment = discardTooOld(shardId, todo.pollFirst());
      if (segment.isEmpty()) {
        continue;
      }
      int retries = 0;
      while (true) {
        int failedAt = invoke(segment);
        if (failedAt < 0) {
          checkpoint(shardId, segment.get(segment.size() - 1));
          break;
        }
        if (failedAt > 0) {
          checkpoint(shardId, segment.get(failedAt - 1));
        }
        List<Record> rest = segment.subList(failedAt, segment.size());
        if (settings.bisectOnError() && rest.size() > 1) {
          // Splitting does not count as a retry.
          int half = rest.size() / 2;
          todo.addFirst(rest.subList(half, rest.size()));
          todo.addFirst(rest.subList(0, half));
          break;
        }
        if (settings.maximumRetryAttempts() < 0) {
          // Retried without end: the shard waits behind it until the next pass.
          return;
        }
        if (++retries > settings.maximumRetryAttempts()) {
          discard(shardId, rest, "RetryAttemptsExhausted", settings.maximumRetryAttempts() + 1);
          checkpoint(shardId, rest.get(rest.size() - 1));
          break;
        }
        segment = rest;
      }
    }
  }

  /**
   * The segment without its leading records older than {@code MaximumRecordAgeInSeconds}, which go
   * to the on-failure destination as Lambda sends them (condition {@code RecordAgeExceeded}).
   */
  private List<Record> discardTooOld(String shardId, List<Record> segment) {
    Instant now = clock.instant();
    int old = 0;
    for (Record record : segment) {
      Instant first = firstRead.computeIfAbsent(record.dynamodb().sequenceNumber(), s -> now);
      if (settings.maximumRecordAgeSeconds() < 0
          || !first.plusSeconds(settings.maximumRecordAgeSeconds()).isBefore(now)) {
        break;
      }
      old++;
    }
    if (old == 0) {
      return segment;
    }
    List<Record> tooOld = segment.subList(0, old);
    discard(shardId, tooOld, "RecordAgeExceeded", 1);
    checkpoint(shardId, tooOld.get(tooOld.size() - 1));
    return segment.subList(old, segment.size());
  }

  /** The index of the first record to give back, or -1 when the function took the whole batch. */
  private int invoke(List<Record> segment) {
    invocations.incrementAndGet();
    LocalFunction.Result result = function.apply(event(segment));
    if (crashesLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 || result.error()) {
      return 0;
    }
    if (!settings.reportBatchItemFailures()) {
      return -1;
    }
    JsonNode failures = Json.parse(result.text()).path("batchItemFailures");
    int first = -1;
    for (JsonNode failure : failures) {
      String id = failure.path("itemIdentifier").asText("");
      int index = -1;
      for (int i = 0; i < segment.size(); i++) {
        if (segment.get(i).dynamodb().sequenceNumber().equals(id)) {
          index = i;
        }
      }
      if (index < 0) {
        return 0; // an identifier not in the batch: the whole batch failed
      }
      first = first < 0 ? index : Math.min(first, index);
    }
    return first;
  }

  private void checkpoint(String shardId, Record record) {
    checkpoints.put(shardId, record.dynamodb().sequenceNumber());
  }

  /** What Lambda sends an on-failure destination for a stream: where the records were. */
  private void discard(String shardId, List<Record> records, String condition, int invokeCount) {
    ObjectNode message = Json.object();
    message
        .putObject("requestContext")
        .put("condition", condition)
        .put("approximateInvokeCount", invokeCount);
    message
        .putObject("DDBStreamBatchInfo")
        .put("shardId", shardId)
        .put("startSequenceNumber", records.get(0).dynamodb().sequenceNumber())
        .put("endSequenceNumber", records.get(records.size() - 1).dynamodb().sequenceNumber())
        .put("batchSize", records.size())
        .put("streamArn", streamArn);
    onFailure.add(message);
    if (destination != null) {
      destination.accept(message);
    }
    System.out.printf(
        "[%s] records %s..%s sent to the on-failure destination%n",
        settings.function(),
        records.get(0).dynamodb().sequenceNumber(),
        records.get(records.size() - 1).dynamodb().sequenceNumber());
  }

  /** Lambda's DynamoDB stream event for these records. */
  byte[] event(List<Record> records) {
    ObjectNode event = Json.object();
    ArrayNode list = event.putArray("Records");
    for (Record record : records) {
      ObjectNode out =
          list.addObject()
              .put("eventID", record.eventID())
              .put("eventName", record.eventNameAsString())
              .put("eventVersion", record.eventVersion())
              .put("eventSource", "aws:dynamodb")
              .put("awsRegion", "us-east-1")
              .put("eventSourceARN", streamArn);
      var change = record.dynamodb();
      ObjectNode dynamodb = out.putObject("dynamodb");
      if (change.approximateCreationDateTime() != null) {
        dynamodb.put(
            "ApproximateCreationDateTime", change.approximateCreationDateTime().getEpochSecond());
      }
      dynamodb.set("Keys", DynamoJson.json(change.keys()));
      if (change.hasNewImage()) {
        dynamodb.set("NewImage", DynamoJson.json(change.newImage()));
      }
      if (change.hasOldImage()) {
        dynamodb.set("OldImage", DynamoJson.json(change.oldImage()));
      }
      dynamodb
          .put("SequenceNumber", change.sequenceNumber())
          .put("SizeBytes", change.sizeBytes())
          .put("StreamViewType", change.streamViewTypeAsString());
    }
    return Json.write(event).getBytes(StandardCharsets.UTF_8);
  }
}
