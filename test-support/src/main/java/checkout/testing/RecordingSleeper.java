package checkout.testing;

import checkout.time.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Waits recorded, never slept, and its own monotonic time moved on by each: a test neither sleeps
 * nor depends on how fast the machine is, and can check the waits themselves.
 */
public final class RecordingSleeper implements Sleeper {
  private final List<Duration> waits;
  private long now;

  public RecordingSleeper() {
    this(new ArrayList<>());
  }

  /** Records into {@code waits}, for a test that reads them. */
  public RecordingSleeper(List<Duration> waits) {
    this.waits = waits;
  }

  @Override
  public synchronized void sleep(Duration duration) {
    waits.add(duration);
    now += duration.toNanos();
  }

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  public synchronized List<Duration> waits() {
    return List.copyOf(waits);
  }
}
