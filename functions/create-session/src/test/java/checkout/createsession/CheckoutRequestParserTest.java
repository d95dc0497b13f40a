package checkout.createsession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import checkout.config.Config;
import checkout.config.Settings;
import checkout.http.ApiException;
import checkout.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the browser may send to POST /checkout-sessions, and what it may not: field by field. */
class CheckoutRequestParserTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
  static final Settings SETTINGS =
      Settings.from(
          Config.of(
              Map.of(
                  "SESSIONS_TABLE", "t",
                  "ALLOWED_REDIRECT_ORIGINS", "https://shop.example.com,http://localhost:3000",
                  "MAX_QUANTITY_PER_ITEM", "10",
                  "ALLOWED_SENDER_INSTITUTIONS", "cl_banco_de_chile,cl_banco_estado")));
  final CheckoutRequestParser parser = new CheckoutRequestParser(SETTINGS, CLOCK);

  static final String VALID =
      """
      {"line_items": [{"price": "price_grano_1kg", "quantity": 2}, {"price": "price_taza", "quantity": 1}],
       "success_url": "https://shop.example.com/paid?order=42",
       "cancel_url": "https://shop.example.com/cart",
       "metadata": {"order_id": "42"}}""";

  CheckoutRequest parse(String json) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  /** VALID with {@code field} (a JSON member, "name": value) added. */
  static String with(String member) {
    return VALID.replace("\"metadata\"", member + ", \"metadata\"");
  }

  @Test
  void replacesNamesTheCheckoutToEndAndIsNotPartOfTheOrderTheKeyIsBoundTo() {
    CheckoutRequest request =
        parse(
            with(
                "\"replaces\": {\"session_id\": \"cs_test_000001\", \"checkout_secret\": \"0f1e\"}"));

    assertThat(request.replaces())
        .isEqualTo(new CheckoutRequest.Replaces("cs_test_000001", "0f1e"));
    assertThat(request.replaces().toString()).doesNotContain("0f1e");
    assertThat(request.asSent()).isEqualTo(parse(VALID).asSent());
    assertThat(parse(with("\"replaces\": null")).replaces()).isNull();
  }

  @Test
  void aCatalogOrderIsPriceIdsAndQuantitiesWithTheCustomersOwnChoices() {
    CheckoutRequest request = parse(VALID);

    assertThat(request.cart())
        .containsExactly(
            new CheckoutRequest.CartLine("price_grano_1kg", 2),
            new CheckoutRequest.CartLine("price_taza", 1));
    assertThat(request.orderToken()).isNull();
    assertThat(request.customerFields())
        .isEqualTo(
            Json.parse(
                """
        {"success_url": "https://shop.example.com/paid?order=42", "cancel_url": "https://shop.example.com/cart",
         "metadata": {"order_id": "42"}}"""));
  }

  @Test
  void aSignedOrderIsItsTokenWithTheCustomersOwnChoices() {
    CheckoutRequest request =
        parse(
            """
        {"order_token": "a.b.c", "success_url": "https://shop.example.com/ok", "cancel_url": "https://shop.example.com/ko",
         "customer_email": "ana@example.com"}""");

    assertThat(request.cart()).isNull();
    assertThat(request.orderToken()).isEqualTo("a.b.c");
    assertThat(request.customerFields().get("customer_email").asText())
        .isEqualTo("ana@example.com");
  }

  @Test
  void everyCustomerFieldIsCheckedAndPassedOnNestedFieldsIncluded() {
    CheckoutRequest request =
        parse(
            with(
                """
        "customer_email": "ana@example.com",
        "customer_data": {"tax_id": {"type": "cl_rut", "value": "12.345.678-5"}, "name": "Ana", "email": "ana@example.com",
                          "metadata": {"crm": "c-1"}},
        "expires_at": "2026-11-21T12:30:00Z",
        "payment_method_options": {"payment_intent": {"sender_account": {"institution_id": "cl_banco_estado"}}}"""));

    assertThat(request.customerFields().get("customer_data"))
        .isEqualTo(
            Json.parse(
                """
        {"tax_id": {"type": "cl_rut", "value": "12.345.678-5"}, "name": "Ana", "email": "ana@example.com",
         "metadata": {"crm": "c-1"}}"""));
    assertThat(request.customerFields().get("expires_at").asText())
        .isEqualTo("2026-11-21T12:30:00Z");
    assertThat(request.senderInstitution()).isEqualTo("cl_banco_estado");
  }

  @Test
  void localhostRedirectsAreAcceptedOnlyWhenTheirOriginIsListed() {
    assertThat(
            parse(VALID.replace("https://shop.example.com/cart", "http://localhost:3000/cart"))
                .customerFields()
                .get("cancel_url")
                .asText())
        .isEqualTo("http://localhost:3000/cart");

    assertThatThrownBy(
            () ->
                parse(VALID.replace("https://shop.example.com/cart", "http://localhost:8080/cart")))
        .isInstanceOf(ApiException.class)
        .hasFieldOrPropertyWithValue("code", "redirect_origin_not_allowed");
  }

  static Stream<Arguments> moneyTheBrowserCannotDecide() {
    return Stream.of(
        Arguments.of("an amount", with("\"amount\": 1"), "amount"),
        Arguments.of("a currency", with("\"currency\": \"CLP\""), "currency"),
        Arguments.of(
            "payment methods",
            with("\"payment_method_types\": [\"card\"]"),
            "payment_method_types"),
        Arguments.of(
            "a business profile",
            with("\"business_profile\": {\"name\": \"Someone Else\"}"),
            "business_profile"),
        Arguments.of("an existing customer", with("\"customer\": \"cus_1\""), "customer"),
        Arguments.of("price_data at the top", with("\"price_data\": {}"), "price_data"),
        Arguments.of(
            "a line's price_data",
            VALID.replace(
                "\"quantity\": 1}",
                "\"quantity\": 1, \"price_data\": {\"currency\": \"CLP\", \"unit_amount\": 1, \"product_data\": {\"name\": \"A\"}}}"),
            "line_items[1].price_data"),
        Arguments.of(
            "a line's unit_amount",
            VALID.replace("\"quantity\": 1}", "\"quantity\": 1, \"unit_amount\": 1}"),
            "line_items[1].unit_amount"),
        Arguments.of(
            "a line's currency",
            VALID.replace("\"quantity\": 2}", "\"quantity\": 2, \"currency\": \"MXN\"}"),
            "line_items[0].currency"),
        Arguments.of(
            "a recipient account",
            with(
                """
            "payment_method_options": {"payment_intent": {"recipient_account": {"holder_id": "111111111", "number": "123",
              "type": "checking_account", "institution_id": "cl_banco_de_chile"}}}"""),
            "payment_method_options.payment_intent.recipient_account"),
        Arguments.of(
            "a sender's holder id",
            with(
                """
            "payment_method_options": {"payment_intent": {"sender_account": {"institution_id": "cl_banco_estado", "holder_id": "1"}}}"""),
            "payment_method_options.payment_intent.sender_account.holder_id"),
        Arguments.of(
            "card options",
            with("\"payment_method_options\": {\"card\": {}}"),
            "payment_method_options.card"));
  }

  @ParameterizedTest(name = "{0} is refused by name")
  @MethodSource("moneyTheBrowserCannotDecide")
  void whatDecidesTheAmountOrWhereMoneyGoesIsRefusedNamingTheParameter(
      String what, String body, String param) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.code()).isEqualTo("parameter_not_allowed");
              assertThat(e.param()).isEqualTo(param);
              assertThat(e.getMessage()).startsWith(param + " cannot be sent: ");
            });
  }

  static Stream<Arguments> invalidRequests() {
    return Stream.of(
        Arguments.of("not JSON", "{\"line_items\": ", "invalid_json", null),
        Arguments.of("a JSON array", "[1,2]", "invalid_json", null),
        Arguments.of("trailing garbage", VALID + " x", "invalid_json", null),
        Arguments.of(
            "an unknown field", with("\"coupon\": \"FREE\""), "unknown_parameter", "coupon"),
        Arguments.of(
            "replaces that is not an object",
            with("\"replaces\": \"cs_test_1\""),
            "invalid_replaces",
            "replaces"),
        Arguments.of(
            "replaces without its secret",
            with("\"replaces\": {\"session_id\": \"cs_test_1\"}"),
            "invalid_replaces",
            "replaces.checkout_secret"),
        Arguments.of(
            "replaces without a session id",
            with("\"replaces\": {\"checkout_secret\": \"abc\"}"),
            "invalid_replaces",
            "replaces.session_id"),
        Arguments.of(
            "replaces naming a session id that is not one",
            with("\"replaces\": {\"session_id\": \"../x\", \"checkout_secret\": \"abc\"}"),
            "invalid_replaces",
            "replaces.session_id"),
        Arguments.of(
            "a secret that is not text",
            with("\"replaces\": {\"session_id\": \"cs_1\", \"checkout_secret\": 42}"),
            "invalid_replaces",
            "replaces.checkout_secret"),
        Arguments.of(
            "an unknown field in replaces",
            with(
                "\"replaces\": {\"session_id\": \"cs_1\", \"checkout_secret\": \"abc\", \"force\": true}"),
            "unknown_parameter",
            "replaces.force"),
        Arguments.of(
            "neither line_items nor order_token",
            VALID.replaceAll("\"line_items\": \\[.*\\],", ""),
            "missing_parameter",
            "line_items"),
        Arguments.of(
            "both line_items and order_token",
            with("\"order_token\": \"a.b.c\""),
            "conflicting_parameters",
            "line_items"),
        Arguments.of(
            "empty line_items",
            VALID.replaceAll("\\[\\{.*}],", "[],"),
            "invalid_line_items",
            "line_items"),
        Arguments.of(
            "a line that is not an object",
            VALID.replaceAll("\\[\\{.*}],", "[\"price_taza\"],"),
            "invalid_line_items",
            "line_items[0]"),
        Arguments.of(
            "an unknown field in a line",
            VALID.replace("\"quantity\": 1}", "\"quantity\": 1, \"note\": \"x\"}"),
            "unknown_parameter",
            "line_items[1].note"),
        Arguments.of(
            "a line without a price",
            VALID.replace("\"price\": \"price_taza\", ", ""),
            "invalid_line_items",
            "line_items[1].price"),
        Arguments.of(
            "a price id with odd characters",
            VALID.replace("price_taza", "price taza/../x"),
            "invalid_line_items",
            "line_items[1].price"),
        Arguments.of(
            "the same price twice",
            VALID.replace("price_taza", "price_grano_1kg"),
            "duplicate_price",
            "line_items[1].price"),
        Arguments.of(
            "a zero quantity",
            VALID.replace("\"quantity\": 1", "\"quantity\": 0"),
            "invalid_quantity",
            "line_items[1].quantity"),
        Arguments.of(
            "a negative quantity",
            VALID.replace("\"quantity\": 1", "\"quantity\": -1"),
            "invalid_quantity",
            "line_items[1].quantity"),
        Arguments.of(
            "a fractional quantity",
            VALID.replace("\"quantity\": 1", "\"quantity\": 1.5"),
            "invalid_quantity",
            "line_items[1].quantity"),
        Arguments.of(
            "a quantity over the shop's limit",
            VALID.replace("\"quantity\": 1", "\"quantity\": 11"),
            "invalid_quantity",
            "line_items[1].quantity"),
        Arguments.of(
            "a quantity in a string",
            VALID.replace("\"quantity\": 1", "\"quantity\": \"1\""),
            "invalid_quantity",
            "line_items[1].quantity"),
        Arguments.of(
            "an empty order_token",
            VALID.replaceAll("\"line_items\": \\[.*\\],", "\"order_token\": \"\","),
            "invalid_order_token",
            "order_token"),
        Arguments.of(
            "no success_url",
            VALID.replace("\"success_url\": \"https://shop.example.com/paid?order=42\",", ""),
            "missing_parameter",
            "success_url"),
        Arguments.of(
            "an http success_url",
            VALID.replace("https://shop.example.com/paid", "http://shop.example.com/paid"),
            "invalid_url",
            "success_url"),
        Arguments.of(
            "a relative cancel_url",
            VALID.replace("https://shop.example.com/cart", "/cart"),
            "invalid_url",
            "cancel_url"),
        Arguments.of(
            "a success_url elsewhere",
            VALID.replace("https://shop.example.com/paid", "https://evil.example.net/paid"),
            "redirect_origin_not_allowed",
            "success_url"),
        Arguments.of(
            "a success_url with user info",
            VALID.replace(
                "https://shop.example.com/paid", "https://shop.example.com@evil.example.net/paid"),
            "invalid_url",
            "success_url"),
        Arguments.of(
            "a javascript: url",
            VALID.replace("https://shop.example.com/cart", "javascript:alert(1)"),
            "invalid_url",
            "cancel_url"),
        Arguments.of(
            "customer_data without tax_id or email",
            with("\"customer_data\": {\"name\": \"Ana\"}"),
            "invalid_customer_data",
            "customer_data"),
        Arguments.of(
            "an unknown field in customer_data",
            with("\"customer_data\": {\"email\": \"a@b.cl\", \"address\": \"x\"}"),
            "unknown_parameter",
            "customer_data.address"),
        Arguments.of(
            "an unknown field in a tax_id",
            with(
                "\"customer_data\": {\"tax_id\": {\"type\": \"cl_rut\", \"value\": \"1-9\", \"country\": \"cl\"}}"),
            "unknown_parameter",
            "customer_data.tax_id.country"),
        Arguments.of(
            "a tax_id of another kind",
            with("\"customer_data\": {\"tax_id\": {\"type\": \"us_ssn\", \"value\": \"1\"}}"),
            "invalid_customer_data",
            "customer_data.tax_id"),
        Arguments.of(
            "a customer name with a line break",
            with("\"customer_data\": {\"email\": \"a@b.cl\", \"name\": \"A\\nB\"}"),
            "invalid_customer_data",
            "customer_data.name"),
        Arguments.of(
            "a malformed customer_data.email",
            with("\"customer_data\": {\"email\": \"nope\"}"),
            "invalid_email",
            "customer_data.email"),
        Arguments.of(
            "nested customer metadata",
            with("\"customer_data\": {\"email\": \"a@b.cl\", \"metadata\": {\"a\": {}}}"),
            "invalid_metadata",
            "customer_data.metadata.a"),
        Arguments.of(
            "nested metadata",
            VALID.replace("{\"order_id\": \"42\"}", "{\"order\": {\"id\": 42}}"),
            "invalid_metadata",
            "metadata.order"),
        Arguments.of(
            "a numeric metadata value",
            VALID.replace("\"42\"}", "42}"),
            "invalid_metadata",
            "metadata.order_id"),
        Arguments.of(
            "a metadata key with spaces",
            VALID.replace("\"order_id\"", "\"order id\""),
            "invalid_metadata",
            "metadata.order id"),
        Arguments.of(
            "a metadata value over 500 characters",
            VALID.replace("\"42\"}", "\"" + "x".repeat(501) + "\"}"),
            "invalid_metadata",
            "metadata.order_id"),
        Arguments.of(
            "expires_at in 9 minutes",
            with("\"expires_at\": \"2026-11-21T12:09:00Z\""),
            "invalid_expires_at",
            "expires_at"),
        Arguments.of(
            "expires_at in 25 hours",
            with("\"expires_at\": \"2026-11-22T13:00:00Z\""),
            "invalid_expires_at",
            "expires_at"),
        Arguments.of(
            "expires_at that is not a time",
            with("\"expires_at\": \"tomorrow\""),
            "invalid_expires_at",
            "expires_at"),
        Arguments.of(
            "a malformed customer_email",
            with("\"customer_email\": \"ana at example\""),
            "invalid_email",
            "customer_email"),
        Arguments.of(
            "a bank not on the shop's list",
            with(
                "\"payment_method_options\": {\"payment_intent\": {\"sender_account\": {\"institution_id\": \"cl_banco_x\"}}}"),
            "sender_institution_not_allowed",
            "payment_method_options.payment_intent.sender_account.institution_id"),
        Arguments.of(
            "a bank that is not a string",
            with(
                "\"payment_method_options\": {\"payment_intent\": {\"sender_account\": {\"institution_id\": 7}}}"),
            "sender_institution_not_allowed",
            "payment_method_options.payment_intent.sender_account.institution_id"));
  }

  @ParameterizedTest(name = "{0} is refused with {2}")
  @MethodSource("invalidRequests")
  void anInvalidRequestIsRefusedNamingTheProblem(
      String what, String body, String code, String param) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.param()).isEqualTo(param);
              assertThat(e.getMessage()).isNotBlank();
            });
  }

  @Test
  void aShopWithNoBankListRefusesTheCustomersChoiceOfBank() {
    CheckoutRequestParser noChoice =
        new CheckoutRequestParser(
            Settings.from(
                Config.of(
                    Map.of(
                        "SESSIONS_TABLE",
                        "t",
                        "ALLOWED_REDIRECT_ORIGINS",
                        "https://shop.example.com"))),
            CLOCK);

    assertThatThrownBy(
            () ->
                noChoice.parse(
                    with("\"payment_method_options\": {\"payment_intent\": {\"sender_account\": {\"institution_id\": \"cl_banco_estado\"}}}")
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo("sender_institution_not_allowed");
              assertThat(e.getMessage()).contains("does not let customers choose their bank");
            });
  }

  @Test
  void aBodyOverSixtyFourKibibytesIsRefusedWithoutBeingParsed() {
    byte[] body = new byte[CheckoutRequestParser.MAX_BODY_BYTES + 1];

    assertThatThrownBy(() -> parser.parse(body))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(413);
              assertThat(e.code()).isEqualTo("body_too_large");
            });
  }

  @Test
  void originsCompareWithoutCaseDefaultPortsOrTrailingSlashes() {
    assertThat(CheckoutRequestParser.normalizeOrigin("HTTPS://Shop.Example.com:443/"))
        .isEqualTo("https://shop.example.com");
    assertThat(CheckoutRequestParser.normalizeOrigin("http://localhost:80"))
        .isEqualTo("http://localhost");
  }

  @Test
  void theCustomersFieldsHoldOnlyWhatWasCheckedAndNothingThatPrices() {
    CheckoutRequest request =
        parse(with("\"customer_data\": {\"email\": \"a@b.cl\"}, \"customer_email\": \"a@b.cl\""));

    List<String> names = new ArrayList<>();
    request.customerFields().fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactlyInAnyOrder(
            "success_url", "cancel_url", "customer_data", "customer_email", "metadata");
  }
}
