package checkout.session;

import java.util.Map;

/**
 * A checkout session's status, as Fintoc names it: {@code created → in_progress → finished |
 * expired}. Any string is one (a status we do not know is stored, and means "still open"); {@code
 * finished} and {@code expired} are final and never change once recorded.
 */
public record SessionStatus(String wire) {
  public static final SessionStatus CREATED = new SessionStatus("created");
  public static final SessionStatus IN_PROGRESS = new SessionStatus("in_progress");
  public static final SessionStatus FINISHED = new SessionStatus("finished");
  public static final SessionStatus EXPIRED = new SessionStatus("expired");

  private static final Map<String, SessionStatus> KNOWN =
      Map.of(
          CREATED.wire,
          CREATED,
          IN_PROGRESS.wire,
          IN_PROGRESS,
          FINISHED.wire,
          FINISHED,
          EXPIRED.wire,
          EXPIRED);

  public SessionStatus {
    if (wire == null || wire.isBlank()) {
      throw new IllegalArgumentException("a session status has a name");
    }
  }

  /** Any name Fintoc sends; null stays null (no status reported). */
  public static SessionStatus fromWire(String value) {
    return value == null || value.isBlank()
        ? null
        : KNOWN.getOrDefault(value, new SessionStatus(value));
  }

  public boolean isFinal() {
    return equals(FINISHED) || equals(EXPIRED);
  }

  /** Still payable as far as we know: the sweeper looks at these once past expires_at. */
  public boolean isOpen() {
    return !isFinal();
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
