package checkout.snapstart;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.config.Config;
import checkout.platform.Platform;
import checkout.secrets.SecretsManagerOnLoopback;
import com.sun.net.httpserver.HttpServer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AdapterPrimingTest {
  @Test
  void primingBuildsAndSignsTheReadButNeverSendsItAndTheNextReadStillReads() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = SecretsManagerOnLoopback.start(requests, new AtomicBoolean());
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
