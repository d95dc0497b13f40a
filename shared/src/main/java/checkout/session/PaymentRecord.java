package checkout.session;

import java.time.Instant;
import java.util.Objects;

/**
 * What we know of a payment intent, kept apart from its session ({@code PAYMENT#pi_…}) because a
 * payment event may arrive before the event that links it to its session: its status waits here and
 * is merged into the session once the link is known.
 *
 * @param status what Fintoc last reported (any status); {@code statusAt} when it reported it
 * @param sessionId null until some event links the payment to its checkout session
 * @param nextAction Fintoc's next_action (JSON) reported with a requires_action status, else null
 * @param amount the payment's amount as Fintoc reported it (smallest unit), null until reported
 * @param currency the payment's currency as Fintoc reported it, null until reported
 * @param version 0 when not stored yet
 */
public record PaymentRecord(
    String id,
    PaymentStatus status,
    Instant statusAt,
    String sessionId,
    String nextAction,
    Long amount,
    String currency,
    Instant updatedAt,
    long version) {

  /** A payment nothing is known of yet, but its id. */
  public static PaymentRecord unknown(String id) {
    return new PaymentRecord(id, null, null, null, null, null, null, null, 0);
  }

  public boolean sameStateAs(PaymentRecord other) {
    return other != null
        && Objects.equals(status, other.status)
        && Objects.equals(statusAt, other.statusAt)
        && Objects.equals(sessionId, other.sessionId)
        && Objects.equals(nextAction, other.nextAction)
        && Objects.equals(amount, other.amount)
        && Objects.equals(currency, other.currency);
  }
}
