package checkout.session;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The sessions table, in memory: one session and the payment records kept apart, read and written
 * as {@code SessionUpdater} does — so the rules can be run in any order without DynamoDB.
 */
public final class InMemoryTable {
  public static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");

  public CheckoutSession session =
      CheckoutSession.builder()
          .id("cs_1")
          .status(SessionStatus.CREATED)
          .statusAt(T0)
          .amount(15000)
          .currency("CLP")
          .createdAt(T0)
          .expiresAt(T0.plusSeconds(3600))
          .updatedAt(T0)
          .version(1)
          .build();
  final Map<String, PaymentRecord> payments = new HashMap<>();

  /** A payment event that names no session reaches the session through its payment's link. */
  public void apply(Observation fact) {
    PaymentRecord payment = fact.payment() == null ? null : payments.get(fact.payment().id());
    String sessionId =
        fact.sessionId() != null ? fact.sessionId() : payment == null ? null : payment.sessionId();
    SessionRules.Result result =
        SessionRules.merge(fact, sessionId == null ? null : session, payment, T0.plusSeconds(1000));
    if (result.session() != null) {
      session = result.session();
    }
    if (result.payment() != null) {
      payments.put(result.payment().id(), result.payment());
    }
  }

  /**
   * What the storefront and the merchant see: {@code status/payment_status/paid|unpaid/attention}.
   */
  String outcome() {
    return session.status().wire()
        + "/"
        + (session.paymentStatus() == null ? "-" : session.paymentStatus().wire())
        + "/"
        + (session.paid() ? "paid" : "unpaid")
        + "/"
        + (session.attention() == null ? "-" : session.attention())
        + (session.nextAction() == null ? "" : "/next_action");
  }
}
