package checkout.sweeper;

import static checkout.session.Attr.n;
import static checkout.session.Attr.s;

import checkout.fintoc.FintocCheckoutSession;
import checkout.fintoc.FintocClient;
import checkout.fintoc.FintocException;
import checkout.log.Log;
import checkout.session.Observation;
import checkout.session.SessionStatus;
import checkout.session.SessionUpdater;
import checkout.session.SessionsTable;
import checkout.session.Storage;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * Closes sessions that are still open past their expires_at plus a grace period, after asking
 * Fintoc what became of them, so a missed webhook never leaves an order hanging.
 *
 * <p>It reads only the sparse index of open sessions, with a key condition (no filter: a
 * DynamoDB Limit counts items before a filter, and a filter still pays for what it drops), so a
 * run costs what it has to close, whatever the table's size. Every write goes through
 * {@link SessionUpdater}: conditional, forward-only, the same rules as the webhook.
 */
final class Sweeper {
  private final DynamoDbClient dynamo;
  private final String table;
  private final FintocClient fintoc;
  private final SessionUpdater updater;
  private final Duration grace;
  private final int concurrency;
  private final int pageSize;
  private final Clock clock;

  Sweeper(DynamoDbClient dynamo, String table, FintocClient fintoc, SessionUpdater updater, Duration grace,
      int concurrency, int pageSize, Clock clock) {
    this.dynamo = dynamo;
    this.table = table;
    this.fintoc = fintoc;
    this.updater = updater;
    this.grace = grace;
    this.concurrency = concurrency;
    this.pageSize = pageSize;
    this.clock = clock;
  }

  /** @param timeIsShort true once no further Fintoc call may start (the Lambda deadline nears) */
  SweepSummary sweep(BooleanSupplier timeIsShort) {
    SweepSummary summary = new SweepSummary();
    long cutoff = clock.instant().minus(grace).getEpochSecond();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      for (int shard = 0; shard < SessionsTable.OPEN_SHARDS && !summary.stoppedAtDeadline; shard++) {
        Map<String, AttributeValue> startKey = null;
        do {
          QueryResponse page = query("OPEN#" + shard, cutoff, startKey);
          summary.queries.incrementAndGet();
          summary.itemsRead.addAndGet(page.scannedCount());
          if (page.consumedCapacity() != null && page.consumedCapacity().capacityUnits() != null) {
            summary.readCapacity += page.consumedCapacity().capacityUnits();
          }
          reconcilePage(page.items(), pool, timeIsShort, summary);
          startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null && !summary.stoppedAtDeadline);
      }
    } finally {
      pool.shutdownNow();
    }
    return summary;
  }

  /**
   * SnapStart priming: a Query that can match nothing (no session expires before 1970), the
   * secret's read stopped before it is sent, and a made-up Fintoc answer observed and decided,
   * short of the commit.
   */
  void prime() {
    query("OPEN#0", 0, null);
    fintoc.prime();
    updater.prime(FintocCheckoutSession.observe(FintocCheckoutSession.primingSample("expired"), SessionStatus.EXPIRED));
  }

  private QueryResponse query(String shard, long cutoff, Map<String, AttributeValue> startKey) {
    return Storage.call("Query open-by-expiry", () -> dynamo.query(r -> r
        .tableName(table)
        .indexName(SessionsTable.OPEN_INDEX)
        .keyConditionExpression("#shard = :shard AND #expires < :cutoff")
        .expressionAttributeNames(Map.of("#shard", SessionsTable.OPEN_SHARD, "#expires", SessionsTable.OPEN_EXPIRES_AT))
        .expressionAttributeValues(Map.of(":shard", s(shard), ":cutoff", n(cutoff)))
        .limit(pageSize)
        .exclusiveStartKey(startKey)
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
  }

  /** At most {@code concurrency} Fintoc calls at once: its 100 req/s is shared with CreateSession. */
  private void reconcilePage(List<Map<String, AttributeValue>> items, ExecutorService pool,
      BooleanSupplier timeIsShort, SweepSummary summary) {
    List<Future<?>> running = new ArrayList<>();
    for (Map<String, AttributeValue> item : items) {
      summary.found.incrementAndGet();
      if (summary.stoppedAtDeadline || timeIsShort.getAsBoolean()) {
        summary.stoppedAtDeadline = true;
        summary.skipped.incrementAndGet();
        continue;
      }
      String id = item.get(SessionsTable.PK).s().substring(SessionsTable.SESSION_PREFIX.length());
      running.add(pool.submit(() -> reconcile(id, summary)));
    }
    for (Future<?> future : running) {
      try {
        future.get();
      } catch (ExecutionException e) {
        summary.errors.incrementAndGet();
        Log.error("sweep_session_failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void reconcile(String id, SweepSummary summary) {
    JsonNode fintocSession;
    try {
      fintocSession = fintoc.getCheckoutSession(id);
    } catch (FintocException e) {
      if (e.kind() == FintocException.Kind.REJECTED && e.status() == 404) {
        // Fintoc has never seen it: it can never be paid.
        updater.apply(Observation.sessionStatus(id, SessionStatus.EXPIRED), null, null);
        summary.expired.incrementAndGet();
      } else {
        summary.errors.incrementAndGet(); // left open; the next run asks again
      }
      return;
    }
    SessionStatus status = switch (fintocSession.path("status").asText()) {
      case "finished" -> SessionStatus.FINISHED;
      case "expired" -> SessionStatus.EXPIRED;
      default -> null;
    };
    if (status == null) {
      summary.skipped.incrementAndGet(); // Fintoc still has it open: ask next run
      return;
    }
    updater.apply(FintocCheckoutSession.observe(fintocSession, status), null, null);
    (status == SessionStatus.FINISHED ? summary.finished : summary.expired).incrementAndGet();
  }
}
