package checkout.createsession;

import checkout.fintoc.FintocCheckoutSession;
import checkout.fintoc.FintocClient;
import checkout.http.ApiException;
import checkout.log.Log;
import checkout.session.CheckoutSession;
import checkout.session.SessionRepository;
import checkout.time.Sleeper;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;

/**
 * Creates a checkout session exactly once per idempotency key: claims the key, creates the
 * session at Fintoc with a stable Idempotency-Key, stores it, and records which session the key
 * produced. Every step can fail and be retried with the same key: Fintoc replays the same
 * session, the row is written only if absent, and the claim is released or expires.
 */
public final class CreateSessionService {
  /** How long a request waits for a concurrent one with the same key; then it answers 409. */
  static final Duration WAIT_FOR_CONCURRENT = Duration.ofSeconds(20);

  private final FintocClient fintoc;
  private final SessionRepository sessions;
  private final IdempotencyStore idempotency;
  private final String orderReferenceKey;
  private final Clock clock;
  private final Sleeper sleeper;

  CreateSessionService(FintocClient fintoc, SessionRepository sessions, IdempotencyStore idempotency,
      String orderReferenceKey, Clock clock, Sleeper sleeper) {
    this.fintoc = fintoc;
    this.sessions = sessions;
    this.idempotency = idempotency;
    this.orderReferenceKey = orderReferenceKey;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /**
   * @param clientKey the request's Idempotency-Key header, or null: then the key is derived from
   *     the request's content, so an identical retry finds the same session
   */
  public CheckoutSession create(CheckoutRequest request, String clientKey) {
    String key = clientKey != null ? "client:" + clientKey : "content:" + request.contentHash();
    String fintocKey = clientKey != null ? clientKey : "fcl-" + request.contentHash();
    Duration waited = Duration.ZERO;
    Duration poll = Duration.ofMillis(50);
    while (true) {
      IdempotencyStore.Claim claim = idempotency.claim(key, request.contentHash(), clock.instant());
      if (claim instanceof IdempotencyStore.Acquired acquired) {
        return createAsOwner(request, key, fintocKey, acquired.token());
      }
      if (claim instanceof IdempotencyStore.Completed completed) {
        return sessions.find(completed.sessionId()).orElseThrow(() -> new IllegalStateException(
            "idempotency key completed with session " + completed.sessionId() + " but the session is missing"));
      }
      if (claim instanceof IdempotencyStore.Mismatch) {
        throw new ApiException(422, "idempotency_key_reused",
            "This Idempotency-Key was already used with a different request.", null);
      }
      if (waited.compareTo(WAIT_FOR_CONCURRENT) >= 0) {
        throw new ApiException(409, "idempotency_in_progress",
            "A request with this Idempotency-Key is still being processed; retry shortly.", null);
      }
      pause(poll);
      waited = waited.plus(poll);
      poll = poll.multipliedBy(2).compareTo(Duration.ofMillis(500)) > 0 ? Duration.ofMillis(500) : poll.multipliedBy(2);
    }
  }

  /**
   * SnapStart priming: the storage paths (a read; a transaction, a put and an update that
   * DynamoDB refuses, so nothing is written), the secret's read stopped before it is sent, and
   * a made-up Fintoc answer mapped to the session we would store.
   */
  CheckoutSession prime() {
    sessions.prime();
    idempotency.prime();
    fintoc.prime();
    return FintocCheckoutSession.toSession(FintocCheckoutSession.primingSample("created"), orderReferenceKey,
        clock.instant());
  }

  private CheckoutSession createAsOwner(CheckoutRequest request, String key, String fintocKey, String token) {
    try {
      JsonNode created = fintoc.createCheckoutSession(request.fintocParams(), fintocKey);
      CheckoutSession session = FintocCheckoutSession.toSession(created, orderReferenceKey, clock.instant());
      if (!sessions.insert(session)) {
        // Stored by an earlier attempt that failed later, or already updated by a webhook.
        session = sessions.find(session.id()).orElse(session);
      }
      idempotency.complete(key, token, session.id());
      Log.info("session_created", "session_id", session.id(), "amount", session.amount(),
          "currency", session.currency(), "order", session.orderReference());
      return session;
    } catch (RuntimeException e) {
      idempotency.release(key, token);
      throw e;
    }
  }

  private void pause(Duration duration) {
    try {
      sleeper.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(409, "idempotency_in_progress",
          "A request with this Idempotency-Key is still being processed; retry shortly.", null);
    }
  }
}
