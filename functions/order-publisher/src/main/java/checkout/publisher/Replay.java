package checkout.publisher;

import checkout.events.OrderEvent;
import checkout.events.OrderEvents;
import checkout.session.CheckoutSession;
import checkout.session.StoredRefund;
import checkout.store.RefundRepository;
import checkout.store.SessionItems;
import checkout.store.SessionRepository;
import checkout.store.SessionsTable;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Re-derives the order events of sessions from the table and puts them on the bus again, for what
 * the stream could not deliver (a dead-lettered record, a record older than the stream's 24 h).
 *
 * <p>A session's events are what its current state means on its own — {@link
 * OrderEvents#between}{@code (null, session)} — so they carry the ids the publisher gave them
 * ({@code cs_…:paid}, …) and a consumer that dedupes on {@code detail.id} takes nothing twice,
 * however often this runs. What the current state no longer implies is not sent: an {@code expired}
 * that a later payment superseded, an {@code action_required} of an earlier version.
 *
 * <p>A session given by id ({@code --session}) brings its payment's refunds with it (the ids its
 * {@code REFUNDS#} ledger lists): a refund that succeeded or failed is put again as {@code
 * rf_…:succeeded} or {@code rf_…:failed}, the publisher's ids. A time window ({@code
 * --changed-since}) reads sessions only: a refund's change does not touch its session's {@code
 * updated_at}, so give its session by id.
 *
 * <p>Events go out as the publisher puts them ({@link EventBridgePublisher}: same entry, same
 * detail, only refused entries sent again), up to 10 in one PutEvents call; a session's events are
 * never split across calls.
 */
final class Replay {
  private final DynamoDbClient dynamo;
  private final String table;
  private final EventBridgePublisher publisher;
  private final boolean dryRun;
  private final PrintStream out;
  private final PrintStream err;

  /** A Scan page's Limit; 0: DynamoDB's own (1 MB of items). Tests make pages small. */
  private final int scanLimit;

  private final List<Read> batch = new ArrayList<>();
  private int batchEvents;

  private int sessionsRead;
  private int eventsPut;
  private final List<String> unknownIds = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private long itemsScanned;
  private double readCapacity;
  private boolean scanned;

  Replay(
      DynamoDbClient dynamo,
      String table,
      EventBridgePublisher publisher,
      boolean dryRun,
      int scanLimit,
      PrintStream out,
      PrintStream err) {
    this.dynamo = dynamo;
    this.table = table;
    this.publisher = publisher;
    this.dryRun = dryRun;
    this.scanLimit = scanLimit;
    this.out = out;
    this.err = err;
  }

  /** What one run did. */
  record Summary(
      int sessionsRead,
      int eventsPut,
      List<String> unknownIds,
      List<String> failures,
      boolean dryRun,
      boolean scanned,
      long itemsScanned,
      double readCapacity) {

    boolean ok() {
      return failures.isEmpty();
    }

    @Override
    public String toString() {
      String line =
          (dryRun ? "dry run, nothing put: " : "")
              + "sessions read "
              + sessionsRead
              + ", events "
              + (dryRun ? "to put " : "put ")
              + eventsPut
              + ", unknown ids "
              + unknownIds.size()
              + (unknownIds.isEmpty() ? "" : " " + unknownIds)
              + ", failures "
              + failures.size()
              + (failures.isEmpty() ? "" : " " + failures);
      return scanned
          ? line
              + String.format(
                  " (the Scan read %d items, %.1f read capacity units)", itemsScanned, readCapacity)
          : line;
    }
  }

  /** The sessions with these ids, read consistently, one GetItem each. */
  Summary sessions(List<String> ids) {
    SessionRepository sessions = new SessionRepository(dynamo, table);
    for (String given : new LinkedHashSet<>(ids)) {
      String id =
          given.startsWith(SessionsTable.SESSION_PREFIX)
              ? given.substring(SessionsTable.SESSION_PREFIX.length())
              : given;
      Optional<CheckoutSession> session;
      try {
        session = sessions.find(id);
      } catch (RuntimeException e) {
        note(id, "could not be read: " + e.getMessage());
        failures.add(id);
        continue;
      }
      if (session.isEmpty()) {
        note(id, "unknown: no session with this id in " + table);
        unknownIds.add(id);
        continue;
      }
      List<StoredRefund> refunds;
      try {
        refunds = refundsOf(session.get());
      } catch (RuntimeException e) {
        add(session.get(), List.of());
        note(id, "its refunds could not be read: " + e.getMessage());
        failures.add(id);
        continue;
      }
      add(session.get(), refunds);
    }
    flush();
    return summary();
  }

  /**
   * Every session whose {@code updated_at} is at or after {@code since} and before {@code until}: a
   * Scan of the whole table (it pays for every item it reads, sessions or not), page by page.
   */
  Summary changedBetween(Instant since, Instant until) {
    scanned = true;
    // updated_at is Instant.toString(): its fraction has 0, 3, 6 or 9 digits, so as strings
    // "12:00:00Z" sorts after "12:00:00.5Z". Compared to whole seconds without the zone, the
    // strings do sort by time, so DynamoDB's filter keeps a window widened to whole seconds and the
    // exact window is applied here, on the parsed instants.
    String from = wholeSeconds(since.truncatedTo(ChronoUnit.SECONDS));
    String to = wholeSeconds(until.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1));
    Map<String, AttributeValue> startKey = null;
    do {
      Map<String, AttributeValue> exclusiveStart = startKey;
      ScanResponse page;
      try {
        page = scan(from, to, exclusiveStart);
      } catch (RuntimeException e) {
        // What was read so far is still put and reported; the rest of the window is not read.
        err.println(
            "the Scan stopped ("
                + e.getMessage()
                + "): sessions after the ones listed were not read; run it again");
        failures.add("scan stopped");
        break;
      }
      itemsScanned += page.scannedCount();
      if (page.consumedCapacity() != null && page.consumedCapacity().capacityUnits() != null) {
        readCapacity += page.consumedCapacity().capacityUnits();
      }
      for (Map<String, AttributeValue> item : page.items()) {
        CheckoutSession session;
        try {
          session = fromItem(item);
        } catch (RuntimeException e) {
          String id =
              item.get(SessionsTable.PK).s().substring(SessionsTable.SESSION_PREFIX.length());
          note(id, "could not be read: " + e.getMessage());
          failures.add(id);
          continue;
        }
        Instant updated = session.updatedAt();
        if (updated != null && !updated.isBefore(since) && updated.isBefore(until)) {
          add(session);
        }
      }
      startKey =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? new HashMap<>(page.lastEvaluatedKey())
              : null;
    } while (startKey != null);
    flush();
    return summary();
  }

  /**
   * One page of the items that may be in the window: sessions only, {@code updated_at} in [from,
   * to) as strings.
   */
  private ScanResponse scan(String from, String to, Map<String, AttributeValue> exclusiveStart) {
    return dynamo.scan(
        r ->
            r.tableName(table)
                .filterExpression(
                    "begins_with(#pk, :session) AND #updated >= :from AND #updated < :to")
                .expressionAttributeNames(Map.of("#pk", SessionsTable.PK, "#updated", "updated_at"))
                .expressionAttributeValues(
                    Map.of(
                        ":session", AttributeValue.fromS(SessionsTable.SESSION_PREFIX),
                        ":from", AttributeValue.fromS(from),
                        ":to", AttributeValue.fromS(to)))
                .limit(scanLimit > 0 ? scanLimit : null)
                .exclusiveStartKey(exclusiveStart)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
  }

  /**
   * The refunds of the session's payment, as its {@code REFUNDS#} ledger lists them (consistent
   * reads); none when nothing was ever asked back of it.
   */
  private List<StoredRefund> refundsOf(CheckoutSession session) {
    if (session.paymentIntentId() == null) {
      return List.of();
    }
    RefundRepository refunds = new RefundRepository(dynamo, table);
    return refunds
        .findLedger(session.paymentIntentId())
        .map(ledger -> refunds.findAll(ledger.refundIds()))
        .orElse(List.of());
  }

  /** The one place an item becomes a session here (the store's reading of it). */
  private static CheckoutSession fromItem(Map<String, AttributeValue> item) {
    return SessionItems.fromItem(item);
  }

  private static String wholeSeconds(Instant instant) {
    String text = instant.toString(); // 2026-12-01T00:00:00Z
    return text.substring(0, text.length() - 1);
  }

  /**
   * A session read, and the events its state means; or, with a note, one that could not be: each is
   * reported when its batch is put, so the lines keep the order of the sessions.
   */
  private record Read(String id, CheckoutSession session, List<OrderEvent> events, String note) {}

  private void add(CheckoutSession session) {
    add(session, List.of());
  }

  /** A session and its refunds: their events go out together, on the session's line. */
  private void add(CheckoutSession session, List<StoredRefund> refunds) {
    sessionsRead++;
    List<OrderEvent> events = new ArrayList<>(OrderEvents.between(null, session));
    refunds.forEach(refund -> events.addAll(OrderEvents.refundBetween(null, refund)));
    if (batchEvents + events.size() > EventBridgePublisher.BATCH) {
      flush();
    }
    batch.add(new Read(session.id(), session, events, null));
    batchEvents += events.size();
  }

  private void note(String id, String note) {
    batch.add(new Read(id, null, List.of(), note));
  }

  /** Puts the batch's events in one call and says, per session, what became of them. */
  private void flush() {
    List<OrderEvent> events = batch.stream().flatMap(r -> r.events().stream()).toList();
    Set<String> refused = Set.of();
    if (!dryRun && !events.isEmpty()) {
      try {
        publisher.publish(events);
      } catch (EventBridgePublisher.PublishException e) {
        refused = Set.copyOf(e.ids);
        err.println("not put: " + e.getMessage());
      } catch (RuntimeException e) {
        refused = Set.copyOf(events.stream().map(OrderEvent::id).toList());
        err.println("not put: " + e);
      }
    }
    for (Read read : batch) {
      if (read.note() != null) {
        line(read.id(), read.note());
        continue;
      }
      if (read.events().isEmpty()) {
        line(read.id(), "no events (status " + state(read.session()) + ")");
        continue;
      }
      List<String> put = new ArrayList<>();
      List<String> notPut = new ArrayList<>();
      for (OrderEvent event : read.events()) {
        (refused.contains(event.id()) ? notPut : put).add(event.id());
      }
      eventsPut += put.size();
      failures.addAll(notPut);
      StringBuilder what = new StringBuilder();
      if (!put.isEmpty()) {
        what.append(dryRun ? "would put " : "put ").append(String.join(", ", put));
      }
      if (!notPut.isEmpty()) {
        what.append(put.isEmpty() ? "" : "; ").append("NOT PUT ").append(String.join(", ", notPut));
      }
      line(read.id(), what.toString());
    }
    batch.clear();
    batchEvents = 0;
  }

  private static String state(CheckoutSession session) {
    return session.status()
        + (session.paymentStatus() == null ? "" : ", payment " + session.paymentStatus());
  }

  private void line(String sessionId, String what) {
    out.println(sessionId + "  " + what);
  }

  private Summary summary() {
    return new Summary(
        sessionsRead,
        eventsPut,
        List.copyOf(unknownIds),
        List.copyOf(failures),
        dryRun,
        scanned,
        itemsScanned,
        readCapacity);
  }
}
