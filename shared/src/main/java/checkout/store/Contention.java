package checkout.store;

import checkout.time.Jitter;
import checkout.time.Sleeper;
import java.time.Duration;

/**
 * The one way a writer that lost an optimistic race on the table (a version condition) waits before
 * it reads and decides again: a short jittered pause that doubles, for a bounded number of attempts
 * — contention on one session or one payment is a handful of writers at most, so past that the
 * caller's own retry (Fintoc's, the sweeper's next run, the client's) takes over.
 */
public final class Contention {
  /** Attempts before giving up with {@link #exhausted()}. */
  public static final int MAX_ATTEMPTS = 8;

  private final Sleeper sleeper;
  private final Jitter jitter = new Jitter();

  public Contention(Sleeper sleeper) {
    this.sleeper = sleeper;
  }

  /** Waits after losing attempt {@code attempt}: up to 5 ms, doubling to 320 ms. */
  public void pause(int attempt) {
    try {
      sleeper.sleep(jitter.upTo(Duration.ofMillis((5L << Math.min(attempt, 6)) - 1)).plusMillis(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageUnavailableException("interrupted", e);
    }
  }

  /** What a writer throws when every attempt lost: a fault the caller retries (a 5xx). */
  public static StorageUnavailableException exhausted() {
    return new StorageUnavailableException("kept conflicting with concurrent changes", null);
  }
}
