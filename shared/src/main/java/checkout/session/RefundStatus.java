package checkout.session;

import java.util.Map;

/**
 * A refund's status, as Fintoc names it. Any string is one: Fintoc adds statuses, and one we do not
 * know is kept and shown like the others, never a failure. {@code pending} and {@code created} are
 * both the first state (Fintoc's pages name it either way), the only one that can be canceled.
 * Three are final and never change once recorded ({@code succeeded}, {@code failed}, {@code
 * canceled}); every other status, known or not, means "no answer yet".
 */
public record RefundStatus(String wire) {
  public static final RefundStatus PENDING = new RefundStatus("pending");
  public static final RefundStatus CREATED = new RefundStatus("created");
  public static final RefundStatus IN_PROGRESS = new RefundStatus("in_progress");
  public static final RefundStatus SUCCEEDED = new RefundStatus("succeeded");
  public static final RefundStatus FAILED = new RefundStatus("failed");
  public static final RefundStatus CANCELED = new RefundStatus("canceled");

  /**
   * Ours, not Fintoc's: Fintoc refused to create it ({@code POST /v1/refunds} answered a definite
   * 4xx under its key), so no money ever moved. Final for that attempt and frees its amount; the
   * same request may try again under the key's next generation (docs/architecture.md, "Refunds").
   */
  public static final RefundStatus REJECTED = new RefundStatus("rejected");

  private static final Map<String, RefundStatus> KNOWN =
      Map.of(
          PENDING.wire,
          PENDING,
          CREATED.wire,
          CREATED,
          IN_PROGRESS.wire,
          IN_PROGRESS,
          SUCCEEDED.wire,
          SUCCEEDED,
          FAILED.wire,
          FAILED,
          CANCELED.wire,
          CANCELED,
          REJECTED.wire,
          REJECTED);

  public RefundStatus {
    if (wire == null || wire.isBlank()) {
      throw new IllegalArgumentException("a refund status has a name");
    }
  }

  /** Any name Fintoc sends; null stays null (no status reported). */
  public static RefundStatus fromWire(String value) {
    return value == null || value.isBlank()
        ? null
        : KNOWN.getOrDefault(value, new RefundStatus(value));
  }

  public boolean isFinal() {
    return equals(SUCCEEDED) || equals(FAILED) || equals(CANCELED) || equals(REJECTED);
  }

  /** The first state ({@code pending} or {@code created}): the only one Fintoc lets us cancel. */
  public boolean isFirst() {
    return equals(PENDING) || equals(CREATED);
  }

  /**
   * Final without money going back: its amount counts no more against what the payment can still
   * refund. Any other status holds its amount, an unknown one included (never refund twice).
   */
  public boolean freesItsAmount() {
    return equals(FAILED) || equals(CANCELED) || equals(REJECTED);
  }

  /** One of the statuses Fintoc documents. */
  public boolean isKnown() {
    return KNOWN.containsKey(wire);
  }

  @Override
  public String toString() {
    return wire;
  }
}
