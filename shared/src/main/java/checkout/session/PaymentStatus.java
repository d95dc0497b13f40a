package checkout.session;

import java.util.Map;

/**
 * A payment intent's status, as Fintoc names it. Any string is one: Fintoc adds statuses, and one
 * we do not know is stored and shown like the others, never a failure. Four are final and never
 * change once recorded ({@code succeeded}, {@code failed}, {@code rejected}, {@code expired});
 * every other status, known or not, means "no outcome yet".
 */
public record PaymentStatus(String wire) {
  public static final PaymentStatus CREATED = new PaymentStatus("created");
  public static final PaymentStatus IN_PROGRESS = new PaymentStatus("in_progress");
  public static final PaymentStatus PENDING = new PaymentStatus("pending");
  public static final PaymentStatus REQUIRES_ACTION = new PaymentStatus("requires_action");
  public static final PaymentStatus SUCCEEDED = new PaymentStatus("succeeded");
  public static final PaymentStatus FAILED = new PaymentStatus("failed");
  public static final PaymentStatus REJECTED = new PaymentStatus("rejected");
  public static final PaymentStatus EXPIRED = new PaymentStatus("expired");

  private static final Map<String, PaymentStatus> KNOWN =
      Map.of(
          CREATED.wire,
          CREATED,
          IN_PROGRESS.wire,
          IN_PROGRESS,
          PENDING.wire,
          PENDING,
          REQUIRES_ACTION.wire,
          REQUIRES_ACTION,
          SUCCEEDED.wire,
          SUCCEEDED,
          FAILED.wire,
          FAILED,
          REJECTED.wire,
          REJECTED,
          EXPIRED.wire,
          EXPIRED);

  public PaymentStatus {
    if (wire == null || wire.isBlank()) {
      throw new IllegalArgumentException("a payment status has a name");
    }
  }

  /** Any name Fintoc sends; null stays null (no status reported). */
  public static PaymentStatus fromWire(String value) {
    return value == null || value.isBlank()
        ? null
        : KNOWN.getOrDefault(value, new PaymentStatus(value));
  }

  public boolean isFinal() {
    return equals(SUCCEEDED) || equals(FAILED) || equals(REJECTED) || equals(EXPIRED);
  }

  /** One of the statuses Fintoc documents. */
  public boolean isKnown() {
    return KNOWN.containsKey(wire);
  }

  /** Final, and no money moved. */
  public boolean endedWithoutMoney() {
    return isFinal() && !equals(SUCCEEDED);
  }

  @Override
  public String toString() {
    return wire;
  }
}
