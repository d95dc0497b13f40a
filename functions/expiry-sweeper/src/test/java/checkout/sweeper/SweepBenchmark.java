package checkout.sweeper;

import checkout.config.Config;
import checkout.session.CheckoutSession;
import checkout.session.SessionRepository;
import checkout.session.SessionStatus;
import checkout.testing.TestContext;
import checkout.testing.TestSessions;
import checkout.testing.TestStack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * What one sweep costs as the table grows: fills DynamoDB Local with N open sessions of which
 * K are past due, runs one sweep, and prints the items it read and the read capacity its
 * queries consumed. The figures should stay flat as N grows (only the K past due are read).
 *
 * <pre>./mvnw -q install -DskipTests && ./mvnw -q -pl functions/expiry-sweeper exec:java@benchmark [-Dexec.args="1000 10000 100000"]</pre>
 */
public final class SweepBenchmark {
  static final int PAST_DUE = 100;

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    for (String arg : args.length == 0 ? new String[] {"1000", "10000", "100000"} : args) {
      sizes.add(Integer.parseInt(arg));
    }
    System.out.printf("%10s %6s %7s %10s %8s %14s %10s%n", "N", "K", "found", "items_read", "queries", "read_capacity", "fill_s");
    try (TestStack stack = new TestStack()) {
      for (int n : sizes) {
        Config config = stack.config("bench", Map.of());
        long started = System.nanoTime();
        fill(stack.dynamo.client(), config.required("SESSIONS_TABLE"), n);
        double fillSeconds = (System.nanoTime() - started) / 1e9;
        stack.fintoc.reset(); // Fintoc knows none of them: each is answered 404 and expired
        Map<String, Object> summary = new ExpirySweeperHandler(config, TestStack.CLOCK)
            .handleRequest(Map.of(), TestContext.unhurried());
        System.out.printf("%,10d %6d %7d %10d %8d %14.1f %10.1f%n", n, PAST_DUE, summary.get("found"),
            summary.get("items_read"), summary.get("queries"), summary.get("read_capacity_units"), fillSeconds);
      }
    }
    System.exit(0);
  }

  static void fill(DynamoDbClient dynamo, String table, int n) throws Exception {
    Instant pastDue = TestStack.NOW.minus(Duration.ofHours(1));
    Instant future = TestStack.NOW.plus(Duration.ofHours(12));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> batches = new ArrayList<>();
    for (int from = 0; from < n; from += 25) {
      int start = from;
      batches.add(pool.submit(() -> {
        List<WriteRequest> writes = new ArrayList<>();
        for (int i = start; i < Math.min(start + 25, n); i++) {
          Instant expiresAt = i < PAST_DUE ? pastDue.minusSeconds(i) : future.plusSeconds(i);
          CheckoutSession session = TestSessions.open(String.format("cs_bench_%07d", i), "order-" + i, expiresAt);
          writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(SessionRepository.toItem(session)).build()).build());
        }
        Map<String, List<WriteRequest>> pending = Map.of(table, writes);
        while (!pending.isEmpty()) {
          Map<String, List<WriteRequest>> request = pending;
          pending = dynamo.batchWriteItem(r -> r.requestItems(request)).unprocessedItems();
        }
        return null;
      }));
    }
    for (Future<?> batch : batches) {
      batch.get();
    }
    pool.shutdown();
  }
}
