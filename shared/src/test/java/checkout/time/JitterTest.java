package checkout.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class JitterTest {
  static long[] draws(Jitter jitter) {
    return LongStream.range(0, 16)
        .map(i -> jitter.upTo(Duration.ofSeconds(10)).toMillis())
        .toArray();
  }

  @Test
  void waitsStayBetweenZeroAndTheCeilingInclusive() {
    Jitter jitter = new Jitter(new SplittableRandom(7));
    for (int i = 0; i < 1_000; i++) {
      assertThat(jitter.upTo(Duration.ofMillis(3)).toMillis()).isBetween(0L, 3L);
    }
    assertThat(jitter.upTo(Duration.ZERO)).isEqualTo(Duration.ZERO);
  }

  @Test
  void environmentsResumedFromOneSnapshotDrawTheSameWaitsUntilTheRestoreHookReseedsThem() {
    // Two environments restored from one snapshot hold the same generator state.
    Jitter first = new Jitter(new SplittableRandom(42));
    Jitter second = new Jitter(new SplittableRandom(42));
    assertThat(draws(first)).containsExactly(draws(second));

    first.afterRestore(null);
    second.afterRestore(null);

    assertThat(draws(first)).isNotEqualTo(draws(second));
  }
}
