package checkout.sweeper;

import checkout.config.Settings;
import checkout.fintoc.FintocCheckoutSession;
import checkout.fintoc.FintocClient;
import checkout.fintoc.FintocException;
import checkout.log.Log;
import checkout.refund.PolicyRefunds;
import checkout.refund.Refunds;
import checkout.session.CheckoutSession;
import checkout.session.Observation;
import checkout.session.SessionRules;
import checkout.session.SessionStatus;
import checkout.session.StoredRefund;
import checkout.store.RefundRepository;
import checkout.store.SessionRepository;
import checkout.store.SessionUpdater;
import checkout.time.Deadline;
import checkout.time.Pace;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Asks Fintoc about what is still open, so a missed webhook never leaves an order hanging:
 *
 * <ul>
 *   <li>sessions open past their expires_at plus a grace period — Fintoc says how they ended;
 *   <li>sessions over at Fintoc whose payment is not final (pending, requires_action, anything not
 *       final) and due for a look — asked again with growing intervals until the payment is final
 *       (a pending transfer may take ten days, then fail);
 *   <li>refunds that are not final, in the same index as those payments ({@code REFUND#} items) —
 *       handed to {@link Refunds#look}, which asks Fintoc ({@code GET /v1/refunds/{id}}, or our
 *       create again under the same key when its answer never came) and moves the next look back
 *       with growing intervals until Fintoc's answer is final (a refund short of balance is retried
 *       by Fintoc for 5 business days).
 * </ul>
 *
 * <p>Each reads only its sparse index ({@link SessionRepository#due}), so a run costs what it has
 * to close, whatever the table's size. The two indexes' 16 shards are read together and merged
 * oldest due first, so no shard and no index has a fixed head start, and an unsettled payment waits
 * behind nothing younger than itself. Whatever a look could not settle (Fintoc still has it open,
 * no answer, a 404) moves back in its index with a growing interval, so a backlog is worked
 * through, not read again from the same head.
 *
 * <p>Fintoc calls are paced and few at once (its rate limit is shared with CreateSession). Only
 * this thread waits: before each call it decides whether there is time, waits for a free worker and
 * for its pacing slot — each wait bounded by the deadline — and only then hands the session to a
 * worker. Nothing is queued, so when the run stops nothing is left waiting. Every write goes
 * through {@link SessionUpdater}: conditional, the same rules as the webhook.
 */
final class Sweeper {
  private final SessionRepository sessions;
  private final FintocClient fintoc;
  private final SessionUpdater updater;
  private final RefundRepository refundStore;
  private final Refunds refunds;
  private final PolicyRefunds policyRefunds;
  private final Settings.Sweep settings;
  private final Pace pace;
  private final Clock clock;

  Sweeper(
      SessionRepository sessions,
      FintocClient fintoc,
      SessionUpdater updater,
      RefundRepository refundStore,
      Refunds refunds,
      PolicyRefunds policyRefunds,
      Settings.Sweep settings,
      Pace pace,
      Clock clock) {
    this.sessions = sessions;
    this.fintoc = fintoc;
    this.updater = updater;
    this.refundStore = refundStore;
    this.refunds = refunds;
    this.policyRefunds = policyRefunds;
    this.settings = settings;
    this.pace = pace;
    this.clock = clock;
  }

  /** Why a run stopped before reaching everything due. */
  enum Stop {
    DEADLINE,
    /** Fintoc answered 429: the rate is shared with CreateSession, which must come first. */
    RATE_LIMITED,
    /** Fintoc refused the key: every call would fail the same way. */
    AUTHENTICATION
  }

  /**
   * @param deadline what the invocation has left, less a margin; read before each wait and call
   * @param summary filled as the run goes, so it says what was done even when the run fails
   */
  void sweep(Supplier<Deadline> deadline, SweepSummary summary) {
    long now = clock.instant().getEpochSecond();
    List<Lane> lanes = new ArrayList<>();
    for (SessionRepository.Due due : SessionRepository.Due.values()) {
      for (int shard = 0; shard < SessionRepository.SHARDS; shard++) {
        lanes.add(new Lane(due, shard));
      }
    }
    // Equal due times go to a lane chosen by the run's time, so no lane is always first.
    int start = (int) Math.floorMod(now / 60, (long) lanes.size());
    PriorityQueue<Lane> heads =
        new PriorityQueue<>(
            Comparator.comparingLong(Lane::headDueAt)
                .thenComparingInt(l -> Math.floorMod(l.position - start, lanes.size())));
    for (int i = 0; i < lanes.size(); i++) {
      Lane lane = lanes.get(i);
      lane.position = i;
      lane.cutoff =
          lane.due == SessionRepository.Due.OPEN ? now - settings.grace().toSeconds() : now;
      lane.fill(summary);
      lane.countDue(summary, lane.cursor == null);
      if (!lane.buffer.isEmpty()) {
        heads.add(lane);
      }
    }

    ExecutorService pool = Executors.newFixedThreadPool(settings.concurrency());
    Semaphore workers = new Semaphore(settings.concurrency());
    try {
      while (!heads.isEmpty() && summary.stop == null) {
        if (!claimAStart(deadline, workers, summary)) {
          break;
        }
        Lane lane = heads.poll();
        SessionRepository.DueItem item = lane.buffer.poll();
        if (lane.buffer.isEmpty() && lane.cursor != null) {
          lane.fill(summary);
        }
        if (!lane.buffer.isEmpty()) {
          heads.add(lane);
        }
        summary.reached(lane.name());
        if (item.kind() == null) {
          // A kind of item this code does not know: a newer version put it there. Left alone.
          workers.release();
          Log.warn("sweep_item_unknown", "key", item.id(), "index", lane.name());
          continue;
        }
        if (item.kind() == SessionRepository.DueKind.REFUND) {
          summary.refunds.incrementAndGet();
          pool.execute(
              () -> {
                try {
                  lookAtRefund(item.id(), deadline, summary);
                } catch (RuntimeException e) {
                  summary.errors.incrementAndGet();
                  Log.error("sweep_refund_failed", e, "refund_id", item.id());
                } finally {
                  workers.release();
                }
              });
          continue;
        }
        boolean settling = lane.due == SessionRepository.Due.UNSETTLED;
        (settling ? summary.unsettled : summary.found).incrementAndGet();
        pool.execute(
            () -> {
              try {
                reconcile(settling, item.id(), deadline, summary);
              } catch (RuntimeException e) {
                summary.errors.incrementAndGet();
                Log.error("sweep_session_failed", e, "session_id", item.id());
              } finally {
                workers.release();
              }
            });
      }
      if (!heads.isEmpty()) {
        Lane oldest = heads.peek();
        summary.oldestUnreachedDueAt = oldest.headDueAt();
      }
      summary.runStartedAt = now;
    } finally {
      pool.shutdown();
      awaitInFlight(pool, deadline);
    }
  }

  /**
   * Decides, before any wait, whether another call can start; then waits for a free worker and for
   * the pacing slot, each only as long as the deadline allows a call after it. False: the run stops
   * here, having taken nothing.
   */
  private boolean claimAStart(
      Supplier<Deadline> deadline, Semaphore workers, SweepSummary summary) {
    try {
      Duration spare = spare(deadline.get());
      if (spare.isNegative()) {
        summary.stopAt(Stop.DEADLINE);
        return false;
      }
      if (!workers.tryAcquire(spare.toNanos(), TimeUnit.NANOSECONDS)) {
        summary.stopAt(Stop.DEADLINE);
        return false;
      }
      if (summary.stop != null) {
        workers.release();
        return false;
      }
      if (!pace.await(spare(deadline.get()))) {
        workers.release();
        summary.stopAt(Stop.DEADLINE);
        return false;
      }
      if (spare(deadline.get()).isNegative()) {
        workers.release();
        summary.stopAt(Stop.DEADLINE);
        return false;
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      summary.stopAt(Stop.DEADLINE);
      return false;
    }
  }

  /** Time left beyond what one Fintoc attempt needs; negative: no call fits any more. */
  private static Duration spare(Deadline deadline) {
    return deadline.remaining().minus(FintocClient.MIN_ATTEMPT);
  }

  /**
   * The calls in flight end by the deadline themselves (each call is bounded by it); their writes
   * take milliseconds. Whatever is still running past that is interrupted.
   */
  private static void awaitInFlight(ExecutorService pool, Supplier<Deadline> deadline) {
    try {
      Duration left = deadline.get().remaining().plus(Duration.ofSeconds(1));
      if (!pool.awaitTermination(left.toMillis(), TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void reconcile(
      boolean settling, String id, Supplier<Deadline> deadlines, SweepSummary summary) {
    CheckoutSession after = look(settling, id, deadlines, summary);
    // A session owing an automatic refund stays in the unsettled index until it is stored: made
    // here when the webhook that committed the payment died before making it.
    if (after != null && after.owesPolicyRefund()) {
      summary.policyRefunds.addAndGet(policyRefunds.settle(after, deadlines.get()));
    }
  }

  /** Asks Fintoc about the session and records the answer; what the session became, or null. */
  private CheckoutSession look(
      boolean settling, String id, Supplier<Deadline> deadlines, SweepSummary summary) {
    JsonNode fintocSession;
    try {
      fintocSession = fintoc.getCheckoutSession(id, deadlines.get());
    } catch (FintocException e) {
      if (e.kind() == FintocException.Kind.REJECTED && e.status() == 404) {
        return notFound(id, summary);
      }
      // No answer: nothing is known, but the look counts, so the session moves back in its index
      // and the next run reaches what this one did not.
      summary.errors.incrementAndGet();
      if (e.kind() == FintocException.Kind.RATE_LIMITED) {
        summary.stopAt(Stop.RATE_LIMITED);
      } else if (e.kind() == FintocException.Kind.AUTHENTICATION) {
        summary.stopAt(Stop.AUTHENTICATION);
      }
      CheckoutSession after =
          updater.record(Observation.unanswered(id, clock.instant()), null, null).after();
      if (after != null) {
        summary.deferred.incrementAndGet();
      }
      return after;
    }
    Observation fact = FintocCheckoutSession.observe(fintocSession, clock.instant(), true);
    SessionUpdater.Update update = updater.record(fact, null, null);
    CheckoutSession after = update.after();
    if (settling) {
      if (update.before() == null || update.before().awaitsSettlement()) {
        (after != null && !after.awaitsSettlement() ? summary.settled : summary.stillUnsettled)
            .incrementAndGet();
      } // else its payment was final: it was here for an owed automatic refund alone
    } else if (after == null || after.status().isOpen()) {
      summary.skipped.incrementAndGet(); // Fintoc still has it open: asked again later
    } else {
      (after.status().equals(SessionStatus.FINISHED) ? summary.finished : summary.expired)
          .incrementAndGet();
    }
    return after;
  }

  /**
   * A refund that is not final, due for a look: {@link Refunds#look} asks Fintoc and records the
   * answer through the same merge as the webhook, or moves the next look back when nothing changed.
   * Fintoc not answering counts as an error and stops the run as for sessions (429, a refused key).
   */
  private void lookAtRefund(String id, Supplier<Deadline> deadlines, SweepSummary summary) {
    StoredRefund stored = refundStore.find(id).orElse(null);
    if (stored == null || stored.refund().isFinal()) {
      return; // settled since the index was read (a webhook, the route): its item left the index
    }
    StoredRefund after;
    try {
      after = refunds.look(stored, deadlines.get());
    } catch (FintocException e) {
      summary.errors.incrementAndGet();
      summary.deferred.incrementAndGet();
      if (e.kind() == FintocException.Kind.RATE_LIMITED) {
        summary.stopAt(Stop.RATE_LIMITED);
      } else if (e.kind() == FintocException.Kind.AUTHENTICATION) {
        summary.stopAt(Stop.AUTHENTICATION);
      }
      Log.warn(
          "sweep_refund_unanswered",
          "refund_id",
          id,
          "kind",
          e.kind().name(),
          "status",
          e.status());
      return;
    }
    (after.refund().isFinal() ? summary.refundsSettled : summary.refundsStillPending)
        .incrementAndGet();
  }

  /**
   * Fintoc does not know the session: evidence, not a verdict (another organisation's or mode's
   * key, a fault). It is asked again later; after repeated 404s over {@code unknownAfter} it leaves
   * the sweep with attention {@code unknown_at_fintoc}, its status untouched.
   */
  private CheckoutSession notFound(String id, SweepSummary summary) {
    summary.notFound.incrementAndGet();
    String keyMode = fintoc.keyMode();
    SessionUpdater.Update update =
        updater.record(
            Observation.notFound(
                id, clock.instant(), new Observation.NotFound(settings.unknownAfter(), keyMode)),
            null,
            null);
    CheckoutSession after = update.after();
    if (after == null) {
      return null;
    }
    boolean mismatch = keyMode != null && after.mode() != null && !keyMode.equals(after.mode());
    Log.warn(
        "sweep_session_not_found",
        "session_id",
        id,
        "not_found_checks",
        after.notFoundChecks(),
        "not_found_since",
        after.notFoundSince(),
        "session_mode",
        after.mode(),
        "key_mode",
        keyMode,
        "mode_mismatch",
        mismatch);
    if (SessionRules.UNKNOWN_AT_FINTOC.equals(after.attention())
        && (update.before() == null
            || !SessionRules.UNKNOWN_AT_FINTOC.equals(update.before().attention()))) {
      summary.unknownAtFintoc.incrementAndGet();
    } else {
      summary.deferred.incrementAndGet();
    }
    return after;
  }

  /**
   * One shard of one index: its pages, read as the merge reaches them, and what is due in it.
   * Touched only by the sweeping thread.
   */
  private final class Lane {
    final SessionRepository.Due due;
    final int shard;
    final ArrayDeque<SessionRepository.DueItem> buffer = new ArrayDeque<>();
    SessionRepository.Cursor cursor;
    int position;
    long cutoff;

    Lane(SessionRepository.Due due, int shard) {
      this.due = due;
      this.shard = shard;
    }

    String name() {
      return due.name().toLowerCase() + "#" + shard;
    }

    /** When its next session became due, comparable across indexes (an open one after grace). */
    long headDueAt() {
      long at = buffer.isEmpty() ? Long.MAX_VALUE : buffer.peek().dueAt();
      return due == SessionRepository.Due.OPEN ? at + settings.grace().toSeconds() : at;
    }

    void fill(SweepSummary summary) {
      SessionRepository.DuePage page =
          sessions.due(due, shard, cutoff, settings.pageSize(), cursor);
      summary.queries.incrementAndGet();
      summary.itemsRead.addAndGet(page.itemsRead());
      if (page.readCapacity() != null) {
        summary.addReadCapacity(page.readCapacity());
      }
      buffer.addAll(page.items());
      cursor = page.next();
    }

    /**
     * What the first page saw when it held everything (the usual case); otherwise a {@code Select
     * COUNT} of the same key condition.
     */
    void countDue(SweepSummary summary, boolean firstPageWasAll) {
      if (firstPageWasAll) {
        summary.due(name(), buffer.size());
        return;
      }
      SessionRepository.DueCount count = sessions.countDue(due, shard, cutoff);
      summary.queries.addAndGet(count.queries());
      if (count.readCapacity() != null) {
        summary.addReadCapacity(count.readCapacity());
      }
      summary.due(name(), count.count());
    }
  }
}
