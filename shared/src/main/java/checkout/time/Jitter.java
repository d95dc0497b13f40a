package checkout.time;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * Random waits for retries, so that many containers backing off do not retry in step.
 *
 * <p>Under SnapStart every execution environment resumes from one snapshot, generator state
 * included: without a new seed they would all draw the same "random" waits and retry together,
 * which is what jitter exists to prevent. So a Jitter registers itself for the runtime's
 * after-restore hook and reseeds there from the kernel's entropy (SecureRandom), which the snapshot
 * does not hold. Without SnapStart the hook never runs.
 */
public final class Jitter implements Resource {
  private volatile RandomGenerator random;

  /** Seeded cheaply at init (SecureRandom would load a provider on the cold-start path). */
  public Jitter() {
    this(new SplittableRandom());
  }

  /** For tests: a seeded generator, so the waits are known. */
  public Jitter(RandomGenerator random) {
    this.random = random;
    // The runtime's context holds resources weakly: this object's owner keeps it alive.
    Core.getGlobalContext().register(this);
  }

  /** A wait drawn uniformly from 0 to {@code ceiling}, both included. */
  public Duration upTo(Duration ceiling) {
    return Duration.ofMillis(random.nextLong(Math.max(0, ceiling.toMillis()) + 1));
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    // Nothing to release: the generator is plain memory.
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    random = new SplittableRandom(new SecureRandom().nextLong());
  }
}
