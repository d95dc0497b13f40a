package checkout.createsession;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * An order priced on the server, by the catalog or by the merchant's signed order: what Fintoc will
 * be asked to charge. Nothing in it came from the browser unchecked.
 *
 * @param pricing {@link #CATALOG} or {@link #SIGNED_ORDER}
 * @param amount in the currency's smallest unit (CLP: pesos; MXN: centavos)
 * @param lineItems Fintoc's shape, {@code [{quantity, price_data}]}, each catalog line also with
 *     its {@code price} id (which is ours, and not sent to Fintoc); null when the signed order has
 *     none
 * @param orderId the signed order's {@code order_id}; null for a catalog order
 * @param customerData the signed order's {@code customer_data}, or null
 * @param metadata the signed order's {@code metadata}, or null
 * @param issuedAt the signed order's {@code iat} (when the merchant's backend signed it), or null
 *     for a catalog order: of two tokens for one order_id, the later one stands
 */
record PricedOrder(
    String pricing,
    long amount,
    String currency,
    ArrayNode lineItems,
    String orderId,
    ObjectNode customerData,
    ObjectNode metadata,
    Instant issuedAt) {
  static final String CATALOG = "catalog";
  static final String SIGNED_ORDER = "signed_order";
}
