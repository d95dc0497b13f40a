package checkout.prices;

import checkout.http.ApiEvent;
import checkout.platform.Platform;
import checkout.store.PriceRepository;

/** ListPrices' parts, built once from the platform, and its SnapStart priming. */
final class ListPricesRoot {
  final PriceRepository prices;

  ListPricesRoot(Platform platform) {
    this.prices = new PriceRepository(platform.dynamo(), platform.settings().table());
  }

  /** The request as a store makes it, through the handler: a read of the index (nothing cached). */
  void prime(ListPricesHandler handler) {
    handler.handleRequest(ApiEvent.request("GET", "/prices").event(), null);
  }
}
