package checkout.local.fintoc;

import checkout.json.Json;
import checkout.webhook.WebhookSignature;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Delivers events as Fintoc does: a POST of the raw JSON with {@code Fintoc-Signature:
 * t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">}, signed afresh at each attempt; any 2xx is
 * success, anything else or no answer is retried with exponential backoff. In chaos mode every
 * event goes twice, at once, and the events of one change go in reverse order.
 */
public final class WebhookSender {
  /** One attempt, for the console and for tests. */
  public record Attempt(String eventId, String type, int attempt, int status) {}

  private final URI url;
  private final String secret;
  private final boolean chaos;
  private final Duration firstRetry;
  private final int maxRetries;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  private int inFlight;

  public WebhookSender(URI url, String secret, boolean chaos, Duration firstRetry, int maxRetries, Clock clock,
                       ScheduledExecutorService timer) {
    this.url = url;
    this.secret = secret;
    this.chaos = chaos;
    this.firstRetry = firstRetry;
    this.maxRetries = maxRetries;
    this.clock = clock;
    this.timer = timer;
  }

  /** Sends the events one change produced, in order (or, in chaos mode, twice each and reversed). */
  public void deliver(List<ObjectNode> events) {
    List<ObjectNode> order = new ArrayList<>(events);
    if (chaos) {
      Collections.reverse(order);
    }
    begin(order.size() * (chaos ? 2 : 1));
    timer.execute(() -> {
      for (ObjectNode event : order) {
        byte[] body = Json.write(event).getBytes(StandardCharsets.UTF_8);
        if (chaos) {
          timer.execute(() -> attempt(event, body, 0));
        }
        attempt(event, body, 0);
      }
    });
  }

  private void attempt(ObjectNode event, byte[] body, int retry) {
    int status;
    try {
      long timestamp = clock.instant().getEpochSecond();
      HttpRequest request = HttpRequest.newBuilder(url)
          .timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json")
          .header(WebhookSignature.HEADER, WebhookSignature.sign(body, secret, timestamp))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
          .build();
      status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = 0;
    } catch (Exception e) {
      status = 0;
    }
    String id = Json.text(event, "id");
    String type = Json.text(event, "type");
    attempts.add(new Attempt(id, type, retry + 1, status));
    boolean delivered = status >= 200 && status < 300;
    System.out.printf("[fintoc] webhook %s %s attempt %d → %s%n", type, id, retry + 1,
        status == 0 ? "no answer" : Integer.toString(status));
    if (delivered || retry >= maxRetries) {
      if (!delivered) {
        System.out.printf("[fintoc] webhook %s %s given up after %d attempts%n", type, id, retry + 1);
      }
      end();
      return;
    }
    long delay = firstRetry.toMillis() << Math.min(retry, 20);
    timer.schedule(() -> attempt(event, body, retry + 1), delay, TimeUnit.MILLISECONDS);
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
