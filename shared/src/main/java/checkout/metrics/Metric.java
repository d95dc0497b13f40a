package checkout.metrics;

/**
 * Every metric the functions emit, with its CloudWatch name, unit and the one dimension it is
 * broken down by (besides the function). The template's alarms and dashboard name these;
 * TemplateTest checks each name there is one of these, so a metric is never typed twice.
 */
public enum Metric {
  /** CreateSession answered 201. */
  SESSIONS_CREATED("SessionsCreated", Unit.COUNT, null),
  /**
   * CreateSession answered an error, by its {@code ApiException.metricCode()} (invalid_json,
   * fintoc_unavailable, …; fintoc_other for a Fintoc code we do not know).
   */
  SESSIONS_REFUSED("SessionsRefused", Unit.COUNT, "Code"),
  WEBHOOKS_APPLIED("WebhooksApplied", Unit.COUNT, null),
  WEBHOOKS_DUPLICATE("WebhooksDuplicate", Unit.COUNT, null),
  /** Verified, but of a type this shop does not use (refunds, payouts, …). */
  WEBHOOKS_IGNORED("WebhooksIgnored", Unit.COUNT, null),
  /**
   * Verified, but about a session this deployment did not create (Fintoc's dashboard, another
   * integration, another stack on the same Fintoc account): acknowledged, nothing stored.
   */
  WEBHOOKS_FOREIGN("WebhooksForeign", Unit.COUNT, null),
  /** Answered 4xx, by its code: invalid_signature, invalid_json, … (Fintoc does not retry). */
  WEBHOOKS_REJECTED("WebhooksRejected", Unit.COUNT, "Reason"),
  /** Answered 5xx, by its code (Fintoc retries). */
  WEBHOOKS_FAILED("WebhooksFailed", Unit.COUNT, "Code"),
  /** Payments the sweeper brought to a final status. */
  PAYMENTS_SETTLED("PaymentsSettled", Unit.COUNT, null),
  /** Refunds the sweeper brought to a final status (their webhooks were lost or late). */
  REFUNDS_SETTLED("RefundsSettled", Unit.COUNT, null),
  /** Sessions the sweeper closed (expired or finished at Fintoc). */
  SESSIONS_SWEPT("SessionsSwept", Unit.COUNT, null),
  /** Sessions the sweeper could not reconcile this run (it tries again next run). */
  SWEEP_ERRORS("SweepErrors", Unit.COUNT, null),
  /**
   * A session newly needs an operator, by kind (paid_after_expiry, amount_mismatch,
   * unknown_at_fintoc …).
   */
  ATTENTION("Attention", Unit.COUNT, "Kind"),
  /** Calls to Fintoc's API by outcome: 2xx, 3xx, 4xx, 429, 5xx, timeout, network, other. */
  FINTOC_CALLS("FintocCalls", Unit.COUNT, "Outcome"),
  FINTOC_LATENCY("FintocLatency", Unit.MILLISECONDS, "Outcome"),
  /** Fintoc refused this shop's secret key (401): nothing works until it is fixed. */
  FINTOC_AUTHENTICATION_FAILED("FintocAuthenticationFailed", Unit.COUNT, null),
  /** Order events put on the bus, by detail-type. */
  EVENTS_PUBLISHED("EventsPublished", Unit.COUNT, "Type"),
  /** Stream records the publisher could not read, sent to the order events' dead-letter queue. */
  EVENTS_DEAD_LETTERED("EventsDeadLettered", Unit.COUNT, null);

  /** CloudWatch units, as EMF spells them. */
  public enum Unit {
    COUNT("Count"),
    MILLISECONDS("Milliseconds");

    public final String emf;

    Unit(String emf) {
      this.emf = emf;
    }
  }

  public final String metricName;
  public final Unit unit;

  /** The dimension besides the function, or null. */
  public final String dimension;

  Metric(String metricName, Unit unit, String dimension) {
    this.metricName = metricName;
    this.unit = unit;
    this.dimension = dimension;
  }
}
