package checkout.deployment;

import checkout.json.Json;
import checkout.log.Log;
import checkout.metrics.Invocation;
import checkout.metrics.Metric;
import checkout.metrics.Metrics;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * What writing an invocation's metrics costs a cold function: our EMF writer ({@link Metrics})
 * against aws-embedded-metrics 4.2.0 (which Powertools' metrics module builds on). Each run is a
 * fresh JVM that has already used Jackson and our log, as every function has by then; it prints the
 * milliseconds and classes the first flush adds.
 *
 * <p>{@code ./mvnw -q -o -pl deployment-tests exec:exec@metrics-cost -Djvms=10}
 */
public final class MetricsLibraryBenchmark {
  private MetricsLibraryBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--probe")) {
      probe(args[1]);
      return;
    }
    int jvms = args.length > 0 && !args[0].startsWith("$") ? Integer.parseInt(args[0]) : 10;
    System.out.printf("%-22s %12s %12s%n", "first flush, fresh JVM", "median ms", "classes");
    for (String variant : List.of("own", "aws-embedded-metrics")) {
      List<Double> millis = new ArrayList<>();
      List<Double> classes = new ArrayList<>();
      for (int i = 0; i < jvms; i++) {
        ProcessBuilder builder =
            new ProcessBuilder(
                    ProcessHandle.current().info().command().orElse("java"),
                    "-XX:+TieredCompilation",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    System.getProperty("java.class.path"),
                    MetricsLibraryBenchmark.class.getName(),
                    "--probe",
                    variant)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        // As in Lambda: the library picks its Lambda environment (stdout) from this variable.
        builder.environment().put("AWS_LAMBDA_FUNCTION_NAME", "probe");
        Process process = builder.start();
        process.getOutputStream().close();
        String[] figures =
            new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .trim()
                .split(" ");
        process.waitFor();
        millis.add(Double.parseDouble(figures[0]));
        classes.add(Double.parseDouble(figures[1]));
      }
      System.out.printf("%-22s %12.1f %12.0f%n", variant, median(millis), median(classes));
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  private static void probe(String variant) {
    PrintStream figures = System.out;
    // Both write their lines to stdout in Lambda; here they go nowhere.
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    Log.useSink((level, line) -> {});
    Log.info("warm", "jackson", Json.write(Json.object().put("warm", true)));

    ClassLoadingMXBean loading = ManagementFactory.getClassLoadingMXBean();
    long classesBefore = loading.getTotalLoadedClassCount();
    long started = System.nanoTime();
    if (variant.equals("own")) {
      try (Invocation invocation = Invocation.begin(null)) {
        Metrics.count(Metric.SESSIONS_REFUSED, "invalid_json");
        Metrics.count(Metric.FINTOC_CALLS, "2xx");
        Metrics.record(Metric.FINTOC_LATENCY, "2xx", 123);
      }
    } else {
      MetricsLogger metrics = new MetricsLogger();
      metrics.setNamespace(Metrics.NAMESPACE);
      metrics.putDimensions(DimensionSet.of("FunctionName", "probe", "Code", "invalid_json"));
      metrics.putMetric("SessionsRefused", 1, Unit.COUNT);
      metrics.flush();
      metrics.putDimensions(DimensionSet.of("FunctionName", "probe", "Outcome", "2xx"));
      metrics.putMetric("FintocCalls", 1, Unit.COUNT);
      metrics.putMetric("FintocLatency", 123, Unit.MILLISECONDS);
      metrics.flush();
    }
    double millis = (System.nanoTime() - started) / 1e6;
    figures.println(millis + " " + (loading.getTotalLoadedClassCount() - classesBefore));
  }
}
