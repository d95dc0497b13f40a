package checkout.deployment.local;

import checkout.testing.DynamoDbLocal;
import checkout.testing.ProjectFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * How long {@code java -jar local/target/fintoc-local.jar} takes from launch to its first
 * successful request — a checkout session created through the API, CreateSession, the Fintoc
 * simulator and DynamoDB Local — over several fresh launches. Prints figures; asserts nothing.
 *
 * <p>{@code ./mvnw -q -DskipTests install && ./mvnw -q -pl deployment-tests exec:exec@local-startup
 * [-Druns=5] [-DlocalJvmArgs="..."]}
 */
public final class LocalStartupBenchmark {
  private LocalStartupBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    // The README's run command starts the JVM this way; -DlocalJvmArgs= compares other settings.
    List<String> jvmArgs =
        args.length > 1 && !args[1].isBlank() ? List.of(args[1].trim().split("\\s+")) : List.of();
    Path root = ProjectFiles.root();
    Path jar = root.resolve("local/target/fintoc-local.jar");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
    List<Long> ready = new ArrayList<>();
    List<Long> firstRequest = new ArrayList<>();
    List<Long> stop = new ArrayList<>();
    System.out.printf(
        "local stack startup, %d fresh launches of java %s-jar %s (java %s, %d cores)%n",
        runs,
        jvmArgs.isEmpty() ? "" : String.join(" ", jvmArgs) + " ",
        root.relativize(jar),
        Runtime.version(),
        Runtime.getRuntime().availableProcessors());
    for (int run = 1; run <= runs; run++) {
      int port = DynamoDbLocal.freePort();
      long start = System.nanoTime();
      List<String> command = new ArrayList<>(List.of("java"));
      command.addAll(jvmArgs);
      command.addAll(
          List.of(
              "-jar",
              jar.toString(),
              "--port",
              Integer.toString(port),
              "--lambda-port",
              Integer.toString(DynamoDbLocal.freePort()),
              "--fintoc-port",
              Integer.toString(DynamoDbLocal.freePort()),
              "--dynamodb-port",
              Integer.toString(DynamoDbLocal.freePort()),
              "--env-vars",
              "env.json",
              "--no-schedules"));
      Process process =
          new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
      CompletableFuture<Long> readyAt = new CompletableFuture<>();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader lines =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = lines.readLine()) != null; ) {
                    if (line.startsWith("Ready in")) {
                      readyAt.complete(System.nanoTime());
                    }
                  }
                } catch (Exception ignored) {
                  // the process ended
                }
              });
      reader.setDaemon(true);
      reader.start();
      HttpRequest create =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/checkout-sessions"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(StackClient.order("bench-" + run)))
              .build();
      long deadline = start + TimeUnit.SECONDS.toNanos(60);
      Long served = null;
      while (served == null && System.nanoTime() < deadline && process.isAlive()) {
        try {
          if (http.send(create, HttpResponse.BodyHandlers.discarding()).statusCode() == 201) {
            served = System.nanoTime();
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        if (served == null) {
          Thread.sleep(10); // a benchmark's poll, not a test's wait
        }
      }
      long stopStart = System.nanoTime();
      process.destroy();
      process.waitFor(30, TimeUnit.SECONDS);
      long stopped = System.nanoTime();
      if (served == null) {
        System.out.printf("run %d: no successful request within 60 s%n", run);
        continue;
      }
      long readyMs = (readyAt.getNow(served) - start) / 1_000_000;
      long firstMs = (served - start) / 1_000_000;
      ready.add(readyMs);
      firstRequest.add(firstMs);
      stop.add((stopped - stopStart) / 1_000_000);
      System.out.printf(
          "run %d: \"Ready\" after %d ms, first checkout session created after %d ms%n",
          run, readyMs, firstMs);
    }
    System.out.printf("launch → Ready line:              %s%n", summary(ready));
    System.out.printf("launch → first successful request: %s%n", summary(firstRequest));
    System.out.printf("Ctrl-C (SIGTERM) → exited:         %s%n", summary(stop));
  }

  private static String summary(List<Long> millis) {
    if (millis.isEmpty()) {
      return "no data";
    }
    List<Long> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    return String.format(
        "median %d ms (min %d, max %d, n=%d)",
        sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1), sorted.size());
  }
}
