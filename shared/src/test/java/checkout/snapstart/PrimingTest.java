package checkout.snapstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import checkout.log.Log;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PrimingTest {
  final List<String> lines = new ArrayList<>();
  final Log.Sink previous = Log.useSink((level, line) -> lines.add(level + " " + line));

  @AfterEach
  void restoreLog() {
    Log.useSink(previous);
  }

  @Test
  void theBeforeCheckpointHookRunsThePrimingAndLogsHowLongItTook() {
    List<String> ran = new ArrayList<>();
    Priming priming = Priming.register("GetSession", () -> ran.add("primed"));

    priming.beforeCheckpoint(null);

    assertThat(ran).containsExactly("primed");
    assertThat(lines)
        .singleElement()
        .asString()
        .startsWith("INFO ")
        .contains("\"event\":\"snapstart_primed\"")
        .contains("\"function\":\"GetSession\"")
        .contains("\"ms\":");
  }

  @Test
  void aPrimingThatFailsIsLoggedAndNeverFailsTheSnapshot() {
    Priming priming =
        Priming.register(
            "CreateSession",
            () -> {
              throw new IllegalStateException("DynamoDB unreachable");
            });

    assertThatCode(() -> priming.beforeCheckpoint(null)).doesNotThrowAnyException();

    assertThat(lines)
        .singleElement()
        .asString()
        .startsWith("WARN ")
        .contains("\"event\":\"snapstart_priming_failed\"")
        .contains("DynamoDB unreachable");
  }
}
