package checkout.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
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
    FintocSecrets secrets = SecretsManagerSecretSource.parse(
        "{\"secret_key\": \"sk_test_1\", \"webhook_secret\": \"whsec_new\", \"previous_webhook_secret\": \"whsec_old\"}");

    assertThat(secrets.secretKey()).isEqualTo("sk_test_1");
    assertThat(secrets.webhookSecrets()).containsExactly("whsec_new", "whsec_old");
    assertThat(secrets.orderSigningSecret()).as("signed orders not in use").isNull();
  }

  @Test
  void theSecretJsonMayAlsoHoldTheKeyTheMerchantsBackendSignsOrdersWith() {
    FintocSecrets secrets = SecretsManagerSecretSource.parse(
        "{\"secret_key\": \"sk_test_1\", \"webhook_secret\": \"whsec_new\", \"order_signing_secret\": \"k_0123\"}");

    assertThat(secrets.orderSigningSecret()).isEqualTo("k_0123");
  }

  @Test
  void aSecretThatIsNotJsonFailsWithoutQuotingIt() {
    assertThatThrownBy(() -> SecretsManagerSecretSource.parse("sk_live_plain_text_key"))
        .isInstanceOf(SecretUnavailableException.class)
        .hasMessageNotContaining("sk_live_plain_text_key");
  }

  @Test
  void primingBuildsAndSignsTheReadButNeverSendsItAndTheNextReadStillReads() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      byte[] body = ("{\"ARN\": \"arn:aws:secretsmanager:us-east-1:123456789012:secret:fintoc\", "
          + "\"SecretString\": \"{\\\"secret_key\\\": \\\"sk_test_1\\\", \\\"webhook_secret\\\": \\\"whsec_1\\\"}\"}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try (SecretsManagerClient client = SecretsManagerClient.builder()
        .httpClient(UrlConnectionHttpClient.create())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
        .build()) {
      var source = new SecretsManagerSecretSource(client, "fintoc", Duration.ofMinutes(5), Clock.systemUTC());

      source.prime();
      assertThat(requests).as("requests sent by priming").hasValue(0);

      assertThat(source.current().secretKey()).isEqualTo("sk_test_1");
      assertThat(requests).hasValue(1);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void printingTheSecretsNeverShowsThem() {
    FintocSecrets secrets = new FintocSecrets("sk_live_abc", java.util.List.of("whsec_abc"), "order_key_abc");

    assertThat(secrets.toString()).doesNotContain("sk_live_abc").doesNotContain("whsec_abc")
        .doesNotContain("order_key_abc");
  }
}
