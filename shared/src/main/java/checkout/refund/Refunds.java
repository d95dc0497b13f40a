package checkout.refund;

import checkout.fintoc.FintocClient;
import checkout.fintoc.FintocException;
import checkout.fintoc.FintocRefund;
import checkout.http.ApiException;
import checkout.json.Json;
import checkout.log.Log;
import checkout.metrics.Metric;
import checkout.metrics.Metrics;
import checkout.secrets.Digests;
import checkout.session.CheckoutSession;
import checkout.session.PaymentRecord;
import checkout.session.PaymentStatus;
import checkout.session.RefundFact;
import checkout.session.RefundRecord;
import checkout.session.RefundRules;
import checkout.session.RefundStatus;
import checkout.session.Refundable;
import checkout.session.StoredRefund;
import checkout.store.Contention;
import checkout.store.RefundLedger;
import checkout.store.RefundRepository;
import checkout.store.SessionRepository;
import checkout.time.Deadline;
import checkout.time.Sleeper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Money going back, the one way every caller does it — the merchant's route, the refund policy, the
 * webhook and the sweeper:
 *
 * <ol>
 *   <li>{@link #request}: hold the amount against the payment (a transaction conditioned on the
 *       payment's ledger, so two requests that race cannot both pass), storing the refund before
 *       anything is sent, with a random Fintoc key base;
 *   <li>{@link #send}: {@code POST /v1/refunds} under {@code <base>_<generation>}, so every retry
 *       of ours is the same request at Fintoc; a definite refusal frees the amount and moves the
 *       generation on; no answer leaves it held, for the sweeper to send again under the same key;
 *   <li>{@link #apply}: whatever Fintoc reports (the create's answer, a {@code refund.*} webhook, a
 *       GET, a cancel's answer) goes through {@link RefundRules#merge} and one conditional write of
 *       the refund with its ledger;
 *   <li>{@link #look}: the sweeper asks about a refund that is not final, with growing intervals.
 * </ol>
 */
public final class Refunds {
  /**
   * Fintoc keeps a key's answer for 24 h: within that, sending the same create again is safe (it
   * replays what it made). Past it, a send could make a second refund, so a refund whose answer
   * never came is left held and flagged for a person instead.
   */
  static final Duration RESEND_WINDOW = Duration.ofHours(23);

  /** The sweeper's first look at a refund just requested: soon, in case its answer is lost. */
  static final Duration FIRST_LOOK = Duration.ofMinutes(2);

  public static final String REFUND_UNCONFIRMED = "refund_unconfirmed";

  /**
   * Fintoc refused our create (a definite 4xx: status {@code rejected}, amount freed), yet reports
   * a refund of ours. Fintoc documents no such answer, but a 400 to a concurrent request under the
   * same key would look like this: money may be going back while its amount counts as free.
   * Fintoc's own cap keeps the refunds within the payment; a person reconciles the rest.
   */
  public static final String REFUND_AFTER_REJECTION = "refund_after_rejection";

  /** Every automatic refund of a payment is the same request, whatever asked for it and why. */
  static final String POLICY_REQUEST_HASH = requestHash(null, "policy", null);

  private static final Pattern OUR_ID = Pattern.compile("rf_[0-9a-f]{32}");

  private final RefundRepository refunds;
  private final SessionRepository sessions;
  private final FintocClient fintoc;
  private final String orderReferenceKey;
  private final Clock clock;
  private final Contention contention;

  public Refunds(
      RefundRepository refunds,
      SessionRepository sessions,
      FintocClient fintoc,
      String orderReferenceKey,
      Clock clock,
      Sleeper sleeper) {
    this.refunds = refunds;
    this.sessions = sessions;
    this.fintoc = fintoc;
    this.orderReferenceKey = orderReferenceKey;
    this.clock = clock;
    this.contention = new Contention(sleeper);
  }

  /**
   * What a caller asks back.
   *
   * @param refundId ours ({@link #idFor}, {@link #policyIdFor}): the same request, the same refund
   * @param paymentIntentId which payment of the session; null: the session's payment
   * @param amount null: all that remains
   * @param metadata the merchant's metadata (JSON object of strings), or null
   * @param requestHash what the request asked, so the same key with another body is refused
   * @param origin {@link StoredRefund#MERCHANT} or {@code policy:<why>}
   */
  public record Request(
      String sessionId,
      String refundId,
      String paymentIntentId,
      Long amount,
      String reason,
      String metadata,
      String requestHash,
      String origin) {}

  /** Our id for the merchant's request: the session and its Idempotency-Key, hashed. */
  public static String idFor(String sessionId, String idempotencyKey) {
    return "rf_" + Digests.sha256Hex(sessionId + "\n" + idempotencyKey).substring(0, 32);
  }

  /**
   * Whether an id has the shape of ours ({@link #idFor}, {@link #policyIdFor}). A report's metadata
   * is whatever made the refund put there: anything else names no refund of ours, and must not
   * reach the table as a key (DynamoDB refuses one over 2048 bytes).
   */
  public static boolean isOurs(String refundId) {
    return refundId != null && OUR_ID.matcher(refundId).matches();
  }

  /** Our id for the automatic refund of a payment: one per payment, whatever asks for it. */
  public static String policyIdFor(String sessionId, String paymentIntentId) {
    return "rf_" + Digests.sha256Hex(sessionId + "\npolicy\n" + paymentIntentId).substring(0, 32);
  }

  /** A fingerprint of what a request asked (its amount or "what remains", reason, metadata). */
  public static String requestHash(Long amount, String reason, String metadata) {
    return Digests.sha256Hex(
        (amount == null ? "rest" : Long.toString(amount))
            + "\n"
            + Objects.toString(reason, "")
            + "\n"
            + Objects.toString(metadata, ""));
  }

  /**
   * Holds the amount and asks Fintoc, or gives back the refund this request made before. Refusals
   * are {@link ApiException}s (4xx) and change nothing.
   */
  public StoredRefund request(Request request, Deadline deadline) {
    for (int attempt = 1; attempt <= Contention.MAX_ATTEMPTS; attempt++) {
      StoredRefund existing = refunds.find(request.refundId()).orElse(null);
      if (existing != null) {
        if (!Objects.equals(existing.requestHash(), request.requestHash())) {
          throw new ApiException(
              422,
              "idempotency_key_reused",
              "This Idempotency-Key was used for another refund request of this session.",
              "Idempotency-Key");
        }
        if (RefundStatus.REJECTED.equals(existing.refund().status())) {
          StoredRefund again = askAgain(existing);
          if (again == null) {
            contention.pause(attempt);
            continue;
          }
          return send(again, deadline);
        }
        if (existing.refund().refundId() == null && !existing.refund().isFinal()) {
          // Our earlier attempt's answer was lost: sent again under its key only while Fintoc
          // still keeps that key, as the sweeper does; past it, a person decides (unconfirmed).
          return resendable(existing) ? send(existing, deadline) : existing;
        }
        return existing;
      }
      CheckoutSession session =
          sessions
              .find(request.sessionId())
              .orElseThrow(
                  () ->
                      new ApiException(
                          404, "session_not_found", "No checkout session with this id.", "id"));
      String paymentIntentId =
          request.paymentIntentId() != null ? request.paymentIntentId() : session.paymentIntentId();
      PaymentRecord payment = succeededPayment(session, paymentIntentId);
      RefundLedger ledger =
          refunds
              .findLedger(payment.id())
              .orElseGet(
                  () ->
                      RefundLedger.empty(
                          payment.id(), session.id(), payment.amount(), payment.currency()));
      Refundable sums = ledger.refundable();
      long amount = request.amount() != null ? request.amount() : sums.remaining();
      if (sums.remaining() <= 0) {
        throw new ApiException(
            422, "nothing_to_refund", "All of this payment was already refunded.", "amount");
      }
      if (!sums.canReserve(amount)) {
        throw exceedsRefundable(sums);
      }
      Instant now = clock.instant();
      StoredRefund stored =
          new StoredRefund(
              RefundRecord.requested(
                  request.refundId(),
                  session.id(),
                  payment.id(),
                  amount,
                  ledger.currency(),
                  request.reason(),
                  now),
              request.origin(),
              session.orderReference(),
              request.metadata(),
              request.requestHash(),
              newKeyBase(),
              1,
              now,
              null,
              0,
              now.plus(FIRST_LOOK),
              null,
              ledger.paid(),
              ledger.succeeded());
      switch (refunds.reserve(stored, 0, ledger.adding(stored.id()).with(sums.reserve(amount)))) {
        case RESERVED -> {
          Log.info(
              "refund_requested",
              "session_id",
              session.id(),
              "refund_id",
              stored.id(),
              "amount",
              amount,
              "origin",
              stored.origin());
          return send(stored, deadline);
        }
        case NOT_REFUNDABLE -> throw notPaid();
        case EXISTS, CONFLICT -> contention.pause(attempt);
      }
    }
    throw Contention.exhausted();
  }

  /**
   * The automatic full refund of a payment that should not have been taken, once per payment: the
   * same id whatever asks, so a redelivered event finds it made. Null when nothing remains to give
   * back (the merchant already refunded it).
   */
  public StoredRefund requestByPolicy(
      String sessionId, String paymentIntentId, String why, Deadline deadline) {
    String id = policyIdFor(sessionId, paymentIntentId);
    String reason = "automatic: " + why;
    try {
      return request(
          new Request(
              sessionId,
              id,
              paymentIntentId,
              null,
              reason,
              null,
              // Not the reason: why a payment is refunded may read differently later (a mismatched
              // payment displaced by an exact one is then a duplicate), and it is the same refund.
              POLICY_REQUEST_HASH,
              StoredRefund.POLICY_PREFIX + why),
          deadline);
    } catch (ApiException nothingLeft) {
      if ("nothing_to_refund".equals(nothingLeft.code())) {
        return null;
      }
      throw nothingLeft;
    }
  }

  /**
   * Asks Fintoc to make the refund, under its key's current generation, and records the answer.
   * Fintoc's definite refusal frees the amount (status {@code rejected}); no answer leaves the
   * refund as it was, held, for the sweeper to send again.
   */
  public StoredRefund send(StoredRefund stored, Deadline deadline) {
    JsonNode answer;
    try {
      answer = fintoc.createRefund(params(stored), stored.fintocIdempotencyKey(), deadline);
    } catch (FintocException e) {
      if (isRefusal(e)) {
        return reject(stored, e);
      }
      Log.warn(
          "refund_unanswered",
          "session_id",
          stored.refund().sessionId(),
          "refund_id",
          stored.id(),
          "kind",
          e.kind().name(),
          "status",
          e.status(),
          "action",
          "held; the sweeper sends it again under the same key");
      return stored;
    }
    RefundFact fact = FintocRefund.fact(answer, clock.instant());
    return fact == null ? stored : apply(fact, null, null, stored.id()).after();
  }

  /** What applying a report did: the commit's outcome, the refund before and after. */
  public record Applied(SessionRepository.Commit commit, StoredRefund before, StoredRefund after) {
    public boolean changed() {
      return commit == SessionRepository.Commit.APPLIED && before != after;
    }
  }

  /**
   * Merges one report of Fintoc's into the refund it is about, with its ledger, once. A report
   * about a refund we did not ask for (no id of ours in its metadata, or none stored) is {@code
   * FOREIGN}: nothing is written.
   *
   * @param knownRefundId ours, when the caller knows it (the answer to our own request)
   */
  public Applied apply(RefundFact fact, String eventId, String eventType, String knownRefundId) {
    return apply(fact, eventId, eventType, knownRefundId, false);
  }

  /**
   * @param looked the sweeper asked: a report that moves nothing on (the same status, only later)
   *     moves the next look back in the same write, so the intervals grow while Fintoc keeps it
   */
  private Applied apply(
      RefundFact fact, String eventId, String eventType, String knownRefundId, boolean looked) {
    String refundId =
        knownRefundId != null ? knownRefundId : isOurs(fact.refundRef()) ? fact.refundRef() : null;
    for (int attempt = 1; attempt <= Contention.MAX_ATTEMPTS; attempt++) {
      StoredRefund stored = refundId == null ? null : refunds.find(refundId).orElse(null);
      if (stored == null) {
        return new Applied(SessionRepository.Commit.FOREIGN, null, null);
      }
      Instant now = clock.instant();
      RefundRecord merged = RefundRules.merge(stored.refund(), fact, now);
      if (merged == null) {
        SessionRepository.Commit commit = refunds.commit(eventId, eventType, now, null, 0, null);
        if (commit != SessionRepository.Commit.CONFLICT) {
          return new Applied(commit, stored, stored);
        }
        contention.pause(attempt);
        continue;
      }
      RefundLedger ledger = refunds.findLedger(stored.refund().paymentIntentId()).orElseThrow();
      Refundable sums = ledger.refundable().apply(stored.refund(), merged);
      boolean sumsMoved = !sums.equals(ledger.refundable());
      boolean becameFailed =
          RefundStatus.FAILED.equals(merged.status())
              && !RefundStatus.FAILED.equals(stored.refund().status());
      // The same status reported again later moves its time on (RefundRules.merge) but is no
      // news: only news starts the looks over; a look that brought none moves the next one back.
      boolean news =
          !Objects.equals(merged.status(), stored.refund().status())
              || !Objects.equals(merged.refundId(), stored.refund().refundId());
      int checks = news ? 0 : looked ? stored.checks() + 1 : stored.checks();
      Instant nextLook =
          merged.isFinal()
              ? null
              : news || looked ? now.plus(RefundRules.nextLook(checks)) : stored.nextCheckAt();
      boolean reportedAfterRejection =
          RefundStatus.REJECTED.equals(stored.refund().status())
              && stored.refund().refundId() == null
              && merged.refundId() != null
              && (fact.status() == null || !fact.status().freesItsAmount());
      String attention =
          becameFailed
              ? StoredRefund.REFUND_FAILED
              : reportedAfterRejection
                  ? REFUND_AFTER_REJECTION
                  // Fintoc answered after all: the refund is no longer unconfirmed.
                  : REFUND_UNCONFIRMED.equals(stored.attention()) && merged.refundId() != null
                      ? null
                      : stored.attention();
      StoredRefund after =
          stored
              .withRefund(merged)
              .withSchedule(checks, nextLook)
              .withOutcome(attention, sums.succeeded());
      SessionRepository.Commit commit =
          refunds.commit(
              eventId,
              eventType,
              now,
              after,
              stored.refund().version(),
              sumsMoved ? ledger.with(sums) : null);
      if (commit == SessionRepository.Commit.CONFLICT) {
        contention.pause(attempt);
        continue;
      }
      if (commit == SessionRepository.Commit.APPLIED && becameFailed) {
        refundFailed(after);
      }
      if (commit == SessionRepository.Commit.APPLIED && reportedAfterRejection) {
        reportedAfterRejection(after);
      }
      return new Applied(
          commit, stored, commit == SessionRepository.Commit.APPLIED ? after : stored);
    }
    throw Contention.exhausted();
  }

  /**
   * The sweeper's look at a refund that is not final: Fintoc's refund when it has an id, else our
   * create sent again under the same key (within Fintoc's 24 h). A look that changes nothing moves
   * the next one back. Failures from Fintoc are thrown after the next look is moved back.
   */
  public StoredRefund look(StoredRefund stored, Deadline deadline) {
    if (stored.refund().isFinal()) {
      return stored;
    }
    StoredRefund after;
    try {
      if (stored.refund().refundId() == null) {
        if (!resendable(stored)) {
          return unconfirmed(stored);
        }
        after = send(stored, deadline);
      } else {
        JsonNode answer = fintoc.getRefund(stored.refund().refundId(), deadline);
        RefundFact fact = FintocRefund.fact(answer, clock.instant());
        after = fact == null ? stored : apply(fact, null, null, stored.id(), true).after();
      }
    } catch (RuntimeException e) {
      movedBack(stored);
      throw e;
    }
    return after.refund().version() == stored.refund().version() ? movedBack(stored) : after;
  }

  /**
   * Whether a create whose answer never came may be sent again under the same key: only within
   * {@link #RESEND_WINDOW} of its first send, while Fintoc still replays what that key made.
   */
  private boolean resendable(StoredRefund stored) {
    Instant sentAt = stored.sentAt() != null ? stored.sentAt() : stored.refund().createdAt();
    return !clock.instant().isAfter(sentAt.plus(RESEND_WINDOW));
  }

  /** Cancels a refund while Fintoc allows it (its first state); the answer is recorded. */
  public StoredRefund cancel(String sessionId, String refundId, Deadline deadline) {
    StoredRefund stored =
        refunds
            .find(refundId)
            .filter(refund -> sessionId.equals(refund.refund().sessionId()))
            .orElseThrow(
                () ->
                    new ApiException(
                        404, "refund_not_found", "No refund with this id on this session.", "id"));
    if (stored.refund().isFinal()
        || stored.refund().refundId() == null
        || (stored.refund().status() != null
            && stored.refund().status().isKnown()
            && !stored.refund().status().isFirst())) {
      throw notCancelable(stored);
    }
    JsonNode answer;
    try {
      answer = fintoc.cancelRefund(stored.refund().refundId(), deadline);
    } catch (FintocException e) {
      if (e.kind() != FintocException.Kind.REJECTED) {
        throw e;
      }
      // Fintoc no longer allows it (it moved on): record what it says now.
      answer = fintoc.getRefund(stored.refund().refundId(), deadline);
    }
    RefundFact fact = FintocRefund.fact(answer, clock.instant());
    StoredRefund after = fact == null ? stored : apply(fact, null, null, stored.id()).after();
    if (!RefundStatus.CANCELED.equals(after.refund().status())) {
      throw notCancelable(after);
    }
    return after;
  }

  /** The refunds of a session's payments, oldest first; 404 for a session we do not have. */
  public List<StoredRefund> list(String sessionId) {
    CheckoutSession session =
        sessions
            .find(sessionId)
            .orElseThrow(
                () ->
                    new ApiException(
                        404, "session_not_found", "No checkout session with this id.", "id"));
    List<String> ids = new ArrayList<>();
    for (String paymentIntentId : paymentsOf(session)) {
      refunds.findLedger(paymentIntentId).ifPresent(ledger -> ids.addAll(ledger.refundIds()));
    }
    return refunds.findAll(ids);
  }

  /** The ledger of a session's payment, if anything was ever asked back of it. */
  public RefundLedger ledger(String paymentIntentId) {
    return paymentIntentId == null ? null : refunds.findLedger(paymentIntentId).orElse(null);
  }

  /** The payments of a session that refunds can be about: its own, then its duplicates. */
  static List<String> paymentsOf(CheckoutSession session) {
    List<String> payments = new ArrayList<>();
    if (session.paymentIntentId() != null) {
      payments.add(session.paymentIntentId());
    }
    payments.addAll(session.duplicatePaymentIds());
    return payments;
  }

  private PaymentRecord succeededPayment(CheckoutSession session, String paymentIntentId) {
    if (paymentIntentId == null) {
      throw notPaid();
    }
    PaymentRecord payment = sessions.findPayment(paymentIntentId).orElse(null);
    if (payment == null
        || !session.id().equals(payment.sessionId())
        || !PaymentStatus.SUCCEEDED.equals(payment.status())) {
      throw notPaid();
    }
    if (payment.amount() == null || payment.currency() == null) {
      throw new ApiException(
          409,
          "payment_amount_unknown",
          "Fintoc did not report this payment's amount; refund it from Fintoc's dashboard.",
          null);
    }
    return payment;
  }

  /** A refused refund asked again under its key's next generation, or null on a lost race. */
  private StoredRefund askAgain(StoredRefund refused) {
    RefundLedger ledger = refunds.findLedger(refused.refund().paymentIntentId()).orElseThrow();
    Refundable sums = ledger.refundable();
    if (!sums.canReserve(refused.refund().amount())) {
      throw exceedsRefundable(sums);
    }
    Instant now = clock.instant();
    StoredRefund again =
        refused
            .withRefund(refused.refund().askedAgain(now))
            .withAttempt(refused.generation(), now, null)
            .withSchedule(0, now.plus(FIRST_LOOK))
            .withOutcome(null, ledger.succeeded());
    return switch (refunds.reserve(
        again, refused.refund().version(), ledger.with(sums.reserve(again.refund().amount())))) {
      case RESERVED -> again;
      case NOT_REFUNDABLE -> throw notPaid();
      case EXISTS, CONFLICT -> null;
    };
  }

  /** Fintoc refused the create: the refund is {@code rejected}, its amount freed, the key moved. */
  private StoredRefund reject(StoredRefund sent, FintocException refusal) {
    for (int attempt = 1; attempt <= Contention.MAX_ATTEMPTS; attempt++) {
      StoredRefund stored = refunds.find(sent.id()).orElseThrow();
      if (stored.refund().refundId() != null
          || stored.refund().status() != null
          || stored.generation() != sent.generation()) {
        return stored; // something newer is known of it
      }
      Instant now = clock.instant();
      RefundRecord rejected = stored.refund().rejected(now);
      RefundLedger ledger = refunds.findLedger(stored.refund().paymentIntentId()).orElseThrow();
      Refundable sums = ledger.refundable().apply(stored.refund(), rejected);
      StoredRefund after =
          stored
              .withRefund(rejected)
              .withAttempt(stored.generation() + 1, null, refusal.fintocCode())
              .withSchedule(0, null);
      if (refunds.commit(null, null, now, after, stored.refund().version(), ledger.with(sums))
          != SessionRepository.Commit.CONFLICT) {
        Log.warn(
            "refund_rejected",
            "session_id",
            stored.refund().sessionId(),
            "refund_id",
            stored.id(),
            "fintoc_code",
            refusal.fintocCode(),
            "status",
            refusal.status());
        return after;
      }
      contention.pause(attempt);
    }
    throw Contention.exhausted();
  }

  /**
   * Past Fintoc's 24 h, a create whose answer never came cannot be sent again safely: the amount
   * stays held and a person decides, from Fintoc's dashboard.
   */
  private StoredRefund unconfirmed(StoredRefund stored) {
    if (REFUND_UNCONFIRMED.equals(stored.attention())) {
      return movedBack(stored);
    }
    Instant now = clock.instant();
    StoredRefund after =
        stored
            .withRefund(stored.refund().touched(now))
            .withSchedule(stored.checks() + 1, now.plus(RefundRules.nextLook(stored.checks() + 1)))
            .withOutcome(REFUND_UNCONFIRMED, stored.refundedAfter());
    if (refunds.commit(null, null, now, after, stored.refund().version(), null)
        == SessionRepository.Commit.APPLIED) {
      Metrics.count(Metric.ATTENTION, REFUND_UNCONFIRMED);
      Log.warn(
          REFUND_UNCONFIRMED,
          "session_id",
          stored.refund().sessionId(),
          "refund_id",
          stored.id(),
          "amount",
          stored.refund().amount(),
          "action",
          "Fintoc never answered this refund's create and its key has expired there: look for a"
              + " refund with metadata checkout_refund_id = refund_id in Fintoc's dashboard"
              + " (docs/operations.md, refunds)");
    }
    return after;
  }

  /** A look that changed nothing: the next one moves back (best effort; a race just retries). */
  private StoredRefund movedBack(StoredRefund stored) {
    Instant now = clock.instant();
    int checks = stored.checks() + 1;
    StoredRefund after =
        stored
            .withRefund(stored.refund().touched(now))
            .withSchedule(checks, now.plus(RefundRules.nextLook(checks)));
    return refunds.commit(null, null, now, after, stored.refund().version(), null)
            == SessionRepository.Commit.APPLIED
        ? after
        : stored;
  }

  private static void reportedAfterRejection(StoredRefund refund) {
    Metrics.count(Metric.ATTENTION, REFUND_AFTER_REJECTION);
    Log.warn(
        REFUND_AFTER_REJECTION,
        "session_id",
        refund.refund().sessionId(),
        "refund_id",
        refund.id(),
        "fintoc_refund_id",
        refund.refund().refundId(),
        "amount",
        refund.refund().amount(),
        "action",
        "Fintoc refused this refund's create but now reports it: check it in Fintoc's dashboard;"
            + " if money went back, do not refund it again (docs/operations.md, refunds)");
  }

  private static void refundFailed(StoredRefund refund) {
    Metrics.count(Metric.ATTENTION, StoredRefund.REFUND_FAILED);
    Log.warn(
        StoredRefund.REFUND_FAILED,
        "session_id",
        refund.refund().sessionId(),
        "refund_id",
        refund.id(),
        "fintoc_refund_id",
        refund.refund().refundId(),
        "amount",
        refund.refund().amount(),
        "currency",
        refund.refund().currency(),
        "failure_code",
        refund.refund().failureCode(),
        "action",
        "Fintoc could not return this money (insufficient_funds: top up the balance; fraud_risk:"
            + " contact Fintoc), then ask again with a new Idempotency-Key; docs/operations.md");
  }

  private ObjectNode params(StoredRefund stored) {
    ObjectNode params = Json.object();
    params.put("resource_type", "payment_intent");
    params.put("resource_id", stored.refund().paymentIntentId());
    params.put("amount", stored.refund().amount());
    ObjectNode metadata = params.putObject("metadata");
    if (stored.metadata() != null) {
      JsonNode merchant = Json.parse(stored.metadata());
      for (Map.Entry<String, JsonNode> field :
          (Iterable<Map.Entry<String, JsonNode>>) merchant::fields) {
        metadata.put(field.getKey(), field.getValue().asText());
      }
    }
    // Ours last: the merchant's metadata cannot name them (the route refuses those keys).
    metadata.put(FintocRefund.SESSION_ID_KEY, stored.refund().sessionId());
    metadata.put(FintocRefund.REFUND_ID_KEY, stored.id());
    if (stored.orderReference() != null) {
      metadata.put(orderReferenceKey, stored.orderReference());
    }
    if (stored.refund().reason() != null) {
      metadata.put("reason", stored.refund().reason());
    }
    return params;
  }

  /** Fintoc said no to this request itself: it made nothing under this key. */
  private static boolean isRefusal(FintocException e) {
    return e.kind() == FintocException.Kind.REJECTED
        && (e.status() == 400 || e.status() == 404 || e.status() == 422);
  }

  private static ApiException notPaid() {
    return new ApiException(
        409,
        "session_not_paid",
        "Only money that arrived can go back: this session has no succeeded payment.",
        "id");
  }

  private static ApiException exceedsRefundable(Refundable sums) {
    return new ApiException(
        422,
        "amount_exceeds_refundable",
        "amount is more than what can still be refunded of this payment ("
            + sums.remaining()
            + ").",
        "amount");
  }

  private static ApiException notCancelable(StoredRefund refund) {
    return new ApiException(
        409,
        "refund_not_cancelable",
        "Fintoc allows a cancel only while a refund is pending; this one is "
            + (refund.refund().status() == null ? "not at Fintoc yet" : refund.refund().status())
            + ".",
        null);
  }

  /** 128 random bits: this refund's own key base at Fintoc, unguessable. */
  private static String newKeyBase() {
    UUID random = UUID.randomUUID();
    return "fcr_"
        + HexFormat.of().toHexDigits(random.getMostSignificantBits())
        + HexFormat.of().toHexDigits(random.getLeastSignificantBits());
  }
}
