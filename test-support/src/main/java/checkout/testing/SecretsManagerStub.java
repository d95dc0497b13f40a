package checkout.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import checkout.json.Json;
import com.github.tomakehurst.wiremock.WireMockServer;

/**
 * Secrets Manager's GetSecretValue on the wire (AWS JSON 1.1: POST /, X-Amz-Target), so the real
 * SDK client runs against it.
 */
public final class SecretsManagerStub implements AutoCloseable {
  public static final String SECRET_ARN =
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:fintoc-checkout-AbCdEf";
  public static final String WEBHOOK_SECRET = "whsec_stub_0123456789";

  /** What the merchant's backend signs orders with, in the tests (HS256 wants 32 bytes or more). */
  public static final String ORDER_SIGNING_SECRET = "order_signing_stub_0123456789abcdef";

  private final WireMockServer server;

  public SecretsManagerStub() {
    server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
    reset();
  }

  /** Back to the default secret, with no requests recorded. */
  public void reset() {
    server.resetAll();
    holdSecret(FintocStub.SECRET_KEY, WEBHOOK_SECRET);
  }

  public String baseUrl() {
    return server.baseUrl();
  }

  /** From now on GetSecretValue returns these (as after rotating the secret). */
  public void holdSecret(String secretKey, String webhookSecret) {
    holdSecret(secretKey, webhookSecret, ORDER_SIGNING_SECRET);
  }

  /** From now on GetSecretValue returns these; a null order signing secret is left out. */
  public void holdSecret(String secretKey, String webhookSecret, String orderSigningSecret) {
    String secretString =
        Json.write(
            Json.object()
                .put("secret_key", secretKey)
                .put("webhook_secret", webhookSecret)
                .put("order_signing_secret", orderSigningSecret));
    server.resetMappings();
    server.stubFor(
        post(urlEqualTo("/"))
            .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/x-amz-json-1.1")
                    .withBody(
                        Json.write(
                            Json.object()
                                .put("ARN", SECRET_ARN)
                                .put("Name", "fintoc-checkout")
                                .put("SecretString", secretString)
                                .put("VersionId", "00000000-0000-0000-0000-000000000001")
                                .put("CreatedDate", 1.7e9)))));
  }

  /** GetSecretValue fails as it does when the role may not read the secret. */
  public void denyAccess() {
    server.resetMappings();
    server.stubFor(
        post(urlEqualTo("/"))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/x-amz-json-1.1")
                    .withBody(
                        "{\"__type\":\"AccessDeniedException\",\"Message\":\"not authorized to perform secretsmanager:GetSecretValue\"}")));
  }

  public int reads() {
    return server.findAll(postRequestedFor(urlEqualTo("/"))).size();
  }

  @Override
  public void close() {
    server.stop();
  }
}
