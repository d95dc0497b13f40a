package checkout.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.testing.ProjectFiles;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** What the README shows as code is the code the tests run. */
class ReadmeTest {
  @Test
  void theOrderSigningExampleIsTheFileTheBrowserTestSignsWith() throws Exception {
    String readme = Files.readString(ProjectFiles.resolve("README.md"));
    String example = Files.readString(ProjectFiles.resolve("examples/sign-order.mjs"));

    assertThat(readme).contains("```js\n" + example + "```");
  }
}
