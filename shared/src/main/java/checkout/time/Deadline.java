package checkout.time;

import java.time.Duration;

/**
 * When the work of an invocation must be done: from what Lambda says is left ({@code
 * Context.getRemainingTimeInMillis()}), on the monotonic clock. Whatever waits or calls out asks it
 * how long it may take, so a request that cannot finish in time stops and answers while it still
 * can, instead of being killed half-way.
 */
public final class Deadline {
  /** No invocation limit (tests, tools): every bound is the caller's own. */
  public static final Deadline NONE = new Deadline(Long.MAX_VALUE);

  private final long endNanos;

  private Deadline(long endNanos) {
    this.endNanos = endNanos;
  }

  /** {@code left} from now, less {@code margin} kept to answer and to write. */
  public static Deadline in(Duration left, Duration margin) {
    return new Deadline(System.nanoTime() + left.minus(margin).toNanos());
  }

  public Duration remaining() {
    if (endNanos == Long.MAX_VALUE) {
      return Duration.ofDays(365);
    }
    return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
  }

  /** The shorter of what is left and {@code bound}. */
  public Duration atMost(Duration bound) {
    Duration remaining = remaining();
    return remaining.compareTo(bound) < 0 ? remaining : bound;
  }
}
