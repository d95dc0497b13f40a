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
import java.time.Instant;
import java.util.List;

/** WebhookHandler's parts, built once from the platform, and its SnapStart priming. */
final class WebhookRoot {
  final SignatureCheck signatures;
  final SessionUpdater updater;

  /** The automatic refunds a commit made owed (AutomaticRefunds on); the sweeper completes them. */
  final PolicyRefunds policyRefunds;

  private final Platform platform;
  private final SessionRepository sessions;

  WebhookRoot(Platform platform) {
    this.platform = platform;
    this.signatures =
        new SignatureCheck(
            platform.secrets(), platform.settings().webhookTolerance(), platform.clock());
    this.sessions = new SessionRepository(platform.dynamo(), platform.settings().table());
    this.updater =
        new SessionUpdater(
            sessions, platform.clock(), platform.sleeper(), platform.settings().automaticRefunds());
    // One attempt, after the commit: Fintoc waits for our answer, and the sweeper completes what
    // this could not (the refund held and sent again under its key, or requested at its next look).
    FintocClient fintoc =
        new FintocClient(
            FintocOptions.from(platform.settings().fintoc()).singleAttempt(),
            platform.secrets(),
            platform.sleeper(),
            new Jitter());
    this.policyRefunds =
        new PolicyRefunds(
            new Refunds(
                new RefundRepository(platform.dynamo(), platform.settings().table()),
                sessions,
                fintoc,
                platform.settings().orderReferenceKey(),
                platform.clock(),
                platform.sleeper()),
            sessions,
            platform.clock(),
            platform.sleeper());
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
    HttpResponses.json(200, Json.object().put("received", true).put("outcome", "applied"));
  }
}
