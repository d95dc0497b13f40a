package checkout.createsession;

import checkout.fintoc.FintocCheckoutSession;
import checkout.fintoc.FintocClient;
import checkout.fintoc.FintocException;
import checkout.http.ApiException;
import checkout.json.Json;
import checkout.log.Log;
import checkout.session.CheckoutSession;
import checkout.session.SessionRepository;
import checkout.time.Sleeper;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;

/**
 * Creates a checkout session for an order priced on the server, exactly once per idempotency
 * scope: prices the order (catalog or signed), claims the scope, creates the session at Fintoc
 * with the claim's key, stores it, and records which session the scope produced. Every step
 * can fail and be retried: Fintoc replays the same session for the same key, the row is written
 * only if absent, and the claim is released or expires.
 *
 * <p>A scope keeps its session while that session can still be paid or was paid; once it ended
 * unpaid (expired, or its payment failed), the same order may start a new one. So replaying a
 * signed order never gives a second payable session for its order_id.
 */
public final class CreateSessionService {
  /** How long a request waits for a concurrent one in its scope; then it answers 409. */
  static final Duration WAIT_FOR_CONCURRENT = Duration.ofSeconds(20);

  private final CatalogPricing catalog;
  private final SignedOrder signedOrders;
  private final FintocClient fintoc;
  private final SessionRepository sessions;
  private final IdempotencyStore idempotency;
  private final CreateSessionSettings settings;
  private final Clock clock;
  private final Sleeper sleeper;

  CreateSessionService(CatalogPricing catalog, SignedOrder signedOrders, FintocClient fintoc,
      SessionRepository sessions, IdempotencyStore idempotency, CreateSessionSettings settings, Clock clock,
      Sleeper sleeper) {
    this.catalog = catalog;
    this.signedOrders = signedOrders;
    this.fintoc = fintoc;
    this.sessions = sessions;
    this.idempotency = idempotency;
    this.settings = settings;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /**
   * @param clientKey the request's Idempotency-Key header, or null: then the request is a
   *     checkout of its own (a signed order is always scoped by its order_id)
   */
  public CheckoutSession create(CheckoutRequest request, String clientKey) {
    PricedOrder order = request.cart() != null ? catalog.price(request.cart()) : signedOrders.verify(request.orderToken());
    SessionRequest session = SessionRequest.of(order, request, clientKey, settings);
    if (session.scope() == null) {
      return createAtFintoc(session, null, new IdempotencyStore.Acquired(null, IdempotencyStore.oneOffFintocKey()));
    }
    Duration waited = Duration.ZERO;
    Duration poll = Duration.ofMillis(50);
    while (true) {
      IdempotencyStore.Claim claim = idempotency.claim(session.scope(), session.requestHash(), clock.instant());
      if (claim instanceof IdempotencyStore.Acquired acquired) {
        return createAtFintoc(session, session.scope(), acquired);
      }
      IdempotencyStore.Record seen = ((IdempotencyStore.Taken) claim).record();
      boolean sameRequest = session.requestHash().equals(seen.requestHash());
      boolean orderScope = order.orderId() != null;
      IdempotencyStore.Acquired takenOver = null;
      if (IdempotencyStore.COMPLETE.equals(seen.state())) {
        CheckoutSession made = sessions.find(seen.sessionId()).orElseThrow(() -> new IllegalStateException(
            "idempotency claim completed with session " + seen.sessionId() + " but the session is missing"));
        if (!made.endedUnpaid()) {
          if (sameRequest) {
            return made;
          }
          throw refused(orderScope, made.id());
        }
        if (!sameRequest && !orderScope) {
          throw refused(false, null);
        }
        // That checkout ended unpaid: this order may start a new one, with a new Fintoc key.
        takenOver = idempotency.takeOver(session.scope(), seen, session.requestHash(), true, clock.instant());
      } else if (seen.ownerGone(clock.instant())) {
        if (!sameRequest && !orderScope) {
          throw refused(false, null);
        }
        // The same request repeats the last attempt with its key (Fintoc may have made that
        // session); a changed signed order has other parameters, so it needs a new key.
        takenOver = idempotency.takeOver(session.scope(), seen, session.requestHash(), !sameRequest, clock.instant());
      } else if (!sameRequest) {
        throw refused(orderScope, null);
      } else if (waited.compareTo(WAIT_FOR_CONCURRENT) >= 0) {
        throw new ApiException(409, "idempotency_in_progress",
            "A request with this Idempotency-Key is still being processed; retry shortly.", null);
      } else {
        pause(poll);
        waited = waited.plus(poll);
        poll = poll.multipliedBy(2).compareTo(Duration.ofMillis(500)) > 0 ? Duration.ofMillis(500) : poll.multipliedBy(2);
      }
      if (takenOver != null) {
        return createAtFintoc(session, session.scope(), takenOver);
      }
    }
  }

  /** Another order in this scope: a reused key (422), or a signed order already being paid (409). */
  private static ApiException refused(boolean orderScope, String openSession) {
    if (orderScope) {
      return new ApiException(409, "order_session_open", "This order already has a checkout session"
          + (openSession == null ? " being created" : " (" + openSession + ")") + " for other contents; it keeps"
          + " it until that one ends unpaid. Use a new order_id for a changed order.", "order_token.order_id");
    }
    return new ApiException(422, "idempotency_key_reused",
        "This Idempotency-Key was already used with a different request.", null);
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
    return FintocCheckoutSession.toSession(FintocCheckoutSession.primingSample("created"),
        settings.orderReferenceKey(), clock.instant());
  }

  /** Fintoc's request as this order would send it, short of sending: for SnapStart priming. */
  String primeRequest(CheckoutRequest request) {
    PricedOrder order = new PricedOrder(PricedOrder.SIGNED_ORDER, 1000, "CLP", null, "priming", null, null);
    return Json.write(SessionRequest.of(order, request, null, settings).fintocParams());
  }

  private CheckoutSession createAtFintoc(SessionRequest request, String scope, IdempotencyStore.Acquired claim) {
    try {
      JsonNode created = fintoc.createCheckoutSession(request.fintocParams(), claim.fintocKey());
      CheckoutSession session = stored(request, created);
      boolean inserted = scope == null ? sessions.insert(session) : idempotency.completeWith(scope, claim.token(), session);
      if (!inserted) {
        // Stored by an earlier attempt that failed later, or already updated by a webhook.
        session = sessions.find(session.id()).orElse(session);
      }
      Log.info("session_created", "session_id", session.id(), "amount", session.amount(),
          "currency", session.currency(), "pricing", session.pricing(), "order", session.orderReference());
      return session;
    } catch (RuntimeException e) {
      if (scope != null) {
        // A definite answer from Fintoc is stored there under the key and would be replayed:
        // the next attempt takes a new key. Without one, Fintoc may have made the session.
        boolean answered = e instanceof FintocException fintocFailure && fintocFailure.status() != 0;
        idempotency.release(scope, claim.token(), answered);
      }
      throw e;
    }
  }

  /**
   * The session to store: Fintoc's, for our order. Fintoc must have accepted the amount and
   * currency we priced; if it answered with others, nobody is sent to pay it.
   */
  private CheckoutSession stored(SessionRequest request, JsonNode created) {
    CheckoutSession fromFintoc = FintocCheckoutSession.toSession(created, settings.orderReferenceKey(), clock.instant());
    PricedOrder order = request.order();
    if (fromFintoc.amount() != order.amount() || !order.currency().equals(fromFintoc.currency())) {
      Log.error("fintoc_amount_differs", null, "session_id", fromFintoc.id(), "amount", order.amount(),
          "currency", order.currency(), "fintoc_amount", fromFintoc.amount(), "fintoc_currency", fromFintoc.currency());
      throw new FintocException(FintocException.Kind.UNAVAILABLE, 200, null,
          "Fintoc's session does not have the order's amount and currency", null);
    }
    return fromFintoc.toBuilder()
        .orderReference(request.orderReference())
        .lineItems(order.lineItems() == null ? null : Json.write(order.lineItems()))
        .pricing(order.pricing())
        .build();
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
