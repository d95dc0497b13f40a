package checkout.local.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * A real DynamoDB engine (DynamoDB Local) on a loopback port: in memory, or in {@code dataDir} so
 * data outlives the process. Tables are created from a template's AWS::DynamoDB::Table properties,
 * so they have the keys and indexes the deployed table has.
 */
public final class LocalDynamoDb implements AutoCloseable {
  private final DynamoDBProxyServer server;
  private final URI endpoint;

  private LocalDynamoDb(DynamoDBProxyServer server, URI endpoint) {
    this.server = server;
    this.endpoint = endpoint;
  }

  /** {@code dataDir} null keeps everything in memory. */
  public static LocalDynamoDb start(int port, Path dataDir) {
    List<String> args = new ArrayList<>(List.of("-sharedDb", "-port", Integer.toString(port)));
    if (dataDir == null) {
      args.add("-inMemory");
    } else {
      args.addAll(List.of("-dbPath", dataDir.toAbsolutePath().toString()));
    }
    try {
      DynamoDBProxyServer server =
          ServerRunner.createServerFromCommandLineArgs(args.toArray(String[]::new));
      server.start();
      return new LocalDynamoDb(server, URI.create("http://127.0.0.1:" + port));
    } catch (Exception e) {
      throw new IllegalStateException(
          "DynamoDB Local did not start on port " + port + ": " + e.getMessage(), e);
    }
  }

  public URI endpoint() {
    return endpoint;
  }

  public DynamoDbClient client(ExecutionInterceptor... interceptors) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(
            c -> {
              c.retryStrategy(b -> b.maxAttempts(1));
              for (ExecutionInterceptor interceptor : interceptors) {
                c.addExecutionInterceptor(interceptor);
              }
            })
        .build();
  }

  /**
   * Creates table {@code name} shaped by a template's table {@code properties}; true if created,
   * false if it already existed (a kept --data-dir).
   */
  public boolean createTable(String name, JsonNode properties) {
    List<AttributeDefinition> attributes = new ArrayList<>();
    properties
        .path("AttributeDefinitions")
        .forEach(
            a ->
                attributes.add(
                    AttributeDefinition.builder()
                        .attributeName(a.path("AttributeName").asText())
                        .attributeType(a.path("AttributeType").asText())
                        .build()));
    List<GlobalSecondaryIndex> indexes = new ArrayList<>();
    properties
        .path("GlobalSecondaryIndexes")
        .forEach(
            index -> {
              List<String> nonKey = new ArrayList<>();
              index
                  .path("Projection")
                  .path("NonKeyAttributes")
                  .forEach(n -> nonKey.add(n.asText()));
              indexes.add(
                  GlobalSecondaryIndex.builder()
                      .indexName(index.path("IndexName").asText())
                      .keySchema(keySchema(index.path("KeySchema")))
                      .projection(
                          Projection.builder()
                              .projectionType(
                                  index.path("Projection").path("ProjectionType").asText())
                              .nonKeyAttributes(nonKey.isEmpty() ? null : nonKey)
                              .build())
                      .build());
            });
    try (DynamoDbClient client = client()) {
      client.createTable(
          CreateTableRequest.builder()
              .tableName(name)
              .attributeDefinitions(attributes)
              .keySchema(keySchema(properties.path("KeySchema")))
              .globalSecondaryIndexes(indexes.isEmpty() ? null : indexes)
              .billingMode(BillingMode.PAY_PER_REQUEST)
              .streamSpecification(streamSpecification(properties.path("StreamSpecification")))
              .build());
      return true;
    } catch (ResourceInUseException alreadyThere) {
      // Kept from a --data-dir, or made by another stack in this JVM (they share DynamoDB Local's
      // engine) without a stream: the template's stream is switched on.
      StreamSpecification stream = streamSpecification(properties.path("StreamSpecification"));
      try (DynamoDbClient client = client()) {
        if (stream != null
            && client.describeTable(r -> r.tableName(name)).table().streamSpecification() == null) {
          client.updateTable(r -> r.tableName(name).streamSpecification(stream));
        }
      }
      return false;
    }
  }

  /** The template's stream, if it declares one (DynamoDB Local keeps streams as DynamoDB does). */
  private static StreamSpecification streamSpecification(JsonNode stream) {
    if (stream.isMissingNode()) {
      return null;
    }
    return StreamSpecification.builder()
        .streamEnabled(true)
        .streamViewType(stream.path("StreamViewType").asText())
        .build();
  }

  /** A client for the tables' streams. */
  public DynamoDbStreamsClient streamsClient() {
    return DynamoDbStreamsClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(1)))
        .build();
  }

  /**
   * Deletes what DynamoDB's TTL would have deleted by {@code now}: items whose number attribute
   * {@code ttlAttribute} (epoch seconds) is at or before it. DynamoDB Local keeps such items for
   * ever, so a test that moves the clock past a retention calls this (through {@code
   * LocalStack.expireItemsPastTtl}): anything that would be gone in AWS is gone here too. Each
   * delete is conditioned on the item being still expired, as TTL's are, and shows on the stream as
   * a REMOVE.
   *
   * @return the keys deleted
   */
  public List<Map<String, AttributeValue>> deleteExpired(
      String table, List<String> keyAttributes, String ttlAttribute, Instant now) {
    Map<String, String> names = Map.of("#ttl", ttlAttribute);
    Map<String, AttributeValue> values =
        Map.of(":now", AttributeValue.fromN(Long.toString(now.getEpochSecond())));
    List<Map<String, AttributeValue>> deleted = new ArrayList<>();
    try (DynamoDbClient client = client()) {
      client
          .scanPaginator(
              r ->
                  r.tableName(table)
                      .filterExpression("#ttl <= :now")
                      .expressionAttributeNames(names)
                      .expressionAttributeValues(values)
                      .consistentRead(true))
          .items()
          .forEach(
              item -> {
                Map<String, AttributeValue> key = new HashMap<>();
                keyAttributes.forEach(name -> key.put(name, item.get(name)));
                try {
                  client.deleteItem(
                      r ->
                          r.tableName(table)
                              .key(key)
                              .conditionExpression("#ttl <= :now")
                              .expressionAttributeNames(names)
                              .expressionAttributeValues(values));
                  deleted.add(key);
                } catch (ConditionalCheckFailedException renewed) {
                  // its TTL moved on since the scan, as TTL would see
                }
              });
    }
    return deleted;
  }

  private static List<KeySchemaElement> keySchema(JsonNode schema) {
    List<KeySchemaElement> keys = new ArrayList<>();
    schema.forEach(
        k ->
            keys.add(
                KeySchemaElement.builder()
                    .attributeName(k.path("AttributeName").asText())
                    .keyType(k.path("KeyType").asText())
                    .build()));
    return keys;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // shutting down anyway
    }
  }
}
