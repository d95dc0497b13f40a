package checkout.time;

import java.time.Duration;

/**
 * Waiting, and the monotonic time that waiting passes — made injectable so tests neither sleep nor
 * depend on how fast the machine is: a test's sleeper records each wait and moves its own time on
 * by it.
 */
@FunctionalInterface
public interface Sleeper {
  Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

  void sleep(Duration duration) throws InterruptedException;

  /** Monotonic nanoseconds, as {@link System#nanoTime()}: what waits are measured against. */
  default long nanoTime() {
    return System.nanoTime();
  }
}
