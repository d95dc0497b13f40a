package checkout.time;

import java.time.Duration;

/**
 * At most {@code perSecond} starts a second, shared by the threads that ask: each takes the next
 * free slot and waits for it. The sweeper paces its Fintoc calls with it, so a large backlog never
 * takes more than its share of Fintoc's rate limit (100 requests/s per organisation, shared with
 * CreateSession).
 */
public final class Pace {
  private final long intervalNanos;
  private final Sleeper sleeper;
  private long nextSlot;
  private boolean started;

  public Pace(double perSecond, Sleeper sleeper) {
    this.intervalNanos = (long) (1_000_000_000L / perSecond);
    this.sleeper = sleeper;
  }

  /** Waits for this caller's slot. */
  public void await() throws InterruptedException {
    await(Duration.ofDays(365));
  }

  /**
   * Waits for this caller's slot if it comes within {@code maxWait}; otherwise takes no slot, waits
   * not at all and returns false — so a caller with a deadline never waits past it for a start it
   * could not use.
   */
  public boolean await(Duration maxWait) throws InterruptedException {
    long wait;
    synchronized (this) {
      long now = sleeper.nanoTime();
      // Compared as a difference: nanoTime values may be of any sign and may wrap.
      long slot = !started || nextSlot - now < 0 ? now : nextSlot;
      wait = slot - now;
      if (wait > maxWait.toNanos()) {
        return false;
      }
      started = true;
      nextSlot = slot + intervalNanos;
    }
    if (wait > 0) {
      sleeper.sleep(Duration.ofNanos(wait));
    }
    return true;
  }
}
