package checkout.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import checkout.json.Json;
import checkout.log.Log;
import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsTest {
  final List<String> lines = new CopyOnWriteArrayList<>();
  Log.Sink previous;

  @BeforeEach
  void capture() {
    previous = Log.useSink((level, line) -> lines.add(line));
  }

  @AfterEach
  void restore() {
    Log.useSink(previous);
    Metrics.clear();
  }

  static Context requestId(String id) {
    return (Context)
        Proxy.newProxyInstance(
            Context.class.getClassLoader(),
            new Class<?>[] {Context.class},
            (proxy, method, args) -> method.getName().equals("getAwsRequestId") ? id : null);
  }

  JsonNode line(int i) {
    return Json.parse(lines.get(i));
  }

  @Test
  void anInvocationWritesItsCountsAsOneEmfLinePerDimensionValueWithItsRequestId() {
    try (Invocation invocation = Invocation.begin(requestId("req-1"))) {
      Metrics.count(Metric.SESSIONS_CREATED);
      Metrics.count(Metric.SESSIONS_REFUSED, "invalid_json");
      Metrics.count(Metric.SESSIONS_REFUSED, "invalid_json");
      Metrics.count(Metric.SESSIONS_REFUSED, "unknown_price");
    }

    assertThat(lines).hasSize(3);
    JsonNode created = line(0);
    assertThat(created.path("SessionsCreated").asDouble()).isEqualTo(1);
    assertThat(created.path(Log.REQUEST_ID).asText()).isEqualTo("req-1");
    assertThat(created.path(Metrics.FUNCTION_DIMENSION).asText()).isEqualTo("local");
    JsonNode directive = created.at("/_aws/CloudWatchMetrics/0");
    assertThat(directive.path("Namespace").asText()).isEqualTo(Metrics.NAMESPACE);
    assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"FunctionName\"]]");
    assertThat(directive.at("/Metrics/0/Unit").asText()).isEqualTo("Count");
    assertThat(created.at("/_aws/Timestamp").isNumber()).isTrue();

    JsonNode refused = line(1);
    assertThat(refused.path("Code").asText()).isEqualTo("invalid_json");
    assertThat(refused.path("SessionsRefused").asDouble()).isEqualTo(2);
    assertThat(refused.at("/_aws/CloudWatchMetrics/0/Dimensions").toString())
        .as("by code, and by function alone so an alarm can watch any code")
        .isEqualTo("[[\"FunctionName\",\"Code\"],[\"FunctionName\"]]");
    assertThat(line(2).path("Code").asText()).isEqualTo("unknown_price");
  }

  @Test
  void latenciesAreKeptAsADistributionBesideTheirCountsUnderTheSameOutcome() {
    try (Invocation invocation = Invocation.begin(requestId("req-2"))) {
      Metrics.count(Metric.FINTOC_CALLS, "5xx");
      Metrics.record(Metric.FINTOC_LATENCY, "5xx", 120);
      Metrics.count(Metric.FINTOC_CALLS, "5xx");
      Metrics.record(Metric.FINTOC_LATENCY, "5xx", 80);
    }

    assertThat(lines).hasSize(1);
    assertThat(line(0).path("FintocCalls").asDouble()).isEqualTo(2);
    assertThat(line(0).path("FintocLatency").toString()).isEqualTo("[120,80]");
    assertThat(line(0).at("/_aws/CloudWatchMetrics/0/Metrics/1/Unit").asText())
        .isEqualTo("Milliseconds");
  }

  @Test
  void whatPrimingRecordedBeforeTheFirstInvocationIsNeverWritten() {
    Metrics.count(Metric.SESSIONS_REFUSED, "invalid_json");

    try (Invocation invocation = Invocation.begin(requestId("req-3"))) {
      Metrics.count(Metric.SESSIONS_CREATED);
    }

    assertThat(lines).hasSize(1);
    assertThat(line(0).has("SessionsRefused")).isFalse();
  }

  @Test
  void anInvocationThatRecordedNothingWritesNothing() {
    try (Invocation invocation = Invocation.begin(requestId("req-4"))) {
      Log.info("hello");
    }

    assertThat(lines).hasSize(1);
    assertThat(line(0).path("event").asText()).isEqualTo("hello");
    assertThat(line(0).path(Log.REQUEST_ID).asText()).isEqualTo("req-4");
  }

  @Test
  void aMetricIsRecordedWithItsOwnDimensionOrWithoutOneNeverTheWrongWay() {
    assertThatThrownBy(() -> Metrics.count(Metric.SESSIONS_REFUSED))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Metrics.count(Metric.SESSIONS_CREATED, "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
