package checkout.createsession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import checkout.config.Config;
import checkout.config.Settings;
import checkout.http.ApiException;
import checkout.json.Json;
import checkout.secrets.FintocSecrets;
import checkout.secrets.SecretSource;
import checkout.secrets.SecretUnavailableException;
import checkout.testing.OrderTokens;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A signed order (JWT, HS256): what is accepted, and each way one is refused, with its message. */
class SignedOrderTest {
  static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  static final String KEY = "order_signing_test_key_0123456789abcdef";
  static final Settings SETTINGS =
      Settings.from(Config.of(Map.of("SESSIONS_TABLE", "t", "MAX_AMOUNT_CLP", "1000000")));
  final SignedOrder orders =
      new SignedOrder(secretWith(KEY), SETTINGS, Clock.fixed(NOW, ZoneOffset.UTC));

  static SecretSource secretWith(String orderSigningSecret) {
    FintocSecrets secrets = new FintocSecrets("sk_test_x", List.of("whsec_x"), orderSigningSecret);
    return new SecretSource() {
      @Override
      public FintocSecrets current() {
        return secrets;
      }

      @Override
      public FintocSecrets refresh() {
        return secrets;
      }
    };
  }

  static ObjectNode order() {
    return OrderTokens.order("order-77", 23500, "CLP", NOW.plus(Duration.ofMinutes(30)));
  }

  @Test
  void anOrderSignedWithAStandardJwtLibraryIsPricedAsItsBackendSaid() throws Exception {
    // What a merchant's Java backend writes with nimbus-jose-jwt, a common JWT library.
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .claim("order_id", "order-77")
            .claim("amount", 23500)
            .claim("currency", "CLP")
            .claim(
                "line_items",
                List.of(
                    Map.of(
                        "quantity",
                        1,
                        "price_data",
                        Map.of(
                            "currency",
                            "CLP",
                            "unit_amount",
                            15000,
                            "product_data",
                            Map.of("name", "Café de grano 1 kg"))),
                    Map.of(
                        "quantity",
                        1,
                        "price_data",
                        Map.of(
                            "currency",
                            "CLP",
                            "unit_amount",
                            8500,
                            "product_data",
                            Map.of("name", "Despacho")))))
            .claim("customer_data", Map.of("email", "ana@example.com", "name", "Ana"))
            .claim("metadata", Map.of("channel", "web"))
            .issueTime(Date.from(NOW))
            .expirationTime(Date.from(NOW.plus(Duration.ofMinutes(30))))
            .jwtID("j-1")
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    jwt.sign(new MACSigner(KEY));

    PricedOrder order = orders.verify(jwt.serialize());

    assertThat(order.pricing()).isEqualTo("signed_order");
    assertThat(order.orderId()).isEqualTo("order-77");
    assertThat(order.amount()).isEqualTo(23500);
    assertThat(order.currency()).isEqualTo("CLP");
    assertThat(Json.write(order.lineItems()))
        .isEqualTo(
            Json.write(
                Json.parse(
                    """
        [{"quantity": 1, "price_data": {"currency": "CLP", "unit_amount": 15000, "product_data": {"name": "Café de grano 1 kg"}}},
         {"quantity": 1, "price_data": {"currency": "CLP", "unit_amount": 8500, "product_data": {"name": "Despacho"}}}]""")));
    assertThat(order.customerData())
        .isEqualTo(Json.parse("{\"email\": \"ana@example.com\", \"name\": \"Ana\"}"));
    assertThat(order.metadata()).isEqualTo(Json.parse("{\"channel\": \"web\"}"));
  }

  @Test
  void onlyTheRequiredClaimsAreEnough() {
    PricedOrder order = orders.verify(OrderTokens.sign(order(), KEY));

    assertThat(order.amount()).isEqualTo(23500);
    assertThat(order.lineItems()).isNull();
    assertThat(order.customerData()).isNull();
  }

  @Test
  void aClockAMinuteApartIsForgiven() {
    ObjectNode justExpired =
        order()
            .put("iat", NOW.minusSeconds(600).getEpochSecond())
            .put("exp", NOW.minusSeconds(50).getEpochSecond());

    assertThat(orders.verify(OrderTokens.sign(justExpired, KEY)).orderId()).isEqualTo("order-77");
  }

  static Stream<Arguments> refusedTokens() {
    Function<ObjectNode, String> signed = claims -> OrderTokens.sign(claims, KEY);
    return Stream.of(
        Arguments.of(
            "signed with another key",
            OrderTokens.sign(order(), "someone_elses_key_0123456789abcdef"),
            "invalid_order_token",
            "order_token",
            "signature does not match"),
        Arguments.of(
            "changed after signing",
            tamper(signed.apply(order()), order().put("amount", 1)),
            "invalid_order_token",
            "order_token",
            "signature does not match"),
        Arguments.of(
            "unsigned, alg none",
            OrderTokens.unsigned(order()),
            "invalid_order_token",
            "order_token",
            "alg is \"none\""),
        Arguments.of(
            "alg None in another case",
            OrderTokens.sign(Json.object().put("alg", "None"), order(), KEY),
            "invalid_order_token",
            "order_token",
            "only HS256"),
        Arguments.of(
            "signed with HS512",
            OrderTokens.sign(Json.object().put("alg", "HS512"), order(), KEY),
            "invalid_order_token",
            "order_token",
            "alg is \"HS512\""),
        Arguments.of(
            "claiming RS256",
            OrderTokens.sign(Json.object().put("alg", "RS256"), order(), KEY),
            "invalid_order_token",
            "order_token",
            "alg is \"RS256\""),
        Arguments.of(
            "without alg",
            OrderTokens.sign(Json.object().put("typ", "JWT"), order(), KEY),
            "invalid_order_token",
            "order_token",
            "alg is missing"),
        Arguments.of(
            "with a critical extension",
            OrderTokens.sign(
                Json.object().put("alg", "HS256").set("crit", Json.array().add("exp")),
                order(),
                KEY),
            "invalid_order_token",
            "order_token",
            "crit"),
        Arguments.of(
            "not three parts", "abc.def", "invalid_order_token", "order_token", "not a JWT"),
        Arguments.of(
            "not base64url", "ab+c.de/f.gh", "invalid_order_token", "order_token", "not a JWT"),
        Arguments.of(
            "a header that is not JSON",
            "bm90IGpzb24." + signed.apply(order()).split("\\.", 2)[1],
            "invalid_order_token",
            "order_token",
            "header is not a JSON object"),
        Arguments.of(
            "expired two minutes ago",
            signed.apply(order().put("exp", NOW.minusSeconds(120).getEpochSecond())),
            "invalid_order_token",
            "order_token.exp",
            "expired"),
        Arguments.of(
            "valid for two hours",
            signed.apply(order().put("exp", NOW.plus(Duration.ofHours(2)).getEpochSecond())),
            "invalid_order_token",
            "order_token.exp",
            "further ahead than this shop accepts"),
        Arguments.of(
            "with exp in milliseconds",
            signed.apply(order().put("exp", NOW.plusSeconds(600).toEpochMilli())),
            "invalid_order_token",
            "order_token.exp",
            "not milliseconds"),
        Arguments.of(
            "without exp",
            signed.apply((ObjectNode) order().without("exp")),
            "invalid_order_token",
            "order_token.exp",
            "needs an exp"),
        Arguments.of(
            "exp in a string",
            signed.apply(order().put("exp", "soon")),
            "invalid_order_token",
            "order_token.exp",
            "number of seconds"),
        Arguments.of(
            "not valid before an hour from now",
            signed.apply(order().put("nbf", NOW.plusSeconds(3600).getEpochSecond())),
            "invalid_order_token",
            "order_token.nbf",
            "not valid before"),
        Arguments.of(
            "without iat (tokens of one order are ordered by it)",
            signed.apply(order().without("iat")),
            "invalid_order_token",
            "order_token.iat",
            "needs an iat"),
        Arguments.of(
            "issued in the future",
            signed.apply(order().put("iat", NOW.plusSeconds(600).getEpochSecond())),
            "invalid_order_token",
            "order_token.iat",
            "in the future"),
        Arguments.of(
            "without order_id",
            signed.apply((ObjectNode) order().without("order_id")),
            "invalid_order_token",
            "order_token.order_id",
            "order_id"),
        Arguments.of(
            "an order_id with spaces",
            signed.apply(order().put("order_id", "order 77")),
            "invalid_order_token",
            "order_token.order_id",
            "without spaces"),
        Arguments.of(
            "without amount",
            signed.apply((ObjectNode) order().without("amount")),
            "invalid_order_token",
            "order_token.amount",
            "positive whole number"),
        Arguments.of(
            "a zero amount",
            signed.apply(order().put("amount", 0)),
            "invalid_order_token",
            "order_token.amount",
            "positive whole number"),
        Arguments.of(
            "a fractional amount",
            signed.apply(order().put("amount", 10.5)),
            "invalid_order_token",
            "order_token.amount",
            "positive whole number"),
        Arguments.of(
            "an amount over the shop's limit",
            signed.apply(order().put("amount", 1_000_001)),
            "amount_too_large",
            "order_token.amount",
            "limit"),
        Arguments.of(
            "a currency Fintoc does not take",
            signed.apply(order().put("currency", "USD")),
            "invalid_order_token",
            "order_token.currency",
            "CLP"),
        Arguments.of(
            "a claim this shop does not know",
            signed.apply(order().put("discount", 500)),
            "invalid_order_token",
            "order_token.discount",
            "does not know"),
        Arguments.of(
            "line items that do not add up to the amount",
            signed.apply(withLines(order(), OrderTokens.line(1, "CLP", 15000, "Café"))),
            "order_token_claims_disagree",
            "order_token.line_items",
            "add up to 15000 but its amount is 23500"),
        Arguments.of(
            "a line item in another currency",
            signed.apply(withLines(order(), OrderTokens.line(1, "MXN", 23500, "Café"))),
            "order_token_claims_disagree",
            "order_token.line_items[0].price_data.currency",
            "order's currency"),
        Arguments.of(
            "a line item with a field Fintoc does not have",
            signed.apply(
                withLines(order(), OrderTokens.line(1, "CLP", 23500, "Café").put("sku", "x"))),
            "invalid_order_token",
            "order_token.line_items[0].sku",
            "Unknown field"),
        Arguments.of(
            "a line item with a negative unit amount",
            signed.apply(withLines(order(), OrderTokens.line(1, "CLP", -1, "Café"))),
            "invalid_order_token",
            "order_token.line_items[0].price_data.unit_amount",
            "zero or more"),
        Arguments.of(
            "metadata naming another order",
            signed.apply(withMetadata(order(), "order_id", "order-78")),
            "order_token_claims_disagree",
            "order_token.metadata.order_id",
            "is not its order_id"),
        Arguments.of(
            "customer data with a field Fintoc does not have",
            signed.apply(
                order()
                    .set("customer_data", Json.object().put("email", "a@b.cl").put("phone", "1"))),
            "unknown_parameter",
            "order_token.customer_data.phone",
            "Unknown field"),
        Arguments.of(
            "expiring before it was issued",
            signed.apply(
                order()
                    .put("iat", NOW.plusSeconds(30).getEpochSecond())
                    .put("exp", NOW.plusSeconds(20).getEpochSecond())),
            "order_token_claims_disagree",
            "order_token.exp",
            "before it was issued"));
  }

  @ParameterizedTest(name = "a token {0} is refused")
  @MethodSource("refusedTokens")
  void aTokenIsRefusedWithAMessageThatSaysWhy(
      String what, String token, String code, String param, String message) {
    assertThatThrownBy(() -> orders.verify(token))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.param()).isEqualTo(param);
              assertThat(e.getMessage()).contains(message);
            });
  }

  @Test
  void aShopWithoutASigningKeyTakesNoSignedOrders() {
    SignedOrder off = new SignedOrder(secretWith(null), SETTINGS, Clock.fixed(NOW, ZoneOffset.UTC));

    assertThatThrownBy(() -> off.verify(OrderTokens.sign(order(), KEY)))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.code()).isEqualTo("signed_orders_not_enabled");
            });
  }

  @Test
  void aSigningKeyTooShortForHs256IsAFaultOfTheDeploymentThatNamesNoKey() {
    SignedOrder weak =
        new SignedOrder(secretWith("tiny_k3y"), SETTINGS, Clock.fixed(NOW, ZoneOffset.UTC));

    assertThatThrownBy(() -> weak.verify(OrderTokens.sign(order(), "tiny_k3y")))
        .isInstanceOf(SecretUnavailableException.class)
        .hasMessageContaining("shorter than 32 bytes")
        .hasMessageNotContaining("tiny_k3y");
  }

  /** The token with its payload replaced and the original signature kept. */
  static String tamper(String token, ObjectNode claims) {
    String[] parts = token.split("\\.");
    String payload =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(Json.write(claims).getBytes(StandardCharsets.UTF_8));
    return parts[0] + "." + payload + "." + parts[2];
  }

  static ObjectNode withLines(ObjectNode claims, ObjectNode... lines) {
    claims.set("line_items", Json.array().addAll(List.of(lines)));
    return claims;
  }

  static ObjectNode withMetadata(ObjectNode claims, String key, String value) {
    claims.set("metadata", Json.object().put(key, value));
    return claims;
  }
}
