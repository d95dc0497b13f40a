package checkout.store;

/**
 * The layout of the one DynamoDB table (template.yaml: SessionsTable). Every item has a string
 * partition key {@code pk} whose prefix says what it is:
 *
 * <ul>
 *   <li>{@code SESSION#cs_…} — a checkout session;
 *   <li>{@code IDEMPOTENCY#…} — which session a create request's key produced;
 *   <li>{@code PAYMENT#pi_…} — a payment intent's status, also before its session is known;
 *   <li>{@code EVENT#evt_…} — a webhook event that was applied (written in the same transaction as
 *       its change, so an event is applied exactly once);
 *   <li>{@code PRICE#<id>} — a catalog price (checkout.catalog);
 *   <li>{@code CUSTOMER#<mode>#<keyed hash of a tax id>} — Fintoc's customer for that tax id, as
 *       far as this deployment knows it ({@link CustomerIndex});
 *   <li>{@code REFUND#rf_…} — a refund we asked Fintoc for ({@link checkout.session.StoredRefund});
 *       while it is not final it carries the {@code unsettled_*} attributes, so the sweeper finds
 *       it in the same index as unsettled payments;
 *   <li>{@code REFUNDS#pi_…} — a payment's refund ledger ({@link RefundLedger}): what it paid, what
 *       its refunds hold and what went back, and which refunds it has.
 * </ul>
 *
 * Open sessions also carry {@code open_shard} and {@code open_expires_at} (the sweeper's next
 * look), removed when the session closes, so the sparse index {@code open-by-expiry} holds only
 * open sessions: the sweeper's Query cost grows with the sessions to close, not with the table.
 */
public final class SessionsTable {
  private SessionsTable() {}

  public static final String PK = "pk";
  public static final String SESSION_PREFIX = "SESSION#";
  public static final String IDEMPOTENCY_PREFIX = "IDEMPOTENCY#";
  public static final String PAYMENT_PREFIX = "PAYMENT#";
  public static final String EVENT_PREFIX = "EVENT#";
  public static final String PRICE_PREFIX = "PRICE#";
  public static final String CUSTOMER_PREFIX = "CUSTOMER#";
  public static final String REFUND_PREFIX = "REFUND#";
  public static final String LEDGER_PREFIX = "REFUNDS#";

  public static final String OPEN_INDEX = "open-by-expiry";
  public static final String OPEN_SHARD = "open_shard";

  /**
   * Seconds since the epoch, the index's sort key: when the sweeper next looks at the open session.
   * That is its expires_at until the sweeper has asked, then moved back by each look that could not
   * close it (Fintoc still had it open, gave no answer, or answered 404), so a session that cannot
   * be closed yet never holds the head of the index. The session's own {@code expires_at} stays as
   * Fintoc set it. The attribute keeps its first name because it is the key of a deployed index
   * (renaming it means a new index and a backfill), and items written before looks were counted
   * hold exactly their expires_at: the right first look, so they need no migration.
   */
  public static final String OPEN_CHECK_AT = "open_expires_at";

  /** How many looks could not close the open session (absent: none yet). */
  public static final String OPEN_CHECKS = "open_checks";

  /**
   * One index partition takes about 1 000 writes/s; spreading sessions over a few shards keeps
   * creation unbounded while the sweeper queries each shard (of both sweep indexes). Changing it
   * strands the sessions written under the old count, so it is a constant, not a setting.
   */
  public static final int OPEN_SHARDS = 8;

  /**
   * The sparse index of sessions that are over at Fintoc but whose payment is not final yet ({@link
   * CheckoutSession#awaitsSettlement()}): partition {@link #UNSETTLED_SHARD}, sort {@link
   * #UNSETTLED_CHECK_AT} (when the sweeper next asks, epoch seconds). Only such sessions carry
   * those attributes, so the sweeper reads what it must settle, whatever the table's size.
   */
  public static final String UNSETTLED_INDEX = "unsettled-by-check";

  public static final String UNSETTLED_SHARD = "unsettled_shard";
  public static final String UNSETTLED_CHECK_AT = "unsettled_check_at";

  /**
   * The sparse index of active prices: partition {@link #CATALOG} (always {@link #CATALOG_ACTIVE},
   * present only on active prices), sort {@link #CATALOG_POSITION}. A catalog is small and read
   * rarely (GET /prices is cacheable), so one partition is enough.
   */
  public static final String ACTIVE_PRICES_INDEX = "active-prices";

  public static final String CATALOG = "catalog";
  public static final String CATALOG_ACTIVE = "active";
  public static final String CATALOG_POSITION = "catalog_position";

  /** Seconds since the epoch; DynamoDB's TTL deletes the item some time after it. */
  public static final String TTL = "ttl";

  public static String sessionKey(String sessionId) {
    return SESSION_PREFIX + sessionId;
  }

  public static String refundKey(String refundId) {
    return REFUND_PREFIX + refundId;
  }

  public static String ledgerKey(String paymentIntentId) {
    return LEDGER_PREFIX + paymentIntentId;
  }

  public static String openShard(String sessionId) {
    return OPEN_SHARD_PREFIX + shardOf(sessionId);
  }

  public static String unsettledShard(String sessionId) {
    return UNSETTLED_SHARD_PREFIX + shardOf(sessionId);
  }

  private static int shardOf(String sessionId) {
    return Math.floorMod(sessionId.hashCode(), OPEN_SHARDS);
  }

  public static final String OPEN_SHARD_PREFIX = "OPEN#";
  public static final String UNSETTLED_SHARD_PREFIX = "UNSETTLED#";
}
