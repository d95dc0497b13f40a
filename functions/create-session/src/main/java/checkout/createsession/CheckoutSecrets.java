package checkout.createsession;

import checkout.secrets.Digests;
import checkout.secrets.SecretSource;
import checkout.secrets.SecretUnavailableException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The {@code checkout_secret} of a session: what only the browser that started a checkout holds, so
 * only it may replace that checkout ({@code replaces}). Derived, never stored: lowercase hex of
 * HMAC-SHA256 over the session id, keyed with SHA-256("checkout-secret:" + Fintoc secret key). So
 * every replay of a create answers the same value, nothing new is kept anywhere, and a session id
 * alone (which GetSession's callers, logs and Fintoc's pages show) proves nothing.
 *
 * <p>Rotating the Fintoc key changes every secret: a checkout opened before cannot be replaced any
 * more (the replacing request is refused); it ends on its own at its expires_at.
 */
final class CheckoutSecrets {
  static final String DOMAIN = "checkout-secret:";

  private final SecretSource secrets;

  /**
   * The last Fintoc key seen and the HMAC key derived from it: derived once per key, not per call.
   * A class, not a record: nothing may print the key by accident.
   */
  private static final class Derived {
    final String fintocKey;
    final byte[] key;

    Derived(String fintocKey, byte[] key) {
      this.fintocKey = fintocKey;
      this.key = key;
    }
  }

  private volatile Derived derived;

  CheckoutSecrets(SecretSource secrets) {
    this.secrets = secrets;
  }

  /** The secret the create answer for {@code sessionId} carries. */
  String of(String sessionId) {
    return Digests.hmacHex(key(), sessionId);
  }

  /**
   * Whether {@code presented} is {@code sessionId}'s secret, compared in constant time. Nothing is
   * read to decide it: the answer takes the same time whether or not the session exists.
   */
  boolean matches(String sessionId, String presented) {
    return MessageDigest.isEqual(
        of(sessionId).getBytes(StandardCharsets.US_ASCII),
        presented.getBytes(StandardCharsets.US_ASCII));
  }

  private byte[] key() {
    String fintocKey = secrets.current().secretKey();
    if (fintocKey == null) {
      throw new SecretUnavailableException("the Fintoc secret has no secret_key", null);
    }
    Derived known = derived;
    if (known == null || !known.fintocKey.equals(fintocKey)) {
      known = new Derived(fintocKey, derive(fintocKey));
      derived = known;
    }
    return known.key;
  }

  /** The HMAC key: the Fintoc key, hashed under its own label so it is used for nothing else. */
  static byte[] derive(String fintocKey) {
    return Digests.derivedKey(DOMAIN, fintocKey);
  }
}
