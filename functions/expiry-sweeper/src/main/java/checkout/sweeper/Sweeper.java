package checkout.sweeper;

import checkout.config.Settings;
import checkout.fintoc.FintocCheckoutSession;
import checkout.fintoc.FintocClient;
import checkout.fintoc.FintocException;
import checkout.log.Log;
import checkout.session.CheckoutSession;
import checkout.session.Observation;
import checkout.session.SessionStatus;
import checkout.store.SessionRepository;
import checkout.store.SessionUpdater;
import checkout.time.Deadline;
import checkout.time.Pace;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Asks Fintoc about what is still open, so a missed webhook never leaves an order hanging:
 *
 * <ul>
 *   <li>sessions open past their expires_at plus a grace period — Fintoc says how they ended;
 *   <li>sessions over at Fintoc whose payment is not final (pending, requires_action, anything not
 *       final) and due for a look — asked again with growing intervals until the payment is final
 *       (a pending transfer may take ten days, then fail).
 * </ul>
 *
 * <p>Each reads only its sparse index ({@link SessionRepository#due}), so a run costs what it has
 * to close, whatever the table's size. Fintoc calls are paced and few at once (its rate limit is
 * shared with CreateSession); each starts only if the invocation has time left for it. Every write
 * goes through {@link SessionUpdater}: conditional, the same rules as the webhook.
 */
final class Sweeper {
  private final SessionRepository sessions;
  private final FintocClient fintoc;
  private final SessionUpdater updater;
  private final Settings.Sweep settings;
  private final Pace pace;
  private final Clock clock;

  Sweeper(
      SessionRepository sessions,
      FintocClient fintoc,
      SessionUpdater updater,
      Settings.Sweep settings,
      Pace pace,
      Clock clock) {
    this.sessions = sessions;
    this.fintoc = fintoc;
    this.updater = updater;
    this.settings = settings;
    this.pace = pace;
    this.clock = clock;
  }

  /**
   * @param deadline what the invocation has left, less a margin; read before each Fintoc call
   * @param summary filled as the run goes, so it says what was done even when the run fails
   */
  void sweep(Supplier<Deadline> deadline, SweepSummary summary) {
    ExecutorService pool = Executors.newFixedThreadPool(settings.concurrency());
    try {
      long now = clock.instant().getEpochSecond();
      read(SessionRepository.Due.OPEN, now - settings.grace().toSeconds(), pool, deadline, summary);
      read(SessionRepository.Due.UNSETTLED, now, pool, deadline, summary);
    } finally {
      pool.shutdownNow();
    }
  }

  private void read(
      SessionRepository.Due due,
      long cutoff,
      ExecutorService pool,
      Supplier<Deadline> deadline,
      SweepSummary summary) {
    for (int shard = 0; shard < SessionRepository.SHARDS && !summary.stoppedAtDeadline; shard++) {
      SessionRepository.Cursor cursor = null;
      do {
        SessionRepository.DuePage page =
            sessions.due(due, shard, cutoff, settings.pageSize(), cursor);
        summary.queries.incrementAndGet();
        summary.itemsRead.addAndGet(page.itemsRead());
        if (page.readCapacity() != null) {
          summary.addReadCapacity(page.readCapacity());
        }
        reconcilePage(due, page.sessionIds(), pool, deadline, summary);
        cursor = page.next();
      } while (cursor != null && !summary.stoppedAtDeadline);
    }
  }

  /**
   * At most {@code concurrency} Fintoc calls at once, paced: its 100 req/s is shared with
   * CreateSession.
   */
  private void reconcilePage(
      SessionRepository.Due due,
      List<String> ids,
      ExecutorService pool,
      Supplier<Deadline> deadline,
      SweepSummary summary) {
    boolean settling = due == SessionRepository.Due.UNSETTLED;
    Map<String, Future<?>> running = new LinkedHashMap<>();
    for (String id : ids) {
      (settling ? summary.unsettled : summary.found).incrementAndGet();
      running.put(
          id,
          pool.submit(
              () -> {
                reconcile(settling, id, deadline, summary);
                return null;
              }));
    }
    for (Map.Entry<String, Future<?>> session : running.entrySet()) {
      try {
        session.getValue().get();
      } catch (ExecutionException e) {
        summary.errors.incrementAndGet();
        Log.error("sweep_session_failed", e.getCause(), "session_id", session.getKey());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void reconcile(
      boolean settling, String id, Supplier<Deadline> deadlines, SweepSummary summary)
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
      if (!settling && e.kind() == FintocException.Kind.REJECTED && e.status() == 404) {
        // Fintoc has never seen it: it can never be paid.
        updater.record(
            Observation.sessionStatus(id, SessionStatus.EXPIRED, clock.instant(), true),
            null,
            null);
        summary.expired.incrementAndGet();
      } else {
        summary.errors.incrementAndGet(); // left as it is; the next run asks again
      }
      return;
    }
    Observation fact = FintocCheckoutSession.observe(fintocSession, clock.instant(), true, null);
    CheckoutSession after = updater.record(fact, null, null).after();
    if (settling) {
      (after != null && !after.awaitsSettlement() ? summary.settled : summary.stillUnsettled)
          .incrementAndGet();
    } else if (after == null || after.status().isOpen()) {
      summary.skipped.incrementAndGet(); // Fintoc still has it open: ask next run
    } else {
      (after.status().equals(SessionStatus.FINISHED) ? summary.finished : summary.expired)
          .incrementAndGet();
    }
  }
}
