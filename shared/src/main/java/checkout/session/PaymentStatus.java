package checkout.session;

/**
 * A payment intent's status. {@code pending} and {@code requires_action} may still change;
 * the other four are final and never change once recorded.
 */
public enum PaymentStatus {
  PENDING("pending", 0),
  REQUIRES_ACTION("requires_action", 1),
  SUCCEEDED("succeeded", 2),
  FAILED("failed", 2),
  REJECTED("rejected", 2),
  EXPIRED("expired", 2);

  private final String wire;
  private final int rank;

  PaymentStatus(String wire, int rank) {
    this.wire = wire;
    this.rank = rank;
  }

  public String wire() {
    return wire;
  }

  public boolean isFinal() {
    return rank == 2;
  }

  /** Whether {@code next} is further along than this status (a final status goes nowhere). */
  public boolean canMoveTo(PaymentStatus next) {
    return next.rank > rank;
  }

  public static PaymentStatus fromWire(String value) {
    for (PaymentStatus status : values()) {
      if (status.wire.equals(value)) {
        return status;
      }
    }
    throw new IllegalArgumentException("unknown payment intent status: " + value);
  }
}
