package checkout.deployment.local;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.local.LocalOptions;
import checkout.local.LocalStack;
import checkout.local.fintoc.WebhookSender;
import checkout.testing.MutableClock;
import checkout.testing.ProjectFiles;
import checkout.testing.TestStack;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** --webhook-chaos: every event twice, at once, in reverse order — and still one right outcome. */
class LocalStackChaosTest {
  static LocalStack stack;
  static StackClient client;

  @BeforeAll
  static void start() {
    stack =
        LocalStack.start(
            LocalOptions.forTests(
                    ProjectFiles.resolve("template.yaml"),
                    new MutableClock(TestStack.NOW),
                    LocalStackTest.ids("chaos"))
                .withEnvVars(ProjectFiles.resolve("env.json"))
                .withWebhookChaos(WebhookSender.Chaos.TWICE));
    client = new StackClient(stack);
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void aPaymentDeliveredTwiceAndOutOfOrderEndsPaidOnce() throws Exception {
    JsonNode created = client.create("order-chaos-paid");
    int before = stack.simulator().webhooks().attempts().size();
    client.choose(created, "succeeded");

    JsonNode session = client.settled(created.path("id").asText());

    assertThat(session.path("status").asText()).isEqualTo("finished");
    assertThat(session.path("payment_status").asText()).isEqualTo("succeeded");
    Map<String, List<Integer>> byEvent =
        stack
            .simulator()
            .webhooks()
            .attempts()
            .subList(before, stack.simulator().webhooks().attempts().size())
            .stream()
            .collect(
                Collectors.groupingBy(
                    WebhookSender.Attempt::eventId,
                    Collectors.mapping(WebhookSender.Attempt::status, Collectors.toList())));
    assertThat(byEvent)
        .hasSize(2)
        .allSatisfy((id, statuses) -> assertThat(statuses).containsExactly(200, 200));
  }

  @Test
  void aPendingPaymentThatFailsLaterEndsFailedWhateverTheOrder() throws Exception {
    JsonNode created = client.create("order-chaos-pending");
    client.choose(created, "pending");
    client.choose(created, "failed");

    JsonNode session = client.settled(created.path("id").asText());

    assertThat(session.path("status").asText()).isEqualTo("finished");
    assertThat(session.path("payment_status").asText()).isEqualTo("failed");
  }

  @Test
  void anExpiryDeliveredTwiceEndsExpired() throws Exception {
    JsonNode created = client.create("order-chaos-expired");
    client.choose(created, "expire");
    assertThat(client.settled(created.path("id").asText()).path("status").asText())
        .isEqualTo("expired");
  }
}
