package checkout.local.lambda;

import checkout.json.Json;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One function of the template run in-process the way Lambda runs it: its deployment jar (the
 * template's CodeUri) on a class loader of its own whose parent sees only the JDK — so a class
 * missing from the package fails here as it would in Lambda — its handler built from its own
 * environment, and each event turned into the handler's type by Lambda's own serializers.
 *
 * <p>Like Lambda's execution environments, an instance serves one invocation at a time; a request
 * arriving while all are busy gets a new instance — its handler built anew (the init of a cold
 * start) on the classes the function loaded once, the way a SnapStart environment resumes with its
 * classes already loaded. (A class loader per instance made every concurrent request under load
 * re-load ~5 000 classes: seconds each on two cores, docs/reliability.md.)
 */
public final class LocalFunction {
  /** What the template says about a function, with its environment already resolved. */
  public record Definition(
      String name,
      Path jar,
      String handler,
      Map<String, String> environment,
      int timeoutSeconds,
      int memoryMb) {}

  /** A payload, or Lambda's error document when {@code error} is set. */
  public record Result(byte[] payload, boolean error) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  private static final String GLOBAL_INTERCEPTORS =
      "software/amazon/awssdk/global/handlers/execution.interceptors";

  private final Definition definition;
  private final Clock clock;
  private final Deque<Instance> idle = new ConcurrentLinkedDeque<>();

  /** The function's classes, loaded once, on the first instance's init. */
  private volatile Loaded loaded;

  private final AtomicInteger instancesStarted = new AtomicInteger();

  public LocalFunction(Definition definition, Clock clock) {
    this.definition = definition;
    this.clock = clock;
  }

  public String name() {
    return definition.name();
  }

  public Definition definition() {
    return definition;
  }

  /** How many execution environments it has started (cold starts, the warm one included). */
  public int instancesStarted() {
    return instancesStarted.get();
  }

  public Result invoke(byte[] event) {
    Instance instance = idle.pollFirst();
    if (instance == null) {
      try {
        instance = new Instance();
      } catch (Throwable initFailure) {
        Throwable cause =
            initFailure instanceof InvocationTargetException ite ? ite.getCause() : initFailure;
        System.err.printf("[%s] init failed: %s%n", definition.name(), stackTrace(cause));
        return new Result(errorDocument(cause), true);
      }
    }
    try {
      Result result = instance.invoke(event);
      idle.offerFirst(instance);
      return result;
    } catch (Throwable unexpected) {
      // The instance may be in any state now; Lambda would discard the environment too, so it
      // does not go back to the idle ones.
      return new Result(errorDocument(unexpected), true);
    }
  }

  /** Starts one instance ahead of the first request (its init is then off the request's path). */
  public void warm() {
    try {
      idle.offerFirst(new Instance());
    } catch (Throwable initFailure) {
      // The first invocation tries again and reports the failure as Lambda would.
    }
  }

  /** Releases the function's classes. */
  public void close() {
    idle.clear();
    Loaded classes = loaded;
    if (classes != null) {
      try {
        classes.loader.close();
      } catch (Exception ignored) {
        // nothing left to release
      }
    }
  }

  private Loaded loaded() throws Exception {
    Loaded classes = loaded;
    if (classes == null) {
      synchronized (this) {
        if (loaded == null) {
          loaded = new Loaded();
        }
        classes = loaded;
      }
    }
    return classes;
  }

  /**
   * The function's deployment jar on a class loader of its own, whose parent sees only the JDK: a
   * class missing from the package fails here as in Lambda.
   */
  private final class Loaded {
    private final URLClassLoader loader;
    private final Class<?> handlerClass;
    private final Method method;
    private final boolean stream;
    private final PojoSerializer<Object> input;
    private final PojoSerializer<Object> output;
    private final Class<?> contextType;
    private final Class<?> loggerType;

    Loaded() throws Exception {
      if (!Files.isRegularFile(definition.jar())) {
        throw new IllegalStateException(
            definition.jar() + " does not exist: run ./mvnw -DskipTests package first");
      }
      loader = new URLClassLoader(definition.name(), classPath(), JdkClassLoader.INSTANCE);
      String[] parts = definition.handler().split("::");
      String methodName = parts.length > 1 ? parts[1] : "handleRequest";
      Thread thread = Thread.currentThread();
      ClassLoader previous = thread.getContextClassLoader();
      thread.setContextClassLoader(loader);
      try {
        handlerClass = Class.forName(parts[0], true, loader);
        contextType = loader.loadClass("com.amazonaws.services.lambda.runtime.Context");
        loggerType = loader.loadClass("com.amazonaws.services.lambda.runtime.LambdaLogger");
        method = handlerMethod(handlerClass, methodName);
        stream = method.getParameterCount() == 3;
        input = stream ? null : serializer(method.getParameterTypes()[0]);
        output =
            stream || method.getReturnType() == void.class
                ? null
                : serializer(method.getReturnType());
      } finally {
        thread.setContextClassLoader(previous);
      }
    }

    /**
     * The jar, then each class path root of this process that lists AWS SDK global interceptors.
     * Only tests have one (test-support's AwsOperationRecorder, for LeastPrivilegeTest): the SDK in
     * the function's jar then records the function's calls as well. A local run has none, so its
     * functions see their jars alone.
     */
    private URL[] classPath() throws IOException {
      List<URL> urls = new ArrayList<>(List.of(definition.jar().toUri().toURL()));
      for (URL list :
          Collections.list(
              LocalFunction.class.getClassLoader().getResources(GLOBAL_INTERCEPTORS))) {
        String text = list.toString();
        String root = text.substring(0, text.length() - GLOBAL_INTERCEPTORS.length());
        urls.add(
            URI.create(root.startsWith("jar:") ? root.substring(4, root.length() - 2) : root)
                .toURL());
      }
      return urls.toArray(URL[]::new);
    }

    private Method handlerMethod(Class<?> handlerClass, String name) {
      Method found = null;
      for (Method candidate : handlerClass.getMethods()) {
        Class<?>[] types = candidate.getParameterTypes();
        boolean pojo = types.length == 2 && types[1] == contextType;
        boolean streaming =
            types.length == 3 && types[0] == InputStream.class && types[1] == OutputStream.class;
        // Bridge methods of a generic RequestHandler take Object; prefer the concrete one.
        if (candidate.getName().equals(name)
            && (pojo || streaming)
            && (found == null
                || found.isBridge()
                || found.getParameterTypes()[0] == Object.class)) {
          found = candidate;
        }
      }
      if (found == null) {
        throw new IllegalStateException(
            "no method " + name + "(event, Context) on " + handlerClass.getName());
      }
      return found;
    }

    @SuppressWarnings("unchecked")
    private PojoSerializer<Object> serializer(Class<?> type) {
      if (LambdaEventSerializers.isLambdaSupportedEvent(type.getName())) {
        return (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(type, loader);
      }
      return (PojoSerializer<Object>) JacksonFactory.getInstance().getSerializer(type);
    }
  }

  /** One execution environment: the handler, built by its constructors (the init). */
  private final class Instance {
    private final Loaded classes;
    private final URLClassLoader loader;
    private final Object handler;

    Instance() throws Exception {
      int number = instancesStarted.incrementAndGet();
      long started = System.nanoTime();
      classes = loaded();
      loader = classes.loader;
      Thread thread = Thread.currentThread();
      ClassLoader previous = thread.getContextClassLoader();
      thread.setContextClassLoader(loader);
      try {
        handler = construct(classes.handlerClass);
      } finally {
        thread.setContextClassLoader(previous);
      }
      System.err.printf(
          "[%s] instance %d started in %d ms%n",
          definition.name(), number, (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Lambda calls the no-argument constructor, which reads the process environment; here every
     * function shares one process, so the function's environment and the stack's clock are handed
     * to the constructor that takes a Platform, as tests do. A handler that is not ours gets the
     * no-argument constructor.
     */
    private Object construct(Class<?> handlerClass) throws Exception {
      Class<?> platformClass;
      try {
        platformClass = Class.forName("checkout.platform.Platform", true, loader);
      } catch (ClassNotFoundException notOurs) {
        return handlerClass.getConstructor().newInstance();
      }
      // A method handle for this one method: getMethod would resolve the types of all of
      // Platform's public methods, and a package may lack some (the publisher ships no DynamoDB
      // client), which Lambda, calling no such reflection, never notices.
      Object platform;
      try {
        platform =
            MethodHandles.publicLookup()
                .findStatic(
                    platformClass,
                    "of",
                    MethodType.methodType(platformClass, Map.class, Clock.class))
                .invoke(new LinkedHashMap<>(definition.environment()), clock);
      } catch (Exception | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
      for (Constructor<?> constructor : handlerClass.getConstructors()) {
        if (constructor.getParameterCount() == 1
            && constructor.getParameterTypes()[0] == platformClass) {
          return constructor.newInstance(platform);
        }
      }
      return handlerClass.getConstructor().newInstance();
    }

    Result invoke(byte[] event) throws Exception {
      long deadline = clock.millis() + definition.timeoutSeconds() * 1000L;
      Object context = context(deadline);
      Thread thread = Thread.currentThread();
      ClassLoader previous = thread.getContextClassLoader();
      thread.setContextClassLoader(loader);
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (classes.stream) {
          classes.method.invoke(handler, new ByteArrayInputStream(event), out, context);
        } else {
          Object response =
              classes.method.invoke(
                  handler, classes.input.fromJson(new ByteArrayInputStream(event)), context);
          if (classes.output != null) {
            classes.output.toJson(response, out);
          } else {
            out.writeBytes("null".getBytes(StandardCharsets.UTF_8));
          }
        }
        return new Result(out.toByteArray(), false);
      } catch (InvocationTargetException e) {
        System.err.printf(
            "[%s] invocation failed: %s%n", definition.name(), stackTrace(e.getCause()));
        return new Result(errorDocument(e.getCause()), true);
      } finally {
        thread.setContextClassLoader(previous);
      }
    }

    private Object context(long deadline) {
      String requestId = UUID.randomUUID().toString();
      Object logger =
          Proxy.newProxyInstance(
              loader,
              new Class<?>[] {classes.loggerType},
              (proxy, m, args) -> {
                if (m.getName().equals("log") && args != null && args.length > 0) {
                  System.out.println(
                      args[0] instanceof byte[] bytes
                          ? new String(bytes, StandardCharsets.UTF_8)
                          : args[0]);
                }
                return null;
              });
      return Proxy.newProxyInstance(
          loader,
          new Class<?>[] {classes.contextType},
          (proxy, m, args) ->
              switch (m.getName()) {
                case "getAwsRequestId" -> requestId;
                case "getFunctionName" -> definition.name();
                case "getLogGroupName" -> "/aws/lambda/" + definition.name();
                case "getLogStreamName" -> "local";
                case "getFunctionVersion" -> "$LATEST";
                case "getInvokedFunctionArn" ->
                    "arn:aws:lambda:us-east-1:123456789012:function:" + definition.name();
                case "getRemainingTimeInMillis" -> (int) Math.max(0, deadline - clock.millis());
                case "getMemoryLimitInMB" -> definition.memoryMb();
                case "getLogger" -> logger;
                case "toString" -> "LocalContext[" + definition.name() + "]";
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> null;
              });
    }
  }

  /** Lambda's error document: {"errorMessage", "errorType", "stackTrace"}. */
  static byte[] errorDocument(Throwable error) {
    ArrayNode frames = Json.array();
    StackTraceElement[] trace = error.getStackTrace();
    for (int i = 0; i < Math.min(trace.length, 20); i++) {
      frames.add(trace[i].toString());
    }
    ObjectNode document =
        Json.object()
            .put("errorMessage", String.valueOf(error.getMessage()))
            .put("errorType", error.getClass().getName());
    document.set("stackTrace", frames);
    return Json.write(document).getBytes(StandardCharsets.UTF_8);
  }

  private static String stackTrace(Throwable error) {
    StringWriter text = new StringWriter();
    error.printStackTrace(new PrintWriter(text));
    return text.toString();
  }
}
