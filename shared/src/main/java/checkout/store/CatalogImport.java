package checkout.store;

import checkout.catalog.Price;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Makes the stored catalog what a catalog file says: new prices added, changed ones updated, and
 * active prices the file no longer lists deactivated (never deleted: sessions name them). Running
 * it twice changes nothing the second time.
 */
public final class CatalogImport {
  private CatalogImport() {}

  /** What an import did (or, dry, would do), by price id. */
  public record Summary(
      List<String> added, List<String> updated, List<String> unchanged, List<String> deactivated) {
    @Override
    public String toString() {
      return "added "
          + added.size()
          + " "
          + added
          + ", updated "
          + updated.size()
          + " "
          + updated
          + ", unchanged "
          + unchanged.size()
          + ", deactivated "
          + deactivated.size()
          + " "
          + deactivated;
    }
  }

  public static Summary run(
      PriceRepository prices, List<Price> catalog, boolean dryRun, Instant now) {
    Map<String, Price> stored = prices.find(catalog.stream().map(Price::id).toList());
    Set<String> listed = catalog.stream().map(Price::id).collect(Collectors.toSet());
    List<String> added = new ArrayList<>();
    List<String> updated = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    List<String> deactivated = new ArrayList<>();
    for (Price price : catalog) {
      Price before = stored.get(price.id());
      if (before != null && before.sameAs(price) && before.position() == price.position()) {
        unchanged.add(price.id());
        continue;
      }
      (before == null ? added : updated).add(price.id());
      if (!dryRun) {
        prices.put(price, now);
      }
    }
    for (Price price : prices.listActive()) {
      if (!listed.contains(price.id())) {
        deactivated.add(price.id());
        if (!dryRun) {
          prices.put(
              new Price(
                  price.id(),
                  price.currency(),
                  price.unitAmount(),
                  price.name(),
                  price.imageUrl(),
                  false,
                  price.position()),
              now);
        }
      }
    }
    return new Summary(added, updated, unchanged, deactivated);
  }
}
