package checkout.sweeper;

import static checkout.store.Attr.n;
import static checkout.store.Attr.s;

import checkout.fintoc.FintocCheckoutSession;
import checkout.fintoc.FintocClient;
import checkout.fintoc.FintocException;
import checkout.log.Log;
import checkout.session.CheckoutSession;
import checkout.session.Observation;
import checkout.session.SessionStatus;
import checkout.store.SessionUpdater;
import checkout.store.SessionsTable;
import checkout.store.Storage;
import checkout.time.Deadline;
import checkout.time.Pace;
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
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * Asks Fintoc about what is still open, so a missed webhook never leaves an order hanging:
 * <ul>
 *   <li>sessions open past their expires_at plus a grace period — Fintoc says how they ended;
 *   <li>sessions over at Fintoc whose payment is not final (pending, requires_action, anything
 *       not final) and due for a look — asked again with growing intervals until the payment is
 *       final (a pending transfer may take ten days, then fail).
 * </ul>
 *
 * <p>Each reads only its sparse index, with a key condition (no filter: a DynamoDB Limit counts
 * items before a filter, and a filter still pays for what it drops), so a run costs what it has
 * to close, whatever the table's size. Fintoc calls are paced and few at once (its rate limit is
 * shared with CreateSession); each starts only if the invocation has time left for it. Every
 * write goes through {@link SessionUpdater}: conditional, the same rules as the webhook.
 */
final class Sweeper {
  /** One of the two indexes a run reads, and the cutoff of its sort key. */
  private record Sweep(String index, String shardAttribute, String shardPrefix, String sortAttribute, boolean settling) {}

  private static final Sweep OPEN = new Sweep(SessionsTable.OPEN_INDEX, SessionsTable.OPEN_SHARD,
      SessionsTable.OPEN_SHARD_PREFIX, SessionsTable.OPEN_EXPIRES_AT, false);
  private static final Sweep UNSETTLED = new Sweep(SessionsTable.UNSETTLED_INDEX, SessionsTable.UNSETTLED_SHARD,
      SessionsTable.UNSETTLED_SHARD_PREFIX, SessionsTable.UNSETTLED_CHECK_AT, true);

  private final DynamoDbClient dynamo;
  private final String table;
  private final FintocClient fintoc;
  private final SessionUpdater updater;
  private final Duration grace;
  private final int concurrency;
  private final int pageSize;
  private final Pace pace;
  private final Clock clock;

  Sweeper(DynamoDbClient dynamo, String table, FintocClient fintoc, SessionUpdater updater, Duration grace,
      int concurrency, int pageSize, Pace pace, Clock clock) {
    this.dynamo = dynamo;
    this.table = table;
    this.fintoc = fintoc;
    this.updater = updater;
    this.grace = grace;
    this.concurrency = concurrency;
    this.pageSize = pageSize;
    this.pace = pace;
    this.clock = clock;
  }

  /**
   * @param deadline what the invocation has left, less a margin; read before each Fintoc call
   * @param summary filled as the run goes, so it says what was done even when the run fails
   */
  void sweep(Supplier<Deadline> deadline, SweepSummary summary) {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      long now = clock.instant().getEpochSecond();
      read(OPEN, now - grace.toSeconds(), pool, deadline, summary);
      read(UNSETTLED, now, pool, deadline, summary);
    } finally {
      pool.shutdownNow();
    }
  }

  private void read(Sweep sweep, long cutoff, ExecutorService pool, Supplier<Deadline> deadline, SweepSummary summary) {
    for (int shard = 0; shard < SessionsTable.OPEN_SHARDS && !summary.stoppedAtDeadline; shard++) {
      Map<String, AttributeValue> startKey = null;
      do {
        QueryResponse page = query(sweep, sweep.shardPrefix() + shard, cutoff, startKey);
        summary.queries.incrementAndGet();
        summary.itemsRead.addAndGet(page.scannedCount());
        if (page.consumedCapacity() != null && page.consumedCapacity().capacityUnits() != null) {
          summary.addReadCapacity(page.consumedCapacity().capacityUnits());
        }
        reconcilePage(sweep, page.items(), pool, deadline, summary);
        startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
      } while (startKey != null && !summary.stoppedAtDeadline);
    }
  }

  /**
   * SnapStart priming: a Query that can match nothing (no session expires before 1970), the
   * secret's read stopped before it is sent, and a made-up Fintoc answer observed and decided,
   * short of the commit.
   */
  void prime() {
    query(OPEN, "OPEN#0", 0, null);
    fintoc.prime();
    updater.prime(FintocCheckoutSession.observe(FintocCheckoutSession.primingSample("expired"), clock.instant(), true, null));
  }

  private QueryResponse query(Sweep sweep, String shard, long cutoff, Map<String, AttributeValue> startKey) {
    return Storage.call("Query " + sweep.index(), () -> dynamo.query(r -> r
        .tableName(table)
        .indexName(sweep.index())
        .keyConditionExpression("#shard = :shard AND #due < :cutoff")
        .expressionAttributeNames(Map.of("#shard", sweep.shardAttribute(), "#due", sweep.sortAttribute()))
        .expressionAttributeValues(Map.of(":shard", s(shard), ":cutoff", n(cutoff)))
        .limit(pageSize)
        .exclusiveStartKey(startKey)
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
  }

  /** At most {@code concurrency} Fintoc calls at once, paced: its 100 req/s is shared with CreateSession. */
  private void reconcilePage(Sweep sweep, List<Map<String, AttributeValue>> items, ExecutorService pool,
      Supplier<Deadline> deadline, SweepSummary summary) {
    List<Future<?>> running = new ArrayList<>();
    for (Map<String, AttributeValue> item : items) {
      (sweep.settling() ? summary.unsettled : summary.found).incrementAndGet();
      String id = item.get(SessionsTable.PK).s().substring(SessionsTable.SESSION_PREFIX.length());
      running.add(pool.submit(() -> {
        reconcile(sweep, id, deadline, summary);
        return null;
      }));
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

  private void reconcile(Sweep sweep, String id, Supplier<Deadline> deadlines, SweepSummary summary)
      throws InterruptedException {
    pace.await();
    // Checked when the call is about to start, not when it was queued: the queue may have waited.
    Deadline deadline = deadlines.get();
    if (summary.stoppedAtDeadline || deadline.remaining().compareTo(FintocClient.MIN_ATTEMPT) < 0) {
      summary.stoppedAtDeadline = true;
      summary.skipped.incrementAndGet();
      return;
    }
    JsonNode fintocSession;
    try {
      fintocSession = fintoc.getCheckoutSession(id, deadline);
    } catch (FintocException e) {
      if (!sweep.settling() && e.kind() == FintocException.Kind.REJECTED && e.status() == 404) {
        // Fintoc has never seen it: it can never be paid.
        updater.record(Observation.sessionStatus(id, SessionStatus.EXPIRED, clock.instant(), true), null, null);
        summary.expired.incrementAndGet();
      } else {
        summary.errors.incrementAndGet(); // left as it is; the next run asks again
      }
      return;
    }
    Observation fact = FintocCheckoutSession.observe(fintocSession, clock.instant(), true, null);
    CheckoutSession after = updater.record(fact, null, null).after();
    if (sweep.settling()) {
      (after != null && !after.awaitsSettlement() ? summary.settled : summary.stillUnsettled).incrementAndGet();
    } else if (after == null || after.status().isOpen()) {
      summary.skipped.incrementAndGet(); // Fintoc still has it open: ask next run
    } else {
      (after.status().equals(SessionStatus.FINISHED) ? summary.finished : summary.expired).incrementAndGet();
    }
  }
}
