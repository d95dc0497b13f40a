package checkout.config;

/**
 * Names of the environment variables the functions read, in one place so template.yaml, the
 * README and the code can be checked against each other.
 */
public final class Settings {
  private Settings() {}

  public static final String SESSIONS_TABLE = "SESSIONS_TABLE";
  public static final String FINTOC_API_URL = "FINTOC_API_URL";
  public static final String FINTOC_SECRET_ARN = "FINTOC_SECRET_ARN";
  /** Local-only stand-ins for the secret, for sam local invoke without AWS. */
  public static final String FINTOC_SECRET_KEY = "FINTOC_SECRET_KEY";
  public static final String FINTOC_WEBHOOK_SECRET = "FINTOC_WEBHOOK_SECRET";
  public static final String ORDER_SIGNING_SECRET = "ORDER_SIGNING_SECRET";
  public static final String SECRET_CACHE_TTL_SECONDS = "SECRET_CACHE_TTL_SECONDS";
  public static final String FINTOC_CONNECT_TIMEOUT_MS = "FINTOC_CONNECT_TIMEOUT_MS";
  public static final String FINTOC_READ_TIMEOUT_MS = "FINTOC_READ_TIMEOUT_MS";
  public static final String FINTOC_MAX_ATTEMPTS = "FINTOC_MAX_ATTEMPTS";
  public static final String FINTOC_CALL_BUDGET_MS = "FINTOC_CALL_BUDGET_MS";
  public static final String ALLOWED_REDIRECT_ORIGINS = "ALLOWED_REDIRECT_ORIGINS";
  public static final String MAX_AMOUNT_CLP = "MAX_AMOUNT_CLP";
  public static final String MAX_AMOUNT_MXN = "MAX_AMOUNT_MXN";
  public static final String ORDER_REFERENCE_METADATA_KEY = "ORDER_REFERENCE_METADATA_KEY";
  /** Pricing and what Fintoc is asked for: decided by the deployment, never by the browser. */
  public static final String MAX_QUANTITY_PER_ITEM = "MAX_QUANTITY_PER_ITEM";
  public static final String ORDER_TOKEN_MAX_LIFETIME_SECONDS = "ORDER_TOKEN_MAX_LIFETIME_SECONDS";
  public static final String PAYMENT_METHOD_TYPES = "PAYMENT_METHOD_TYPES";
  public static final String PAYMENT_METHOD_OPTIONS = "PAYMENT_METHOD_OPTIONS";
  public static final String BUSINESS_PROFILE = "BUSINESS_PROFILE";
  public static final String ALLOWED_SENDER_INSTITUTIONS = "ALLOWED_SENDER_INSTITUTIONS";
  /** Blank in AWS; set for sam local to reach DynamoDB Local / a Secrets Manager stand-in. */
  public static final String DYNAMODB_ENDPOINT = "DYNAMODB_ENDPOINT";
  public static final String SECRETS_MANAGER_ENDPOINT = "SECRETS_MANAGER_ENDPOINT";
  public static final String WEBHOOK_TOLERANCE_SECONDS = "WEBHOOK_TOLERANCE_SECONDS";
  public static final String SWEEP_GRACE_SECONDS = "SWEEP_GRACE_SECONDS";
  public static final String SWEEP_CONCURRENCY = "SWEEP_CONCURRENCY";
  public static final String SWEEP_PAGE_SIZE = "SWEEP_PAGE_SIZE";
  /** Fintoc calls a sweep starts per second at most (Fintoc allows 100/s per organisation, all callers). */
  public static final String SWEEP_CALLS_PER_SECOND = "SWEEP_CALLS_PER_SECOND";
  /** How long a secret that cannot be refreshed may still be used, past its TTL. */
  public static final String SECRET_MAX_STALE_SECONDS = "SECRET_MAX_STALE_SECONDS";
  public static final String AWS_REGION = "AWS_REGION";

  public static final String DEFAULT_FINTOC_API_URL = "https://api.fintoc.com";
}
