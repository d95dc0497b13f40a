package checkout.webhook;

import checkout.fintoc.WebhookSignature;
import checkout.http.ApiException;
import checkout.http.HttpRequests;
import checkout.http.HttpResponses;
import checkout.json.Json;
import checkout.log.Log;
import checkout.metrics.Invocation;
import checkout.metrics.Metric;
import checkout.metrics.Metrics;
import checkout.platform.Platform;
import checkout.refund.PolicyRefunds;
import checkout.refund.Refunds;
import checkout.snapstart.Priming;
import checkout.store.SessionRepository;
import checkout.store.SessionUpdater;
import checkout.time.Deadline;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code POST /webhooks/fintoc}: verify the signature over the raw body, then record the event
 * exactly once. 2xx tells Fintoc to stop; any other answer makes it redeliver (up to 17 times), so
 * a fault here answers 5xx and leaves nothing half-recorded. An event about a session this
 * deployment did not create is acknowledged as {@code foreign}, counted, and stores nothing
 * (docs/security.md, "Foreign sessions"); so is a {@code refund.*} event about a refund it did not
 * ask for (made in Fintoc's dashboard, by another integration). A refund of ours goes through
 * {@link Refunds#apply}, its event's marker written in the refund's own transaction.
 */
public final class WebhookHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  private final SignatureCheck signatures;
  private final SessionUpdater updater;
  private final PolicyRefunds policyRefunds;
  private final Refunds refunds;
  private final Clock clock;

  /** Kept from the invocation's time to answer Fintoc after a refund's call. */
  private static final Duration MARGIN = Duration.ofSeconds(2);

  /** Held here: the runtime keeps hooks weakly. */
  private final Priming priming;

  /** Lambda's: built from the environment, once per container. */
  public WebhookHandler() {
    this(Platform.fromEnvironment());
  }

  /** For tests and the local stack. */
  public WebhookHandler(Platform platform) {
    WebhookRoot root = new WebhookRoot(platform);
    this.signatures = root.signatures;
    this.updater = root.updater;
    this.policyRefunds = root.policyRefunds;
    this.refunds = root.refunds;
    this.clock = platform.clock();
    this.priming = Priming.register("WebhookHandler", root::prime);
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent request, Context context) {
    try (Invocation invocation = Invocation.begin(context)) {
      try {
        Deadline deadline =
            context == null
                ? Deadline.NONE
                : Deadline.in(Duration.ofMillis(context.getRemainingTimeInMillis()), MARGIN);
        Outcome outcome = record(HttpRequests.rawBody(request), request, deadline);
        return HttpResponses.json(
            200, Json.object().put("received", true).put("outcome", outcome.word));
      } catch (Exception e) {
        ApiException answer = HttpResponses.toApiException(e);
        if (answer.status() < 500) {
          Metrics.count(Metric.WEBHOOKS_REJECTED, answer.metricCode());
        } else {
          Metrics.count(Metric.WEBHOOKS_FAILED, answer.metricCode());
        }
        return HttpResponses.error(answer);
      }
    }
  }

  /** What became of a verified delivery: the word Fintoc and the log see, and its metric. */
  private enum Outcome {
    APPLIED("applied", Metric.WEBHOOKS_APPLIED),
    DUPLICATE("duplicate", Metric.WEBHOOKS_DUPLICATE),
    IGNORED("ignored", Metric.WEBHOOKS_IGNORED),
    /** About a session this deployment did not create: acknowledged, nothing stored. */
    FOREIGN("foreign", Metric.WEBHOOKS_FOREIGN);

    final String word;
    final Metric metric;

    Outcome(String word, Metric metric) {
      this.word = word;
      this.metric = metric;
    }
  }

  private static Outcome outcome(SessionRepository.Commit commit) {
    return switch (commit) {
      case DUPLICATE -> Outcome.DUPLICATE;
      case FOREIGN -> Outcome.FOREIGN;
      default -> Outcome.APPLIED;
    };
  }

  /**
   * Verifies and records one delivery; says whether it was applied, a duplicate, ignored or
   * foreign.
   */
  private Outcome record(byte[] body, APIGatewayV2HTTPEvent request, Deadline deadline) {
    try {
      signatures.verify(body, HttpRequests.header(request, WebhookSignature.HEADER));
    } catch (WebhookSignature.VerificationException e) {
      Log.warn(
          "webhook_signature_rejected", "reason", e.failure().name(), "message", e.getMessage());
      throw ApiException.invalid("invalid_signature", e.getMessage(), null);
    }
    WebhookEvent event = WebhookEvent.parse(body);
    Log.tag("event_id", event.id());
    Outcome outcome = Outcome.IGNORED;
    int retries = 0;
    EventTranslator.Translated translated = EventTranslator.translate(event, clock.instant());
    if (translated instanceof EventTranslator.SessionEvent session) {
      Log.tag("session_id", session.fact().sessionId());
      SessionUpdater.Update update = updater.record(session.fact(), event.id(), event.type());
      outcome = outcome(update.commit());
      if (update.after() != null) {
        Log.tag("session_id", update.after().id());
      }
      retries = update.retries();
      refundOwed(update, deadline);
    } else if (translated instanceof EventTranslator.RefundEvent refund) {
      Log.tag("session_id", refund.fact().sessionId());
      if (Refunds.isOurs(refund.fact().refundRef())) {
        Log.tag("refund_id", refund.fact().refundRef());
      }
      outcome = outcome(refunds.apply(refund.fact(), event.id(), event.type(), null).commit());
    }
    Metrics.count(outcome.metric);
    Log.info(
        "webhook_event",
        "event_id",
        event.id(),
        "type",
        event.type(),
        "outcome",
        outcome.word,
        "retries",
        retries);
    return outcome;
  }

  /**
   * The automatic refunds the session owes, asked for right after the commit that made them owed
   * (or again on a redelivery, should the first delivery have died before). Best effort: the event
   * is recorded whatever happens here, and the sweeper completes what is still owed.
   */
  private void refundOwed(SessionUpdater.Update update, Deadline deadline) {
    if (update.after() == null || !update.after().owesPolicyRefund()) {
      return;
    }
    try {
      policyRefunds.settle(update.after(), deadline);
    } catch (RuntimeException e) {
      Log.warn(
          "policy_refund_deferred",
          "session_id",
          update.after().id(),
          "error",
          e.getClass().getSimpleName(),
          "action",
          "the sweeper requests it at its next look");
    }
  }
}
