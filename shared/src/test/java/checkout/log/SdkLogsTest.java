package checkout.log;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.json.Json;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SdkLogsTest {
  final List<String> lines = new CopyOnWriteArrayList<>();
  final List<LogLevel> levels = new CopyOnWriteArrayList<>();
  Log.Sink previous;

  @BeforeEach
  void capture() {
    previous =
        Log.useSink(
            (level, line) -> {
              levels.add(level);
              lines.add(line);
            });
    Log.begin(null);
  }

  @AfterEach
  void restore() {
    Log.useSink(previous);
    Log.begin(null);
  }

  @Test
  void theSdksWarningsReachOurJsonLogWithTheInvocationsTagsThroughSlf4j() {
    Log.tag("session_id", "cs_1");

    LoggerFactory.getLogger("software.amazon.awssdk.core.retry")
        .warn("Retrying {} after {} ms", "GetItem", 40);

    assertThat(lines).hasSize(1);
    JsonNode line = Json.parse(lines.get(0));
    assertThat(line.path("event").asText()).isEqualTo(SdkLogs.EVENT);
    assertThat(line.path("level").asText()).isEqualTo("WARN");
    assertThat(line.path("logger").asText()).isEqualTo("software.amazon.awssdk.core.retry");
    assertThat(line.path("message").asText()).isEqualTo("Retrying GetItem after 40 ms");
    assertThat(line.path("session_id").asText()).isEqualTo("cs_1");
  }

  @Test
  void theSdksErrorsCarryTheirExceptionAndItsDebugAndInfoChatterIsOff() {
    var logger = LoggerFactory.getLogger("software.amazon.awssdk.request");
    logger.debug("request {}", 1);
    logger.info("response {}", 2);
    logger.error("Unable to load credentials", new IllegalStateException("no profile"));

    assertThat(lines).hasSize(1);
    JsonNode line = Json.parse(lines.get(0));
    assertThat(levels).containsExactly(LogLevel.ERROR);
    assertThat(line.path("error").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(line.path("error_message").asText()).isEqualTo("no profile");
  }

  @Test
  void slf4jFindsThisBindingSoItPrintsNoWarningAtStart() {
    assertThat(LoggerFactory.getILoggerFactory()).isInstanceOf(SdkLogs.class);
  }
}
