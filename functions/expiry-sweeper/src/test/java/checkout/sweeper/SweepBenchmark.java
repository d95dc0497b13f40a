package checkout.sweeper;

import checkout.config.Config;
import checkout.session.CheckoutSession;
import checkout.session.PaymentStatus;
import checkout.session.SessionStatus;
import checkout.store.SessionItems;
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
 * What one sweep costs as the table grows: fills DynamoDB Local with N sessions — K open and past
 * due, U finished with a payment still pending whose next look is due, U more not due yet, the rest
 * open and not due — runs one sweep (Fintoc: the past-due ones unknown, so expired; the pending
 * payments now succeeded), and prints what it found, settled, read and consumed. The figures should
 * stay flat as N grows: only the K + U due are read.
 *
 * <pre>
 * ./mvnw -q install -DskipTests && ./mvnw -q -pl functions/expiry-sweeper exec:java@benchmark [-Dexec.args="1000 10000 100000"]
 * </pre>
 */
public final class SweepBenchmark {
  static final int PAST_DUE = 100;
  static final int UNSETTLED_DUE = 100;

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    for (String arg : args.length == 0 ? new String[] {"1000", "10000", "100000"} : args) {
      sizes.add(Integer.parseInt(arg));
    }
    System.out.printf(
        "%10s %6s %6s %7s %8s %10s %8s %14s %10s%n",
        "N", "K", "U", "found", "settled", "items_read", "queries", "read_capacity", "fill_s");
    try (TestStack stack = new TestStack()) {
      for (int n : sizes) {
        // Pacing is not what is measured here: let the sweep call as fast as the stub answers.
        Config config = stack.config("bench", Map.of("SWEEP_CALLS_PER_SECOND", "10000"));
        stack.fintoc.reset(); // Fintoc knows none of the past-due ones: answered 404, expired
        long started = System.nanoTime();
        fill(stack, config.required("SESSIONS_TABLE"), n);
        double fillSeconds = (System.nanoTime() - started) / 1e9;
        Map<String, Object> summary =
            new ExpirySweeperHandler(TestStack.platform(config).build())
                .handleRequest(Map.of(), TestContext.unhurried());
        System.out.printf(
            "%,10d %6d %6d %7d %8d %10d %8d %14.1f %10.1f%n",
            n,
            PAST_DUE,
            UNSETTLED_DUE,
            summary.get("found"),
            summary.get("settled"),
            summary.get("items_read"),
            summary.get("queries"),
            summary.get("read_capacity_units"),
            fillSeconds);
      }
    }
    System.exit(0);
  }

  static void fill(TestStack stack, String table, int n) throws Exception {
    DynamoDbClient dynamo = stack.dynamo.client();
    Instant pastDue = TestStack.NOW.minus(Duration.ofHours(1));
    Instant future = TestStack.NOW.plus(Duration.ofHours(12));
    for (int i = PAST_DUE; i < PAST_DUE + UNSETTLED_DUE; i++) {
      stack.fintoc.holdSession(
          id(i), "finished", "pi_bench_" + i, "succeeded"); // the bank settled them
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> batches = new ArrayList<>();
    for (int from = 0; from < n; from += 25) {
      int start = from;
      batches.add(
          pool.submit(
              () -> {
                List<WriteRequest> writes = new ArrayList<>();
                for (int i = start; i < Math.min(start + 25, n); i++) {
                  Instant expiresAt =
                      i < PAST_DUE ? pastDue.minusSeconds(i) : future.plusSeconds(i);
                  CheckoutSession session = TestSessions.open(id(i), "order-" + i, expiresAt);
                  if (i >= PAST_DUE && i < PAST_DUE + 2 * UNSETTLED_DUE) {
                    // Finished with a pending payment: the first U due for a look, the next U not
                    // yet.
                    session =
                        session.toBuilder()
                            .status(SessionStatus.FINISHED)
                            .paymentStatus(PaymentStatus.PENDING)
                            .paymentIntentId("pi_bench_" + i)
                            .nextSettleCheckAt(i < PAST_DUE + UNSETTLED_DUE ? pastDue : future)
                            .build();
                  }
                  writes.add(
                      WriteRequest.builder()
                          .putRequest(
                              PutRequest.builder().item(SessionItems.toItem(session)).build())
                          .build());
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

  static String id(int i) {
    return String.format("cs_bench_%07d", i);
  }
}
