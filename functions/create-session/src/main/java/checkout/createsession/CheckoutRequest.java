package checkout.createsession;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A create request that passed validation.
 *
 * @param fintocParams exactly what is sent to Fintoc: the validated fields, nothing else
 * @param contentHash SHA-256 of the canonical params: the same order always hashes the same
 * @param orderReference the merchant's order id from metadata, or null
 */
public record CheckoutRequest(ObjectNode fintocParams, String contentHash, String orderReference) {}
