package checkout.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Records every AWS call made in a test JVM, for deployment-tests' LeastPrivilegeTest. The SDK adds
 * it to every client it builds, through the global interceptor list ({@code
 * software/amazon/awssdk/global/handlers/execution.interceptors} in this module's resources), so no
 * production code knows of it; test-support is test scope only, never in a function's jar.
 *
 * <p>One line per call, appended to {@code <aws.operations.dir>/<pid>-<start>.tsv} (one file per
 * JVM, so forks never write to the same file): the {@code checkout.*} packages on the calling
 * stack, innermost first, leaving out test classes (so a test's own seeding is nobody's call); the
 * service and operation; then the resources the call names, {@code Key=value} each. The test maps
 * the packages to a function by its handler's package in template.yaml.
 *
 * <p>Uses only the JDK and sdk-core, so the local stack can load it next to a function's own SDK.
 * Off when {@code aws.operations.dir} is not set.
 */
public final class AwsOperationRecorder implements ExecutionInterceptor {
  /** Members that name what a request touches, as IAM resources are named after them. */
  private static final List<String> NAMED =
      List.of("TableName", "IndexName", "QueueUrl", "SecretId", "EventBusName");

  private static final ClassValue<Boolean> TEST_CODE =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
          CodeSource source = type.getProtectionDomain().getCodeSource();
          return source != null
              && source.getLocation() != null
              && source.getLocation().getPath().contains("/test-classes/");
        }
      };

  private static final Path FILE = file();

  private static Path file() {
    String dir = System.getProperty("aws.operations.dir");
    if (dir == null || dir.isBlank()) {
      return null;
    }
    ProcessHandle.Info info = ProcessHandle.current().info();
    long started = info.startInstant().map(i -> i.toEpochMilli()).orElse(0L);
    return Path.of(dir).resolve(ProcessHandle.current().pid() + "-" + started + ".tsv");
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    record(context.request(), attributes, "sent");
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    record(context.request(), attributes, context.exception().getClass().getName());
  }

  /**
   * Written when the call ends, with how: "sent", or the exception it ended with — a call the
   * service refused or the network failed needed its permission all the same; one that priming
   * stopped before the wire never reached AWS.
   */
  private static void record(SdkRequest request, ExecutionAttributes attributes, String outcome) {
    if (FILE == null) {
      return;
    }
    List<String> fields = new ArrayList<>();
    fields.add(callers());
    fields.add(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME));
    fields.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    fields.add(outcome);
    fields.addAll(resources(request));
    append(fields.stream().map(AwsOperationRecorder::clean).collect(Collectors.joining("\t")));
  }

  /**
   * Operator commands that live beside a function's code but run with a person's credentials, not
   * the function's role (the order-event replay): their calls are no function's.
   */
  static final Set<String> OPERATOR_COMMANDS =
      Set.of("checkout.publisher.Replay", "checkout.publisher.ReplayCommand");

  /** The project's packages on this thread's stack, innermost first, test classes left out. */
  private static String callers() {
    boolean operator =
        StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
            .walk(
                frames ->
                    frames.anyMatch(
                        f ->
                            OPERATOR_COMMANDS.contains(
                                f.getDeclaringClass().getName().split("\\$")[0])));
    if (operator) {
      return "operator-command";
    }
    Set<String> packages =
        StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
            .walk(
                frames ->
                    frames
                        .map(StackWalker.StackFrame::getDeclaringClass)
                        .filter(type -> type.getName().startsWith("checkout."))
                        .filter(
                            type -> !type.getName().equals(AwsOperationRecorder.class.getName()))
                        .filter(type -> !TEST_CODE.get(type))
                        .map(Class::getPackageName)
                        .collect(Collectors.toCollection(LinkedHashSet::new)));
    return String.join(",", packages);
  }

  /**
   * What the call names: its table, index, queue, secret or bus; each part of a transaction as
   * {@code Put=table}, {@code Update=…}, {@code Delete=…}, {@code ConditionCheck=…}, {@code Get=…}
   * (IAM checks each part's own action); a batch's tables; each PutEvents entry's bus.
   */
  static List<String> resources(SdkRequest request) {
    List<String> found = new ArrayList<>();
    for (String name : NAMED) {
      request.getValueForField(name, Object.class).ifPresent(v -> found.add(name + "=" + v));
    }
    request
        .getValueForField("RequestItems", Map.class)
        .ifPresent(items -> items.keySet().forEach(t -> found.add("RequestItems=" + t)));
    request
        .getValueForField("TransactItems", List.class)
        .ifPresent(
            items -> {
              for (Object item : items) {
                for (SdkField<?> part : ((SdkPojo) item).sdkFields()) {
                  Object value = part.getValueOrDefault(item);
                  if (value instanceof SdkPojo pojo) {
                    found.add(part.memberName() + "=" + member(pojo, "TableName"));
                  }
                }
              }
            });
    request
        .getValueForField("Entries", List.class)
        .ifPresent(
            entries -> {
              for (Object entry : entries) {
                if (entry instanceof SdkPojo pojo && hasMember(pojo, "EventBusName")) {
                  Object bus = member(pojo, "EventBusName");
                  found.add("EventBusName=" + (bus == null ? "default" : bus));
                }
              }
            });
    return found;
  }

  private static boolean hasMember(SdkPojo pojo, String name) {
    return pojo.sdkFields().stream().anyMatch(f -> f.memberName().equals(name));
  }

  private static Object member(SdkPojo pojo, String name) {
    for (SdkField<?> field : pojo.sdkFields()) {
      if (field.memberName().equals(name)) {
        return field.getValueOrDefault(pojo);
      }
    }
    return null;
  }

  private static String clean(String value) {
    return value == null ? "" : value.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
  }

  /** One write with O_APPEND per line: lines of concurrent writers never interleave. */
  private static void append(String line) {
    try {
      Files.createDirectories(FILE.getParent());
      Files.write(
          FILE,
          (line + "\n").getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
