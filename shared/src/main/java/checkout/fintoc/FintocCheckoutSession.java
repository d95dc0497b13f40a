package checkout.fintoc;

import checkout.json.Json;
import checkout.session.CheckoutSession;
import checkout.session.Observation;
import checkout.session.PaymentStatus;
import checkout.session.SessionRepository;
import checkout.session.SessionStatus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Reading Fintoc's checkout_session object into our model. */
public final class FintocCheckoutSession {
  private FintocCheckoutSession() {}

  /**
   * The session as Fintoc describes it, ready to store for the first time.
   *
   * @param orderReferenceKey the metadata key that holds the merchant's order id
   * @param now when we learned of it (created_at when Fintoc omits it; updated_at always)
   */
  public static CheckoutSession toSession(JsonNode fintoc, String orderReferenceKey, Instant now) {
    String id = Json.text(fintoc, "id");
    String status = Json.text(fintoc, "status");
    JsonNode amount = fintoc.get("amount");
    if (id == null || status == null || amount == null || !amount.canConvertToLong()) {
      throw new FintocException(FintocException.Kind.UNAVAILABLE, 200, null,
          "Fintoc's checkout session lacks id, status or amount", null);
    }
    JsonNode payment = fintoc.path("payment_resource").path("payment_intent");
    String paymentStatus = Json.text(payment, "status");
    Instant createdAt = instant(fintoc, "created_at");
    return CheckoutSession.builder()
        .id(id)
        .status(SessionStatus.fromWire(status))
        .paymentStatus(paymentStatus == null ? null : PaymentStatus.fromWire(paymentStatus))
        .paymentIntentId(Json.text(payment, "id"))
        .amount(amount.asLong())
        .currency(Json.text(fintoc, "currency"))
        .orderReference(Json.text(fintoc.path("metadata"), orderReferenceKey))
        .mode(Json.text(fintoc, "mode"))
        .successUrl(Json.text(fintoc, "success_url"))
        .cancelUrl(Json.text(fintoc, "cancel_url"))
        .redirectUrl(Json.text(fintoc, "redirect_url"))
        .createdAt(createdAt == null ? now : createdAt)
        .expiresAt(instant(fintoc, "expires_at"))
        .updatedAt(now)
        .nextAction("requires_action".equals(paymentStatus) ? nextAction(payment) : null)
        .paymentAmount(amountOf(payment))
        .paymentCurrency(Json.text(payment, "currency"))
        .version(1)
        .build();
  }

  /**
   * What a checkout_session object says, as an observation. {@code finished} is not "paid": the
   * payment's outcome is {@code payment_resource.payment_intent.status}, carried along with the
   * link to it.
   *
   * @param status the status the fact asserts (from the event type, or the object's own)
   */
  public static Observation observe(JsonNode data, SessionStatus status) {
    JsonNode payment = data.path("payment_resource").path("payment_intent");
    String paymentStatus = Json.text(payment, "status");
    return new Observation(Json.text(data, "id"), status, data, Json.text(payment, "id"),
        paymentStatus == null ? null : PaymentStatus.fromWire(paymentStatus), nextAction(payment),
        amountOf(payment), Json.text(payment, "currency"));
  }

  /** A payment intent's {@code amount}, or null when it has none that is a whole number. */
  public static Long amountOf(JsonNode paymentIntent) {
    JsonNode amount = paymentIntent.get("amount");
    return amount != null && amount.isIntegralNumber() && amount.canConvertToLong() ? amount.asLong() : null;
  }

  /**
   * A made-up checkout session in Fintoc's shape, for SnapStart priming: the id is
   * {@link SessionRepository#PRIMING_ID}, and a finished one carries a succeeded payment.
   */
  public static ObjectNode primingSample(String status) {
    ObjectNode session = Json.object().put("id", SessionRepository.PRIMING_ID).put("object", "checkout_session")
        .put("status", status).put("amount", 1000).put("currency", "CLP").put("mode", "test")
        .put("redirect_url", "https://pay.fintoc.com/checkout/priming")
        .put("created_at", "2026-01-01T00:00:00Z").put("expires_at", "2026-01-01T01:00:00Z");
    session.set("metadata", Json.object().put("order_id", "priming"));
    ObjectNode resource = session.putObject("payment_resource");
    if ("finished".equals(status)) {
      resource.set("payment_intent", Json.object().put("id", "pi_snapstart_priming").put("status", "succeeded")
          .put("amount", 1000).put("currency", "CLP"));
    }
    return session;
  }

  /** A payment intent's {@code next_action} as JSON text, or null when it has none. */
  public static String nextAction(JsonNode paymentIntent) {
    JsonNode nextAction = paymentIntent.get("next_action");
    return nextAction == null || nextAction.isNull() ? null : Json.write(nextAction);
  }

  private static Instant instant(JsonNode node, String field) {
    String text = Json.text(node, field);
    try {
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
