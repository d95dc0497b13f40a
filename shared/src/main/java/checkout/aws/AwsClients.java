package checkout.aws;

import checkout.config.Config;
import checkout.config.Settings;
import java.time.Duration;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Builds AWS SDK clients the one way this project does: the JDK-based url-connection HTTP
 * client (no Apache, no Netty: fewer classes on a cold start), the region from AWS_REGION when
 * set (skips the provider chain), and an endpoint override only when the application variable
 * for it is non-blank — the SDK's own AWS_ENDPOINT_URL_* variables crash when empty, so the
 * template never declares those.
 */
public final class AwsClients {
  private AwsClients() {}

  public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(
      B builder, Config config, String endpointSetting) {
    builder.httpClient(UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(2))
        .socketTimeout(Duration.ofSeconds(5))
        .build());
    config.optional(Settings.AWS_REGION).ifPresent(region -> builder.region(Region.of(region)));
    config.uri(endpointSetting).ifPresent(builder::endpointOverride);
    return builder.build();
  }
}
