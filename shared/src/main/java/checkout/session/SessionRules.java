package checkout.session;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one place that decides how a fact from Fintoc changes what we store. Pure: no I/O, no JSON,
 * so every ordering can be tested in memory.
 *
 * <p>Each status — a session's, a payment's — is merged the same way, so that the same facts in any
 * order, any number of times, end in the same state:
 *
 * <ul>
 *   <li>a final status never changes once recorded;
 *   <li>a final status beats any status that is not;
 *   <li>between statuses that are not final, what Fintoc reported last (by the time of its report)
 *       stands — so a payment can go from {@code requires_action} back to {@code pending} — and
 *       {@code next_action} travels with the report it came in, so it is never stale.
 * </ul>
 *
 * A link once made stays, an amount once reported stays, and {@code paid} and {@code attention} are
 * computed from the merged facts, never carried over.
 */
public final class SessionRules {
  /** A payment succeeded on a session that had expired: money moved, reconcile the order. */
  public static final String PAID_AFTER_EXPIRY = "paid_after_expiry";

  /** A payment succeeded for another amount or currency than the order's: never paid. */
  public static final String AMOUNT_MISMATCH = "amount_mismatch";

  /** A payment succeeded but Fintoc did not say for how much: never paid until it does. */
  public static final String AMOUNT_UNVERIFIED = "amount_unverified";

  /**
   * A second payment succeeded on a session that already had one: the session keeps one (see {@link
   * #merge}) and lists the others in {@code duplicatePaymentIds}.
   */
  public static final String DUPLICATE_PAYMENT = "duplicate_payment";

  /**
   * Fintoc kept answering 404 for a session (at least {@link #MIN_NOT_FOUND_CHECKS} looks over the
   * configured period): the sweeper stopped asking, a person must look (the key may have been
   * switched to another organisation or mode). Never a reason to call the session expired.
   */
  public static final String UNKNOWN_AT_FINTOC = "unknown_at_fintoc";

  /**
   * One 404, or two, are not enough, however long apart: a session leaves the sweep after three.
   */
  public static final int MIN_NOT_FOUND_CHECKS = 3;

  /**
   * The sweeper first asks about an unsettled payment this long after it became one, then doubling.
   */
  public static final Duration FIRST_SETTLE_CHECK = Duration.ofMinutes(10);

  /**
   * ... up to this interval, until the payment is final (Fintoc: a pending one may take 10 days).
   */
  public static final Duration MAX_SETTLE_CHECK_INTERVAL = Duration.ofHours(6);

  private SessionRules() {}

  /**
   * The new states to write, each null when unchanged.
   *
   * @param foreign true when the fact is about a session this deployment did not create (no stored
   *     session): nothing of it is written, see {@link #merge}
   */
  public record Result(CheckoutSession session, PaymentRecord payment, boolean foreign) {
    public Result(CheckoutSession session, PaymentRecord payment) {
      this(session, payment, false);
    }

    /** Nothing to write: the fact is about someone else's session. */
    public static final Result FOREIGN = new Result(null, null, true);

    public boolean changesNothing() {
      return session == null && payment == null;
    }
  }

  /**
   * Only CreateSession stores a session, so a fact that names a session with no stored row — by its
   * own id, or through its payment's link — is about someone else's: made in Fintoc's dashboard, by
   * another integration, or by another stack sharing the Fintoc account. It is {@link
   * Result#FOREIGN}: no session, and no payment record linked to it, so nothing becomes paid and no
   * order event can follow. A payment fact that names no session yet (a payment event before the
   * {@code checkout_session.finished} that links it) is kept on its own, unlinked, until the link
   * comes.
   *
   * @param session the stored session the fact concerns, or null when none is stored
   * @param payment the stored payment record the fact concerns, or null
   * @param now when this is decided (what is written as updated_at, and schedules from)
   */
  public static Result merge(
      Observation fact, CheckoutSession session, PaymentRecord payment, Instant now) {
    return merge(fact, session, payment, now, false);
  }

  /**
   * As {@link #merge(Observation, CheckoutSession, PaymentRecord, Instant)}; with {@code
   * automaticRefunds} (the AutomaticRefunds setting), a payment that becomes money that should not
   * have been taken — paid after expiry, the wrong amount or currency, a duplicate — is added to
   * the session's {@code policyRefundsOwed} in the same commit, once: when it becomes so, never
   * again after its refund was stored ({@link #policyRefundStored}). A payment whose amount Fintoc
   * did not report is never owed one.
   */
  public static Result merge(
      Observation fact,
      CheckoutSession session,
      PaymentRecord payment,
      Instant now,
      boolean automaticRefunds) {
    String about =
        fact.sessionId() != null ? fact.sessionId() : payment == null ? null : payment.sessionId();
    if (about != null && session == null) {
      return Result.FOREIGN;
    }

    PaymentRecord effectivePayment = payment;
    PaymentRecord newPayment = null;
    if (fact.payment() != null) {
      effectivePayment =
          mergePayment(
              payment != null ? payment : PaymentRecord.unknown(fact.payment().id()), fact, now);
      if (payment == null || !effectivePayment.sameStateAs(payment)) {
        newPayment = effectivePayment;
      }
    }

    CheckoutSession newSessionState = null;
    if (session != null) {
      CheckoutSession candidate =
          mergeIntoSession(session, fact, effectivePayment, now, automaticRefunds)
              .updatedAt(now)
              .version(session.version() + 1)
              .build();
      if (!candidate.sameStateAs(session)) {
        newSessionState = candidate;
      }
    }
    return new Result(newSessionState, newPayment);
  }

  private static PaymentRecord mergePayment(PaymentRecord known, Observation fact, Instant now) {
    Observation.PaymentFact reported = fact.payment();
    boolean takeReport =
        stands(
            known.status(),
            known.statusAt(),
            reported.status(),
            fact.observedAt(),
            known.status() != null && known.status().isFinal(),
            reported.status() != null && reported.status().isFinal());
    PaymentStatus status = takeReport ? reported.status() : known.status();
    Instant statusAt = takeReport ? fact.observedAt() : known.statusAt();
    String nextAction = takeReport ? reported.nextAction() : known.nextAction();
    return new PaymentRecord(
        known.id(),
        status,
        statusAt,
        first(known.sessionId(), fact.sessionId()),
        PaymentStatus.REQUIRES_ACTION.equals(status) ? nextAction : null,
        first(known.amount(), reported.amount()),
        first(known.currency(), reported.currency()),
        now,
        known.version() + 1);
  }

  private static CheckoutSession.Builder mergeIntoSession(
      CheckoutSession base,
      Observation fact,
      PaymentRecord payment,
      Instant now,
      boolean automaticRefunds) {
    SessionStatus status = base.status();
    Instant statusAt = base.statusAt();
    if (base.id().equals(fact.sessionId())
        && stands(
            status,
            statusAt,
            fact.sessionStatus(),
            fact.observedAt(),
            status != null && status.isFinal(),
            fact.sessionStatus() != null && fact.sessionStatus().isFinal())) {
      status = fact.sessionStatus();
      statusAt = fact.observedAt();
    }
    CheckoutSession.Builder merged = base.toBuilder().status(status).statusAt(statusAt);
    boolean linked =
        payment != null
            && (base.id().equals(payment.sessionId())
                || payment.id().equals(base.paymentIntentId()));
    if (linked) {
      boolean own = base.paymentIntentId() == null || payment.id().equals(base.paymentIntentId());
      Set<String> duplicates = new TreeSet<>(base.duplicatePaymentIds());
      boolean shown = own || shownBefore(payment, base);
      if (shown) {
        duplicates.remove(payment.id());
        if (!own && PaymentStatus.SUCCEEDED.equals(base.paymentStatus())) {
          duplicates.add(base.paymentIntentId()); // displaced, but its money arrived
        }
        // The session shows its payment as the payment's own record has it (already merged).
        merged
            .paymentIntentId(payment.id())
            .paymentStatus(payment.status())
            .paymentStatusAt(payment.statusAt())
            .nextAction(payment.nextAction())
            .paymentAmount(own ? first(base.paymentAmount(), payment.amount()) : payment.amount())
            .paymentCurrency(
                own ? first(base.paymentCurrency(), payment.currency()) : payment.currency());
      } else if (PaymentStatus.SUCCEEDED.equals(payment.status())) {
        duplicates.add(payment.id());
      }
      merged.duplicatePaymentIds(new ArrayList<>(duplicates));
    }
    // Fintoc reported something about this session or its payment: it knows it, whatever 404s
    // came before.
    boolean aboutThis = base.id().equals(fact.sessionId());
    boolean known =
        (aboutThis && fact.sessionStatus() != null) || (linked && fact.payment() != null);
    Instant notFoundSince = known ? null : base.notFoundSince();
    int notFoundChecks = known ? 0 : base.notFoundChecks();
    String unknownReason = known ? null : base.unknownReason();
    if (!known
        && aboutThis
        && fact.notFound() != null
        && unknownReason == null
        && (status.isOpen() || merged.build().awaitsSettlement())) {
      notFoundSince = notFoundSince == null ? fact.observedAt() : notFoundSince;
      notFoundChecks++;
      boolean longEnough =
          Duration.between(notFoundSince, fact.observedAt())
                  .compareTo(fact.notFound().unknownAfter())
              >= 0;
      if (notFoundChecks >= MIN_NOT_FOUND_CHECKS && longEnough) {
        unknownReason =
            unknownReason(base, notFoundChecks, notFoundSince, fact.notFound().keyMode());
      }
    }
    merged.notFoundSince(notFoundSince).notFoundChecks(notFoundChecks).unknownReason(unknownReason);

    CheckoutSession view = merged.build();
    boolean succeeded = PaymentStatus.SUCCEEDED.equals(view.paymentStatus());
    boolean amountKnown = view.paymentAmount() != null && view.paymentCurrency() != null;
    boolean exactAmount =
        amountKnown
            && view.paymentAmount() == base.amount()
            && view.paymentCurrency().equals(base.currency());
    int openChecks = openChecks(base, view, fact);
    String attention =
        attention(
            succeeded,
            amountKnown,
            exactAmount,
            status,
            unknownReason,
            !view.duplicatePaymentIds().isEmpty());
    if (automaticRefunds) {
      Set<String> owed = new TreeSet<>(base.policyRefundsOwed());
      Set<String> deserving = refundable(view.paymentIntentId(), attention, view);
      deserving.removeAll(refundable(base.paymentIntentId(), base.attention(), base));
      owed.addAll(deserving);
      merged.policyRefundsOwed(new ArrayList<>(owed));
      view = merged.build();
    }
    return merged
        .paid(succeeded && exactAmount && !SessionStatus.EXPIRED.equals(status))
        .attention(attention)
        .settleChecks(settleChecks(base, view, fact))
        .nextSettleCheckAt(nextSettleCheck(base, view, fact, now))
        .openChecks(openChecks)
        .nextOpenCheckAt(
            !view.status().isOpen()
                ? null
                : fact.fromSweep() && aboutThis
                    ? now.plus(settleInterval(Math.max(0, openChecks - 1)))
                    : base.nextOpenCheckAt());
  }

  /**
   * Each of the sweeper's looks at a session still open past due counts (Fintoc still has it open,
   * or did not answer, or answered 404), so the next look moves back: 10 min after the first, then
   * doubling up to 6 h, as for an unsettled payment. Closed, the count ends.
   */
  private static int openChecks(CheckoutSession base, CheckoutSession merged, Observation fact) {
    if (!merged.status().isOpen()) {
      return 0;
    }
    return fact.fromSweep() && base.id().equals(fact.sessionId()) && base.status().isOpen()
        ? base.openChecks() + 1
        : base.openChecks();
  }

  /** What a person is told: how long Fintoc has not known it, and whether the modes differ. */
  private static String unknownReason(
      CheckoutSession session, int checks, Instant since, String keyMode) {
    String reason =
        "Fintoc answered 404 to "
            + checks
            + " looks since "
            + since
            + " (another organisation's key, or a fault at Fintoc)";
    if (keyMode != null && session.mode() != null && !keyMode.equals(session.mode())) {
      reason +=
          "; the session was made in "
              + session.mode()
              + " mode but the secret key is a "
              + keyMode
              + " key: was secret_key switched?";
    }
    return reason;
  }

  /**
   * Whether a report replaces what is known of a status (and its time): a final status never
   * changes; a final one beats one that is not; otherwise the later report stands — the same status
   * reported again later moves its time on, so an older report of another status can never come
   * back over it — and two different statuses reported at the same instant are ordered by name, so
   * any arrival order agrees.
   */
  static <S> boolean stands(
      S known,
      Instant knownAt,
      S reported,
      Instant reportedAt,
      boolean knownFinal,
      boolean reportedFinal) {
    if (reported == null) {
      return false;
    }
    if (known == null) {
      return true;
    }
    if (knownFinal || reportedFinal) {
      return !knownFinal;
    }
    int later = compare(reportedAt, knownAt);
    return later != 0 ? later > 0 : reported.toString().compareTo(known.toString()) > 0;
  }

  /** Null is earliest: a status stored before reports carried a time is the oldest. */
  private static int compare(Instant a, Instant b) {
    if (Objects.equals(a, b)) {
      return 0;
    }
    return a == null ? -1 : b == null ? 1 : a.compareTo(b);
  }

  /**
   * Why money that moved needs an operator, or why a session Fintoc does not know does, or null
   * when nothing does.
   */
  private static String attention(
      boolean succeeded,
      boolean amountKnown,
      boolean exactAmount,
      SessionStatus status,
      String unknownReason,
      boolean duplicates) {
    if (!succeeded) {
      return unknownReason != null ? UNKNOWN_AT_FINTOC : null;
    }
    if (!amountKnown) {
      return AMOUNT_UNVERIFIED;
    }
    if (!exactAmount) {
      return AMOUNT_MISMATCH;
    }
    if (SessionStatus.EXPIRED.equals(status)) {
      return PAID_AFTER_EXPIRY;
    }
    return duplicates ? DUPLICATE_PAYMENT : null;
  }

  /**
   * The payments of a session that are money it should not have taken: its own when it was paid
   * after expiry or for another amount or currency (never when its amount is unknown), and every
   * duplicate. Never the one good payment of a paid order.
   */
  private static Set<String> refundable(
      String paymentIntentId, String attention, CheckoutSession session) {
    Set<String> payments = new TreeSet<>(session.duplicatePaymentIds());
    if (paymentIntentId != null
        && (PAID_AFTER_EXPIRY.equals(attention) || AMOUNT_MISMATCH.equals(attention))) {
      payments.add(paymentIntentId);
    }
    return payments;
  }

  /**
   * Which of two linked payments a session shows: one whose money arrived beats one whose did not
   * (the exact amount first, so a paid order stays paid whatever else was paid), then the earliest
   * to succeed; among payments without money, one that may still succeed beats one that ended, then
   * the latest reported. Ties go by id, so the same payments in any order end the same. True when
   * {@code payment} beats what {@code session} shows now.
   */
  private static boolean shownBefore(PaymentRecord payment, CheckoutSession session) {
    int rank = rank(payment.status(), payment.amount(), payment.currency(), session);
    int shownRank =
        rank(session.paymentStatus(), session.paymentAmount(), session.paymentCurrency(), session);
    if (rank != shownRank) {
      return rank < shownRank;
    }
    int byTime = compare(payment.statusAt(), session.paymentStatusAt());
    if (byTime != 0) {
      return rank <= 1 ? byTime < 0 : byTime > 0;
    }
    return rank <= 1
        ? payment.id().compareTo(session.paymentIntentId()) < 0
        : payment.id().compareTo(session.paymentIntentId()) > 0;
  }

  /** 0: succeeded for the order's amount; 1: succeeded; 2: may still succeed; 3: ended. */
  private static int rank(
      PaymentStatus status, Long amount, String currency, CheckoutSession session) {
    if (PaymentStatus.SUCCEEDED.equals(status)) {
      return amount != null && amount == session.amount() && session.currency().equals(currency)
          ? 0
          : 1;
    }
    return status != null && status.isFinal() ? 3 : 2;
  }

  /**
   * The session once the automatic refund of {@code paymentIntentId} is stored: no longer owed (the
   * refund itself is tracked from here), out of the sweep when nothing else keeps it there. Null
   * when it was not owed.
   */
  public static CheckoutSession policyRefundStored(
      CheckoutSession session, String paymentIntentId, Instant now) {
    if (!session.policyRefundsOwed().contains(paymentIntentId)) {
      return null;
    }
    List<String> owed = new ArrayList<>(session.policyRefundsOwed());
    owed.remove(paymentIntentId);
    CheckoutSession.Builder after = session.toBuilder().policyRefundsOwed(owed);
    if (!after.build().awaitsSettlement() && owed.isEmpty()) {
      after.settleChecks(0).nextSettleCheckAt(null);
    }
    return after.updatedAt(now).version(session.version() + 1).build();
  }

  /** Each of the sweeper's looks at an unsettled payment counts; settled, the count ends. */
  private static int settleChecks(CheckoutSession base, CheckoutSession merged, Observation fact) {
    if (!swept(merged)) {
      return 0;
    }
    return fact.fromSweep() && swept(base) ? base.settleChecks() + 1 : base.settleChecks();
  }

  /**
   * When the sweeper next asks about an unsettled payment: {@link #FIRST_SETTLE_CHECK} after it
   * became one, then after each look twice the last interval, at most {@link
   * #MAX_SETTLE_CHECK_INTERVAL}. Null once there is nothing to settle.
   */
  private static Instant nextSettleCheck(
      CheckoutSession base, CheckoutSession merged, Observation fact, Instant now) {
    if (!swept(merged)) {
      return null;
    }
    if (base.nextSettleCheckAt() == null || !swept(base) || fact.fromSweep()) {
      return now.plus(settleInterval(settleChecks(base, merged, fact)));
    }
    return base.nextSettleCheckAt();
  }

  /**
   * The sweeper keeps looking at a session (index unsettled-by-check) while its payment is not
   * final, and while it owes an automatic refund not stored yet.
   */
  private static boolean swept(CheckoutSession session) {
    return session.awaitsSettlement() || session.owesPolicyRefund();
  }

  static Duration settleInterval(int checks) {
    Duration interval = FIRST_SETTLE_CHECK.multipliedBy(1L << Math.min(checks, 20));
    return interval.compareTo(MAX_SETTLE_CHECK_INTERVAL) > 0 ? MAX_SETTLE_CHECK_INTERVAL : interval;
  }

  /** What was known first stays: a payment's amount, currency and session never change. */
  private static <T> T first(T known, T incoming) {
    return known != null ? known : incoming;
  }
}
