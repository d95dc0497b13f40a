package checkout.createsession;

import checkout.config.Settings;
import checkout.fintoc.FintocCheckoutSession;
import checkout.fintoc.FintocClient;
import checkout.fintoc.FintocException;
import checkout.http.ApiException;
import checkout.json.Json;
import checkout.log.Log;
import checkout.session.CheckoutSession;
import checkout.store.IdempotencyStore;
import checkout.store.SessionRepository;
import checkout.store.StorageUnavailableException;
import checkout.time.Deadline;
import checkout.time.Sleeper;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Creates a checkout session for an order priced on the server, exactly once per idempotency scope:
 * prices the order (catalog or signed), claims the scope, creates the session at Fintoc with the
 * claim's key, stores it, and records which session the scope produced. Every step can fail and be
 * retried: Fintoc replays the same session for the same key, the row is written only if absent, and
 * the claim is released or expires.
 *
 * <p>A scope keeps its session while that session can still be paid or was paid; once it ended
 * unpaid (expired, or its payment failed), the same order may start a new one. So replaying a
 * signed order never gives a second payable session for its order_id.
 */
public final class CreateSessionService {
  /** How long a request waits for a concurrent one in its scope; then it answers 409. */
  static final Duration WAIT_FOR_CONCURRENT = Duration.ofSeconds(20);

  /**
   * A request stops waiting for a concurrent one while this much of its invocation is still left:
   * enough to create the session itself if the other one gives the claim back.
   */
  static final Duration KEEP_FOR_CREATING = Duration.ofSeconds(8);

  private final CatalogPricing catalog;
  private final SignedOrder signedOrders;
  private final FintocClient fintoc;
  private final CheckoutReplacement replacement;
  private final Customers customers;
  private final SessionRepository sessions;
  private final IdempotencyStore idempotency;
  private final Settings settings;
  private final Clock clock;
  private final Sleeper sleeper;

  /** Reads the catalog beside the claim's write (see CreateSessionRoot). */
  private final ExecutorService background;

  CreateSessionService(
      CatalogPricing catalog,
      SignedOrder signedOrders,
      FintocClient fintoc,
      CheckoutReplacement replacement,
      Customers customers,
      SessionRepository sessions,
      IdempotencyStore idempotency,
      Settings settings,
      Clock clock,
      Sleeper sleeper,
      ExecutorService background) {
    this.catalog = catalog;
    this.signedOrders = signedOrders;
    this.fintoc = fintoc;
    this.replacement = replacement;
    this.customers = customers;
    this.sessions = sessions;
    this.idempotency = idempotency;
    this.settings = settings;
    this.clock = clock;
    this.sleeper = sleeper;
    this.background = background;
  }

  /**
   * @param clientKey the request's Idempotency-Key header, or null: then the request is a checkout
   *     of its own (a signed order is always scoped by its order_id)
   * @param deadline the invocation's: waiting for a concurrent request and calling Fintoc stop in
   *     time to answer (a retryable error, with the claim given back for the retry)
   */
  public CheckoutSession create(CheckoutRequest request, String clientKey, Deadline deadline) {
    if (request.orderToken() != null) {
      SessionRequest session =
          SessionRequest.of(
              signedOrders.verify(request.orderToken()), request, clientKey, settings);
      if (request.replaces() != null) {
        // An older token refused before it ends anything: its replacement would expire the
        // checkout of the newer one, then be refused by the claim anyway.
        long newest = idempotency.issuedAt(session.scope());
        if (session.order().issuedAt().getEpochSecond() < newest) {
          throw superseded(session.order().issuedAt(), newest);
        }
      }
      replaceEarlier(request, session.scope(), deadline);
      return claimAndCreate(
          session.scope(),
          SessionRequest.fingerprint(
              signedOrders.fingerprintKey(), Json.canonical(session.fintocParams())),
          session.order().issuedAt(),
          () -> session,
          deadline);
    }
    if (clientKey == null) {
      SessionRequest session =
          SessionRequest.of(catalog.price(request.cart()), request, null, settings);
      if (request.replaces() != null) {
        throw ApiException.invalid(
            "missing_idempotency_key",
            "A request with replaces needs an Idempotency-Key: a checkout is replaced once, by one"
                + " order, and the key is how that order is known.",
            "replaces");
      }
      return createAtFintoc(
          session,
          null,
          new IdempotencyStore.Acquired(null, IdempotencyStore.oneOffFintocKey()),
          deadline);
    }
    // A keyed catalog order: its catalog read runs while the claim is written, one round trip
    // instead of two; a replay never waits for it. The claim is keyed to the order as sent.
    // Its replacement, if any, is the claim owner's first step (after pricing, before Fintoc): a
    // key reused for another order is refused (422) before anything is ended, a replay of a
    // completed request ends nothing again, and a refused replacement withdraws the claim.
    Future<PricedOrder> priced = background.submit(() -> catalog.price(request.cart()));
    return claimAndCreate(
        SessionRequest.keyScope(clientKey),
        SessionRequest.fingerprint(clientKey, Json.canonical(request.asSent())),
        null,
        () -> {
          SessionRequest session = SessionRequest.of(await(priced), request, clientKey, settings);
          replaceEarlier(request, session.scope(), deadline);
          return session;
        },
        deadline);
  }

  /**
   * The checkout this request replaces, if it names one, ends unpaid before the new one is asked
   * for, and after the order was verified and priced (a refused order ends nothing). For a signed
   * order, before its claim (a refused replacement changes nothing): the claim then sees the
   * order's old checkout ended unpaid and starts the new one under a new Fintoc key.
   */
  private void replaceEarlier(CheckoutRequest request, String scope, Deadline deadline) {
    if (request.replaces() != null) {
      replacement.endUnpaid(request.replaces(), scope, deadline);
    }
  }

  /**
   * Creates the session as the scope's one owner, or answers what the scope already holds.
   *
   * @param claimHash what the claim compares: the same order hashes the same
   * @param issuedAt a signed order's {@code iat}: the scope is its order_id; null for a client's
   *     key
   * @param session the request to Fintoc, asked for only by the owner
   */
  private CheckoutSession claimAndCreate(
      String scope,
      String claimHash,
      Instant issuedAt,
      Supplier<SessionRequest> session,
      Deadline deadline) {
    boolean orderScope = issuedAt != null;
    Duration waited = Duration.ZERO;
    Duration poll = Duration.ofMillis(50);
    while (true) {
      IdempotencyStore.Claim claim = idempotency.claim(scope, claimHash, issuedAt, clock.instant());
      if (claim instanceof IdempotencyStore.Acquired acquired) {
        return createAtFintoc(ready(session, scope, acquired), scope, acquired, deadline);
      }
      IdempotencyStore.Record seen = ((IdempotencyStore.Taken) claim).record();
      if (orderScope && issuedAt.getEpochSecond() < seen.orderIssuedAt()) {
        throw superseded(issuedAt, seen.orderIssuedAt());
      }
      boolean sameRequest = claimHash.equals(seen.requestHash());
      IdempotencyStore.Acquired takenOver = null;
      if (IdempotencyStore.COMPLETE.equals(seen.state())) {
        CheckoutSession made =
            sessions
                .find(seen.sessionId())
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "idempotency claim completed with session "
                                + seen.sessionId()
                                + " but the session is missing"));
        if (!made.moneyMayStillMove() && seen.expiresAt() == 0) {
          // Its end was not recorded when the session settled (that step is best effort): now.
          idempotency.expireAfterSettled(scope, made.id(), clock.instant());
        }
        if (!made.endedUnpaid()) {
          if (sameRequest) {
            if (orderScope && issuedAt.getEpochSecond() > seen.orderIssuedAt()) {
              idempotency.noteIssuedAt(scope, issuedAt);
            }
            return made;
          }
          throw refused(orderScope, made.id());
        }
        if (!sameRequest && !orderScope) {
          throw refused(false, null);
        }
        // That checkout ended unpaid: this order may start a new one, with a new Fintoc key.
        takenOver = idempotency.takeOver(scope, seen, claimHash, true, issuedAt, clock.instant());
      } else if (seen.ownerGone(clock.instant())) {
        if (!sameRequest && !orderScope) {
          throw refused(false, null);
        }
        // The same request repeats the last attempt with its key (Fintoc may have made that
        // session); a changed signed order has other parameters, so it needs a new key.
        takenOver =
            idempotency.takeOver(scope, seen, claimHash, !sameRequest, issuedAt, clock.instant());
      } else if (!sameRequest) {
        throw refused(orderScope, null);
      } else if (waited.compareTo(WAIT_FOR_CONCURRENT) >= 0
          || deadline.remaining().compareTo(KEEP_FOR_CREATING) < 0) {
        throw new ApiException(
            409,
            "idempotency_in_progress",
            "A request with this Idempotency-Key is still being processed; retry shortly.",
            null);
      } else {
        pause(poll);
        waited = waited.plus(poll);
        poll =
            poll.multipliedBy(2).compareTo(Duration.ofMillis(500)) > 0
                ? Duration.ofMillis(500)
                : poll.multipliedBy(2);
      }
      if (takenOver != null) {
        return createAtFintoc(ready(session, scope, takenOver), scope, takenOver, deadline);
      }
    }
  }

  /**
   * The owner's request to Fintoc. If it cannot be made (a price no longer sold, the catalog
   * unreachable, a checkout it replaces that cannot be ended), the claim is withdrawn: nothing
   * reached Fintoc, and a refused order must change nothing — the same key then works for a
   * corrected cart.
   */
  private SessionRequest ready(
      Supplier<SessionRequest> session, String scope, IdempotencyStore.Acquired claim) {
    try {
      return session.get();
    } catch (RuntimeException e) {
      idempotency.withdraw(scope, claim.token());
      throw e;
    }
  }

  private static PricedOrder await(Future<PricedOrder> priced) {
    try {
      return priced.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException cause
          ? cause
          : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageUnavailableException("interrupted while reading the catalog", e);
    }
  }

  /**
   * A signed order older than one already accepted for its order_id: the backend has signed the
   * order again since (another price, other lines), and only the newest may be paid.
   */
  private static ApiException superseded(Instant issuedAt, long newest) {
    return new ApiException(
        409,
        "order_token_superseded",
        "order_token was issued at "
            + issuedAt
            + ", before the token already accepted for this order_id ("
            + Instant.ofEpochSecond(newest)
            + "): only the newest signed version of an order can be paid. Ask the shop for the"
            + " current one.",
        "order_token.iat");
  }

  /**
   * Another order in this scope: a reused key (422), or a signed order already being paid (409).
   */
  private static ApiException refused(boolean orderScope, String openSession) {
    if (orderScope) {
      return new ApiException(
          409,
          "order_session_open",
          "This order already has a checkout session"
              + (openSession == null ? " being created" : " (" + openSession + ")")
              + " for other contents; it keeps it until that one ends unpaid. To replace it with"
              + " this order, send replaces: {\"session_id\", \"checkout_secret\"} from the answer"
              + " that opened it (refused with 409 checkout_payment_started once its payment has"
              + " started).",
          "order_token.order_id");
    }
    return new ApiException(
        422,
        "idempotency_key_reused",
        "This Idempotency-Key was already used with a different request.",
        null);
  }

  private CheckoutSession createAtFintoc(
      SessionRequest request, String scope, IdempotencyStore.Acquired claim, Deadline deadline) {
    try {
      Customers.Plan plan = customers.plan(request);
      JsonNode created;
      while (true) {
        try {
          created = fintoc.createCheckoutSession(plan.params(), claim.fintocKey(), deadline);
          break;
        } catch (FintocException refused) {
          Customers.Plan next = customers.afterRefusal(plan, refused);
          if (next == null) {
            throw refused;
          }
          // Fintoc keeps its answer under the key and would replay it: the next request, with
          // other parameters, needs the next key, at once and in this invocation.
          claim = nextKey(scope, claim);
          plan = next;
        }
      }
      CheckoutSession session = stored(request, created);
      boolean inserted =
          scope == null
              ? sessions.insert(session)
              : idempotency.completeWith(scope, claim.token(), session);
      // Learnt only once the session is ours for good: learnt earlier, a retry after a failed
      // write would plan another body (customer, or none) under the same Fintoc key, which Fintoc
      // refuses instead of replaying the session it made.
      customers.made(plan, created, session.id());
      if (!inserted) {
        // Stored by an earlier attempt that failed later, or already updated by a webhook.
        session = sessions.find(session.id()).orElse(session);
        if (scope != null && !session.moneyMayStillMove()) {
          // Completion gave the claim no end; it settled before: its end starts now.
          idempotency.expireAfterSettled(scope, session.id(), clock.instant());
        }
      }
      Log.tag("session_id", session.id());
      Log.info(
          "session_created",
          "session_id",
          session.id(),
          "amount",
          session.amount(),
          "currency",
          session.currency(),
          "pricing",
          session.pricing(),
          "order",
          session.orderReference());
      return session;
    } catch (RuntimeException e) {
      if (scope != null) {
        // A definite answer from Fintoc is stored there under the key and would be replayed:
        // the next attempt takes a new key. Without one, Fintoc may have made the session.
        boolean answered =
            e instanceof FintocException fintocFailure && fintocFailure.status() != 0;
        idempotency.release(scope, claim.token(), answered);
      }
      throw e;
    }
  }

  /**
   * The claim's next Fintoc key (a request without a claim takes a new one-off key). A claim no
   * longer ours (its lease outlived, which the lease's length rules out) is somebody else's work
   * now: the same answer as for a request that finds it busy, never Fintoc's refusal, which could
   * tell that a customer exists.
   */
  private IdempotencyStore.Acquired nextKey(String scope, IdempotencyStore.Acquired claim) {
    if (scope == null) {
      return new IdempotencyStore.Acquired(null, IdempotencyStore.oneOffFintocKey());
    }
    IdempotencyStore.Acquired next = idempotency.nextGeneration(scope, claim.token());
    if (next == null) {
      throw new ApiException(
          409,
          "idempotency_in_progress",
          "A request with this Idempotency-Key is still being processed; retry shortly.",
          null);
    }
    return next;
  }

  /**
   * The session to store: Fintoc's, for our order. Fintoc must have accepted the amount and
   * currency we priced; if it answered with others, nobody is sent to pay it.
   */
  private CheckoutSession stored(SessionRequest request, JsonNode created) {
    CheckoutSession fromFintoc =
        FintocCheckoutSession.toSession(created, settings.orderReferenceKey(), clock.instant());
    PricedOrder order = request.order();
    if (fromFintoc.amount() != order.amount() || !order.currency().equals(fromFintoc.currency())) {
      Log.error(
          "fintoc_amount_differs",
          null,
          "session_id",
          fromFintoc.id(),
          "amount",
          order.amount(),
          "currency",
          order.currency(),
          "fintoc_amount",
          fromFintoc.amount(),
          "fintoc_currency",
          fromFintoc.currency());
      throw new FintocException(
          FintocException.Kind.UNAVAILABLE,
          200,
          null,
          "Fintoc's session does not have the order's amount and currency",
          null);
    }
    return fromFintoc.toBuilder()
        .orderReference(request.orderReference())
        .lineItems(order.lineItems() == null ? null : Json.write(order.lineItems()))
        .pricing(order.pricing())
        .customer(request.customer())
        .claimScope(request.scope())
        .build();
  }

  private void pause(Duration duration) {
    try {
      sleeper.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(
          409,
          "idempotency_in_progress",
          "A request with this Idempotency-Key is still being processed; retry shortly.",
          null);
    }
  }
}
