package checkout.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import checkout.local.fintoc.WebhookSender;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocalOptionsTest {
  @Test
  void withNoFlagsTheStackUsesSamsPortsAndDynamoDbsDefault() {
    LocalOptions options = LocalOptions.parse(new String[0]);
    assertThat(options.port()).isEqualTo(3000);
    assertThat(options.lambdaPort()).isEqualTo(3001);
    assertThat(options.fintocPort()).isEqualTo(3002);
    assertThat(options.dynamodbPort()).isEqualTo(8000);
    assertThat(options.dataDir()).isNull();
    assertThat(options.webhookChaos().any()).isFalse();
  }

  @Test
  void everyFlagIsRead() {
    LocalOptions options =
        LocalOptions.parse(
            new String[] {
              "--port",
              "4000",
              "--lambda-port",
              "4001",
              "--fintoc-port",
              "4002",
              "--dynamodb-port",
              "9000",
              "--env-vars",
              "env.json",
              "--data-dir",
              ".data",
              "--webhook-chaos",
              "--fintoc-url",
              "https://api.fintoc.com",
              "--no-schedules"
            });
    assertThat(options.port()).isEqualTo(4000);
    assertThat(options.lambdaPort()).isEqualTo(4001);
    assertThat(options.fintocPort()).isEqualTo(4002);
    assertThat(options.dynamodbPort()).isEqualTo(9000);
    assertThat(options.envVars()).isEqualTo(Path.of("env.json"));
    assertThat(options.dataDir()).isEqualTo(Path.of(".data"));
    assertThat(options.webhookChaos()).isEqualTo(WebhookSender.Chaos.TWICE);
    assertThat(options.fintocUrl()).isEqualTo(URI.create("https://api.fintoc.com"));
    assertThat(options.schedules()).isFalse();
  }

  @Test
  void helpIsNotAStart() {
    assertThat(LocalOptions.parse(new String[] {"--help"})).isNull();
  }

  @Test
  void aBadPortOrAnUnknownFlagIsNamed() {
    assertThatThrownBy(() -> LocalOptions.parse(new String[] {"--port", "http"}))
        .hasMessageContaining("--port");
    assertThatThrownBy(() -> LocalOptions.parse(new String[] {"--prot", "3000"}))
        .hasMessageContaining("--prot");
    assertThatThrownBy(() -> LocalOptions.parse(new String[] {"--port"}))
        .hasMessageContaining("needs a value");
  }
}
