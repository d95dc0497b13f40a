package checkout.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SHA-256 and HMAC-SHA256, made in one place (CreateSession's signed orders, claim fingerprints,
 * checkout secrets and customer index; our refund ids). Text is hashed as UTF-8.
 */
public final class Digests {
  private Digests() {}

  public static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  public static String sha256Hex(String text) {
    return HexFormat.of().formatHex(sha256(text));
  }

  public static byte[] hmac(byte[] key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has HmacSHA256", e);
    }
  }

  public static String hmacHex(byte[] key, String message) {
    return HexFormat.of().formatHex(hmac(key, message));
  }

  /**
   * A key for one use only: SHA-256 of {@code label + secret}. Each use hashes the secret under its
   * own label, so what one use reveals (a secret handed to the browser, a hash in the table) says
   * nothing of the secret or of another use's key.
   */
  public static byte[] derivedKey(String label, String secret) {
    return sha256(label + secret);
  }
}
