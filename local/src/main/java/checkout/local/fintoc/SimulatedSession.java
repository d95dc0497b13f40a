package checkout.local.fintoc;

import checkout.json.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** One checkout session the simulator holds; changed only while synchronized on it. */
final class SimulatedSession {
  final String id;
  final ObjectNode params;
  final Instant createdAt;
  final Instant expiresAt;
  final long amount;
  final String currency;

  /** {@code test} or {@code live}: the mode of the key that made it. */
  final String mode;

  /**
   * Who pays: the customer it was made for ({@code customer} or {@code customer_data}), or null.
   */
  final SimulatedCustomer customer;

  private final String redirectUrl;
  String status = "created";
  String paymentIntentId;
  String paymentStatus;

  /** A session for nobody in particular (no customer). */
  SimulatedSession(
      String id, ObjectNode params, Instant createdAt, Instant expiresAt, String redirectUrl) {
    this(id, params, createdAt, expiresAt, redirectUrl, null, "test");
  }

  SimulatedSession(
      String id,
      ObjectNode params,
      Instant createdAt,
      Instant expiresAt,
      String redirectUrl,
      SimulatedCustomer customer,
      String mode) {
    this.id = id;
    this.mode = mode;
    this.customer = customer;
    this.params = params;
    this.createdAt = createdAt;
    this.expiresAt = expiresAt;
    this.amount = params.path("amount").asLong();
    this.currency = params.path("currency").asText();
    this.redirectUrl = redirectUrl;
  }

  String redirectUrl() {
    return redirectUrl;
  }

  String successUrl() {
    return params.path("success_url").asText();
  }

  String cancelUrl() {
    return params.path("cancel_url").asText();
  }

  /**
   * Past expires_at, an open session expires, and so does a payment it left unfinished; no event.
   */
  synchronized void expireIfDue(Instant now) {
    if ((status.equals("created") || status.equals("in_progress")) && !now.isBefore(expiresAt)) {
      status = "expired";
      if (paymentStatus != null
          && (paymentStatus.equals("created") || paymentStatus.equals("in_progress"))) {
        paymentStatus = "expired";
      }
    }
  }

  /**
   * Expires it now, as Fintoc does: the session's event carries its unfinished payment as it was
   * (created, in_progress), then that payment expires too, with its own event. Returns the events'
   * types and data, in order.
   */
  synchronized List<Map.Entry<String, ObjectNode>> expireNow() {
    status = "expired";
    List<Map.Entry<String, ObjectNode>> events = new ArrayList<>();
    events.add(Map.entry("checkout_session.expired", toJson()));
    if (paymentIntentId != null
        && (paymentStatus.equals("created") || paymentStatus.equals("in_progress"))) {
      paymentStatus = "expired";
      events.add(Map.entry("payment_intent.expired", paymentIntent()));
    }
    return events;
  }

  /** The customer got as far as a payment, which now has this status (one payment a session). */
  synchronized void startPayment(Function<String, String> ids, String paymentStatus) {
    if (paymentIntentId == null) {
      paymentIntentId = ids.apply("pi_test");
    }
    this.paymentStatus = paymentStatus;
  }

  /** The checkout_session object as Fintoc returns it and puts in events. */
  synchronized ObjectNode toJson() {
    ObjectNode session =
        Json.object()
            .put("id", id)
            .put("object", "checkout_session")
            .put("mode", mode)
            .put("status", status)
            .put("amount", amount)
            .put("currency", currency)
            .put("created_at", createdAt.toString())
            .put("expires_at", expiresAt.toString())
            .put("success_url", successUrl())
            .put("cancel_url", cancelUrl())
            .put("redirect_url", redirectUrl);
    session.set("metadata", params.has("metadata") ? params.get("metadata") : Json.object());
    // Fintoc embeds the Customer object (with its id), not the customer_data it was sent.
    session.set("customer", customer == null ? null : customer.toJson());
    session.put("customer_email", params.path("customer_email").asText(null));
    session.set("line_items", params.has("line_items") ? params.get("line_items") : Json.array());
    session.set(
        "payment_method_types",
        params.has("payment_method_types")
            ? params.get("payment_method_types")
            : Json.array().add("bank_transfer"));
    if (paymentIntentId == null) {
      session.putNull("payment_resource");
    } else {
      ObjectNode resource = Json.object();
      resource.set("payment_intent", paymentIntent());
      session.set("payment_resource", resource);
    }
    return session;
  }

  /**
   * Payments made on it besides its own (a customer who paid twice), by id: their status. Fintoc
   * keeps showing the session's first payment; these are only known by their own events.
   */
  final Map<String, String> otherPayments = new java.util.concurrent.ConcurrentHashMap<>();

  /** The status of its payment if that payment is {@code paymentIntentId}, else null. */
  synchronized String statusOfPayment(String paymentIntentId) {
    return paymentIntentId.equals(this.paymentIntentId)
        ? paymentStatus
        : otherPayments.get(paymentIntentId);
  }

  /** The payment_intent object: the data of payment_intent.* events. */
  synchronized ObjectNode paymentIntent() {
    ObjectNode payment =
        Json.object()
            .put("id", paymentIntentId)
            .put("object", "payment_intent")
            .put("status", paymentStatus)
            .put("amount", amount)
            .put("currency", currency);
    if ("requires_action".equals(paymentStatus)) {
      payment.set(
          "next_action",
          Json.object()
              .put("type", "approve_payment")
              .put(
                  "message",
                  "Another approver of the business account must approve this transfer."));
    } else {
      payment.putNull("next_action");
    }
    if ("failed".equals(paymentStatus) || "rejected".equals(paymentStatus)) {
      payment.put(
          "error_reason",
          "failed".equals(paymentStatus) ? "insufficient_funds" : "rejected_by_bank");
    }
    return payment;
  }
}
