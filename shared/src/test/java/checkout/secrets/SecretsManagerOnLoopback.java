package checkout.secrets;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Secrets Manager's wire format on loopback, for the shared module's own tests. */
public final class SecretsManagerOnLoopback {
  private SecretsManagerOnLoopback() {}

  /**
   * A Secrets Manager on loopback that answers the secret, or fails while {@code failing} is set.
   */
  public static HttpServer start(AtomicInteger requests, AtomicBoolean failing) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          byte[] body =
              (failing.get()
                      ? "{\"__type\": \"InternalServiceError\", \"Message\": \"unavailable\"}"
                      : "{\"ARN\": \"arn:aws:secretsmanager:us-east-1:123456789012:secret:fintoc\", "
                          + "\"SecretString\": \"{\\\"secret_key\\\": \\\"sk_test_1\\\", \\\"webhook_secret\\\": \\\"whsec_1\\\"}\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
          exchange.sendResponseHeaders(failing.get() ? 500 : 200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    return server;
  }
}
