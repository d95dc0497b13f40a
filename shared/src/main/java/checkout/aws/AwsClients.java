package checkout.aws;

import checkout.config.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Builds AWS SDK clients the one way this project does: the JDK-based url-connection HTTP client
 * (no Apache, no Netty: fewer classes on a cold start), the region from AWS_REGION when set (skips
 * the provider chain), and an endpoint override only when the application variable for it is
 * non-blank — the SDK's own AWS_ENDPOINT_URL_* variables crash when empty, so the template never
 * declares those.
 */
public final class AwsClients {
  /**
   * Where credentials can be in this project's runs, and nowhere else: access-key variables (Lambda
   * on demand, {@code sam local}), the container endpoint (Lambda under SnapStart, which sets no
   * key variables), system properties (the local stack, tests). The SDK's default chain would also
   * probe web-identity files, profile files and the instance metadata service, none of which a
   * Lambda function has. One instance for every client: one cache, one fetch.
   */
  private static final AwsCredentialsProvider CREDENTIALS =
      AwsCredentialsProviderChain.builder()
          .credentialsProviders(
              EnvironmentVariableCredentialsProvider.create(),
              ContainerCredentialsProvider.create(),
              SystemPropertyCredentialsProvider.create())
          .build();

  private AwsClients() {}

  /**
   * @param endpoint the service's endpoint override (local runs only), or empty: the region's
   */
  public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(
      B builder, Settings.Aws aws, Optional<URI> endpoint) {
    builder.httpClient(
        UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(2))
            .socketTimeout(Duration.ofSeconds(5))
            .build());
    builder.credentialsProvider(CREDENTIALS);
    aws.region().ifPresent(region -> builder.region(Region.of(region)));
    endpoint.ifPresent(builder::endpointOverride);
    return builder.build();
  }
}
