package checkout.local.fintoc;

import checkout.fintoc.WebhookSignature;
import checkout.json.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Delivers events as Fintoc does: a POST of the raw JSON with {@code Fintoc-Signature: t=<unix
 * seconds>,v1=<hex HMAC-SHA256 of "t.body">}, signed afresh at each attempt; any 2xx is success,
 * anything else or no answer is retried with exponential backoff. {@link Chaos} makes it deliver as
 * Fintoc may on a bad day: each event several times, shuffled, at once, and some never at all.
 */
public final class WebhookSender {
  /** One attempt, for the console and for tests; {@code nanos} is its round trip. */
  public record Attempt(String eventId, String type, int attempt, int status, long nanos) {}

  /**
   * How deliveries misbehave: each event goes {@code minCopies} to {@code maxCopies} times,
   * shuffled with the other events of its change (or in order), concurrently — at most {@code
   * inFlight} deliveries at once across all changes (0: no limit); a share {@code lossRate} of
   * events is never delivered (a missed webhook: the sweeper must find it).
   */
  public record Chaos(
      int minCopies, int maxCopies, boolean shuffle, double lossRate, long seed, int inFlight) {
    /** As Fintoc means to: each event once, in order. */
    public static final Chaos NONE = new Chaos(1, 1, false, 0, 0, 0);

    /** {@code --webhook-chaos}: every event twice, at once, out of order. */
    public static final Chaos TWICE = new Chaos(2, 2, true, 0, 1, 0);

    public boolean any() {
      return !equals(NONE);
    }

    @Override
    public String toString() {
      return "each event "
          + (minCopies == maxCopies ? minCopies : minCopies + "-" + maxCopies)
          + " times"
          + (shuffle ? ", shuffled" : "")
          + (inFlight > 0 ? ", " + inFlight + " deliveries at once" : ", all at once")
          + (lossRate > 0 ? ", " + Math.round(lossRate * 100) + " % lost" : "");
    }
  }

  private final URI url;
  private final String secret;
  private final Chaos chaos;
  private final Duration firstRetry;
  private final int maxRetries;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  private final ExecutorService deliveries;
  private final Random random;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
  private final List<String> lost = new CopyOnWriteArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  private int inFlight;

  public WebhookSender(
      URI url,
      String secret,
      Chaos chaos,
      Duration firstRetry,
      int maxRetries,
      Clock clock,
      ScheduledExecutorService timer) {
    this.url = url;
    this.secret = secret;
    this.chaos = chaos;
    this.firstRetry = firstRetry;
    this.maxRetries = maxRetries;
    this.clock = clock;
    this.timer = timer;
    this.random = new Random(chaos.seed());
    ThreadFactory daemons =
        r -> {
          Thread thread = new Thread(r, "webhook-delivery");
          thread.setDaemon(true);
          return thread;
        };
    this.deliveries =
        chaos.inFlight() > 0
            ? Executors.newFixedThreadPool(chaos.inFlight(), daemons)
            : Executors.newCachedThreadPool(daemons);
  }

  /** Sends the events one change produced: in order, or as {@link Chaos} says. */
  public void deliver(List<ObjectNode> events) {
    List<ObjectNode> copies = new ArrayList<>();
    synchronized (random) {
      for (ObjectNode event : events) {
        if (chaos.lossRate() > 0 && random.nextDouble() < chaos.lossRate()) {
          lost.add(Json.text(event, "id"));
          System.out.printf(
              "[fintoc] webhook %s %s lost (chaos)%n",
              Json.text(event, "type"), Json.text(event, "id"));
          continue;
        }
        int n = chaos.minCopies() + random.nextInt(chaos.maxCopies() - chaos.minCopies() + 1);
        for (int i = 0; i < n; i++) {
          copies.add(event);
        }
      }
      if (chaos.shuffle()) {
        Collections.shuffle(copies, random);
      }
    }
    begin(copies.size());
    if (!chaos.any()) {
      deliveries.execute(
          () ->
              copies.forEach(
                  event -> attempt(event, Json.write(event).getBytes(StandardCharsets.UTF_8), 0)));
      return;
    }
    for (ObjectNode event : copies) {
      deliveries.execute(
          () -> attempt(event, Json.write(event).getBytes(StandardCharsets.UTF_8), 0));
    }
  }

  /** Events never delivered (chaos), by id. */
  public List<String> lost() {
    return List.copyOf(lost);
  }

  private void attempt(ObjectNode event, byte[] body, int retry) {
    int status;
    long started = System.nanoTime();
    try {
      long timestamp = clock.instant().getEpochSecond();
      HttpRequest request =
          HttpRequest.newBuilder(url)
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .header(WebhookSignature.HEADER, WebhookSignature.sign(body, secret, timestamp))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      started = System.nanoTime();
      status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = 0;
    } catch (Exception e) {
      status = 0;
    }
    String id = Json.text(event, "id");
    String type = Json.text(event, "type");
    attempts.add(new Attempt(id, type, retry + 1, status, System.nanoTime() - started));
    boolean delivered = status >= 200 && status < 300;
    System.out.printf(
        "[fintoc] webhook %s %s attempt %d → %s in %d ms%n",
        type,
        id,
        retry + 1,
        status == 0 ? "no answer" : Integer.toString(status),
        (System.nanoTime() - started) / 1_000_000);
    if (delivered || retry >= maxRetries) {
      if (!delivered) {
        System.out.printf(
            "[fintoc] webhook %s %s given up after %d attempts%n", type, id, retry + 1);
      }
      end();
      return;
    }
    long delay = firstRetry.toMillis() << Math.min(retry, 20);
    timer.schedule(
        () -> deliveries.execute(() -> attempt(event, body, retry + 1)),
        delay,
        TimeUnit.MILLISECONDS);
  }

  private void begin(int deliveries) {
    lock.lock();
    try {
      inFlight += deliveries;
    } finally {
      lock.unlock();
    }
  }

  private void end() {
    lock.lock();
    try {
      if (--inFlight == 0) {
        idle.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits until every delivery so far has succeeded or been given up; false on timeout. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (inFlight > 0) {
        if (nanos <= 0) {
          return false;
        }
        nanos = idle.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  public List<Attempt> attempts() {
    return List.copyOf(attempts);
  }
}
