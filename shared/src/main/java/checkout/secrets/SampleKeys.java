package checkout.secrets;

import java.util.Set;

/**
 * The keys the committed samples are signed with (env.json, events/). They are public — anyone can
 * read them in this repository — so a signature made with one proves nothing about who made it or
 * when. That is why a check keyed with one skips the freshness rules (a webhook's timestamp, a
 * signed order's exp): the samples then work as committed with {@code sam local invoke}, the local
 * stack and the tests, without a signing step, and an attacker gains nothing an attacker could not
 * already sign afresh.
 *
 * <p>A deployed stack never holds one: its keys come from Secrets Manager (the template requires
 * FINTOC_SECRET_ARN), and {@link SecretsManagerSecretSource} refuses a secret that holds a sample
 * key, so the relaxation cannot be switched on there.
 */
public final class SampleKeys {
  public static final String WEBHOOK_SECRET = "whsec_local_only_not_a_real_secret";
  public static final String ORDER_SIGNING_SECRET =
      "local_only_order_signing_secret_not_a_real_one";

  private static final Set<String> ALL = Set.of(WEBHOOK_SECRET, ORDER_SIGNING_SECRET);

  private SampleKeys() {}

  public static boolean isSample(String key) {
    return key != null && ALL.contains(key);
  }
}
