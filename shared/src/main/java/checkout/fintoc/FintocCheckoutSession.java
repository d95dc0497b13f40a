package checkout.fintoc;

import checkout.json.Json;
import checkout.log.Unknowns;
import checkout.session.CheckoutSession;
import checkout.session.Observation;
import checkout.session.PaymentStatus;
import checkout.session.SessionStatus;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Reading Fintoc's checkout_session and payment_intent objects into our model: the edge. */
public final class FintocCheckoutSession {
  private FintocCheckoutSession() {}

  /**
   * The session as Fintoc answered our create, ready to store for the first time; no payment fields
   * (those come as facts, {@link #observe}).
   *
   * @param orderReferenceKey the metadata key that holds the merchant's order id
   * @param now when we learned of it (created_at when Fintoc omits it; updated_at always)
   */
  public static CheckoutSession toSession(JsonNode fintoc, String orderReferenceKey, Instant now) {
    String id = Json.text(fintoc, "id");
    SessionStatus status = sessionStatus(Json.text(fintoc, "status"));
    JsonNode amount = fintoc.get("amount");
    if (id == null || status == null || amount == null || !amount.canConvertToLong()) {
      throw new FintocException(
          FintocException.Kind.UNAVAILABLE,
          200,
          null,
          "Fintoc's checkout session lacks id, status or amount",
          null);
    }
    Instant createdAt = instant(fintoc, "created_at");
    return CheckoutSession.builder()
        .id(id)
        .status(status)
        .statusAt(now)
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
        .version(1)
        .build();
  }

  /**
   * What a checkout_session object says, as of {@code observedAt}: its status, and its payment
   * ({@code payment_resource.payment_intent}, when there is one) with the link to it. Whatever
   * status either carries is taken as it is. Never a session to store: only CreateSession stores
   * one, so a fact about a session we have no row of is foreign ({@code SessionRules.merge}).
   */
  public static Observation observe(JsonNode data, Instant observedAt, boolean fromSweep) {
    JsonNode payment = data.path("payment_resource").path("payment_intent");
    String sessionId = Json.text(data, "id");
    return new Observation(
        sessionId,
        sessionStatus(Json.text(data, "status")),
        Json.text(payment, "id") == null ? null : paymentFact(payment),
        observedAt,
        fromSweep);
  }

  /** What a payment_intent object says of itself. */
  public static Observation.PaymentFact paymentFact(JsonNode paymentIntent) {
    return new Observation.PaymentFact(
        Json.text(paymentIntent, "id"),
        paymentStatus(Json.text(paymentIntent, "status")),
        nextAction(paymentIntent),
        amountOf(paymentIntent),
        Json.text(paymentIntent, "currency"));
  }

  /** Any status Fintoc names; one we do not know is noted once and taken as it is. */
  public static PaymentStatus paymentStatus(String wire) {
    PaymentStatus status = PaymentStatus.fromWire(wire);
    if (status != null && !status.isKnown()) {
      Unknowns.note("payment_status", status.wire());
    }
    return status;
  }

  /** Any status Fintoc names; one we do not know is noted once and taken as it is. */
  public static SessionStatus sessionStatus(String wire) {
    SessionStatus status = SessionStatus.fromWire(wire);
    if (status != null && !status.isKnown()) {
      Unknowns.note("session_status", status.wire());
    }
    return status;
  }

  /** A payment intent's {@code amount}, or null when it has none that is a whole number. */
  public static Long amountOf(JsonNode paymentIntent) {
    JsonNode amount = paymentIntent.get("amount");
    return amount != null && amount.isIntegralNumber() && amount.canConvertToLong()
        ? amount.asLong()
        : null;
  }

  /** A payment intent's {@code next_action} as JSON text, or null when it has none. */
  public static String nextAction(JsonNode paymentIntent) {
    JsonNode nextAction = paymentIntent.get("next_action");
    return nextAction == null || nextAction.isNull() ? null : Json.write(nextAction);
  }

  /** An ISO-8601 time Fintoc sent, or null when absent or not one. */
  public static Instant instant(JsonNode node, String field) {
    String text = Json.text(node, field);
    try {
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
