package checkout.testing;

import checkout.local.LocalStack;
import checkout.local.dynamodb.LocalDynamoDb;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * A real DynamoDB engine (the local stack's DynamoDB Local, in memory) on a free loopback port,
 * started once per test JVM, with tables created from template.yaml's SessionsTable definition.
 */
public final class DynamoDbLocal {
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static DynamoDbLocal instance;

  private final LocalDynamoDb server;

  private DynamoDbLocal(LocalDynamoDb server) {
    this.server = server;
  }

  public static synchronized DynamoDbLocal shared() {
    if (instance == null) {
      instance = new DynamoDbLocal(LocalDynamoDb.start(freePort(), null));
      Runtime.getRuntime().addShutdownHook(new Thread(instance.server::close));
    }
    return instance;
  }

  public URI endpoint() {
    return server.endpoint();
  }

  public DynamoDbClient client(ExecutionInterceptor... interceptors) {
    return server.client(interceptors);
  }

  /** A client for the tables' streams (what the order publisher is fed from). */
  public DynamoDbStreamsClient streams() {
    return server.streamsClient();
  }

  /** A new, empty sessions table shaped as template.yaml says; returns its name. */
  public String createSessionsTable(String prefix) {
    String name = prefix + "-" + TABLES.incrementAndGet();
    server.createTable(name, ProjectFiles.template().resource("SessionsTable").path("Properties"));
    return name;
  }

  public static int freePort() {
    return LocalStack.freePort();
  }
}
