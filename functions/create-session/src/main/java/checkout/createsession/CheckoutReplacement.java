package checkout.createsession;

import checkout.fintoc.FintocCheckoutSession;
import checkout.fintoc.FintocClient;
import checkout.fintoc.FintocException;
import checkout.http.ApiException;
import checkout.log.Log;
import checkout.session.CheckoutSession;
import checkout.session.SessionStatus;
import checkout.store.SessionRepository;
import checkout.store.SessionUpdater;
import checkout.time.Deadline;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;

/**
 * A changed order replaces the checkout its browser opened before: that checkout is ended unpaid
 * first — expired at Fintoc while it is still {@code created} — or the new one is not opened at
 * all. Fintoc's expire, which succeeds only while nobody has started paying, is the gate: whatever
 * it answers, we then know from Fintoc itself whether the old checkout ended unpaid, and a payment
 * that started is never doubled.
 *
 * <p>Runs before the new checkout is asked of Fintoc — before a signed order's claim, as a keyed
 * catalog order's claim owner's first step (its claim then withdrawn on refusal) — so a refused
 * replacement changes nothing of ours or Fintoc's.
 */
final class CheckoutReplacement {
  private final CheckoutSecrets secrets;
  private final SessionRepository sessions;
  private final SessionUpdater updater;
  private final FintocClient fintoc;
  private final Clock clock;

  CheckoutReplacement(
      CheckoutSecrets secrets,
      SessionRepository sessions,
      SessionUpdater updater,
      FintocClient fintoc,
      Clock clock) {
    this.secrets = secrets;
    this.sessions = sessions;
    this.updater = updater;
    this.fintoc = fintoc;
    this.clock = clock;
  }

  /**
   * Returns once the named checkout has ended unpaid (it already had, or Fintoc expired it now, the
   * expiry stored as any writer stores a fact); otherwise refuses.
   *
   * @param scope the idempotency scope of the replacing order: a checkout is replaced by one order
   *     only (two tabs holding its secret cannot open two new checkouts from it)
   * @throws ApiException 403 {@code replace_not_allowed} when the secret is not that session's or
   *     the session is not ours (one answer for both: a stranger learns nothing of the id); 409
   *     {@code checkout_payment_started} when its payment started or it was paid; 409 {@code
   *     checkout_already_replaced} when another order replaced it
   * @throws FintocException when Fintoc could not be asked (5xx, timeout, 429, our key): retryable,
   *     and nothing was created
   */
  void endUnpaid(CheckoutRequest.Replaces replaces, String scope, Deadline deadline) {
    String id = replaces.sessionId();
    // Decided before anything is read, in constant time: the same for an id that does not exist.
    if (!secrets.matches(id, replaces.checkoutSecret())) {
      throw notAllowed();
    }
    CheckoutSession old = sessions.find(id).orElseThrow(CheckoutReplacement::notAllowed);
    if (old.replacedBy() != null && !old.replacedBy().equals(scope)) {
      throw alreadyReplaced(id);
    }
    if (old.endedUnpaid()) {
      claimReplacement(id, scope); // nothing left to end: a retry, or it expired on its own
      return;
    }
    if (paymentStarted(old)) {
      throw paymentStarted(id);
    }
    CheckoutSession after;
    try {
      after = apply(fintoc.expireCheckoutSession(id, deadline));
    } catch (FintocException e) {
      if (e.kind() != FintocException.Kind.REJECTED) {
        throw e;
      }
      // Not expired by this call: no longer created (the customer is paying, or our own earlier
      // attempt expired it). Fintoc says which.
      after = apply(fintoc.getCheckoutSession(id, deadline));
    }
    if (after == null || !after.endedUnpaid()) {
      throw paymentStarted(id);
    }
    claimReplacement(id, scope);
    Log.info("checkout_replaced", "session_id", id);
  }

  /**
   * Made the replacing order's once the old checkout is known to have ended unpaid: two orders that
   * both got this far race on one conditional write, and one of them is refused.
   */
  private void claimReplacement(String id, String scope) {
    if (!sessions.markReplacedBy(id, scope)) {
      throw alreadyReplaced(id);
    }
  }

  static ApiException alreadyReplaced(String sessionId) {
    return new ApiException(
        409,
        "checkout_already_replaced",
        "The checkout "
            + sessionId
            + " was already replaced by another order (in another tab or on another device):"
            + " continue with the checkout that order opened.",
        "replaces.session_id");
  }

  /** Fintoc's session object, committed as the webhook and the sweeper commit theirs. */
  private CheckoutSession apply(JsonNode fintocSession) {
    return updater
        .record(FintocCheckoutSession.observe(fintocSession, clock.instant(), false), null, null)
        .after();
  }

  /**
   * Paid, or a payment under way or unsettled: the customer got past the start of the hosted page
   * (in_progress, finished), or a payment was reported that did not end without money. (A session
   * that ended unpaid was handled before.)
   */
  static boolean paymentStarted(CheckoutSession session) {
    return session.paid()
        || session.status().equals(SessionStatus.IN_PROGRESS)
        || session.status().isFinal()
        || (session.paymentStatus() != null && !session.paymentStatus().endedWithoutMoney());
  }

  static ApiException notAllowed() {
    return new ApiException(
        403,
        "replace_not_allowed",
        "replaces does not name a checkout this browser started: send the session_id and"
            + " checkout_secret of the answer that opened it.",
        "replaces");
  }

  static ApiException paymentStarted(String sessionId) {
    return new ApiException(
        409,
        "checkout_payment_started",
        "A payment has started (or was made) in the checkout "
            + sessionId
            + ", so it was not replaced and no new checkout was opened. Wait for that payment's"
            + " result (GET /checkout-sessions/"
            + sessionId
            + "); if it fails or expires, pay again.",
        "replaces.session_id");
  }
}
