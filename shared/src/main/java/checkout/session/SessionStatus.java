package checkout.session;

/**
 * A checkout session's status at Fintoc. It only moves forward:
 * {@code created → in_progress → finished | expired}.
 */
public enum SessionStatus {
  CREATED("created", 0),
  IN_PROGRESS("in_progress", 1),
  FINISHED("finished", 2),
  EXPIRED("expired", 2);

  private final String wire;
  private final int rank;

  SessionStatus(String wire, int rank) {
    this.wire = wire;
    this.rank = rank;
  }

  /** The name Fintoc and our API use. */
  public String wire() {
    return wire;
  }

  /** Still payable: the sweeper looks for these once past expires_at. */
  public boolean isOpen() {
    return rank < 2;
  }

  /** Whether moving from this status to {@code next} goes forward (never sideways between ends). */
  public boolean canMoveTo(SessionStatus next) {
    return next.rank > rank;
  }

  public static SessionStatus fromWire(String value) {
    for (SessionStatus status : values()) {
      if (status.wire.equals(value)) {
        return status;
      }
    }
    throw new IllegalArgumentException("unknown checkout session status: " + value);
  }
}
