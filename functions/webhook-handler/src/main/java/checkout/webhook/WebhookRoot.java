package checkout.webhook;

import checkout.fintoc.FintocCheckoutSession;
import checkout.fintoc.FintocClient;
import checkout.fintoc.FintocOptions;
import checkout.fintoc.WebhookSignature;
import checkout.http.HttpResponses;
import checkout.json.Json;
import checkout.platform.Platform;
import checkout.refund.PolicyRefunds;
import checkout.refund.Refunds;
import checkout.session.CheckoutSession;
import checkout.session.SessionRules;
import checkout.snapstart.AdapterPriming;
import checkout.snapstart.Samples;
import checkout.store.RefundRepository;
import checkout.store.SessionRepository;
import checkout.store.SessionUpdater;
import checkout.time.Jitter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** WebhookHandler's parts, built once from the platform, and its SnapStart priming. */
final class WebhookRoot {
  final SignatureCheck signatures;
  final SessionUpdater updater;
  final Refunds refunds;

  /** The automatic refunds a commit made owed (AutomaticRefunds on); the sweeper completes them. */
  final PolicyRefunds policyRefunds;

  private final Platform platform;
  private final SessionRepository sessions;
  private final RefundRepository refundStore;

  WebhookRoot(Platform platform) {
    this.platform = platform;
    this.signatures =
        new SignatureCheck(
            platform.secrets(), platform.settings().webhookTolerance(), platform.clock());
    this.sessions = new SessionRepository(platform.dynamo(), platform.settings().table());
    this.updater =
        new SessionUpdater(
            sessions, platform.clock(), platform.sleeper(), platform.settings().automaticRefunds());
    this.refundStore = new RefundRepository(platform.dynamo(), platform.settings().table());
    // Applying a refund event never calls Fintoc. An automatic refund is asked from here, after
    // the commit: one attempt, since Fintoc waits for our answer and the sweeper completes what
    // this could not (the refund held and sent again under its key, or requested at its next look).
    FintocClient fintoc =
        new FintocClient(
            FintocOptions.from(platform.settings().fintoc()).singleAttempt(),
            platform.secrets(),
            platform.sleeper(),
            new Jitter());
    this.refunds =
        new Refunds(
            refundStore,
            sessions,
            fintoc,
            platform.settings().orderReferenceKey(),
            platform.clock(),
            platform.sleeper());
    this.policyRefunds = new PolicyRefunds(refunds, sessions, platform.clock(), platform.sleeper());
  }

  /**
   * A made-up delivery signed and verified with a made-up key (header parsing, HMAC); the real
   * secret's read stopped before it is sent; the event parsed, translated and decided; the storage
   * paths with their write refused; and our 200 body. (Not through the handler: its first step
   * reads the real secret.)
   */
  void prime() {
    Instant now = platform.clock().instant();
    byte[] body = Samples.webhookEvent("checkout_session.finished", "finished");
    String header = WebhookSignature.sign(body, Samples.WEBHOOK_SECRET, now.getEpochSecond());
    WebhookSignature.verify(
        body,
        header,
        List.of(Samples.WEBHOOK_SECRET),
        platform.settings().webhookTolerance(),
        platform.clock());
    AdapterPriming.secretRead(platform.secrets());
    CheckoutSession sample =
        FintocCheckoutSession.toSession(
            Samples.fintocSession("created"), platform.settings().orderReferenceKey(), now);
    EventTranslator.observe(WebhookEvent.parse(body), now)
        .ifPresent(fact -> SessionRules.merge(fact, sample, null, now));
    AdapterPriming.sessionStorage(sessions, sample, now);
    // A refund event: translated, and applied to a refund that is not stored (foreign: nothing
    // written); the refund's commit, refused.
    ObjectNode refundEvent =
        Json.object().put("id", "evt_snapstart_priming_refund").put("type", "refund.succeeded");
    refundEvent.set("data", Samples.fintocRefund("succeeded"));
    if (EventTranslator.translate(
            WebhookEvent.parse(Json.write(refundEvent).getBytes(StandardCharsets.UTF_8)), now)
        instanceof EventTranslator.RefundEvent refund) {
      refunds.apply(refund.fact(), null, null, null);
    }
    AdapterPriming.refundStorage(refundStore, now);
    HttpResponses.json(200, Json.object().put("received", true).put("outcome", "applied"));
  }
}
