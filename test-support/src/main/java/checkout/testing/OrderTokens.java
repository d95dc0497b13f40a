package checkout.testing;

import checkout.json.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Orders signed the way a merchant's backend signs them (a JWT, HS256), written out from RFC 7515
 * rather than through the code under test, so the tests check that code against the standard. Also
 * signs with other headers, to show what is refused.
 */
public final class OrderTokens {
  private OrderTokens() {}

  /**
   * The required claims: an order of {@code amount} in {@code currency}, valid until {@code exp},
   * signed half an hour before that ({@code iat}).
   */
  public static ObjectNode order(String orderId, long amount, String currency, Instant exp) {
    return order(orderId, amount, currency, exp.minusSeconds(1800), exp);
  }

  /** The required claims, signed at {@code iat}: of two tokens for one order, the later stands. */
  public static ObjectNode order(
      String orderId, long amount, String currency, Instant iat, Instant exp) {
    return Json.object()
        .put("order_id", orderId)
        .put("amount", amount)
        .put("currency", currency)
        .put("exp", exp.getEpochSecond())
        .put("iat", iat.getEpochSecond());
  }

  /** One line of a signed order, in Fintoc's price_data shape. */
  public static ObjectNode line(long quantity, String currency, long unitAmount, String name) {
    ObjectNode line = Json.object().put("quantity", quantity);
    ObjectNode priceData =
        line.putObject("price_data").put("currency", currency).put("unit_amount", unitAmount);
    priceData.putObject("product_data").put("name", name);
    return line;
  }

  public static String sign(ObjectNode claims, String secret) {
    return sign(Json.object().put("alg", "HS256").put("typ", "JWT"), claims, secret);
  }

  /** {@code base64url(header).base64url(claims).base64url(HMAC-SHA256(secret, the first two))}. */
  public static String sign(ObjectNode header, ObjectNode claims, String secret) {
    String input = encode(Json.write(header)) + "." + encode(Json.write(claims));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return input
          + "."
          + Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsigned token ({@code alg: none}), as an attacker would send one. */
  public static String unsigned(ObjectNode claims) {
    return encode(Json.write(Json.object().put("alg", "none").put("typ", "JWT")))
        + "."
        + encode(Json.write(claims))
        + ".";
  }

  private static String encode(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
