package checkout.deployment.local;

import checkout.json.Json;
import checkout.local.LocalOptions;
import checkout.local.LocalStack;
import checkout.local.fintoc.WebhookSender;
import checkout.testing.MutableClock;
import checkout.testing.ProjectFiles;
import checkout.testing.TestStack;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Load with chaos against the local stack (loopback, bounded): N checkouts, each ending one of the
 * ways a payment can end at Fintoc, with every webhook delivered two or three times, shuffled and
 * at once, and a share of them never delivered at all — then the sweeper, run as the schedule would
 * run it, must recover what the lost webhooks would have said. At the end every session we store is
 * compared with what Fintoc (the simulator) says of it.
 *
 * <pre>./mvnw -q -DskipTests install && ./mvnw -q -pl deployment-tests exec:exec@chaos
 *     [-Dsessions=200] [-Dconcurrency=16] [-Dloss=0.1] [-Dcopies=2-3] [-Dwarmup=50]</pre>
 *
 * ({@code concurrency}: webhook deliveries in flight at once; {@code copies}: how many times each
 * event is delivered; {@code warmup}: sessions run first and measured apart.)
 *
 * <p>Prints sessions, deliveries, lost (must be 0: a final outcome at Fintoc that we never
 * recorded), wrong (must be 0: an outcome recorded differently from Fintoc's) and the webhook
 * latency as Fintoc sees it (p50 / p99 of each delivery's round trip), for the warm-up and for the
 * measured sessions. It also counts the order events the merchant's backend heard: exactly one
 * terminal event per session, 0 missing, 0 extra (ids deduplicated). Exits 1 unless lost, wrong,
 * missing and extra are all 0 over all sessions.
 */
public final class ChaosLoad {
  /** How a checkout ends: the steps a person takes on the hosted page. */
  static final List<List<String>> ENDINGS =
      List.of(
          List.of("succeeded"),
          List.of("failed"),
          List.of("rejected"),
          List.of("pending", "succeeded"),
          List.of("pending", "failed"),
          List.of("requires_action", "pending", "succeeded"),
          List.of("processing", "succeeded"),
          List.of("in_progress", "expire"),
          List.of("expire"),
          List.of("cancel"));

  /** What to run: see the command above for each. */
  record Settings(
      int sessions, int warmup, int concurrency, int minCopies, int maxCopies, double loss) {
    static Settings fromSystemProperties() {
      String[] copies = System.getProperty("copies", "2-3").split("-");
      return new Settings(
          Integer.getInteger("sessions", 200),
          Integer.getInteger("warmup", 50),
          Integer.getInteger("concurrency", 16),
          Integer.parseInt(copies[0]),
          Integer.parseInt(copies[copies.length - 1]),
          Double.parseDouble(System.getProperty("loss", "0.1")));
    }
  }

  /** What it saw; latencies in nanoseconds, sorted, of the measured sessions' deliveries only. */
  record Report(
      int sessions,
      int deliveries,
      int refused,
      int neverDelivered,
      int sweeps,
      long sweptClosed,
      long sweptSettled,
      List<String> lost,
      List<String> wrong,
      List<Long> latencies,
      List<Long> warmupLatencies,
      double warmupSeconds,
      double checkoutSeconds,
      boolean quiet,
      int webhookInstances,
      int fewestCopies,
      Events events) {
    double p50() {
      return percentile(latencies, 0.50);
    }

    double p99() {
      return percentile(latencies, 0.99);
    }
  }

  /**
   * The order events the merchant's backend received (the local bus's, ids deduplicated): per
   * session exactly one terminal event (paid, payment_failed or expired) of the type our stored
   * outcome says.
   *
   * @param received events taken by the bus, redeliveries included
   * @param distinct distinct event ids
   * @param missing sessions whose outcome is final and that have no terminal event (must be none)
   * @param extra sessions with more than one terminal event, a terminal event of the wrong type, or
   *     one id carrying two different details (must be none)
   */
  record Events(int received, int distinct, List<String> missing, List<String> extra) {}

  static final List<String> TERMINAL =
      List.of(
          "checkout.session.paid", "checkout.session.payment_failed", "checkout.session.expired");

  /** What the merchant should have heard of a session, from what we stored; null: nothing yet. */
  static String expectedTerminal(JsonNode ours) {
    if (ours.path("paid").asBoolean()) {
      return "checkout.session.paid";
    }
    String payment = ours.path("payment_status").asText(null);
    if (payment != null && List.of("failed", "rejected", "expired").contains(payment)) {
      return "checkout.session.payment_failed";
    }
    if (ours.path("status").asText().equals("expired") && payment == null) {
      return "checkout.session.expired";
    }
    return null;
  }

  static Events countEvents(LocalStack stack, Map<String, JsonNode> ours) {
    stack.drainStreams();
    List<JsonNode> details = stack.eventBus().details();
    Map<String, JsonNode> byId = new LinkedHashMap<>();
    List<String> extra = new ArrayList<>();
    for (JsonNode detail : details) {
      JsonNode before = byId.putIfAbsent(detail.path("id").asText(), detail);
      if (before != null && !before.equals(detail)) {
        extra.add(detail.path("id").asText() + ": redelivered with a different detail");
      }
    }
    Map<String, List<String>> terminal = new HashMap<>();
    byId.values().stream()
        .filter(d -> TERMINAL.contains(d.path("type").asText()))
        .forEach(
            d ->
                terminal
                    .computeIfAbsent(d.path("session_id").asText(), k -> new ArrayList<>())
                    .add(d.path("type").asText()));
    List<String> missing = new ArrayList<>();
    ours.forEach(
        (id, session) -> {
          String expected = expectedTerminal(session);
          List<String> heard = terminal.getOrDefault(id, List.of());
          if (expected != null && heard.isEmpty()) {
            missing.add(id + ": expected " + expected + ", heard nothing");
          } else if (heard.size() > 1
              || expected == null && !heard.isEmpty()
              || expected != null && !heard.get(0).equals(expected)) {
            extra.add(id + ": expected " + expected + ", heard " + heard);
          }
        });
    return new Events(details.size(), byId.size(), missing, extra);
  }

  public static void main(String[] args) throws Exception {
    Settings settings = Settings.fromSystemProperties();
    Report report = run(settings);
    System.out.println();
    System.out.printf(
        "warm-up         %d sessions in %.1f s: %d deliveries, p50 %.1f ms, p99 %.1f ms (not counted below)%n",
        settings.warmup(),
        report.warmupSeconds(),
        report.warmupLatencies().size(),
        percentile(report.warmupLatencies(), 0.50) / 1e6,
        percentile(report.warmupLatencies(), 0.99) / 1e6);
    System.out.printf(
        "sessions        %d (checkouts done in %.1f s%s)%n",
        settings.sessions(),
        report.checkoutSeconds(),
        report.quiet() ? "" : "; webhooks still retrying after 5 min");
    System.out.printf(
        "deliveries      %d (%d answered non-2xx and redelivered; %d events never delivered)%n",
        report.deliveries(), report.refused(), report.neverDelivered());
    System.out.printf(
        "sweeps          %d (closed %d sessions, settled %d payments)%n",
        report.sweeps(), report.sweptClosed(), report.sweptSettled());
    System.out.printf(
        "lost            %d (of all %d sessions)%n", report.lost().size(), report.sessions());
    System.out.printf("wrong           %d%n", report.wrong().size());
    System.out.printf(
        "order events    %d received, %d distinct ids; missing %d, extra %d (one terminal event per session)%n",
        report.events().received(),
        report.events().distinct(),
        report.events().missing().size(),
        report.events().extra().size());
    System.out.printf("webhook p50     %.1f ms%n", report.p50() / 1e6);
    System.out.printf(
        "webhook p99     %.1f ms (%.1f x p50)%n",
        report.p99() / 1e6, report.p99() / Math.max(1, report.p50()));
    System.out.printf(
        "webhook max     %.1f ms%n",
        report.latencies().isEmpty()
            ? 0
            : report.latencies().get(report.latencies().size() - 1) / 1e6);
    System.out.printf(
        "instances       %d of WebhookHandlerFunction started%n", report.webhookInstances());
    report.lost().stream().limit(20).forEach(problem -> System.out.println("lost  " + problem));
    report.wrong().stream().limit(20).forEach(problem -> System.out.println("wrong " + problem));
    report.events().missing().stream().limit(20).forEach(p -> System.out.println("missing " + p));
    report.events().extra().stream().limit(20).forEach(p -> System.out.println("extra " + p));
    System.exit(
        report.lost().isEmpty()
                && report.wrong().isEmpty()
                && report.events().missing().isEmpty()
                && report.events().extra().isEmpty()
            ? 0
            : 1);
  }

  static Report run(Settings settings) throws Exception {
    MutableClock clock = new MutableClock(TestStack.NOW);
    AtomicInteger ids = new AtomicInteger();
    // The sweeper may call as fast as the simulator answers: pacing is not what is measured here.
    Path env = Files.createTempFile("env", ".json");
    ObjectNode envJson =
        (ObjectNode) Json.parse(Files.readString(ProjectFiles.resolve("env.json")));
    envJson.putObject("ExpirySweeperFunction").put("SWEEP_CALLS_PER_SECOND", "1000");
    Files.writeString(env, Json.write(envJson));

    WebhookSender.Chaos chaos =
        new WebhookSender.Chaos(
            settings.minCopies(),
            settings.maxCopies(),
            true,
            settings.loss(),
            7,
            settings.concurrency());
    try (LocalStack stack =
        LocalStack.start(
            LocalOptions.forTests(
                    ProjectFiles.resolve("template.yaml"),
                    clock,
                    prefix -> prefix + "_load" + ids.incrementAndGet())
                .withEnvVars(env)
                .withWebhookChaos(chaos))) {
      StackClient client = new StackClient(stack);
      WebhookSender webhooks = stack.simulator().webhooks();
      System.out.printf("%d checkouts, 8 at once; webhooks: %s%n", settings.sessions(), chaos);

      // A warm-up round first, measured apart: here one JVM hosts DynamoDB Local, the simulator
      // and every function, and its first few hundred requests run interpreted code while the JIT
      // catches up; in Lambda each environment is its own JVM, primed before its snapshot.
      Map<String, List<String>> endings = new ConcurrentHashMap<>();
      long warmStarted = System.nanoTime();
      checkouts(client, "warmup", settings.warmup(), endings);
      webhooks.awaitIdle(Duration.ofMinutes(5));
      double warmupSeconds = (System.nanoTime() - warmStarted) / 1e9;
      int measuredFrom = webhooks.attempts().size();

      // Every checkout, to its end at Fintoc.
      long started = System.nanoTime();
      checkouts(client, "load", settings.sessions(), endings);
      boolean quiet = webhooks.awaitIdle(Duration.ofMinutes(5));
      double checkoutSeconds = (System.nanoTime() - started) / 1e9;

      // Then time passes and the schedule runs the sweeper, as in a day or two of production.
      int sweeps = 0;
      long sweptSettled = 0;
      long sweptClosed = 0;
      clock.advance(Duration.ofHours(24).plusMinutes(11));
      for (int round = 0; round < 12; round++) {
        JsonNode summary =
            Json.parse(
                client.invoke("ExpirySweeperFunction", "{\"source\": \"chaos-load\"}").body());
        sweeps++;
        sweptSettled += summary.path("settled").asLong();
        sweptClosed += summary.path("expired").asLong() + summary.path("finished").asLong();
        clock.advance(Duration.ofHours(7));
      }

      // Ours against Fintoc's, session by session.
      List<String> lost = new ArrayList<>();
      List<String> wrong = new ArrayList<>();
      Map<String, JsonNode> stored = new LinkedHashMap<>();
      for (String id : endings.keySet()) {
        JsonNode theirs =
            Json.parse(
                client
                    .send(
                        HttpRequest.newBuilder(
                                stack.fintocUrl().resolve("/v2/checkout_sessions/" + id))
                            .header("Authorization", stack.secretKey())
                            .build())
                    .body());
        JsonNode ours =
            Json.parse(client.get(stack.apiUrl().resolve("/checkout-sessions/" + id)).body());
        stored.put(id, ours);
        String theirStatus = theirs.path("status").asText();
        String theirPayment = theirs.at("/payment_resource/payment_intent/status").asText(null);
        boolean theirPaid = "succeeded".equals(theirPayment) && !"expired".equals(theirStatus);
        String ourStatus = ours.path("status").asText();
        String ourPayment =
            ours.path("payment_status").isNull() ? null : ours.path("payment_status").asText();
        String problem =
            id
                + " "
                + endings.get(id)
                + ": Fintoc "
                + theirStatus
                + "/"
                + theirPayment
                + ", ours "
                + ours;
        if (isFinalSession(theirStatus) && !isFinalSession(ourStatus)
            || theirPayment != null
                && isFinal(theirPayment)
                && (ourPayment == null || !isFinal(ourPayment))) {
          lost.add(problem);
        } else if (!theirStatus.equals(ourStatus)
            || !Objects.equals(theirPayment, ourPayment)
            || theirPaid != ours.path("paid").asBoolean()) {
          wrong.add(problem);
        }
      }

      List<WebhookSender.Attempt> all = webhooks.attempts();
      int refused = (int) all.stream().filter(a -> a.status() < 200 || a.status() >= 300).count();
      return new Report(
          endings.size(),
          all.size() - measuredFrom,
          refused,
          webhooks.lost().size(),
          sweeps,
          sweptClosed,
          sweptSettled,
          lost,
          wrong,
          sortedNanos(all.subList(measuredFrom, all.size())),
          sortedNanos(all.subList(0, measuredFrom)),
          warmupSeconds,
          checkoutSeconds,
          quiet,
          stack.functions().get("WebhookHandlerFunction").instancesStarted(),
          all.stream()
              .collect(Collectors.groupingBy(WebhookSender.Attempt::eventId, Collectors.counting()))
              .values()
              .stream()
              .mapToInt(Long::intValue)
              .min()
              .orElse(0),
          countEvents(stack, stored));
    }
  }

  /** {@code count} checkouts, 8 at once, each walked to one of {@link #ENDINGS} at Fintoc. */
  static void checkouts(
      StackClient client, String name, int count, Map<String, List<String>> endings)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> runs = new ArrayList<>();
      Random random = new Random(name.hashCode());
      for (int i = 0; i < count; i++) {
        List<String> ending = ENDINGS.get(random.nextInt(ENDINGS.size()));
        String order = "order-" + name + "-" + i;
        runs.add(
            pool.submit(
                () -> {
                  JsonNode created = client.create(order);
                  for (String step : ending) {
                    client.choose(created, step);
                  }
                  endings.put(created.path("id").asText(), ending);
                  return null;
                }));
      }
      for (Future<?> run : runs) {
        run.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  static List<Long> sortedNanos(List<WebhookSender.Attempt> attempts) {
    List<Long> nanos =
        new ArrayList<>(attempts.stream().map(WebhookSender.Attempt::nanos).toList());
    Collections.sort(nanos);
    return nanos;
  }

  static boolean isFinalSession(String sessionStatus) {
    return sessionStatus.equals("finished") || sessionStatus.equals("expired");
  }

  static boolean isFinal(String paymentStatus) {
    return List.of("succeeded", "failed", "rejected", "expired").contains(paymentStatus);
  }

  static double percentile(List<Long> sorted, double p) {
    return sorted.isEmpty()
        ? 0
        : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * p) - 1));
  }
}
