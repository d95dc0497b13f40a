package checkout.log;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names Fintoc sent that this code does not know (an event type, a status): each is logged once per
 * container, with its name, so an operator learns that Fintoc added something without a line per
 * delivery. Knowing nothing of a name is never a failure: it is stored or ignored.
 */
public final class Unknowns {
  private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

  private Unknowns() {}

  /**
   * @param kind what the name is: {@code event_type}, {@code payment_status}, {@code
   *     session_status}
   */
  public static void note(String kind, String name) {
    if (SEEN.add(kind + "\u0000" + name)) {
      Log.warn(
          "unknown_" + kind,
          "name",
          name,
          "action",
          "stored as reported and handled as not final;" + " check Fintoc's changelog");
    }
  }
}
