package checkout.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.testing.ProjectFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shape of the code, read from the sources of every module: what a reviewer would otherwise
 * have to check by hand on each change (docs/architecture.md explains each rule).
 */
class ArchitectureTest {
  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
  private static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?([\\w.]+);", Pattern.MULTILINE);

  /** A method declaration named prime…, as opposed to a call. */
  private static final Pattern PRIME_METHOD =
      Pattern.compile(
          "^\\s*(?:(?:public|protected|private|static|final|synchronized)\\s+)*"
              + "[\\w<>\\[\\], ?]+\\s+(prime\\w*)\\s*\\(",
          Pattern.MULTILINE);

  private static final Set<String> DOMAIN = Set.of("checkout.session", "checkout.events");

  /** One Java source file of the project. */
  record Source(String module, boolean main, Path path, String pkg, List<String> imports) {
    String className() {
      return path.getFileName().toString().replace(".java", "");
    }

    String text() {
      try {
        return Files.readString(path);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static List<Source> sources() throws IOException {
    Path root = ProjectFiles.root();
    List<Source> sources = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String relative = root.relativize(file).toString().replace('\\', '/');
        int src = relative.indexOf("/src/");
        if (src < 0 || relative.contains("/target/") || relative.contains("node_modules")) {
          continue;
        }
        String text = Files.readString(file);
        Matcher pkg = PACKAGE.matcher(text);
        if (!pkg.find()) {
          continue;
        }
        List<String> imports = new ArrayList<>();
        Matcher imported = IMPORT.matcher(text);
        while (imported.find()) {
          imports.add(imported.group(1));
        }
        sources.add(
            new Source(
                relative.substring(0, src),
                relative.contains("/src/main/"),
                file,
                pkg.group(1),
                imports));
      }
    }
    return sources;
  }

  /** The project's package an import names, or null for a library's. */
  static String projectPackage(String imported) {
    if (!imported.startsWith("checkout.")) {
      return null;
    }
    StringBuilder pkg = new StringBuilder();
    for (String part : imported.split("\\.")) {
      if (Character.isUpperCase(part.charAt(0))) {
        break;
      }
      pkg.append(pkg.isEmpty() ? "" : ".").append(part);
    }
    return pkg.toString();
  }

  @Test
  void noPackageDependsOnItselfThroughOthers() throws IOException {
    Map<String, Set<String>> uses = new TreeMap<>();
    for (Source source : sources()) {
      if (!source.main()) {
        continue;
      }
      Set<String> used = uses.computeIfAbsent(source.pkg(), p -> new TreeSet<>());
      for (String imported : source.imports()) {
        String pkg = projectPackage(imported);
        if (pkg != null && !pkg.equals(source.pkg())) {
          used.add(pkg);
        }
      }
    }

    List<List<String>> cycles = new ArrayList<>();
    for (String start : uses.keySet()) {
      List<String> path =
          pathBack(start, start, uses, new ArrayList<>(List.of(start)), new TreeSet<>());
      if (path != null) {
        cycles.add(path);
      }
    }
    assertThat(cycles).as("package cycles").isEmpty();
  }

  /**
   * A path of uses from {@code from} back to {@code start} through packages that sort after it
   * (every cycle is found from its first package), or null.
   */
  private static List<String> pathBack(
      String start,
      String from,
      Map<String, Set<String>> uses,
      List<String> path,
      Set<String> explored) {
    for (String next : uses.getOrDefault(from, Set.of())) {
      if (next.equals(start)) {
        List<String> cycle = new ArrayList<>(path);
        cycle.add(start);
        return cycle;
      }
      if (next.compareTo(start) > 0 && explored.add(next)) {
        path.add(next);
        List<String> found = pathBack(start, next, uses, path, explored);
        if (found != null) {
          return found;
        }
        path.remove(path.size() - 1);
      }
    }
    return null;
  }

  @Test
  void noPackageIsSplitAcrossModules() throws IOException {
    Map<String, Set<String>> modules = new TreeMap<>();
    for (Source source : sources()) {
      modules.computeIfAbsent(source.pkg(), p -> new TreeSet<>()).add(source.module());
    }

    assertThat(modules).allSatisfy((pkg, in) -> assertThat(in).as(pkg).hasSize(1));
  }

  @Test
  void theDomainUsesNoJsonSdkLambdaOrHttpTypesAndNoOtherPackageOfOurs() throws IOException {
    List<String> foreign = new ArrayList<>();
    for (Source source : sources()) {
      // The model and its rules, and the order events derived from them.
      if (!source.main() || !DOMAIN.contains(source.pkg())) {
        continue;
      }
      for (String imported : source.imports()) {
        if (!imported.startsWith("java.") && !DOMAIN.contains(projectPackage(imported))) {
          foreign.add(source.className() + " imports " + imported);
        }
      }
    }

    assertThat(foreign).isEmpty();
  }

  @Test
  void primingIsDoneOnlyByTheSnapStartPackageAndTheCompositionRoots() throws IOException {
    List<String> elsewhere = new ArrayList<>();
    for (Source source : sources()) {
      if (!source.main()
          || source.pkg().equals("checkout.snapstart")
          || source.className().endsWith("Root")) {
        continue;
      }
      Matcher prime = PRIME_METHOD.matcher(source.text());
      while (prime.find()) {
        elsewhere.add(source.className() + "." + prime.group(1));
      }
    }

    assertThat(elsewhere).isEmpty();
  }

  @Test
  void eachHandlerHasTheRuntimesConstructorAndOneThatTakesItsPlatform() throws IOException {
    Map<String, List<String>> constructors = new HashMap<>();
    for (Source source : sources()) {
      if (!source.main() || !source.module().startsWith("functions/")) {
        continue;
      }
      if (!source.className().endsWith("Handler")) {
        continue;
      }
      Matcher declared =
          Pattern.compile("^\\s*public " + source.className() + "\\(([^)]*)\\)", Pattern.MULTILINE)
              .matcher(source.text());
      List<String> parameters = new ArrayList<>();
      while (declared.find()) {
        parameters.add(declared.group(1));
      }
      constructors.put(source.className(), parameters);
    }

    assertThat(constructors).hasSize(7);
    assertThat(constructors)
        .allSatisfy(
            (handler, parameters) ->
                assertThat(parameters).as(handler).containsExactly("", "Platform platform"));
  }

  /**
   * Every dimension value a metric is written with, as it reads in the code, and why it is one of a
   * closed set. A new one fails here until someone has checked that no outsider (a caller, Fintoc,
   * a proxy) can choose it: each distinct value is a CloudWatch metric that is billed and kept.
   */
  private static final Map<String, String> AUDITED_DIMENSION_VALUES =
      Map.of(
          "CreateSessionHandler: refusal.metricCode()",
              "an error code written in our code; Fintoc's unknown codes are fintoc_other",
          "WebhookHandler: answer.metricCode()", "the same",
          "FintocClient: outcome",
              "FintocClient.outcome(status): 2xx…5xx, 429, other; timeout, network",
          "SessionUpdater: session.attention()", "one of SessionRules' kinds",
          "OrderPublisherHandler: e.type()", "one of OrderEvents' detail-types",
          "Refunds: REFUND_UNCONFIRMED", "a constant of Refunds (an attention kind)",
          "Refunds: REFUND_AFTER_REJECTION", "a constant of Refunds (an attention kind)",
          "Refunds: StoredRefund.REFUND_FAILED", "a constant of StoredRefund (an attention kind)");

  private static final Pattern METRIC_CALL =
      Pattern.compile("Metrics\\.(?:count|record)\\(\\s*Metric\\.\\w+\\s*,");
  private static final Pattern API_EXCEPTION =
      Pattern.compile("(?:new ApiException\\(\\s*[^,]+,|ApiException\\.invalid\\()");

  /** The argument that starts at {@code from}, up to its comma or closing parenthesis. */
  private static String argument(String text, int from) {
    int depth = 0;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')' && depth-- == 0 || c == ',' && depth == 0) {
        return text.substring(from, i).strip();
      }
    }
    return text.substring(from).strip();
  }

  @Test
  void everyMetricDimensionValueComesFromAClosedSetNeverFromAnOutsider() throws IOException {
    List<String> unaudited = new ArrayList<>();
    List<String> computedCodes = new ArrayList<>();
    for (Source source : sources()) {
      if (!source.main()) {
        continue;
      }
      String text = source.text();
      Matcher call = METRIC_CALL.matcher(text);
      while (call.find()) {
        String value = argument(text, call.end());
        boolean closed = value.matches("\"[^\"]*\"") || value.equals("null");
        if (!closed && !AUDITED_DIMENSION_VALUES.containsKey(source.className() + ": " + value)) {
          unaudited.add(source.className() + ": " + value);
        }
      }
      // An answer's code is counted as it is (ApiException.metricCode), so it is a literal.
      Matcher answer = API_EXCEPTION.matcher(text);
      while (answer.find()) {
        String code = argument(text, answer.end());
        if (!code.matches("\"[a-z_]+\"") && !source.className().equals("ApiException")) {
          computedCodes.add(source.className() + ": " + code);
        }
      }
    }

    assertThat(unaudited)
        .as(
            "metric dimension values not known to come from a closed set: bound each (map what you"
                + " do not know to one value), then add it to AUDITED_DIMENSION_VALUES with why")
        .isEmpty();
    assertThat(computedCodes)
        .as(
            "ApiException codes computed at run time: ApiException.metricCode would count them as"
                + " they are. Only HttpResponses' Fintoc mapping may, as it gives a bounded metric code")
        .containsExactly("HttpResponses: \"fintoc_\" + code");
  }
}
