package checkout.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The one place that decides how a fact from Fintoc changes a refund we store. Pure, like {@link
 * SessionRules}, and with the very same rule for its status ({@link SessionRules#stands}), so that
 * the same facts — the answer to our {@code POST /v1/refunds}, {@code refund.*} webhooks, the
 * sweeper's {@code GET /v1/refunds/{id}}, a cancel's answer — in any order, any number of times,
 * end in the same record:
 *
 * <ul>
 *   <li>a final status ({@code succeeded}, {@code failed}, {@code canceled}) never changes once
 *       recorded, and beats any status that is not; it is dated by its earliest report (a GET after
 *       the event says it again, later);
 *   <li>between statuses that are not final, the later report (by Fintoc's time) stands, and an
 *       older one never moves it back;
 *   <li>a status we do not know is stored as reported, but it is never final: it never overrides a
 *       final one and never frees the amount (it might be money on its way);
 *   <li>a duplicate changes nothing.
 * </ul>
 *
 * The money follows from the merged status, never from the fact alone: {@link #freed} and {@link
 * #succeeded} compare the record before and after one merge, and each is non-zero at most once in a
 * refund's life, because the status that makes it so is final.
 */
public final class RefundRules {
  private RefundRules() {}

  /**
   * The refund as it is after Fintoc's report, or null when the report changes nothing (a
   * duplicate, an older report, anything after a final status, a fact about another refund).
   *
   * @param known the stored refund the fact was found for (by Fintoc's refund id, or by our key
   *     when Fintoc answered before its id was stored)
   * @param now when this is decided: the new {@code updatedAt}
   */
  public static RefundRecord merge(RefundRecord known, RefundFact fact, Instant now) {
    Objects.requireNonNull(known, "a refund fact merges into a refund we requested");
    if (!isAbout(known, fact)) {
      return null;
    }
    RefundStatus reported = fact.status();
    boolean takeReport =
        SessionRules.stands(
            known.status(),
            known.statusAt(),
            reported,
            fact.observedAt(),
            known.isFinal(),
            reported != null && reported.isFinal());
    RefundStatus status = takeReport ? reported : known.status();
    Instant statusAt = takeReport ? fact.observedAt() : known.statusAt();
    // A final status is dated by its first report: the sweeper's GET after a refund.failed event
    // says "failed" too, later, and must not make the date depend on which of them arrived first.
    if (!takeReport
        && known.isFinal()
        && known.status().equals(reported)
        && fact.observedAt() != null
        && known.statusAt() != null
        && fact.observedAt().isBefore(known.statusAt())) {
      statusAt = fact.observedAt();
    }
    // A failure code explains a failure and nothing else; the first one reported stays, so two
    // reports of the same failure agree in either order.
    String failureCode =
        RefundStatus.FAILED.equals(status)
            ? first(
                known.failureCode(),
                RefundStatus.FAILED.equals(reported) ? fact.failureCode() : null)
            : null;
    RefundRecord merged =
        new RefundRecord(
            known.refundKey(),
            known.sessionId(),
            known.paymentIntentId(),
            first(known.refundId(), fact.id()),
            known.amount(),
            first(known.currency(), fact.currency()),
            status,
            statusAt,
            failureCode,
            known.reason(),
            known.createdAt(),
            now,
            known.version() + 1,
            // Set with the status that frees it, in the same write: see freed().
            known.amountFreed() || (status != null && status.freesItsAmount()));
    return merged.sameStateAs(known) ? null : merged;
  }

  /**
   * Whether a fact can be about this refund: once Fintoc's id is known only that id is, and a fact
   * that names another payment or session is not (a misrouted lookup must not settle our refund).
   * Public so the caller can tell such a fact apart from a duplicate, and say so.
   */
  public static boolean isAbout(RefundRecord known, RefundFact fact) {
    return fact != null
        && fact.id() != null
        && (known.refundId() == null || known.refundId().equals(fact.id()))
        && (fact.paymentIntentId() == null
            || fact.paymentIntentId().equals(known.paymentIntentId()))
        && (fact.sessionId() == null || fact.sessionId().equals(known.sessionId()));
  }

  /**
   * The amount to give back to what the payment can still refund: the refund's amount when {@code
   * after} failed or was canceled and {@code before} had not freed it yet, else 0. Since those
   * statuses are final and {@code after.amountFreed()} is written with them, this is non-zero once.
   *
   * @param before the stored record (null when there was none)
   * @param after what {@link #merge} returned (null when nothing changed)
   */
  public static long freed(RefundRecord before, RefundRecord after) {
    boolean frees = after != null && after.status() != null && after.status().freesItsAmount();
    return frees && (before == null || !before.amountFreed()) ? after.amount() : 0;
  }

  /**
   * The amount that went back to the customer with this change: the refund's amount when {@code
   * after} succeeded and {@code before} had not, else 0 — once, since {@code succeeded} is final.
   */
  public static long succeeded(RefundRecord before, RefundRecord after) {
    boolean succeeds = after != null && RefundStatus.SUCCEEDED.equals(after.status());
    return succeeds && (before == null || !RefundStatus.SUCCEEDED.equals(before.status()))
        ? after.amount()
        : 0;
  }

  /**
   * When the sweeper next asks Fintoc about a refund that is not final, after {@code checks} looks
   * that changed nothing: 10 min, then doubling up to 6 h, as for an unsettled payment. Fintoc
   * retries a refund short of balance for 5 business days, so about 25 looks see it through.
   */
  public static Duration nextLook(int checks) {
    return SessionRules.settleInterval(checks);
  }

  /** What was known first stays: a refund's id and currency never change. */
  private static <T> T first(T known, T incoming) {
    return known != null ? known : incoming;
  }
}
