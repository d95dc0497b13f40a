package checkout.local.fintoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import checkout.json.Json;
import checkout.local.http.Exchanges;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator's customers, as Fintoc's guide documents them. */
class FintocSimulatorCustomersTest {
  static final String KEY = "sk_test_simulator";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);

  final AtomicInteger ids = new AtomicInteger();
  final HttpServer server;
  final URI base;
  final HttpClient http = HttpClient.newHttpClient();
  final FintocSimulator simulator;

  FintocSimulatorCustomersTest() {
    FintocSimulator[] holder = new FintocSimulator[1];
    server = Exchanges.serve(0, "fintoc", exchange -> holder[0].handle(exchange));
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    holder[0] =
        new FintocSimulator(KEY, base, CLOCK, prefix -> prefix + "_" + ids.incrementAndGet(), null);
    simulator = holder[0];
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  /**
   * A session for {@code customer}: {@code "customer_data": {…}} or {@code "customer": "cus_…"}.
   */
  static String session(String customer) {
    return """
        {"amount": 15000, "currency": "CLP", "success_url": "http://localhost:3000/success.html",
         "cancel_url": "http://localhost:3000/cancel.html", %s}"""
        .formatted(customer);
  }

  static String felipe(String rut) {
    return """
        "customer_data": {"tax_id": {"type": "cl_rut", "value": "%s"}, "name": "Felipe Castro",
         "email": "felipe@example.com"}"""
        .formatted(rut);
  }

  HttpResponse<String> post(String path, String idempotencyKey, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .header("Authorization", KEY)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(base.resolve(path)).header("Authorization", KEY).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> response) {
    return Json.parse(response.body());
  }

  @Test
  void customerDataWithANewTaxIdMakesACustomerThatTheSessionEmbedsWithItsId() throws Exception {
    HttpResponse<String> created =
        post("/v2/checkout_sessions", null, session(felipe("12.345.678-5")));

    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode customer = json(created).get("customer");
    assertThat(customer.get("id").asText()).startsWith("cus_");
    assertThat(customer.get("object").asText()).isEqualTo("customer");
    assertThat(customer.get("name").asText()).isEqualTo("Felipe Castro");
    assertThat(customer.at("/tax_id/value").asText())
        .as("as Fintoc stores a RUT: no dots, no hyphen")
        .isEqualTo("123456785");
    assertThat(json(get("/v2/checkout_sessions/cs_test_1")).get("customer")).isEqualTo(customer);
  }

  @Test
  void aSessionForNobodyEmbedsANullCustomer() throws Exception {
    HttpResponse<String> created =
        post("/v2/checkout_sessions", null, session("\"metadata\": {\"o\": \"1\"}"));
    assertThat(json(created).get("customer").isNull()).isTrue();
  }

  @Test
  void aKnownTaxIdIsA409ThatMakesNoSessionLeavesTheCustomerAsItWasAndIsReplayedUnderItsKey()
      throws Exception {
    String felipe =
        simulator.addCustomer("test", "cl_rut", "123456785", "Felipe Castro", "felipe@example.com");
    String eve =
        session(
            """
            "customer_data": {"tax_id": {"type": "cl_rut", "value": "12.345.678-5"}, "name": "Eve",
             "email": "eve@example.com"}""");

    HttpResponse<String> refused = post("/v2/checkout_sessions", "k-1", eve);
    HttpResponse<String> replayed = post("/v2/checkout_sessions", "k-1", eve);

    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(json(refused).at("/error/type").asText()).isEqualTo("invalid_request_error");
    assertThat(json(refused).at("/error/code").asText()).isEqualTo("customer_already_exists");
    assertThat(replayed.statusCode()).isEqualTo(409);
    assertThat(replayed.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(simulator.sessionsCreated()).isZero();
    assertThat(simulator.customerCount()).isEqualTo(1);
    assertThat(simulator.customer(felipe).get("name").asText()).isEqualTo("Felipe Castro");
    assertThat(simulator.customer(felipe).get("email").asText()).isEqualTo("felipe@example.com");
  }

  @Test
  void anExistingCustomerIsReusedByItsIdAndUnchanged() throws Exception {
    String felipe =
        simulator.addCustomer("test", "cl_rut", "123456785", "Felipe Castro", "felipe@example.com");

    HttpResponse<String> created =
        post(
            "/v2/checkout_sessions",
            null,
            session("\"customer\": \"" + felipe + "\", \"customer_email\": \"f@example.com\""));

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(json(created).at("/customer/id").asText()).isEqualTo(felipe);
    assertThat(json(created).get("customer_email").asText()).isEqualTo("f@example.com");
    assertThat(simulator.customerCount()).isEqualTo(1);
  }

  @Test
  void customerAndCustomerDataTogetherAreA400() throws Exception {
    String felipe =
        simulator.addCustomer("test", "cl_rut", "123456785", "Felipe Castro", "felipe@example.com");

    HttpResponse<String> refused =
        post(
            "/v2/checkout_sessions",
            null,
            session("\"customer\": \"" + felipe + "\", " + felipe("1-9")));

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(json(refused).at("/error/param").asText()).isEqualTo("customer");
    assertThat(simulator.customerCount()).isEqualTo(1);
  }

  @Test
  void aCustomerIdThisModeDoesNotHaveIsA400NamingCustomer() throws Exception {
    String live = simulator.addCustomer("live", "cl_rut", "123456785", "Felipe", null);

    HttpResponse<String> unknown =
        post("/v2/checkout_sessions", null, session("\"customer\": \"cus_nope\""));
    HttpResponse<String> otherMode =
        post("/v2/checkout_sessions", null, session("\"customer\": \"" + live + "\""));

    for (HttpResponse<String> refused : List.of(unknown, otherMode)) {
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(json(refused).at("/error/code").asText()).isEqualTo("resource_missing");
      assertThat(json(refused).at("/error/param").asText()).isEqualTo("customer");
    }
  }

  @Test
  void customersArePerModeSoATestSessionMayReuseALiveCustomersTaxId() throws Exception {
    simulator.addCustomer("live", "cl_rut", "123456785", "Felipe", null);

    assertThat(post("/v2/checkout_sessions", null, session(felipe("12.345.678-5"))).statusCode())
        .isEqualTo(201);
  }

  @Test
  void anEmailOnlyCustomerIsNewEveryTime() throws Exception {
    String emailOnly = session("\"customer_data\": {\"email\": \"ana@example.com\"}");

    post("/v2/checkout_sessions", null, emailOnly);
    post("/v2/checkout_sessions", null, emailOnly);

    assertThat(simulator.customerCount()).isEqualTo(2);
  }

  @Test
  void customersMadeOutsideTheStackComeFromTheCustomersApiOrTheDashboard() throws Exception {
    HttpResponse<String> made =
        post(
            "/v2/customers",
            null,
            """
            {"tax_id": {"type": "mx_rfc", "value": "xaxx010101000"}, "name": "Público", "email": "p@example.com"}""");
    HttpResponse<String> twice =
        post(
            "/v2/customers",
            null,
            "{\"tax_id\": {\"type\": \"mx_rfc\", \"value\": \"XAXX010101000\"}}");

    assertThat(made.statusCode()).isEqualTo(201);
    String id = json(made).get("id").asText();
    assertThat(json(get("/v2/customers/" + id)).at("/tax_id/value").asText())
        .isEqualTo("XAXX010101000");
    assertThat(twice.statusCode()).isEqualTo(409);
    assertThat(get("/v2/customers/cus_nope").statusCode()).isEqualTo(404);
    assertThatThrownBy(() -> simulator.addCustomer("test", "mx_rfc", "XAXX010101000", "Otro", null))
        .isInstanceOf(IllegalStateException.class);
  }
}
