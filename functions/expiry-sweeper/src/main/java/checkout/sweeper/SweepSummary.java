package checkout.sweeper;

import checkout.store.SessionRepository;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One run's counts.
 *
 * <ul>
 *   <li>{@code due}: sessions due in both indexes when the run began (per shard: what its first
 *       page saw when that was all, else a {@code Select COUNT}); {@code reached}: how many of them
 *       this run asked Fintoc about; {@code oldest_unreached_age_s}: how long the oldest one it did
 *       not reach had been due (null: it reached them all); {@code due_by_shard} / {@code
 *       reached_by_shard}: the same per index and shard.
 *   <li>Open sessions: {@code found} asked about; of those {@code expired} and {@code finished} as
 *       Fintoc reported, {@code skipped} (Fintoc still has them open: asked again later).
 *   <li>Unsettled payments: {@code unsettled} asked about; of those {@code settled} (now final) and
 *       {@code still_unsettled} (asked again later).
 *   <li>Refunds not final (the same index): {@code refunds} looked at; of those {@code
 *       refunds_settled} (now final: succeeded, failed, canceled, rejected) and {@code
 *       refunds_still_pending} (looked at again later). One Fintoc did not answer counts in {@code
 *       errors} instead.
 *   <li>{@code not_found}: Fintoc answered 404 (asked again later); {@code unknown_at_fintoc}: of
 *       those, sessions that now leave the sweep for a person. {@code errors}: no answer (5xx,
 *       timeout, 429, a refused key) or a failure here. {@code deferred}: sessions moved back in
 *       their index after a look that settled nothing (404 or no answer). {@code policy_refunds}:
 *       automatic refunds a session still owed, stored by this run (AutomaticRefunds).
 *   <li>{@code stopped}: why the run ended before reaching everything ({@code deadline}, {@code
 *       rate_limited}, {@code authentication}), or null; {@code stopped_at_deadline} the same for
 *       the deadline alone.
 *   <li>{@code items_read}, {@code queries} and {@code read_capacity_units}: what the index queries
 *       cost.
 * </ul>
 */
final class SweepSummary {
  final AtomicLong found = new AtomicLong();
  final AtomicLong expired = new AtomicLong();
  final AtomicLong finished = new AtomicLong();
  final AtomicLong unsettled = new AtomicLong();
  final AtomicLong settled = new AtomicLong();
  final AtomicLong stillUnsettled = new AtomicLong();
  final AtomicLong refunds = new AtomicLong();
  final AtomicLong refundsSettled = new AtomicLong();
  final AtomicLong refundsStillPending = new AtomicLong();
  final AtomicLong skipped = new AtomicLong();
  final AtomicLong notFound = new AtomicLong();
  final AtomicLong unknownAtFintoc = new AtomicLong();
  final AtomicLong deferred = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final AtomicLong policyRefunds = new AtomicLong();
  final AtomicLong itemsRead = new AtomicLong();
  final AtomicLong queries = new AtomicLong();
  private final Map<String, Long> dueByShard = new LinkedHashMap<>();
  private final Map<String, Long> reachedByShard = new LinkedHashMap<>();
  private double readCapacity;
  volatile Sweeper.Stop stop;
  volatile boolean stoppedAtDeadline;
  volatile long runStartedAt;
  volatile Long oldestUnreachedDueAt;

  synchronized void addReadCapacity(double units) {
    readCapacity += units;
  }

  synchronized void due(String shard, long count) {
    dueByShard.put(shard, count);
  }

  synchronized void reached(String shard) {
    reachedByShard.merge(shard, 1L, Long::sum);
  }

  /** The first reason to stop wins. */
  synchronized void stopAt(Sweeper.Stop reason) {
    if (stop == null) {
      stop = reason;
      stoppedAtDeadline = reason == Sweeper.Stop.DEADLINE;
    }
  }

  synchronized Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("due", dueByShard.values().stream().mapToLong(Long::longValue).sum());
    map.put("reached", reachedByShard.values().stream().mapToLong(Long::longValue).sum());
    map.put(
        "oldest_unreached_age_s",
        oldestUnreachedDueAt == null ? null : Math.max(0, runStartedAt - oldestUnreachedDueAt));
    map.put("found", found.get());
    map.put("expired", expired.get());
    map.put("finished", finished.get());
    map.put("unsettled", unsettled.get());
    map.put("settled", settled.get());
    map.put("still_unsettled", stillUnsettled.get());
    map.put("refunds", refunds.get());
    map.put("refunds_settled", refundsSettled.get());
    map.put("refunds_still_pending", refundsStillPending.get());
    map.put("skipped", skipped.get());
    map.put("not_found", notFound.get());
    map.put("unknown_at_fintoc", unknownAtFintoc.get());
    map.put("deferred", deferred.get());
    map.put("errors", errors.get());
    map.put("policy_refunds", policyRefunds.get());
    map.put("items_read", itemsRead.get());
    map.put("queries", queries.get());
    map.put("read_capacity_units", readCapacity);
    map.put("stopped", stop == null ? null : stop.name().toLowerCase());
    map.put("stopped_at_deadline", stoppedAtDeadline);
    map.put("due_by_shard", shards(dueByShard));
    map.put("reached_by_shard", shards(reachedByShard));
    return map;
  }

  /** {@code open 3 0 1 … | unsettled 0 2 …}: one number per shard, in shard order. */
  private static String shards(Map<String, Long> counts) {
    StringBuilder out = new StringBuilder();
    for (String index : new String[] {"open", "unsettled"}) {
      out.append(out.isEmpty() ? "" : " | ").append(index);
      for (int shard = 0; shard < SessionRepository.SHARDS; shard++) {
        out.append(' ').append(counts.getOrDefault(index + "#" + shard, 0L));
      }
    }
    return out.toString();
  }
}
