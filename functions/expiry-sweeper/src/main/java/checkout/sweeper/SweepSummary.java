package checkout.sweeper;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One run's counts. Open sessions: {@code found} past expiry and grace; of those, {@code expired}
 * and {@code finished} as Fintoc reported (or expired because Fintoc never saw them), {@code
 * skipped} (Fintoc still has them open, or the run stopped at its deadline). Unsettled payments:
 * {@code unsettled} due for a look; of those, {@code settled} (now final) and {@code
 * still_unsettled} (asked again later). {@code errors}: Fintoc unreachable or a fault (left for the
 * next run). {@code itemsRead} and {@code readCapacity}: what the index queries cost.
 */
final class SweepSummary {
  final AtomicLong found = new AtomicLong();
  final AtomicLong expired = new AtomicLong();
  final AtomicLong finished = new AtomicLong();
  final AtomicLong unsettled = new AtomicLong();
  final AtomicLong settled = new AtomicLong();
  final AtomicLong stillUnsettled = new AtomicLong();
  final AtomicLong skipped = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final AtomicLong itemsRead = new AtomicLong();
  final AtomicLong queries = new AtomicLong();
  private double readCapacity;
  volatile boolean stoppedAtDeadline;

  synchronized void addReadCapacity(double units) {
    readCapacity += units;
  }

  synchronized Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("found", found.get());
    map.put("expired", expired.get());
    map.put("finished", finished.get());
    map.put("unsettled", unsettled.get());
    map.put("settled", settled.get());
    map.put("still_unsettled", stillUnsettled.get());
    map.put("skipped", skipped.get());
    map.put("errors", errors.get());
    map.put("items_read", itemsRead.get());
    map.put("queries", queries.get());
    map.put("read_capacity_units", readCapacity);
    map.put("stopped_at_deadline", stoppedAtDeadline);
    return map;
  }
}
