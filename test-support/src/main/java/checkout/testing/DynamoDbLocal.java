package checkout.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * A real DynamoDB engine (DynamoDB Local, in memory) on a free loopback port, started once per
 * test JVM, with tables created from template.yaml's SessionsTable definition.
 */
public final class DynamoDbLocal {
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static DynamoDbLocal instance;

  private final DynamoDBProxyServer server;
  private final URI endpoint;

  private DynamoDbLocal(DynamoDBProxyServer server, URI endpoint) {
    this.server = server;
    this.endpoint = endpoint;
  }

  public static synchronized DynamoDbLocal shared() {
    if (instance == null) {
      instance = start(freePort());
      Runtime.getRuntime().addShutdownHook(new Thread(instance::stop));
    }
    return instance;
  }

  public static DynamoDbLocal start(int port) {
    try {
      DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
          new String[] {"-inMemory", "-sharedDb", "-port", Integer.toString(port)});
      server.start();
      return new DynamoDbLocal(server, URI.create("http://127.0.0.1:" + port));
    } catch (Exception e) {
      throw new IllegalStateException("DynamoDB Local did not start", e);
    }
  }

  public URI endpoint() {
    return endpoint;
  }

  public DynamoDbClient client(ExecutionInterceptor... interceptors) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> {
          c.retryStrategy(b -> b.maxAttempts(1));
          for (ExecutionInterceptor interceptor : interceptors) {
            c.addExecutionInterceptor(interceptor);
          }
        })
        .build();
  }

  /** A new, empty sessions table shaped as template.yaml says; returns its name. */
  public String createSessionsTable(String prefix) {
    String name = prefix + "-" + TABLES.incrementAndGet();
    JsonNode properties = SamTemplate.load().resource("SessionsTable").path("Properties");
    List<AttributeDefinition> attributes = new ArrayList<>();
    properties.path("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder()
        .attributeName(a.path("AttributeName").asText())
        .attributeType(a.path("AttributeType").asText())
        .build()));
    List<GlobalSecondaryIndex> indexes = new ArrayList<>();
    properties.path("GlobalSecondaryIndexes").forEach(index -> {
      List<String> nonKey = new ArrayList<>();
      index.path("Projection").path("NonKeyAttributes").forEach(n -> nonKey.add(n.asText()));
      indexes.add(GlobalSecondaryIndex.builder()
          .indexName(index.path("IndexName").asText())
          .keySchema(keySchema(index.path("KeySchema")))
          .projection(Projection.builder()
              .projectionType(index.path("Projection").path("ProjectionType").asText())
              .nonKeyAttributes(nonKey.isEmpty() ? null : nonKey)
              .build())
          .build());
    });
    try (DynamoDbClient client = client()) {
      client.createTable(CreateTableRequest.builder()
          .tableName(name)
          .attributeDefinitions(attributes)
          .keySchema(keySchema(properties.path("KeySchema")))
          .globalSecondaryIndexes(indexes.isEmpty() ? null : indexes)
          .billingMode(BillingMode.PAY_PER_REQUEST)
          .build());
    }
    return name;
  }

  private static List<KeySchemaElement> keySchema(JsonNode schema) {
    List<KeySchemaElement> keys = new ArrayList<>();
    schema.forEach(k -> keys.add(KeySchemaElement.builder()
        .attributeName(k.path("AttributeName").asText())
        .keyType(k.path("KeyType").asText())
        .build()));
    return keys;
  }

  public void stop() {
    try {
      server.stop();
    } catch (Exception e) {
      // shutting down anyway
    }
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
