package checkout.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import checkout.log.Log;
import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

class SecretsManagerSecretSourceTest {
  @Test
  void theSecretJsonGivesTheKeyAndBothWebhookSecretsCurrentFirst() {
    FintocSecrets secrets =
        SecretsManagerSecretSource.parse(
            "{\"secret_key\": \"sk_test_1\", \"webhook_secret\": \"whsec_new\", \"previous_webhook_secret\": \"whsec_old\"}");

    assertThat(secrets.secretKey()).isEqualTo("sk_test_1");
    assertThat(secrets.webhookSecrets()).containsExactly("whsec_new", "whsec_old");
    assertThat(secrets.orderSigningSecret()).as("signed orders not in use").isNull();
  }

  @Test
  void theSecretJsonMayAlsoHoldTheKeyTheMerchantsBackendSignsOrdersWith() {
    FintocSecrets secrets =
        SecretsManagerSecretSource.parse(
            "{\"secret_key\": \"sk_test_1\", \"webhook_secret\": \"whsec_new\", \"order_signing_secret\": \"k_0123\"}");

    assertThat(secrets.orderSigningSecret()).isEqualTo("k_0123");
  }

  @Test
  void aSecretHoldingAPublicSampleKeyIsRefusedSoADeployedStackNeverWaivesFreshness() {
    for (String secret :
        List.of(
            "{\"secret_key\": \"sk_live_1\", \"webhook_secret\": \""
                + SampleKeys.WEBHOOK_SECRET
                + "\"}",
            "{\"secret_key\": \"sk_live_1\", \"webhook_secret\": \"whsec_new\", \"previous_webhook_secret\": \""
                + SampleKeys.WEBHOOK_SECRET
                + "\"}",
            "{\"secret_key\": \"sk_live_1\", \"webhook_secret\": \"whsec_new\", \"order_signing_secret\": \""
                + SampleKeys.ORDER_SIGNING_SECRET
                + "\"}")) {
      assertThatThrownBy(() -> SecretsManagerSecretSource.parse(secret))
          .isInstanceOf(SecretUnavailableException.class)
          .hasMessageContaining("published in this project's samples")
          .hasMessageNotContaining(SampleKeys.WEBHOOK_SECRET)
          .hasMessageNotContaining("sk_live_1");
    }
  }

  @Test
  void aSecretThatIsNotJsonFailsWithoutQuotingIt() {
    assertThatThrownBy(() -> SecretsManagerSecretSource.parse("sk_live_plain_text_key"))
        .isInstanceOf(SecretUnavailableException.class)
        .hasMessageNotContaining("sk_live_plain_text_key");
  }

  static SecretsManagerClient client(HttpServer server) {
    return SecretsManagerClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
        .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(1)))
        .build();
  }

  /** A clock the test moves. */
  static final class StepClock extends Clock {
    Instant now = Instant.parse("2026-11-21T12:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aFailedRefreshKeepsServingTheCachedSecretForABoundedTimeAndTriesAgainLater()
      throws Exception {
    AtomicInteger requests = new AtomicInteger();
    AtomicBoolean failing = new AtomicBoolean();
    HttpServer server = SecretsManagerOnLoopback.start(requests, failing);
    StepClock clock = new StepClock();
    try (SecretsManagerClient client = client(server);
        LogLines logs = new LogLines()) {
      var source =
          new SecretsManagerSecretSource(
              client, "fintoc", Duration.ofMinutes(5), Duration.ofHours(1), clock);
      assertThat(source.current().secretKey()).isEqualTo("sk_test_1");

      failing.set(true);
      clock.now = clock.now.plus(Duration.ofMinutes(6)); // past the TTL: a read is due, and fails
      assertThat(source.current().secretKey())
          .as("the cached one, still good")
          .isEqualTo("sk_test_1");
      assertThat(requests).hasValue(2);
      assertThat(logs.lines)
          .anySatisfy(
              line ->
                  assertThat(line).contains("secret_refresh_failed").doesNotContain("sk_test_1"));

      clock.now = clock.now.plus(Duration.ofSeconds(10));
      source.current();
      assertThat(requests).as("not asked again before 30 s").hasValue(2);

      clock.now = clock.now.plus(Duration.ofSeconds(30));
      source.current();
      assertThat(requests).as("asked again").hasValue(3);

      clock.now = clock.now.plus(Duration.ofHours(1));
      assertThatThrownBy(source::current)
          .as("an hour past its TTL, too old to trust")
          .isInstanceOf(SecretUnavailableException.class);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aRefreshForcedByARefusedKeyNeverFallsBackToTheCachedOne() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    AtomicBoolean failing = new AtomicBoolean();
    HttpServer server = SecretsManagerOnLoopback.start(requests, failing);
    try (SecretsManagerClient client = client(server)) {
      var source =
          new SecretsManagerSecretSource(
              client, "fintoc", Duration.ofMinutes(5), Duration.ofHours(1), new StepClock());
      source.current();
      failing.set(true);

      assertThatThrownBy(source::refresh).isInstanceOf(SecretUnavailableException.class);
    } finally {
      server.stop(0);
    }
  }

  /** Log lines written while open. */
  static final class LogLines implements AutoCloseable {
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final Log.Sink previous = Log.useSink((level, line) -> lines.add(level + " " + line));

    @Override
    public void close() {
      Log.useSink(previous);
    }
  }

  @Test
  void printingTheSecretsNeverShowsThem() {
    FintocSecrets secrets = new FintocSecrets("sk_live_abc", List.of("whsec_abc"), "order_key_abc");

    assertThat(secrets.toString())
        .doesNotContain("sk_live_abc")
        .doesNotContain("whsec_abc")
        .doesNotContain("order_key_abc");
  }
}
