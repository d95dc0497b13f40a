package checkout.sweeper;

import checkout.config.Config;
import checkout.log.Log;
import checkout.session.CheckoutSession;
import checkout.store.SessionItems;
import checkout.testing.TestContext;
import checkout.testing.TestSessions;
import checkout.testing.TestStack;
import checkout.time.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * A backlog, as issue 23 tried it, at scale: N sessions open past due in DynamoDB Local, against
 * the Fintoc simulator answering each GET after 150 ms — a quarter expired, a quarter still open, a
 * quarter 404, a quarter 500. The real sweeper (real clock, real pacing at the template's 10
 * calls/s, 4 at once) runs back to back, each run with a short timeout, until every session has
 * been asked about at least once. Prints each run against its deadline, asks per session, Fintoc
 * calls per second, and per-shard progress.
 *
 * <pre>
 * ./mvnw -q -pl functions/expiry-sweeper -am -DskipTests test-compile \
 *   &amp;&amp; ./mvnw -q -pl functions/expiry-sweeper exec:java@backlog [-Dexec.args="10000 30 150"]
 * </pre>
 *
 * Arguments: sessions (10 000), each run's timeout in seconds (30; the handler keeps 5 of them as
 * its margin), Fintoc's delay per GET in ms (150).
 */
public final class SweepBacklogBenchmark {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int timeoutSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int delayMillis = args.length > 2 ? Integer.parseInt(args[2]) : 150;
    Log.useSink((level, line) -> {}); // 10 000 sessions' logs are not the point here
    try (TestStack stack = new TestStack()) {
      // The template's sweep settings (defaults); Fintoc reached directly, without the recorder.
      Config config =
          stack.config(
              "backlog",
              Map.of(
                  "FINTOC_API_URL",
                  stack.fintoc.directUrl(),
                  "FINTOC_READ_TIMEOUT_MS",
                  "6000",
                  "FINTOC_CONNECT_TIMEOUT_MS",
                  "2000"));
      String table = config.required("SESSIONS_TABLE");
      long filling = System.nanoTime();
      fill(stack, table, n);
      stack.fintoc.faults().slowRetrievals(Duration.ofMillis(delayMillis));
      System.out.printf(
          "%d sessions past due loaded in %.1f s: a quarter expired at Fintoc, a quarter still open,"
              + " a quarter 404, a quarter 500; every GET answered after %d ms; runs of %d s%n",
          n, (System.nanoTime() - filling) / 1e9, delayMillis, timeoutSeconds);

      // Wall-clock time from the moment on: pushed-back sessions come due again as they
      // would in AWS.
      Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), TestStack.NOW));
      ExpirySweeperHandler sweeper =
          new ExpirySweeperHandler(
              TestStack.platform(config).clock(clock).sleeper(Sleeper.REAL).build());

      System.out.printf(
          "%4s %6s %7s %10s %9s %10s %8s  %s%n",
          "run",
          "due",
          "reached",
          "duration_s",
          "deadline",
          "first_time",
          "stopped",
          "reached per shard (open-by-expiry 0..7)");
      double sweeping = 0;
      int run = 0;
      int firstTime = 0;
      while (firstTime < n && run < 10 * (n / (8 * timeoutSeconds) + 10)) {
        run++;
        long started = System.nanoTime();
        long limitMillis = timeoutSeconds * 1000L;
        TestContext context =
            new TestContext(() -> (int) (limitMillis - (System.nanoTime() - started) / 1_000_000));
        Map<String, Object> summary = sweeper.handleRequest(Map.of(), context);
        double seconds = (System.nanoTime() - started) / 1e9;
        sweeping += seconds;
        int before = firstTime;
        firstTime = (int) stack.fintoc.retrievalsBySession().keySet().stream().count();
        String shards = String.valueOf(summary.get("reached_by_shard"));
        System.out.printf(
            "%4d %6d %7d %10.1f %9s %10d %8s  %s%n",
            run,
            summary.get("due"),
            summary.get("reached"),
            seconds,
            seconds < timeoutSeconds ? "< " + timeoutSeconds + " s" : "OVER",
            firstTime - before,
            summary.get("stopped"),
            shards.substring(0, shards.indexOf(" |")).replace("open ", ""));
      }

      Map<String, Integer> asks = stack.fintoc.retrievalsBySession();
      long calls = asks.values().stream().mapToLong(Integer::longValue).sum();
      int max = asks.values().stream().mapToInt(Integer::intValue).max().orElse(0);
      System.out.printf(
          "%nruns needed     %d (every session asked at least once: %s)%n",
          run, firstTime == n ? "yes" : "NO, " + firstTime + " of " + n);
      System.out.printf(
          "fintoc calls    %d in %.1f s of sweeping: %.2f calls/s%n",
          calls, sweeping, calls / sweeping);
      System.out.printf(
          "asks/session    max %d, mean %.2f (pushed-back sessions come due again 10 min + grace"
              + " after their first look)%n",
          max, calls / (double) n);
      long[] perShard = new long[8];
      asks.keySet().forEach(id -> perShard[Math.floorMod(id.hashCode(), 8)]++);
      StringBuilder shardLine = new StringBuilder();
      for (long count : perShard) {
        shardLine.append(' ').append(count);
      }
      System.out.printf("asked per shard%s%n", shardLine);
      System.out.printf(
          "expected runs   ≈ due / (calls per second × usable run length) = %d / (10 × %d) = %.1f%n",
          n, timeoutSeconds - 5, n / (10.0 * (timeoutSeconds - 5)));
    }
    System.exit(0);
  }

  static void fill(TestStack stack, String table, int n) {
    DynamoDbClient dynamo = stack.dynamo.client();
    Instant pastDue = TestStack.NOW.minus(Duration.ofHours(1));
    List<WriteRequest> writes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = String.format("cs_backlog_%06d", i);
      switch (i % 4) {
        case 0 -> stack.fintoc.holdSession(id, "expired", null, null);
        case 1 -> stack.fintoc.holdSession(id, "in_progress", null, null);
        case 2 -> {} // Fintoc does not know it: 404
        default -> stack.fintoc.faults().failRetrievalsOf(id, 500);
      }
      CheckoutSession session = TestSessions.open(id, "order-" + i, pastDue.minusSeconds(i));
      writes.add(
          WriteRequest.builder()
              .putRequest(PutRequest.builder().item(SessionItems.toItem(session)).build())
              .build());
      if (writes.size() == 25 || i == n - 1) {
        Map<String, List<WriteRequest>> pending = Map.of(table, List.copyOf(writes));
        while (!pending.isEmpty()) {
          Map<String, List<WriteRequest>> request = pending;
          pending = dynamo.batchWriteItem(r -> r.requestItems(request)).unprocessedItems();
        }
        writes.clear();
      }
    }
  }
}
