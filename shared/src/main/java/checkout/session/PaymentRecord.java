package checkout.session;

import java.time.Instant;
import java.util.Objects;

/**
 * What we know of a payment intent, kept apart from its session ({@code PAYMENT#pi_…}) because
 * a payment event may arrive before the event that links it to its session: its status waits
 * here and is merged into the session once the link is known.
 *
 * @param sessionId null until some event links the payment to its checkout session
 * @param nextAction Fintoc's next_action (JSON) while requires_action
 * @param amount the payment's amount as Fintoc reported it (smallest unit), null until reported
 * @param currency the payment's currency as Fintoc reported it, null until reported
 * @param version 0 when not stored yet
 */
public record PaymentRecord(
    String id, PaymentStatus status, String sessionId, String nextAction, Long amount, String currency,
    Instant updatedAt, long version) {

  /** A payment nothing is known of yet, but its id. */
  public static PaymentRecord unknown(String id) {
    return new PaymentRecord(id, null, null, null, null, null, null, 0);
  }

  public boolean sameStateAs(PaymentRecord other) {
    return other != null
        && status == other.status
        && Objects.equals(sessionId, other.sessionId)
        && Objects.equals(nextAction, other.nextAction)
        && Objects.equals(amount, other.amount)
        && Objects.equals(currency, other.currency);
  }
}
