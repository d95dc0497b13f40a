package checkout.snapstart;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Config;
import checkout.platform.Platform;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AdapterPrimingTest {
  @Test
  void primingBuildsAndSignsTheReadButNeverSendsItAndTheNextReadStillReads() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          byte[] body =
              ("{\"ARN\": \"arn:aws:secretsmanager:us-east-1:123456789012:secret:fintoc\", "
                      + "\"SecretString\": \"{\\\"secret_key\\\": \\\"sk_test_1\\\", \\\"webhook_secret\\\": \\\"whsec_1\\\"}\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      Platform platform =
          Platform.builder(
                  Config.of(
                      Map.of(
                          "SESSIONS_TABLE",
                          "t",
                          "AWS_REGION",
                          "us-east-1",
                          "FINTOC_SECRET_ARN",
                          "fintoc",
                          "SECRETS_MANAGER_ENDPOINT",
                          "http://127.0.0.1:" + server.getAddress().getPort())))
              .build();

      AdapterPriming.secretRead(platform.secrets());
      assertThat(requests).as("requests sent by priming").hasValue(0);

      assertThat(platform.secrets().current().secretKey()).isEqualTo("sk_test_1");
      assertThat(requests).hasValue(1);
    } finally {
      server.stop(0);
    }
  }
}
