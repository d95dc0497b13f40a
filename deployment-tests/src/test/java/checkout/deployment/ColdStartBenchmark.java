package checkout.deployment;

import checkout.json.Json;
import checkout.local.eventbridge.LocalEventBus;
import checkout.local.http.Exchanges;
import checkout.local.template.SamTemplate;
import checkout.testing.FintocEvents;
import checkout.testing.HelloWorldHandler;
import checkout.testing.LambdaRunner;
import checkout.testing.OrderTokens;
import checkout.testing.ProjectFiles;
import checkout.testing.SecretsManagerStub;
import checkout.testing.SignSampleEvents;
import checkout.testing.TestCatalog;
import checkout.testing.TestStack;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Cold start, measured as Lambda runs the packages: each function's deployment jar in fresh JVMs
 * under the official Runtime Interface Client (LambdaRunner), against DynamoDB Local and the stubs,
 * next to a hello-world handler packaged and run the same way. Figures are printed as ratios to
 * that floor from the same run, because absolute times on a shared machine drift. Then each
 * function again in SnapStart's snap-start mode (see {@link LambdaRunner.Mode}). The floor's warm
 * p50 is the runner's own cost; when it is not under a millisecond the benchmark prints a WARNING
 * and exits with status 2, since every row would then carry that cost.
 *
 * <pre>
 * ./mvnw -q install -DskipTests && ./mvnw -q -pl deployment-tests exec:exec@cold-start [-Djvms=10 -Dwarm=200]
 * [-DjavaToolOptions="..."] [-Donly=GetSession,...] [-DlistClassesAfterRestore=true]</pre>
 */
public final class ColdStartBenchmark {
  record Function(
      String name, Path jar, String handler, Map<String, String> env, Supplier<String> events) {}

  record Figures(
      String name,
      long packageBytes,
      long classes,
      double initMs,
      double firstMs,
      double p50Ms,
      double p99Ms,
      long rssKib) {}

  /** Under SnapStart: what the snapshot costs once per version, and what a restore still pays. */
  record Restored(
      String name,
      long classesAfterRestore,
      double checkpointMs,
      double afterRestoreMs,
      double firstMs) {}

  /**
   * The floor's warm p50 must stay under this: hello-world does nothing, so anything above is the
   * runner's own cost (a Nagle/delayed-ACK stall made it 44 ms once), and every row would carry it.
   */
  static final double FLOOR_WARM_P50_LIMIT_MS = 1.0;

  /** Invokes of a throwaway hello-world that JIT-compile the runner's server before measuring. */
  static final int RUNNER_WARMUP_INVOKES = 2000;

  public static void main(String[] args) throws Exception {
    // Before TestStack: its stubs start the JVM's first HttpServer, which fixes the JDK's server
    // configuration for every later one, the runner's included.
    LambdaRunner.noDelayForJdkHttpServers();
    boolean floorTooSlow = false;
    int jvms = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int warm = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    List<Path> javaHomes = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"))));
    try (var dirs = Files.list(Path.of("/usr/lib/jvm"))) {
      dirs.filter(d -> d.getFileName().toString().startsWith("temurin-25"))
          .findFirst()
          .ifPresent(javaHomes::add);
    }
    try (TestStack stack = new TestStack()) {
      List<Function> functions = functions(stack);
      // -Donly=GetSession,WebhookHandler measures those (and the floor) only, to compare one change
      // quickly.
      String only = System.getProperty("only", "");
      if (!only.isBlank()) {
        List<String> names = List.of(only.split(","));
        functions.removeIf(f -> !f.name().startsWith("hello-world") && !names.contains(f.name()));
      }
      warmRunner(functions.get(0), javaHomes.get(0));
      for (Path javaHome : javaHomes) {
        System.out.printf(
            "%nJVM %s, %d fresh JVMs per function (medians), %d warm invokes%n",
            javaHome, jvms, warm);
        System.out.printf(
            "%-24s %9s %8s %9s %9s %9s %9s %8s %12s %13s%n",
            "function",
            "package",
            "classes",
            "init_ms",
            "first_ms",
            "p50_ms",
            "p99_ms",
            "rss_MiB",
            "init/floor",
            "first/floor");
        Figures floor = null;
        for (Function function : functions) {
          Figures figures = measure(function, javaHome, jvms, warm);
          if (floor == null) {
            floor = figures;
          }
          System.out.printf(
              "%-24s %8.1fM %8d %9.0f %9.0f %9.2f %9.2f %8.0f %12.2f %13.2f%n",
              figures.name(),
              figures.packageBytes() / 1e6,
              figures.classes(),
              figures.initMs(),
              figures.firstMs(),
              figures.p50Ms(),
              figures.p99Ms(),
              figures.rssKib() / 1024.0,
              figures.initMs() / floor.initMs(),
              figures.firstMs() / floor.firstMs());
          if (figures == floor && figures.p50Ms() >= FLOOR_WARM_P50_LIMIT_MS) {
            floorTooSlow = true;
            System.out.printf(
                "WARNING: the floor's warm p50 is %.2f ms, not < %.0f ms: the runner's own overhead,"
                    + " not the functions, is being measured (a Nagle/delayed-ACK stall? see"
                    + " LambdaRunner.noDelayForJdkHttpServers); the warm figures below are not"
                    + " valid%n",
                figures.p50Ms(), FLOOR_WARM_P50_LIMIT_MS);
          }
        }
        System.out.printf(
            "%nSnapStart (snap-start mode: init + priming, /restore/next, after-restore hooks; the "
                + "snapshot's own load time is not included), same JVM, floor = on-demand hello-world first invoke%n");
        System.out.printf(
            "%-24s %15s %14s %17s %9s %13s%n",
            "function",
            "checkpoint_ms",
            "classes_after",
            "after_restore_ms",
            "first_ms",
            "first/floor");
        for (Function function : functions.subList(1, functions.size())) {
          Restored restored = measureSnapStart(function, javaHome, jvms);
          System.out.printf(
              "%-24s %15.0f %14d %17.1f %9.0f %13.2f%n",
              restored.name(),
              restored.checkpointMs(),
              restored.classesAfterRestore(),
              restored.afterRestoreMs(),
              restored.firstMs(),
              restored.firstMs() / floor.firstMs());
        }
      }
    }
    if (floorTooSlow) {
      System.out.printf(
          "%nWARNING: floor warm p50 not < %.0f ms (see above); exiting with status 2%n",
          FLOOR_WARM_P50_LIMIT_MS);
    }
    System.exit(floorTooSlow ? 2 : 0);
  }

  /**
   * The runner's server runs in this JVM and starts interpreted; measured first, the floor's 100
   * warm invokes would pay its JIT warm-up (p50 ~1.5 ms instead of ~0.6 ms). Its function JVM is
   * thrown away, so each measured function still starts cold.
   */
  static void warmRunner(Function floor, Path javaHome) throws Exception {
    try (LambdaRunner runner =
        LambdaRunner.start(floor.jar(), floor.handler(), floor.env(), javaHome)) {
      for (int i = 0; i < RUNNER_WARMUP_INVOKES; i++) {
        runner.invoke(floor.events().get());
      }
    }
  }

  static Figures measure(Function f, Path javaHome, int jvms, int warm) throws Exception {
    List<Double> inits = new ArrayList<>();
    List<Double> firsts = new ArrayList<>();
    List<Double> warmTimes = new ArrayList<>();
    long rss = 0;
    for (int run = 0; run < jvms; run++) {
      try (LambdaRunner runner = LambdaRunner.start(f.jar(), f.handler(), f.env(), javaHome)) {
        inits.add(
            runner.initNanos() / 1e6); // waits for init to finish, so "first" is the invoke alone
        LambdaRunner.Result first = runner.invoke(f.events().get());
        firsts.add(first.nanos() / 1e6);
        if (run == 0) {
          for (int i = 0; i < warm; i++) {
            warmTimes.add(runner.invoke(f.events().get()).nanos() / 1e6);
          }
          rss = runner.peakRssKib();
        }
      }
    }
    Path classLog = Files.createTempFile("classes", ".log");
    try (LambdaRunner runner =
        LambdaRunner.start(
            f.jar(),
            f.handler(),
            f.env(),
            javaHome,
            List.of("-Xlog:class+load=info:file=" + classLog))) {
      runner.invoke(f.events().get());
    }
    long classes = Files.readAllLines(classLog).size();
    Collections.sort(warmTimes);
    return new Figures(
        f.name(),
        Files.size(f.jar()),
        classes,
        median(inits),
        median(firsts),
        warmTimes.isEmpty() ? 0 : warmTimes.get(warmTimes.size() / 2),
        warmTimes.isEmpty() ? 0 : warmTimes.get((int) Math.ceil(warmTimes.size() * 0.99) - 1),
        rss);
  }

  static Restored measureSnapStart(Function f, Path javaHome, int jvms) throws Exception {
    List<Double> checkpoints = new ArrayList<>();
    List<Double> afterRestores = new ArrayList<>();
    List<Double> firsts = new ArrayList<>();
    for (int run = 0; run < jvms; run++) {
      try (LambdaRunner runner =
          LambdaRunner.start(
              f.jar(), f.handler(), f.env(), javaHome, List.of(), LambdaRunner.Mode.SNAP_START)) {
        checkpoints.add(runner.checkpointNanos() / 1e6);
        afterRestores.add(runner.afterRestoreNanos() / 1e6);
        firsts.add(runner.invoke(f.events().get()).nanos() / 1e6);
      }
    }
    Path classLog = Files.createTempFile("classes", ".log");
    long classesAfterRestore;
    try (LambdaRunner runner =
        LambdaRunner.start(
            f.jar(),
            f.handler(),
            f.env(),
            javaHome,
            List.of("-Xlog:class+load=info:file=" + classLog),
            LambdaRunner.Mode.SNAP_START)) {
      runner.afterRestoreNanos(); // the runtime waits for an event: everything before is in the
      // snapshot
      int atRestore = Files.readAllLines(classLog).size();
      runner.invoke(f.events().get());
      List<String> loaded = Files.readAllLines(classLog);
      classesAfterRestore = loaded.size() - atRestore;
      if (Boolean.getBoolean("listClassesAfterRestore")) {
        // What priming still misses: the classes a restored environment loads on its first request.
        loaded
            .subList(atRestore, loaded.size())
            .forEach(line -> System.out.println(f.name() + " " + line));
      }
    }
    return new Restored(
        f.name(), classesAfterRestore, median(checkpoints), median(afterRestores), median(firsts));
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  static List<Function> functions(TestStack stack) throws Exception {
    SamTemplate template = ProjectFiles.template();
    var config = stack.config("coldstart", Map.of());
    TestCatalog.loadExampleStore(stack, config);
    Map<String, String> overrides = new HashMap<>(TestStack.functionOverrides(config));
    // -DjavaToolOptions=... replaces the template's JAVA_TOOL_OPTIONS everywhere, to compare
    // settings.
    String javaToolOptions =
        System.getProperty(
            "javaToolOptions",
            template.environment("GetSessionFunction", Map.of()).get("JAVA_TOOL_OPTIONS"));
    overrides.put("JAVA_TOOL_OPTIONS", javaToolOptions);

    List<Function> functions = new ArrayList<>();
    functions.add(
        new Function(
            "hello-world (floor)",
            helloWorldJar(),
            HelloWorldHandler.class.getName() + "::handleRequest",
            Map.of("JAVA_TOOL_OPTIONS", javaToolOptions),
            () -> "{}"));
    AtomicInteger counter = new AtomicInteger();
    String create = Files.readString(ProjectFiles.resolve("events/create-session.json"));
    functions.add(
        function(
            template,
            "CreateSessionFunction",
            overrides,
            () -> {
              // A new order each time: the full path (claim, Fintoc, store), not an idempotent
              // replay.
              ObjectNode event = (ObjectNode) Json.parse(create);
              ((ObjectNode) event.get("headers"))
                  .put("idempotency-key", "bench-" + counter.incrementAndGet());
              return Json.write(event);
            }));
    functions.add(
        function(
            template,
            "CreateSessionFunction",
            "CreateSession-signed",
            overrides,
            () -> {
              // A new signed order each time (its order_id is its idempotency scope).
              ObjectNode claims =
                  SignSampleEvents.signedOrderClaims(Instant.now().getEpochSecond())
                      .put("order_id", "bench-" + counter.incrementAndGet());
              ObjectNode event = (ObjectNode) Json.parse(create);
              event.put(
                  "body",
                  Json.write(
                      Json.object()
                          .put(
                              "order_token",
                              OrderTokens.sign(claims, SecretsManagerStub.ORDER_SIGNING_SECRET))
                          .put("success_url", "http://localhost:3000/success.html")
                          .put("cancel_url", "http://localhost:3000/cancel.html")));
              return Json.write(event);
            }));
    String get = Files.readString(ProjectFiles.resolve("events/get-session.json"));
    functions.add(function(template, "GetSessionFunction", overrides, () -> get));
    String prices = Files.readString(ProjectFiles.resolve("events/list-prices.json"));
    functions.add(function(template, "ListPricesFunction", overrides, () -> prices));
    functions.add(
        function(
            template,
            "WebhookHandlerFunction",
            overrides,
            () -> {
              int n = counter.incrementAndGet();
              try {
                return SignSampleEvents.render(
                    FintocEvents.paymentIntent("evt_bench_" + n, "succeeded", "pi_bench_" + n),
                    SecretsManagerStub.WEBHOOK_SECRET,
                    Instant.now().getEpochSecond());
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            }));
    String sweep = Files.readString(ProjectFiles.resolve("events/expiry-sweeper.json"));
    functions.add(function(template, "ExpirySweeperFunction", overrides, () -> sweep));
    // The stream sample (one session becoming paid) onto a PutEvents stand-in that lives as long
    // as the benchmark.
    LocalEventBus bus = new LocalEventBus(null, null, Clock.systemUTC());
    HttpServer eventBridge = Exchanges.serve(0, "eventbridge", bus::handle);
    Map<String, String> publisherOverrides = new HashMap<>(overrides);
    publisherOverrides.put(
        "EVENTBRIDGE_ENDPOINT", "http://127.0.0.1:" + eventBridge.getAddress().getPort());
    String stream = Files.readString(ProjectFiles.resolve("events/order-publisher.json"));
    functions.add(function(template, "OrderPublisherFunction", publisherOverrides, () -> stream));
    return functions;
  }

  static Function function(
      SamTemplate template, String id, Map<String, String> overrides, Supplier<String> events) {
    return function(template, id, id.replace("Function", ""), overrides, events);
  }

  static Function function(
      SamTemplate template,
      String id,
      String name,
      Map<String, String> overrides,
      Supplier<String> events) {
    return new Function(
        name,
        ProjectFiles.resolve(template.functionProperty(id, "CodeUri").asText()),
        template.functionProperty(id, "Handler").asText(),
        template.environment(id, overrides),
        events);
  }

  /** HelloWorldHandler and aws-lambda-java-core, nothing else: what a trivial function ships. */
  static Path helloWorldJar() throws Exception {
    Path jar = Files.createTempFile("hello-world", ".jar");
    Path core =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(Path::of)
            .filter(p -> p.getFileName().toString().startsWith("aws-lambda-java-core"))
            .findFirst()
            .orElseThrow();
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        JarFile coreJar = new JarFile(core.toFile())) {
      String hello = HelloWorldHandler.class.getName().replace('.', '/') + ".class";
      out.putNextEntry(new JarEntry(hello));
      try (InputStream in = HelloWorldHandler.class.getClassLoader().getResourceAsStream(hello)) {
        in.transferTo(out);
      }
      for (JarEntry entry : Collections.list(coreJar.entries())) {
        if (entry.getName().endsWith(".class")) {
          out.putNextEntry(new JarEntry(entry.getName()));
          try (InputStream in = coreJar.getInputStream(entry)) {
            in.transferTo(out);
          }
        }
      }
    }
    return jar;
  }
}
