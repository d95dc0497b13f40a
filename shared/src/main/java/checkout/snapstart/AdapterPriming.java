package checkout.snapstart;

import checkout.secrets.SecretSource;
import checkout.secrets.SecretsManagerSecretSource;
import checkout.session.CheckoutSession;
import checkout.session.RefundRecord;
import checkout.session.SessionRules;
import checkout.session.StoredRefund;
import checkout.store.IdempotencyStore;
import checkout.store.RefundRepository;
import checkout.store.SessionRepository;
import checkout.store.StorageUnavailableException;
import java.time.Instant;
import java.util.function.Consumer;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * The adapters' paths for a function's priming, each through the adapter's own API and each safe:
 * the secret's read is stopped before the wire, reads are of items that do not exist, and every
 * write is conditioned so that DynamoDB refuses it. Request building, signing, endpoint rules and
 * the responses — refusals included — are then in the snapshot.
 */
public final class AdapterPriming {
  private AdapterPriming() {}

  /**
   * The secret's read as far as the wire: built, its endpoint resolved, credentials fetched and the
   * request signed, then stopped. No secret — not even a request for one — is in the snapshot.
   * Nothing to do when the secret is local (no Secrets Manager client).
   */
  public static void secretRead(SecretSource secrets) {
    if (secrets instanceof SecretsManagerSecretSource source) {
      try {
        source
            .client()
            .getSecretValue(
                r ->
                    r.secretId(source.secretId())
                        .overrideConfiguration(o -> o.addPlugin(NOT_SENT)));
      } catch (NotSent expected) {
        // stopped before the wire, as intended
      }
    }
  }

  /**
   * A consistent read of a session that does not exist, and a commit conditioned on a version it
   * cannot have (no session has version -1), which DynamoDB cancels: nothing is written.
   */
  public static void sessionStorage(
      SessionRepository sessions, CheckoutSession sample, Instant now) {
    sessions.find(Samples.SESSION_ID);
    sessions.findPayment(Samples.PAYMENT_ID);
    sessions.commitEvent(null, null, now, new SessionRules.Result(sample, null), -1, 0);
  }

  /**
   * Consistent reads of a refund and a ledger that do not exist, and a refund's commit conditioned
   * on a version it cannot have (-1), which DynamoDB cancels: nothing is written.
   */
  public static void refundStorage(RefundRepository refunds, Instant now) {
    refunds.find(Samples.REFUND_ID);
    refunds.findLedger(Samples.PAYMENT_ID);
    StoredRefund sample =
        new StoredRefund(
            RefundRecord.requested(
                Samples.REFUND_ID, Samples.SESSION_ID, Samples.PAYMENT_ID, 1000, "CLP", null, now),
            StoredRefund.MERCHANT,
            null,
            null,
            null,
            "fcr_snapstart_priming",
            1,
            now,
            null,
            0,
            now,
            null,
            1000,
            0);
    refunds.commit(null, null, now, sample, -1, null);
  }

  /**
   * The claim store's transaction and update, both conditioned on a claim token nobody holds, so
   * DynamoDB refuses them: nothing is written.
   */
  public static void claims(IdempotencyStore claims, CheckoutSession sample) {
    try {
      claims.completeWith(Samples.SCOPE, Samples.CLAIM_TOKEN, sample);
    } catch (StorageUnavailableException refused) {
      // cancelled: the claim does not exist
    }
    claims.release(Samples.SCOPE, Samples.CLAIM_TOKEN, false);
  }

  /** A page of each sweep index that can hold nothing: nothing was due before 1970. */
  public static void sweepQueries(SessionRepository sessions) {
    for (SessionRepository.Due due : SessionRepository.Due.values()) {
      sessions.due(due, 0, 0, 1, null);
      sessions.countDue(due, 0, 0);
    }
  }

  /**
   * Any SDK call as far as the wire: {@code call} adds the given plugin to its request, which stops
   * it once built, resolved and signed. Nothing reaches the service.
   */
  public static void beforeTheWire(Consumer<SdkPlugin> call) {
    try {
      call.accept(NOT_SENT);
    } catch (NotSent expected) {
      // stopped before the wire, as intended
    }
  }

  private static final class NotSent extends RuntimeException {
    NotSent() {
      super("primed, not sent", null, false, false);
    }
  }

  private static final SdkPlugin NOT_SENT =
      config ->
          config.overrideConfiguration(
              o ->
                  o.addExecutionInterceptor(
                      new ExecutionInterceptor() {
                        @Override
                        public void beforeTransmission(
                            Context.BeforeTransmission context, ExecutionAttributes attributes) {
                          throw new NotSent();
                        }
                      }));
}
