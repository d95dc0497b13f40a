package checkout.getsession;

import checkout.http.ApiEvent;
import checkout.platform.Platform;
import checkout.snapstart.Samples;
import checkout.store.RefundRepository;
import checkout.store.SessionRepository;

/** GetSession's parts, built once from the platform, and its SnapStart priming. */
final class GetSessionRoot {
  final SessionRepository sessions;
  final RefundRepository refunds;

  GetSessionRoot(Platform platform) {
    this.sessions = new SessionRepository(platform.dynamo(), platform.settings().table());
    this.refunds = new RefundRepository(platform.dynamo(), platform.settings().table());
  }

  /** A poll for a session that does not exist, through the handler: one read, the 404 body. */
  void prime(GetSessionHandler handler) {
    handler.handleRequest(
        ApiEvent.request("GET", "/checkout-sessions/{id}")
            .path("/checkout-sessions/" + Samples.SESSION_ID)
            .pathParameter("id", Samples.SESSION_ID)
            .event(),
        null);
  }
}
