package checkout.snapstart;

import checkout.log.Log;
import checkout.metrics.Invocation;
import checkout.metrics.Metric;
import checkout.metrics.Metrics;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * A handler's SnapStart priming. Lambda publishes a SnapStart version by running init, calling
 * every registered hook's {@code beforeCheckpoint}, and snapshotting the JVM; each cold start then
 * resumes from that snapshot. Whatever the priming ran — classes loaded and initialised, code
 * compiled, the SDK's request pipeline — is in the snapshot, so the first request after a restore
 * does not pay for it. Without SnapStart the hook never runs and nothing changes.
 *
 * <p>Each function's composition root registers its priming: the handler's paths on made-up input
 * ({@link Samples}) and the adapters' ({@link AdapterPriming}). It never fetches a secret (a
 * snapshot must not hold one), never calls Fintoc and never writes to the table. A priming that
 * fails is logged and ignored: it is an optimisation, never a reason to fail a deployment.
 */
public final class Priming implements Resource {
  private final String function;
  private final Runnable prime;

  private Priming(String function, Runnable prime) {
    this.function = function;
    this.prime = prime;
  }

  /**
   * Registers {@code prime} to run before the snapshot. The runtime's context holds hooks weakly:
   * keep the returned object in a field of the handler.
   */
  public static Priming register(String function, Runnable prime) {
    Priming priming = new Priming(function, prime);
    Core.getGlobalContext().register(priming);
    return priming;
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    long started = System.nanoTime();
    try {
      Metrics.discardingWhile(prime);
      primeTelemetry();
      Log.info(
          "snapstart_primed",
          "function",
          function,
          "ms",
          (System.nanoTime() - started) / 1_000_000);
    } catch (RuntimeException e) {
      Log.warn(
          "snapstart_priming_failed",
          "function",
          function,
          "error",
          e.getClass().getName(),
          "message",
          e.getMessage());
    }
  }

  /**
   * An invocation's telemetry — a tag, a count, a latency, the EMF document — with nothing written
   * or counted: the classes are loaded and the paths compiled before the snapshot.
   */
  private static void primeTelemetry() {
    Metrics.discardingWhile(
        () -> {
          try (Invocation invocation = Invocation.begin(null)) {
            Log.tag("session_id", Samples.SESSION_ID);
            Metrics.count(Metric.FINTOC_CALLS, "2xx");
            Metrics.record(Metric.FINTOC_LATENCY, "2xx", 1);
            Metrics.count(Metric.SESSIONS_CREATED);
          }
        });
    Log.begin(null);
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    // Nothing of the priming's needs refreshing: it cached no secret, no id and no seed (what
    // must differ per environment refreshes itself, e.g. checkout.time.Jitter).
  }
}
