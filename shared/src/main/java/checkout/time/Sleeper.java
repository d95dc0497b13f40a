package checkout.time;

import java.time.Duration;

/** Waiting, made injectable so tests neither sleep nor depend on timing. */
@FunctionalInterface
public interface Sleeper {
  Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
