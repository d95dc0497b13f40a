package checkout.fintoc;

import checkout.secrets.SampleKeys;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Fintoc's webhook signature: {@code Fintoc-Signature: t=<unix seconds>,v1=<hex>} where {@code v1}
 * is the lowercase hex HMAC-SHA256, keyed with the webhook secret's UTF-8 bytes, of {@code t + "."
 * + body} — the body's exact bytes as received, never re-serialized JSON.
 *
 * <p>{@link #verify} accepts the header when any {@code v1} in it matches any of the given secrets
 * (two during a rotation), within a tolerance in both directions (not checked for the public sample
 * key, {@link SampleKeys}). {@link #sign} makes headers for tests, sample events and local tools,
 * so no fixture carries a pasted signature.
 */
public final class WebhookSignature {
  public static final String HEADER = "Fintoc-Signature";
  public static final Duration DEFAULT_TOLERANCE = Duration.ofSeconds(300);

  private WebhookSignature() {}

  /** Why a signature was refused; each has its own message in the logs. */
  public enum Failure {
    MISSING_HEADER("no Fintoc-Signature header"),
    MALFORMED_HEADER("Fintoc-Signature is not of the form t=<unix seconds>,v1=<hex>"),
    TIMESTAMP_OUTSIDE_TOLERANCE("the signature's timestamp is outside the tolerance"),
    NO_MATCHING_SIGNATURE("no v1 signature matches the body with any webhook secret");

    private final String message;

    Failure(String message) {
      this.message = message;
    }

    public String message() {
      return message;
    }
  }

  /** The signature was refused. The message never contains a secret or an expected signature. */
  public static final class VerificationException extends RuntimeException {
    private final Failure failure;

    VerificationException(Failure failure) {
      super(failure.message(), null, false, false);
      this.failure = failure;
    }

    public Failure failure() {
      return failure;
    }
  }

  public static void verify(
      byte[] body, String header, List<String> secrets, Duration tolerance, Clock clock) {
    if (header == null || header.isBlank()) {
      throw new VerificationException(Failure.MISSING_HEADER);
    }
    Long timestamp = null;
    List<String> signatures = new ArrayList<>();
    for (String part : header.split(",")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      if (key.equals("t")) {
        try {
          timestamp = Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw new VerificationException(Failure.MALFORMED_HEADER);
        }
      } else if (key.equals("v1") && !value.isEmpty()) {
        signatures.add(value.toLowerCase(Locale.ROOT));
      }
    }
    if (timestamp == null || signatures.isEmpty()) {
      throw new VerificationException(Failure.MALFORMED_HEADER);
    }
    String matched = matchingSecret(body, timestamp, signatures, secrets);
    if (matched == null) {
      throw new VerificationException(Failure.NO_MATCHING_SIGNATURE);
    }
    // A committed sample key is public: a signature made with it says nothing about when it was
    // made, so its age is not checked either (SampleKeys says why this is safe).
    long skew = Math.abs(clock.instant().getEpochSecond() - timestamp);
    if (skew > tolerance.toSeconds() && !SampleKeys.isSample(matched)) {
      throw new VerificationException(Failure.TIMESTAMP_OUTSIDE_TOLERANCE);
    }
  }

  private static String matchingSecret(
      byte[] body, long timestamp, List<String> signatures, List<String> secrets) {
    for (String secret : secrets) {
      byte[] expected = v1(body, timestamp, secret).getBytes(StandardCharsets.US_ASCII);
      for (String signature : signatures) {
        // Constant-time: how much of a guess matched must not show in the response time.
        if (MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII))) {
          return secret;
        }
      }
    }
    return null;
  }

  /** The header Fintoc would send for this body, signed at {@code timestamp} (unix seconds). */
  public static String sign(byte[] body, String secret, long timestamp) {
    return "t=" + timestamp + ",v1=" + v1(body, timestamp, secret);
  }

  static String v1(byte[] body, long timestamp, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is in every JVM", e);
    }
  }
}
