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
 * @param version 0 when not stored yet
 */
public record PaymentRecord(
    String id, PaymentStatus status, String sessionId, String nextAction, Instant updatedAt, long version) {

  public boolean sameStateAs(PaymentRecord other) {
    return other != null
        && status == other.status
        && Objects.equals(sessionId, other.sessionId)
        && Objects.equals(nextAction, other.nextAction);
  }
}
