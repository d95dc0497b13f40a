package checkout.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Runs a function's deployment package as the Lambda Java runtime does: the package unpacked into a
 * task root, a fresh JVM whose entry point is the official Runtime Interface Client, and a loopback
 * implementation of the Lambda Runtime API that serves events and collects results. Test support
 * only; never shipped in a function.
 */
public final class LambdaRunner implements AutoCloseable {
  private static final String API = "/2018-06-01/runtime";

  static {
    noDelayForJdkHttpServers();
  }

  /**
   * Sets TCP_NODELAY for the JDK's HTTP servers. Its server writes an answer's headers and body as
   * two segments; with Nagle on, the body waits for the ACK of the headers, which the RIC's client
   * delays ~40 ms — a fixed 40 ms added to every measured invoke. The JDK reads the property once,
   * when the first {@link HttpServer} of the JVM is created (its {@code ServerConfig}), so setting
   * it here, at this class's initialization, is too late in a JVM that started a stub server
   * before: callers that start other servers first (the benchmark's stack) call this before them.
   */
  public static void noDelayForJdkHttpServers() {
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final BlockingQueue<Invocation> queue = new LinkedBlockingQueue<>();
  private final Map<String, CompletableFuture<String>> pending = new ConcurrentHashMap<>();
  private final CompletableFuture<Long> firstNext = new CompletableFuture<>();
  private final CompletableFuture<Long> restoreNext = new CompletableFuture<>();
  private final CompletableFuture<String> initError = new CompletableFuture<>();
  private final AtomicInteger credentialReads = new AtomicInteger();
  private final List<String> requestIds = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final String credentialsToken = UUID.randomUUID().toString();
  private final Process process;
  private final long startedNanos;
  private final Path taskRoot;

  private record Invocation(String id, String event) {}

  /** What one invocation returned, and how long it took from the event being served. */
  public record Result(String body, long nanos) {}

  /**
   * The function failed the invocation (the runtime's {@code /error} call, what Lambda counts as an
   * Error): {@code body} is the runtime's JSON, with {@code errorType} and {@code errorMessage}.
   */
  public static final class FunctionError extends IllegalStateException {
    private final String body;

    FunctionError(String body) {
      super("function error: " + body);
      this.body = body;
    }

    public String body() {
      return body;
    }
  }

  /**
   * How Lambda starts the environment. {@code SNAP_START} is how it publishes a SnapStart version
   * and resumes it: init, then the runtime's before-checkpoint hooks, then {@code /restore/next}
   * (where Lambda snapshots, and later resumes), then the after-restore hooks, then events. Here
   * the snapshot is not taken — the same JVM simply goes on — so what is measured after the restore
   * is the first invocation as a restored environment has it, without the time to load the snapshot
   * itself. As under SnapStart, the runtime supplies container credentials ({@code
   * AWS_CONTAINER_CREDENTIALS_FULL_URI}), not access-key variables.
   */
  public enum Mode {
    ON_DEMAND,
    SNAP_START
  }

  /**
   * @param jar the deployment package, as template.yaml's CodeUri names it
   * @param handler as template.yaml's Handler ({@code pkg.Class::method})
   * @param environment the function's variables (template plus overrides), as Lambda sets them
   * @param javaHome the JDK to run it on (the runtime image's Java version)
   */
  public static LambdaRunner start(
      Path jar, String handler, Map<String, String> environment, Path javaHome) {
    return start(jar, handler, environment, javaHome, List.of());
  }

  /**
   * @param jvmOptions extra options for the function's JVM (e.g. class-load logging)
   */
  public static LambdaRunner start(
      Path jar,
      String handler,
      Map<String, String> environment,
      Path javaHome,
      List<String> jvmOptions) {
    return start(jar, handler, environment, javaHome, jvmOptions, Mode.ON_DEMAND);
  }

  public static LambdaRunner start(
      Path jar,
      String handler,
      Map<String, String> environment,
      Path javaHome,
      List<String> jvmOptions,
      Mode mode) {
    try {
      return new LambdaRunner(jar, handler, environment, javaHome, jvmOptions, mode);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private LambdaRunner(
      Path jar,
      String handler,
      Map<String, String> environment,
      Path javaHome,
      List<String> jvmOptions,
      Mode mode)
      throws IOException {
    taskRoot = Files.createTempDirectory("lambda-task");
    unzip(jar, taskRoot);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "runtime-api");
              t.setDaemon(true);
              return t;
            }));
    server.createContext(API + "/invocation/next", this::next);
    server.createContext(API + "/invocation/", this::result);
    server.createContext(
        API + "/init/error",
        exchange -> {
          initError.complete(
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          respond(exchange, 202, "");
        });
    server.createContext(
        API + "/restore/next",
        exchange -> {
          restoreNext.complete(System.nanoTime());
          respond(exchange, 200, "");
        });
    server.createContext(
        API + "/restore/error",
        exchange -> {
          initError.complete(
              "restore error: "
                  + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          respond(exchange, 202, "");
        });
    server.createContext("/credentials", this::credentials);
    server.start();

    Map<String, String> env = new HashMap<>();
    env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + server.getAddress().getPort());
    env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
    env.put("LAMBDA_RUNTIME_DIR", taskRoot.toString());
    env.put("_HANDLER", handler);
    env.put("AWS_LAMBDA_FUNCTION_NAME", "local-function");
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
    env.put("AWS_LAMBDA_LOG_FORMAT", "JSON");
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_DEFAULT_REGION", "us-east-1");
    if (mode == Mode.SNAP_START) {
      env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start");
      env.put(
          "AWS_CONTAINER_CREDENTIALS_FULL_URI",
          "http://127.0.0.1:" + server.getAddress().getPort() + "/credentials");
      env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", credentialsToken);
    } else {
      env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
      env.put("AWS_ACCESS_KEY_ID", "test");
      env.put("AWS_SECRET_ACCESS_KEY", "test");
      env.put("AWS_SESSION_TOKEN", "test");
    }
    env.put("TZ", ":UTC");
    env.putAll(environment);

    List<String> command = new ArrayList<>();
    command.add(javaHome.resolve("bin/java").toString());
    // As Lambda's Java runtime starts the JVM: its GC, and org.crac bound to the runtime's hooks.
    command.add("-XX:+UseSerialGC");
    command.add("-Xshare:auto");
    command.add("-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac");
    command.add("-Djava.net.preferIPv4Stack=true");
    // As Lambda's launcher: the RIC loads its JNI client, which JDK 24+ warns about otherwise.
    command.add("--enable-native-access=ALL-UNNAMED");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(runtimeClasspath());
    command.add("com.amazonaws.services.lambda.runtime.api.client.AWSLambda");
    command.add(handler);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(
                    taskRoot.resolveSibling(taskRoot.getFileName() + ".log").toFile()));
    // The RIC loads user code from its working directory, which is /var/task in Lambda.
    builder.directory(taskRoot.toFile());
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().putAll(env);
    startedNanos = System.nanoTime();
    process = builder.start();
  }

  /**
   * The JDK closest to a Lambda runtime ({@code java25} → a JDK 25 under /usr/lib/jvm), or the JDK
   * running the tests when that version is not installed (the packages are bytecode 17).
   */
  public static Path javaHomeFor(String runtime) {
    String version = runtime.replaceAll("\\D", "");
    try (var homes = Files.list(Path.of("/usr/lib/jvm"))) {
      return homes
          .filter(home -> home.getFileName().toString().matches(".*\\D" + version + "(\\D.*)?"))
          .filter(home -> Files.isExecutable(home.resolve("bin/java")))
          .sorted()
          .findFirst()
          .orElse(Path.of(System.getProperty("java.home")));
    } catch (IOException e) {
      return Path.of(System.getProperty("java.home"));
    }
  }

  /**
   * The RIC and what it needs, as the managed runtime has them: its own jars, not the function's.
   */
  private static String runtimeClasspath() {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      if (name.startsWith("aws-lambda-java-runtime-interface-client")
          || name.startsWith("aws-lambda-java-serialization")
          || name.startsWith("aws-lambda-java-core")) {
        entries.add(entry);
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  /** Time from JVM start to the runtime's first request for an event: Lambda's init phase. */
  public long initNanos() throws Exception {
    return firstNext.get(60, TimeUnit.SECONDS) - startedNanos;
  }

  /**
   * SnapStart only: JVM start to {@code /restore/next} — init plus the before-checkpoint hooks,
   * what Lambda runs once per published version, while no request waits.
   */
  public long checkpointNanos() throws Exception {
    return restoreNext.get(60, TimeUnit.SECONDS) - startedNanos;
  }

  /** SnapStart only: from the restore to the first {@code /next} — the after-restore hooks. */
  public long afterRestoreNanos() throws Exception {
    return firstNext.get(60, TimeUnit.SECONDS) - restoreNext.get(60, TimeUnit.SECONDS);
  }

  /** How often the function asked the container-credentials endpoint (SnapStart mode). */
  public int credentialReads() {
    return credentialReads.get();
  }

  /** The request ids of the invocations so far, in order. */
  public List<String> requestIds() {
    return List.copyOf(requestIds);
  }

  public Result invoke(String event) throws Exception {
    String id = UUID.randomUUID().toString();
    requestIds.add(id);
    CompletableFuture<String> result = new CompletableFuture<>();
    pending.put(id, result);
    long started = System.nanoTime();
    queue.put(new Invocation(id, event));
    try {
      String body =
          CompletableFuture.anyOf(
                  result,
                  initError.thenApply(
                      e -> {
                        throw new IllegalStateException("init error: " + e);
                      }))
              .thenApply(String.class::cast)
              .get(60, TimeUnit.SECONDS);
      return new Result(body, System.nanoTime() - started);
    } catch (TimeoutException e) {
      throw new IllegalStateException("no answer in 60 s; log: " + log(), e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof FunctionError error) {
        throw error;
      }
      throw e;
    }
  }

  public String log() throws IOException {
    Path log = taskRoot.resolveSibling(taskRoot.getFileName() + ".log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /** Peak resident memory of the function's JVM so far, in KiB (Linux VmHWM). */
  public long peakRssKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private void next(HttpExchange exchange) throws IOException {
    firstNext.complete(System.nanoTime());
    Invocation invocation;
    try {
      invocation = queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    // The RIC's native client crashes on a /next answer without Content-Type.
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", invocation.id());
    exchange
        .getResponseHeaders()
        .add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 300_000));
    exchange
        .getResponseHeaders()
        .add(
            "Lambda-Runtime-Invoked-Function-Arn",
            "arn:aws:lambda:us-east-1:123456789012:function:local-function");
    exchange
        .getResponseHeaders()
        .add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000");
    respond(exchange, 200, invocation.event());
  }

  /**
   * The container-credentials endpoint, in the shape the SDK's ContainerCredentialsProvider reads.
   */
  private void credentials(HttpExchange exchange) throws IOException {
    if (!credentialsToken.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      respond(exchange, 403, "{\"message\": \"bad authorization token\"}");
      return;
    }
    credentialReads.incrementAndGet();
    String expiration = Instant.now().plusSeconds(3600).truncatedTo(ChronoUnit.SECONDS).toString();
    respond(
        exchange,
        200,
        "{\"AccessKeyId\": \"test\", \"SecretAccessKey\": \"test\", \"Token\": \"test\", "
            + "\"Expiration\": \""
            + expiration
            + "\"}");
  }

  private void result(HttpExchange exchange) throws IOException {
    String[] parts =
        exchange.getRequestURI().getPath().substring((API + "/invocation/").length()).split("/");
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    CompletableFuture<String> result = pending.remove(parts[0]);
    if (result != null) {
      if (parts.length > 1 && parts[1].equals("response")) {
        result.complete(body);
      } else {
        result.completeExceptionally(new FunctionError(body));
      }
    }
    respond(exchange, 202, "");
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
  }

  private static void unzip(Path jar, Path target) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      Enumeration<JarEntry> entries = file.entries();
      while (entries.hasMoreElements()) {
        JarEntry entry = entries.nextElement();
        Path out = target.resolve(entry.getName()).normalize();
        if (!out.startsWith(target)) {
          continue;
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          try (InputStream in = file.getInputStream(entry)) {
            Files.copy(in, out);
          }
        }
      }
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.stop(0);
  }
}
