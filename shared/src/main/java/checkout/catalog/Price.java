package checkout.catalog;

import java.util.Objects;

/**
 * One catalog price, mirroring Fintoc's {@code price_data}: what one unit of a product costs. The
 * storefront refers to it by {@code id}; the amount charged is always computed from here.
 *
 * @param unitAmount in the currency's smallest unit (CLP: pesos; MXN: centavos)
 * @param imageUrl an https URL, or null
 * @param active only active prices are listed and can be bought
 * @param position where it stands in the catalog file (GET /prices lists in this order)
 */
public record Price(
    String id,
    String currency,
    long unitAmount,
    String name,
    String imageUrl,
    boolean active,
    int position) {

  /** Same price for a buyer: everything but its place in the file. */
  public boolean sameAs(Price other) {
    return other != null
        && id.equals(other.id)
        && currency.equals(other.currency)
        && unitAmount == other.unitAmount
        && name.equals(other.name)
        && Objects.equals(imageUrl, other.imageUrl)
        && active == other.active;
  }
}
