package checkout.sweeper;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One run's counts: {@code found} sessions open past expiry and grace; of those, {@code expired}
 * and {@code finished} as Fintoc reported (or expired because Fintoc never saw them),
 * {@code skipped} (Fintoc still has them open, or the run stopped before the deadline) and
 * {@code errors} (Fintoc unreachable: left for the next run). {@code itemsRead} and
 * {@code readCapacity} are what the index queries cost.
 */
final class SweepSummary {
  final AtomicLong found = new AtomicLong();
  final AtomicLong expired = new AtomicLong();
  final AtomicLong finished = new AtomicLong();
  final AtomicLong skipped = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final AtomicLong itemsRead = new AtomicLong();
  final AtomicLong queries = new AtomicLong();
  double readCapacity;
  boolean stoppedAtDeadline;

  Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("found", found.get());
    map.put("expired", expired.get());
    map.put("finished", finished.get());
    map.put("skipped", skipped.get());
    map.put("errors", errors.get());
    map.put("items_read", itemsRead.get());
    map.put("queries", queries.get());
    map.put("read_capacity_units", readCapacity);
    map.put("stopped_at_deadline", stoppedAtDeadline);
    return map;
  }
}
