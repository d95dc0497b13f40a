package checkout.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {
  @Test
  void aBlankValueCountsAsUnsetSoTheTemplatesBlankDefaultsAreIgnored() {
    Config config = Config.of(Map.of("DYNAMODB_ENDPOINT", "  "));

    assertThat(config.optional("DYNAMODB_ENDPOINT")).isEmpty();
    assertThat(config.uri("DYNAMODB_ENDPOINT")).isEmpty();
  }

  @Test
  void aListDropsBlankItemsAndSpaces() {
    assertThat(Config.of(Map.of("L", " https://a.example , ,https://b.example")).list("L"))
        .containsExactly("https://a.example", "https://b.example");
  }

  @Test
  void aMalformedNumberNamesTheVariable() {
    assertThatThrownBy(
            () -> Config.of(Map.of("MAX_AMOUNT_CLP", "ten")).longValue("MAX_AMOUNT_CLP", 1))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("MAX_AMOUNT_CLP");
  }

  @Test
  void automaticRefundsAreOffUnlessSetOnAndAnyOtherValueIsReportedAtInit() {
    assertThat(Settings.from(Config.of(Map.of("SESSIONS_TABLE", "t"))).automaticRefunds())
        .isFalse();
    assertThat(
            Settings.from(Config.of(Map.of("SESSIONS_TABLE", "t", "AUTOMATIC_REFUNDS", "on")))
                .automaticRefunds())
        .isTrue();
    assertThatThrownBy(
            () ->
                Settings.from(
                    Config.of(
                        Map.of(
                            "SESSIONS_TABLE",
                            "t",
                            "AUTOMATIC_REFUNDS",
                            "yes",
                            "SWEEP_PAGE_SIZE",
                            "0"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("AUTOMATIC_REFUNDS must be on or off, got 'yes'")
        .hasMessageContaining("SWEEP_PAGE_SIZE");
  }

  @Test
  void aMissingRequiredVariableNamesIt() {
    assertThatThrownBy(() -> Config.of(Map.of()).required("SESSIONS_TABLE"))
        .hasMessage("SESSIONS_TABLE must be set");
  }
}
