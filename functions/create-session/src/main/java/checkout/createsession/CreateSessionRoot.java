package checkout.createsession;

import checkout.config.Settings;
import checkout.fintoc.FintocCheckoutSession;
import checkout.fintoc.FintocClient;
import checkout.fintoc.FintocOptions;
import checkout.http.ApiEvent;
import checkout.http.ApiException;
import checkout.http.HttpResponses;
import checkout.json.Json;
import checkout.platform.Platform;
import checkout.secrets.Digests;
import checkout.session.CheckoutSession;
import checkout.session.SessionRules;
import checkout.snapstart.AdapterPriming;
import checkout.snapstart.Samples;
import checkout.store.CustomerIndex;
import checkout.store.IdempotencyStore;
import checkout.store.PriceRepository;
import checkout.store.SessionRepository;
import checkout.store.SessionUpdater;
import checkout.time.Jitter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** CreateSession's parts, built once from the platform, and its SnapStart priming. */
final class CreateSessionRoot {
  final CheckoutRequestParser parser;
  final CreateSessionService service;
  final CheckoutSecrets checkoutSecrets;

  private final Platform platform;
  private final Settings settings;
  private final CatalogPricing pricing;
  private final SessionRepository sessions;
  private final IdempotencyStore claims;

  /**
   * Reads the catalog beside the claim's write; one thread: a container serves one request at a
   * time.
   */
  private final ExecutorService background =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread thread = new Thread(r, "catalog-read");
            thread.setDaemon(true);
            return thread;
          });

  CreateSessionRoot(Platform platform) {
    this.platform = platform;
    this.settings = platform.settings();
    Clock clock = platform.clock();
    this.pricing =
        new CatalogPricing(
            new PriceRepository(platform.dynamo(), settings.table()),
            settings.checkout().maxAmounts());
    this.sessions = new SessionRepository(platform.dynamo(), settings.table());
    this.claims = new IdempotencyStore(platform.dynamo(), settings.table());
    this.parser = new CheckoutRequestParser(settings, clock);
    this.checkoutSecrets = new CheckoutSecrets(platform.secrets());
    FintocClient fintoc =
        new FintocClient(
            FintocOptions.from(settings.fintoc()),
            platform.secrets(),
            platform.sleeper(),
            new Jitter());
    this.service =
        new CreateSessionService(
            pricing,
            new SignedOrder(platform.secrets(), settings, clock),
            fintoc,
            new CheckoutReplacement(
                checkoutSecrets,
                sessions,
                // It may record a payment of the checkout it replaces: marked owed as the webhook
                // would, and refunded by the sweeper.
                new SessionUpdater(
                    sessions, clock, platform.sleeper(), settings.automaticRefunds()),
                fintoc,
                clock),
            new Customers(
                new CustomerIndex(platform.dynamo(), settings.table()), platform.secrets(), clock),
            sessions,
            claims,
            settings,
            clock,
            platform.sleeper(),
            background);
  }

  /**
   * Short of Fintoc, of the secret and of any write: a refused order through the whole handler
   * (mapping, parsing, the error body); a catalog read, on the background thread, of a price that
   * does not exist; the storage and claim paths, their writes refused; the secret's read stopped
   * before the wire; the signature's and the checkout secret's HMACs on made-up keys, and a tax
   * id's; Fintoc's answer mapped to a session and to our 201 body; an expire's answer decided
   * against it (a replaced checkout); and last, because it needs a configured redirect origin, a
   * valid order as far as the request body Fintoc would get.
   */
  void prime(CreateSessionHandler handler) {
    handler.handleRequest(
        ApiEvent.request("POST", "/checkout-sessions")
            .header("content-type", "application/json")
            .body("{}")
            .event(),
        null);
    try {
      background
          .submit(() -> pricing.price(List.of(new CheckoutRequest.CartLine(Samples.PRICE_ID, 1))))
          .get();
    } catch (ExecutionException unknownPrice) {
      // read, and refused as a price this catalog does not have: as intended
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    CheckoutSession sample =
        FintocCheckoutSession.toSession(
            Samples.fintocSession("created"),
            settings.orderReferenceKey(),
            platform.clock().instant());
    AdapterPriming.sessionStorage(sessions, sample, platform.clock().instant());
    AdapterPriming.claims(claims, sample);
    AdapterPriming.secretRead(platform.secrets());
    Digests.hmac(new byte[SignedOrder.MIN_KEY_BYTES], "priming.priming");
    Customers.hash("sk_test_priming", "cl_rut", "1-9");
    String secret =
        HexFormat.of().formatHex(Digests.hmac(CheckoutSecrets.derive("priming"), sample.id()));
    HttpResponses.json(201, CreatedView.of(sample, secret));
    // What a replacement decides from Fintoc's answer to an expire, short of the write.
    SessionRules.merge(
        FintocCheckoutSession.observe(
            Samples.fintocSession("expired"), platform.clock().instant(), false),
        sample,
        null,
        platform.clock().instant());
    String origin =
        settings.checkout().allowedRedirectOrigins().stream().sorted().findFirst().orElse(null);
    if (origin != null) {
      String order =
          """
          {"order_token": "priming", "success_url": "%1$s/success", "cancel_url": "%1$s/cancel",
           "metadata": {"note": "priming"}}"""
              .formatted(origin);
      try {
        CheckoutRequest request = parser.parse(order.getBytes(StandardCharsets.UTF_8));
        PricedOrder priced =
            new PricedOrder(
                PricedOrder.SIGNED_ORDER, 1000, "CLP", null, "priming", null, null, null);
        Json.write(SessionRequest.of(priced, request, null, settings).fintocParams());
      } catch (ApiException refused) {
        // an origin the rules refuse anyway (e.g. plain http): the refusal was primed instead
      }
    }
  }
}
