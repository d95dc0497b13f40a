package checkout.createsession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import checkout.http.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CheckoutRequestParserTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
  final CheckoutRequestParser parser = new CheckoutRequestParser(
      List.of("https://shop.example.com", "http://localhost:3000"),
      Map.of("CLP", 1_000_000L, "MXN", 5_000_000L), "order_id", CLOCK);

  static final String VALID = """
      {"amount": 15000, "currency": "CLP",
       "success_url": "https://shop.example.com/paid?order=42",
       "cancel_url": "https://shop.example.com/cart",
       "metadata": {"order_id": "42"}}""";

  CheckoutRequest parse(String json) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aValidRequestIsForwardedAsGivenWithTheOrderReferenceTakenFromMetadata() {
    CheckoutRequest request = parse(VALID);

    assertThat(request.fintocParams().get("amount").asLong()).isEqualTo(15000);
    assertThat(request.fintocParams().get("currency").asText()).isEqualTo("CLP");
    assertThat(request.fintocParams().get("success_url").asText()).isEqualTo("https://shop.example.com/paid?order=42");
    assertThat(request.orderReference()).isEqualTo("42");
  }

  @Test
  void theSameOrderHashesTheSameWhateverTheFieldOrderOrWhitespace() {
    String reordered = """
        {"metadata":{"order_id":"42"},"cancel_url":"https://shop.example.com/cart","currency":"CLP",
         "success_url":"https://shop.example.com/paid?order=42","amount":15000}""";

    assertThat(parse(reordered).contentHash()).isEqualTo(parse(VALID).contentHash());
    assertThat(parse(VALID.replace("\"42\"}", "\"43\"}")).contentHash()).isNotEqualTo(parse(VALID).contentHash());
  }

  @Test
  void anMxnRequestWithLineItemsThatAddUpIsAccepted() {
    CheckoutRequest request = parse("""
        {"amount": 25050, "currency": "MXN",
         "success_url": "https://shop.example.com/ok", "cancel_url": "https://shop.example.com/ko",
         "customer_email": "ana@example.com",
         "customer_data": {"tax_id": {"type": "mx_rfc", "value": "XAXX010101000"}},
         "payment_method_types": ["bank_transfer", "card"],
         "expires_at": "2026-11-21T12:30:00Z",
         "line_items": [
           {"quantity": 2, "price_data": {"currency": "MXN", "unit_amount": 10000, "product_data": {"name": "Mug"}}},
           {"quantity": 1, "price_data": {"currency": "MXN", "unit_amount": 5050, "product_data": {"name": "Tea"}}}]}""");

    assertThat(request.fintocParams().get("line_items")).hasSize(2);
    assertThat(request.fintocParams().get("expires_at").asText()).isEqualTo("2026-11-21T12:30:00Z");
  }

  @Test
  void localhostRedirectsAreAcceptedOnlyWhenTheirOriginIsListed() {
    assertThat(parse(VALID.replace("https://shop.example.com/cart", "http://localhost:3000/cart"))
        .fintocParams().get("cancel_url").asText()).isEqualTo("http://localhost:3000/cart");

    assertThatThrownBy(() -> parse(VALID.replace("https://shop.example.com/cart", "http://localhost:8080/cart")))
        .isInstanceOf(ApiException.class)
        .hasFieldOrPropertyWithValue("code", "redirect_origin_not_allowed");
  }

  static Stream<Arguments> invalidRequests() {
    return Stream.of(
        Arguments.of("not JSON", "{\"amount\": ", 400, "invalid_json", null),
        Arguments.of("a JSON array", "[1,2]", 400, "invalid_json", null),
        Arguments.of("trailing garbage", VALID + " x", 400, "invalid_json", null),
        Arguments.of("an unknown field", VALID.replace("\"amount\"", "\"customer\": \"cus_1\", \"amount\""), 400, "unknown_parameter", "customer"),
        Arguments.of("no amount", VALID.replace("\"amount\": 15000,", ""), 400, "missing_parameter", "amount"),
        Arguments.of("a zero amount", VALID.replace("15000", "0"), 400, "invalid_amount", "amount"),
        Arguments.of("a negative amount", VALID.replace("15000", "-5"), 400, "invalid_amount", "amount"),
        Arguments.of("a fractional amount", VALID.replace("15000", "150.5"), 400, "invalid_amount", "amount"),
        Arguments.of("an amount in a string", VALID.replace("15000", "\"15000\""), 400, "invalid_amount", "amount"),
        Arguments.of("an amount over the maximum", VALID.replace("15000", "1000001"), 400, "amount_too_large", "amount"),
        Arguments.of("an amount beyond a long", VALID.replace("15000", "99999999999999999999"), 400, "invalid_amount", "amount"),
        Arguments.of("an unsupported currency", VALID.replace("\"CLP\"", "\"USD\""), 400, "invalid_currency", "currency"),
        Arguments.of("a lower-case currency", VALID.replace("\"CLP\"", "\"clp\""), 400, "invalid_currency", "currency"),
        Arguments.of("an http success_url", VALID.replace("https://shop.example.com/paid", "http://shop.example.com/paid"), 400, "invalid_url", "success_url"),
        Arguments.of("a relative cancel_url", VALID.replace("https://shop.example.com/cart", "/cart"), 400, "invalid_url", "cancel_url"),
        Arguments.of("a success_url elsewhere", VALID.replace("https://shop.example.com/paid", "https://evil.example.net/paid"), 400, "redirect_origin_not_allowed", "success_url"),
        Arguments.of("a success_url with user info", VALID.replace("https://shop.example.com/paid", "https://shop.example.com@evil.example.net/paid"), 400, "invalid_url", "success_url"),
        Arguments.of("a javascript: url", VALID.replace("https://shop.example.com/cart", "javascript:alert(1)"), 400, "invalid_url", "cancel_url"),
        Arguments.of("line items in another currency", VALID.replace("\"metadata\"",
            "\"line_items\": [{\"quantity\": 1, \"price_data\": {\"currency\": \"MXN\", \"unit_amount\": 15000, \"product_data\": {\"name\": \"A\"}}}], \"metadata\""),
            400, "line_item_currency_mismatch", "line_items[0].price_data.currency"),
        Arguments.of("line items that do not add up", VALID.replace("\"metadata\"",
            "\"line_items\": [{\"quantity\": 2, \"price_data\": {\"currency\": \"CLP\", \"unit_amount\": 7000, \"product_data\": {\"name\": \"A\"}}}], \"metadata\""),
            400, "line_items_total_mismatch", "line_items"),
        Arguments.of("customer_data without tax_id or email", VALID.replace("\"metadata\"", "\"customer_data\": {\"name\": \"Ana\"}, \"metadata\""),
            400, "invalid_customer_data", "customer_data"),
        Arguments.of("nested metadata", VALID.replace("{\"order_id\": \"42\"}", "{\"order\": {\"id\": 42}}"), 400, "invalid_metadata", "metadata.order"),
        Arguments.of("a numeric metadata value", VALID.replace("\"42\"}", "42}"), 400, "invalid_metadata", "metadata.order_id"),
        Arguments.of("an unknown payment method", VALID.replace("\"metadata\"", "\"payment_method_types\": [\"cash\"], \"metadata\""), 400, "invalid_payment_method_types", "payment_method_types"),
        Arguments.of("expires_at in 9 minutes", VALID.replace("\"metadata\"", "\"expires_at\": \"2026-11-21T12:09:00Z\", \"metadata\""), 400, "invalid_expires_at", "expires_at"),
        Arguments.of("expires_at that is not a time", VALID.replace("\"metadata\"", "\"expires_at\": \"tomorrow\", \"metadata\""), 400, "invalid_expires_at", "expires_at"),
        Arguments.of("a malformed customer_email", VALID.replace("\"metadata\"", "\"customer_email\": \"ana at example\", \"metadata\""), 400, "invalid_email", "customer_email"));
  }

  @ParameterizedTest(name = "{0} is refused with {3}")
  @MethodSource("invalidRequests")
  void anInvalidRequestIsRefusedNamingTheProblem(String what, String body, int status, String code, String param) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(status);
          assertThat(e.code()).isEqualTo(code);
          assertThat(e.param()).isEqualTo(param);
          assertThat(e.getMessage()).isNotBlank();
        });
  }

  @Test
  void aBodyOverSixtyFourKibibytesIsRefusedWithoutBeingParsed() {
    byte[] body = new byte[CheckoutRequestParser.MAX_BODY_BYTES + 1];

    assertThatThrownBy(() -> parser.parse(body))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(413);
          assertThat(e.code()).isEqualTo("body_too_large");
        });
  }

  @Test
  void originsCompareWithoutCaseDefaultPortsOrTrailingSlashes() {
    assertThat(CheckoutRequestParser.normalizeOrigin("HTTPS://Shop.Example.com:443/")).isEqualTo("https://shop.example.com");
    assertThat(CheckoutRequestParser.normalizeOrigin("http://localhost:80")).isEqualTo("http://localhost");
  }
}
