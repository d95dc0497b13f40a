package checkout.local.fintoc;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.List;
import java.util.Locale;

/** The simulator's hosted checkout page: the order, and a button per outcome Fintoc can have. */
final class HostedPage {
  private HostedPage() {}

  static String render(SimulatedSession session, String problem) {
    StringBuilder html = new StringBuilder(head("Pay " + money(session.amount, session.currency)));
    html.append("<main><p class=\"brand\">Fintoc checkout · local simulator</p>")
        .append("<h1>")
        .append(escape(money(session.amount, session.currency)))
        .append("</h1>")
        .append("<p class=\"muted\">Session <code>")
        .append(escape(session.id))
        .append("</code> · status <strong id=\"status\">")
        .append(escape(session.status))
        .append("</strong>");
    if (session.paymentStatus != null) {
      html.append(" · payment <strong id=\"payment-status\">")
          .append(escape(session.paymentStatus))
          .append("</strong>");
    }
    html.append("</p>");
    session
        .params
        .path("line_items")
        .forEach(
            item ->
                html.append("<p>")
                    .append(item.path("quantity").asInt(1))
                    .append(" × ")
                    .append(
                        escape(
                            item.path("price_data")
                                .path("product_data")
                                .path("name")
                                .asText("item")))
                    .append("</p>"));
    if (problem != null) {
      html.append("<p class=\"problem\" role=\"alert\">").append(escape(problem)).append("</p>");
    }
    html.append("<form method=\"post\">");
    boolean open = session.status.equals("created") || session.status.equals("in_progress");
    boolean unsettled =
        session.status.equals("finished")
            && session.paymentStatus != null
            && !List.of("succeeded", "failed", "rejected", "expired")
                .contains(session.paymentStatus);
    if (open) {
      html.append("<p>Choose how this payment ends:</p>")
          .append(button("succeeded", "Pay (succeeds)", true))
          .append(button("failed", "Pay (fails)", false))
          .append(button("rejected", "Pay (bank rejects)", false))
          .append(button("pending", "Pay (stays pending)", false))
          .append(button("requires_action", "Pay (needs another approver)", false))
          .append(button("processing", "Pay (a status Fintoc may add: processing)", false))
          .append(button("in_progress", "Leave mid-transfer (payment in_progress)", false))
          .append(button("created", "Leave after choosing a bank (payment created)", false))
          .append(button("cancel", "Cancel and go back", false))
          .append(button("expire", "Let it expire", false))
          .append(loseWebhooks());
    } else if (unsettled) {
      html.append("<p>The payment is ")
          .append(escape(session.paymentStatus))
          .append(". Settle it, or move it:</p>")
          .append(button("succeeded", "Settle (succeeds)", true))
          .append(button("failed", "Settle (fails)", false))
          .append(button("rejected", "Settle (bank rejects)", false))
          .append(button("pending", "Move to pending", false))
          .append(button("requires_action", "Move to requires_action", false))
          .append(loseWebhooks());
    } else {
      html.append("<p>This checkout is over.</p>");
    }
    html.append("</form>");
    String back = session.status.equals("expired") ? session.cancelUrl() : session.successUrl();
    html.append("<p><a href=\"")
        .append(escape(back))
        .append("\">Back to the store</a></p></main></body></html>");
    return html.toString();
  }

  static String message(String text) {
    return head(text) + "<main><h1>" + escape(text) + "</h1></main></body></html>";
  }

  /** A missed webhook on demand: the change happens at "Fintoc", its events never arrive. */
  private static String loseWebhooks() {
    return "<label><input type=\"checkbox\" name=\"webhooks\" value=\"lose\"> Lose this change's webhooks"
        + " (the sweeper must find it)</label>";
  }

  private static String button(String outcome, String label, boolean primary) {
    return "<button type=\"submit\" name=\"outcome\" value=\""
        + outcome
        + "\""
        + (primary ? " class=\"primary\"" : "")
        + ">"
        + escape(label)
        + "</button>";
  }

  private static String head(String title) {
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"icon\" href=\"data:,\"><title>"
        + escape(title)
        + "</title>"
        + "<style>body{font-family:system-ui,sans-serif;background:#f4f5fb;margin:0}"
        + "main{max-width:28rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:12px;box-shadow:0 2px 12px #0001}"
        + ".brand{color:#5b5bd6;font-weight:600}.muted{color:#666;font-size:.9rem}"
        + "button{display:block;width:100%;margin:.4rem 0;padding:.7rem;border:1px solid #ccd;border-radius:8px;background:#fff;font-size:1rem;cursor:pointer}"
        + "button.primary{background:#5b5bd6;color:#fff;border-color:#5b5bd6}.problem{color:#b00020}</style></head><body>";
  }

  /** CLP has no minor unit; MXN amounts are in centavos. */
  static String money(long amount, String currency) {
    if (currency.equals("MXN")) {
      NumberFormat format = NumberFormat.getNumberInstance(Locale.forLanguageTag("es-MX"));
      format.setMinimumFractionDigits(2);
      return "$" + format.format(BigDecimal.valueOf(amount, 2)) + " MXN";
    }
    return "$"
        + NumberFormat.getNumberInstance(Locale.forLanguageTag("es-CL")).format(amount)
        + " CLP";
  }

  static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
