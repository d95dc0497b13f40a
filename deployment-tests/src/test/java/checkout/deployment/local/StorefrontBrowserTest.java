package checkout.deployment.local;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.local.LocalOptions;
import checkout.local.LocalStack;
import checkout.testing.MutableClock;
import checkout.testing.ProjectFiles;
import checkout.testing.TestStack;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The storefront in real headless Chromium against the local stack: buy → hosted page → pay →
 * success page shows paid; the failure, cancel and pending paths too; a returning customer with a
 * RUT; a customer who leaves mid-transfer and comes back to the same checkout; a changed cart; and
 * the merchant's page refunding part of a paid order and hearing it succeed
 * (browser/storefront.test.mjs). Screenshots are kept in deployment-tests/target/screenshots.
 *
 * <p>Needs Node, Debian's chromium and {@code npm ci} in deployment-tests/browser — .ci/run
 * installs all three. Elsewhere the test is skipped with what to install, unless CI=true.
 */
class StorefrontBrowserTest {
  static final Path BROWSER_TESTS = ProjectFiles.resolve("deployment-tests/browser");

  @Test
  void aCustomerBuysPaysFailsLeavesAndComesBackInARealBrowser() throws Exception {
    String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(Path.of(chromium))) {
      missing.add("chromium (apt-get install chromium)");
    }
    if (!Files.isDirectory(BROWSER_TESTS.resolve("node_modules/playwright-core"))) {
      missing.add("playwright-core (npm ci --prefix deployment-tests/browser)");
    }
    if (!onPath("node")) {
      missing.add("node");
    }
    if (!missing.isEmpty()) {
      String message = "browser test needs " + String.join(", ", missing);
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(message);
      }
      Assumptions.abort(message);
    }

    Path screenshots = ProjectFiles.resolve("deployment-tests/target/screenshots");
    Path log = ProjectFiles.resolve("deployment-tests/target/browser-test.log");
    try (LocalStack stack =
            LocalStack.start(
                LocalOptions.forTests(
                        ProjectFiles.resolve("template.yaml"),
                        new MutableClock(TestStack.NOW),
                        LocalStackTest.ids("browser"))
                    .withEnvVars(ProjectFiles.resolve("env.json")));
        RefundsMovingOn refunds = new RefundsMovingOn(stack)) {
      // The store on localhost, the API on 127.0.0.1: two origins, so every call is a CORS call.
      ProcessBuilder node =
          new ProcessBuilder("node", "--test", "--test-reporter=spec", "storefront.test.mjs")
              .directory(BROWSER_TESTS.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      node.environment().put("STORE_URL", "http://localhost:" + stack.apiUrl().getPort());
      node.environment().put("API_URL", stack.apiUrl().toString());
      node.environment().put("SCREENSHOT_DIR", screenshots.toString());
      node.environment().put("CHROMIUM", chromium);
      node.environment().put("ORDER_SIGNING_SECRET", stack.orderSigningSecret());
      node.environment().put("STACK_NOW_MS", Long.toString(TestStack.NOW.toEpochMilli()));
      node.environment().put("FINTOC_URL", stack.fintocUrl().toString());
      node.environment().put("FINTOC_SECRET_KEY", stack.secretKey());
      Process process = node.start();
      boolean finished = process.waitFor(3, TimeUnit.MINUTES);
      if (!finished) {
        process.destroyForcibly();
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      System.out.println(output);
      assertThat(finished).as("browser test finished within 3 minutes").isTrue();
      assertThat(process.exitValue())
          .as("node --test exit status; its output:%n%s", output)
          .isZero();
      // Every case runs and passes: the changed-cart cases would skip themselves if the server
      // stopped handing out a checkout_secret, and that must fail here, not pass silently.
      assertThat(output)
          .contains("tests 14")
          .contains("fail 0")
          .contains("pass 14")
          .contains("skipped 0");
    }
    assertThat(screenshots.resolve("paid-3-success.png")).exists();
  }

  /**
   * Fintoc's refunds move on when something looks at them (SimulatedRefunds): the stack looks every
   * second only when schedules run, which tests switch off, and this stack's clock stands still. So
   * here a refund is due at once and is looked at every 200 ms, as the stack would: the browser
   * sees pending → in_progress → succeeded arrive by webhook, in about the time the stack takes.
   */
  private static final class RefundsMovingOn implements AutoCloseable {
    private final ScheduledExecutorService looks = Executors.newSingleThreadScheduledExecutor();

    RefundsMovingOn(LocalStack stack) {
      stack.simulator().refunds().timing(Duration.ZERO, Duration.ZERO);
      looks.scheduleWithFixedDelay(
          () -> {
            try {
              stack.simulator().refunds().advance();
            } catch (RuntimeException e) {
              // the stack stopping: a task that throws is never run again, so the next look tries
            }
          },
          200,
          200,
          TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
      looks.shutdownNow();
    }
  }

  private static boolean onPath(String command) throws IOException {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
