package checkout.testing;

import checkout.session.CheckoutSession;
import checkout.session.SessionStatus;
import java.time.Duration;
import java.time.Instant;

/** Sessions as CreateSession stores them, for tests that start from one. */
public final class TestSessions {
  private TestSessions() {}

  /** An open 15 000 CLP catalog session, created 24 h before it expires, not yet paid. */
  public static CheckoutSession open(String id, String orderReference, Instant expiresAt) {
    Instant created = expiresAt.minus(Duration.ofHours(24));
    return CheckoutSession.builder()
        .id(id)
        .status(SessionStatus.CREATED)
        .amount(15000)
        .currency("CLP")
        .orderReference(orderReference)
        .mode("test")
        .successUrl("https://shop.example.com/paid")
        .cancelUrl("https://shop.example.com/cart")
        .redirectUrl("https://checkout.fintoc.com/" + id)
        .createdAt(created)
        .expiresAt(expiresAt)
        .updatedAt(created)
        .lineItems("[{\"price\":\"price_grano_1kg\",\"quantity\":1}]")
        .pricing("catalog")
        .version(1)
        .build();
  }
}
