package checkout.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.local.template.SamTemplate;
import checkout.testing.ProjectFiles;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Least privilege, checked both ways: every AWS call a function made anywhere in the suite is
 * allowed by that function's policy in template.yaml (IAM action and resource), and every action a
 * policy grants is used by some call, or its statement says why not with a comment {@code #
 * unused-by-code: <why>} (above or in the statement: comments are not in the parsed YAML, so the
 * raw lines are read).
 *
 * <p>The calls come from test-support's {@code AwsOperationRecorder}, which every test JVM of the
 * reactor runs on every SDK client (the function modules' tests, the local stack's functions), one
 * file per JVM under {@code target/aws-operations}. A call belongs to the function whose handler's
 * package is innermost on the calling stack; calls from test classes and the stack's own
 * infrastructure belong to none. Resources are compared as the template's logical names: a table
 * name the function was given is the table its environment refers to, and so on.
 *
 * <p>Runs last in the reactor (its own surefire execution in this module, after the other tests).
 */
class LeastPrivilegeTest {
  static final SamTemplate template = ProjectFiles.template();
  static final Path RECORDS =
      Path.of(
          System.getProperty(
              "aws.operations.dir", ProjectFiles.resolve("target/aws-operations").toString()));
  static final String WHY = "# unused-by-code:";

  /** IAM's prefix for each SDK service the functions use. */
  static final Map<String, String> IAM_PREFIX =
      Map.of(
          "DynamoDb", "dynamodb",
          "SecretsManager", "secretsmanager",
          "EventBridge", "events",
          "Sqs", "sqs");

  /** A transaction's parts and the action IAM checks for each. */
  static final Map<String, String> TRANSACTION_PART =
      Map.of(
          "Put", "dynamodb:PutItem",
          "Update", "dynamodb:UpdateItem",
          "Delete", "dynamodb:DeleteItem",
          "ConditionCheck", "dynamodb:ConditionCheckItem",
          "Get", "dynamodb:GetItem");

  /** What a function needed: an IAM action on a logical resource, and the operations that did. */
  record Need(String action, String resource) implements Comparable<Need> {
    @Override
    public int compareTo(Need other) {
      return (action + " " + resource).compareTo(other.action + " " + other.resource);
    }
  }

  /** A policy statement: its actions, its resources (logical), and its why-comment if any. */
  record Statement(List<String> actions, List<String> resources, String why) {}

  static Map<String, String> handlerPackages = new LinkedHashMap<>();
  static Map<String, Map<Need, Map<String, Integer>>> used = new TreeMap<>();
  static Map<String, List<Statement>> policies = new LinkedHashMap<>();
  static List<String> unreadable = new ArrayList<>();
  static int calls;
  static int unattributed;
  static int notSent;
  static int files;

  @BeforeAll
  static void readRecordsAndPolicies() throws IOException {
    List<Path> found;
    try (Stream<Path> list = Files.exists(RECORDS) ? Files.list(RECORDS) : Stream.empty()) {
      found = list.filter(p -> p.toString().endsWith(".tsv")).sorted().toList();
    }
    assertThat(found)
        .as(
            "No AWS calls were recorded in %s. They are recorded by the reactor's tests"
                + " (test-support's AwsOperationRecorder): run the whole build, ./mvnw verify;"
                + " deployment-tests alone has nothing to check against the template.",
            RECORDS)
        .isNotEmpty();
    files = found.size();
    for (String id : template.functions().keySet()) {
      String handler = template.functionProperty(id, "Handler").asText().split("::")[0];
      String pkg = handler.substring(0, handler.lastIndexOf('.'));
      String other = handlerPackages.put(pkg, id);
      assertThat(other)
          .as("%s and %s share the package %s: their calls cannot be told apart", other, id, pkg)
          .isNull();
      used.put(id, new TreeMap<>());
      policies.put(id, policy(id));
    }
    for (Path file : found) {
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          record(line.split("\t", -1));
        }
      }
    }
    print();
  }

  @Test
  void everyFunctionMadeItsAwsCallsSomewhereInTheSuite() {
    List<String> silent = new ArrayList<>();
    policies.forEach(
        (id, statements) -> {
          if (!statements.isEmpty() && used.get(id).isEmpty()) {
            silent.add(
                id
                    + ": no AWS call recorded anywhere in the suite, so none of its grants is"
                    + " checked; test it through its handler against DynamoDB Local and the stubs");
          }
        });
    assertThat(silent).as("functions with grants that no test exercised").isEmpty();
  }

  @Test
  void everyAwsCallAFunctionMakesIsAllowedByItsPolicy() {
    List<String> missing = new ArrayList<>(unreadable);
    used.forEach(
        (id, needs) ->
            needs.forEach(
                (need, operations) -> {
                  if (policies.get(id).stream().noneMatch(s -> allows(s, need))) {
                    missing.add(
                        String.format(
                            "%s: %s on %s is not granted (its code calls %s)",
                            id, need.action(), need.resource(), operations.keySet()));
                  }
                }));
    assertThat(missing).as("calls the template's policies do not allow").isEmpty();
  }

  @Test
  void everyActionAPolicyGrantsIsUsedByTheCodeOrSaysWhyNot() {
    List<String> problems = new ArrayList<>();
    policies.forEach(
        (id, statements) -> {
          for (Statement statement : statements) {
            for (String action : statement.actions()) {
              for (String resource : statement.resources()) {
                boolean isUsed =
                    used.get(id).keySet().stream()
                        .anyMatch(
                            need ->
                                actionMatches(action, need.action())
                                    && resourceMatches(resource, need.resource()));
                if (!isUsed && statement.why() == null) {
                  problems.add(
                      String.format(
                          "%s: grants %s on %s, which no recorded call uses (remove it, or say"
                              + " why on its statement: %s <why>)",
                          id, action, resource, WHY));
                }
              }
            }
            if (statement.why() != null && allUsed(id, statement)) {
              problems.add(
                  String.format(
                      "%s: %s says \"%s\", yet its code calls them: drop the comment",
                      id, statement.actions(), WHY));
            }
          }
        });
    assertThat(problems).as("grants beyond what the functions use").isEmpty();
  }

  private static boolean allUsed(String id, Statement statement) {
    return statement.actions().stream()
        .allMatch(
            action ->
                statement.resources().stream()
                    .allMatch(
                        resource ->
                            used.get(id).keySet().stream()
                                .anyMatch(
                                    need ->
                                        actionMatches(action, need.action())
                                            && resourceMatches(resource, need.resource()))));
  }

  // ---- the records

  /** Priming's calls end with this before the wire (AdapterPriming): they never reach AWS. */
  static final String NOT_SENT = "checkout.snapstart.AdapterPriming$NotSent";

  /** packages, service, operation, outcome, then Key=value per resource the call names. */
  private static void record(String[] fields) {
    calls++;
    if (fields[3].equals(NOT_SENT)) {
      notSent++;
      return;
    }
    String function = null;
    for (String pkg : fields[0].split(",")) {
      function = handlerPackages.get(pkg);
      if (function != null) {
        break;
      }
    }
    if (function == null) {
      unattributed++;
      return;
    }
    String service = fields[1];
    String operation = fields[2];
    String prefix = IAM_PREFIX.get(service);
    if (prefix == null) {
      unreadable.add(
          function
              + ": calls "
              + service
              + " "
              + operation
              + ", a service whose IAM prefix"
              + " LeastPrivilegeTest does not know: add it to IAM_PREFIX");
      return;
    }
    String table = null;
    String index = null;
    List<Need> needs = new ArrayList<>();
    boolean transaction = operation.startsWith("Transact");
    for (int i = 4; i < fields.length; i++) {
      String key = fields[i].substring(0, fields[i].indexOf('='));
      switch (key) {
        case "TableName" -> table = "table";
        case "IndexName" -> index = fields[i].substring(key.length() + 1);
        case "RequestItems" ->
            needs.add(new Need(prefix + ":" + operation, logical(function, "table")));
        case "QueueUrl" ->
            needs.add(new Need(prefix + ":" + operation, logical(function, "queue")));
        case "SecretId" ->
            needs.add(new Need(prefix + ":" + operation, logical(function, "secret")));
        case "EventBusName" -> {
          for (String bus : alternatives(function, "bus")) {
            needs.add(new Need(prefix + ":" + operation, bus));
          }
        }
        default -> {
          if (transaction && TRANSACTION_PART.containsKey(key)) {
            needs.add(new Need(TRANSACTION_PART.get(key), logical(function, "table")));
          }
        }
      }
    }
    if (table != null) {
      String resource = logical(function, "table");
      needs.add(
          new Need(
              prefix + ":" + operation, index == null ? resource : resource + "/index/" + index));
    }
    if (needs.isEmpty()) {
      needs.add(new Need(prefix + ":" + operation, "*"));
    }
    for (Need need : new LinkedHashSet<>(needs)) {
      used.get(function)
          .computeIfAbsent(need, n -> new TreeMap<>())
          .merge(operation, 1, Integer::sum);
    }
  }

  /** The one logical resource of this kind that the function's environment names. */
  private static String logical(String function, String kind) {
    List<String> found = alternatives(function, kind);
    if (found.size() != 1) {
      unreadable.add(
          String.format(
              "%s: calls a %s, but its environment names %s of them: %s",
              function, kind, found.isEmpty() ? "none" : found.size(), found));
      return "?" + kind;
    }
    return found.get(0);
  }

  /**
   * The template's names for a {@code kind} of resource (table, queue, bus, secret) that the
   * function's environment variables refer to; a bus chosen by a condition is either of its
   * alternatives (the stack's own bus, or one named by a parameter).
   */
  private static List<String> alternatives(String function, String kind) {
    Set<String> found = new LinkedHashSet<>();
    List<JsonNode> values = new ArrayList<>();
    template
        .root()
        .path("Globals")
        .path("Function")
        .path("Environment")
        .path("Variables")
        .forEach(values::add);
    template
        .resource(function)
        .path("Properties")
        .path("Environment")
        .path("Variables")
        .forEach(values::add);
    for (JsonNode value : values) {
      List<String> names = new ArrayList<>();
      if (value.isArray() && value.size() == 3 && isCondition(value.get(0).asText())) {
        names.add(value.get(1).asText());
        names.add(value.get(2).asText());
      } else if (value.isTextual()) {
        names.add(value.asText());
      }
      boolean matches = names.stream().anyMatch(name -> kindOf(name).equals(kind));
      if (matches) {
        names.forEach(
            name -> {
              String of = kindOf(name);
              // A bus may be named by a parameter (an existing bus) instead of the stack's own.
              if (of.equals(kind) || (kind.equals("bus") && of.equals("parameter"))) {
                found.add(name);
              }
            });
      }
    }
    return new ArrayList<>(found);
  }

  private static String kindOf(String name) {
    JsonNode resource = template.root().path("Resources").path(name);
    if (!resource.isMissingNode()) {
      return switch (resource.path("Type").asText()) {
        case "AWS::DynamoDB::Table" -> "table";
        case "AWS::SQS::Queue" -> "queue";
        case "AWS::Events::EventBus" -> "bus";
        case "AWS::SecretsManager::Secret" -> "secret";
        default -> "resource";
      };
    }
    JsonNode parameter = template.root().path("Parameters").path(name);
    if (!parameter.isMissingNode()) {
      return parameter.path("AllowedPattern").asText().contains(":secretsmanager:")
          ? "secret"
          : "parameter";
    }
    return "";
  }

  private static boolean isCondition(String name) {
    return template.root().path("Conditions").has(name);
  }

  // ---- the policies

  private static List<Statement> policy(String id) {
    JsonNode policies = template.resource(id).path("Properties").path("Policies");
    List<Statement> statements = new ArrayList<>();
    for (JsonNode policy : policies) {
      if (!policy.has("Statement")) {
        unreadable.add(
            id
                + ": a policy LeastPrivilegeTest cannot read (a managed policy or a SAM policy"
                + " template): "
                + policy
                + "; write it as Statement entries");
        continue;
      }
      for (JsonNode statement : policy.path("Statement")) {
        if (!"Allow".equals(statement.path("Effect").asText())) {
          unreadable.add(id + ": a statement that is not Effect: Allow: " + statement);
        }
        List<String> actions = new ArrayList<>();
        node(statement.path("Action")).forEach(a -> actions.add(a.asText()));
        statements.add(new Statement(actions, resources(id, statement.path("Resource")), null));
      }
    }
    List<String> whys = whyComments(id);
    if (whys.size() != statements.size()) {
      unreadable.add(
          String.format(
              "%s: %d statements parsed, %d \"- Effect:\" lines found in template.yaml; start"
                  + " each statement with its Effect line",
              id, statements.size(), whys.size()));
      return statements;
    }
    List<Statement> withWhy = new ArrayList<>();
    for (int i = 0; i < statements.size(); i++) {
      Statement s = statements.get(i);
      withWhy.add(new Statement(s.actions(), s.resources(), whys.get(i)));
    }
    return withWhy;
  }

  private static List<JsonNode> node(JsonNode value) {
    List<JsonNode> list = new ArrayList<>();
    if (value.isArray()) {
      value.forEach(list::add);
    } else if (!value.isMissingNode()) {
      list.add(value);
    }
    return list;
  }

  private static final Pattern SUB = Pattern.compile("\\$\\{(\\w+)\\.Arn}");
  private static final Pattern ARN_OF_PARAMETER = Pattern.compile("^arn:.*[:/]\\$\\{(\\w+)}$");

  /** A statement's Resource as logical names: Table, Table/index/x, Table/stream, Queue, *. */
  private static List<String> resources(String id, JsonNode value) {
    List<String> found = new ArrayList<>();
    if (value.isArray() && value.size() == 3 && isCondition(value.get(0).asText())) {
      found.addAll(resources(id, value.get(1)));
      found.addAll(resources(id, value.get(2)));
      return found;
    }
    if (value.isArray()) {
      value.forEach(v -> found.addAll(resources(id, v)));
      return found;
    }
    String text = value.asText();
    Matcher sub = SUB.matcher(text);
    Matcher parameterArn = ARN_OF_PARAMETER.matcher(text);
    if (text.equals("*")) {
      found.add("*");
    } else if (text.endsWith(".StreamArn")) {
      found.add(text.substring(0, text.length() - ".StreamArn".length()) + "/stream");
    } else if (text.endsWith(".Arn") && !kindOf(text.substring(0, text.length() - 4)).isEmpty()) {
      found.add(text.substring(0, text.length() - ".Arn".length()));
    } else if (sub.find()) {
      found.add(sub.replaceAll("$1"));
    } else if (parameterArn.matches()) {
      found.add(parameterArn.group(1));
    } else if (!kindOf(text).isEmpty()) {
      found.add(text);
    } else {
      unreadable.add(id + ": a Resource LeastPrivilegeTest cannot read: " + value);
    }
    return found;
  }

  /**
   * Each statement's why-comment in the function's Policies, in order: a {@code # unused-by-code:}
   * comment on a line of the statement or in the comment lines right above its Effect line; null
   * where there is none.
   */
  private static List<String> whyComments(String id) {
    List<String> lines;
    try {
      lines = Files.readAllLines(ProjectFiles.resolve("template.yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int start = lines.indexOf("  " + id + ":");
    int end = start + 1;
    while (end < lines.size() && !lines.get(end).matches("^ {0,2}\\S.*")) {
      end++;
    }
    int policies = start;
    while (policies < end && !lines.get(policies).trim().equals("Policies:")) {
      policies++;
    }
    int indent = lines.get(policies).indexOf('P');
    int last = policies + 1;
    while (last < end
        && (lines.get(last).isBlank()
            || lines.get(last).indexOf(lines.get(last).trim()) > indent)) {
      last++;
    }
    List<Integer> starts = new ArrayList<>();
    for (int i = policies + 1; i < last; i++) {
      if (lines.get(i).trim().startsWith("- Effect:")) {
        int first = i;
        while (lines.get(first - 1).trim().startsWith("#")) {
          first--;
        }
        starts.add(first);
      }
    }
    List<String> whys = new ArrayList<>();
    for (int s = 0; s < starts.size(); s++) {
      int to = s + 1 < starts.size() ? starts.get(s + 1) : last;
      String why = null;
      for (int i = starts.get(s); i < to; i++) {
        int at = lines.get(i).indexOf(WHY);
        if (at >= 0 && why == null) {
          why = lines.get(i).substring(at + WHY.length()).trim();
          if (why.isEmpty()) {
            unreadable.add(id + ": an empty " + WHY + " comment, line " + (i + 1));
          }
        }
      }
      whys.add(why);
    }
    return whys;
  }

  // ---- matching

  private static boolean allows(Statement statement, Need need) {
    return statement.actions().stream().anyMatch(a -> actionMatches(a, need.action()))
        && statement.resources().stream().anyMatch(r -> resourceMatches(r, need.resource()));
  }

  private static boolean actionMatches(String granted, String action) {
    String pattern = Pattern.quote(granted.toLowerCase()).replace("*", "\\E.*\\Q");
    return action.toLowerCase().matches(pattern);
  }

  private static boolean resourceMatches(String granted, String resource) {
    return granted.equals("*")
        || granted.equals(resource)
        || (granted.endsWith("/*")
            && resource.startsWith(granted.substring(0, granted.length() - 1)));
  }

  // ---- the table

  private static void print() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "%nAWS actions each function used across the suite (%d calls recorded in %d files"
                + " under %s; %d of them stopped before the wire by priming, %d by tests and the"
                + " local stack's own infrastructure):%n",
            calls, files, RECORDS, notSent, unattributed));
    used.forEach(
        (id, needs) -> {
          out.append(String.format("%s%n", id));
          if (needs.isEmpty()) {
            out.append("  (no AWS call recorded)\n");
          }
          needs.forEach(
              (need, operations) ->
                  out.append(
                      String.format(
                          "  %-30s %-40s %s%n", need.action(), need.resource(), operations)));
          for (Statement statement : policies.get(id)) {
            if (statement.why() != null) {
              for (String action : statement.actions()) {
                if (needs.keySet().stream().noneMatch(n -> actionMatches(action, n.action()))) {
                  out.append(
                      String.format(
                          "  %-30s %-40s granted, unused by code: %s%n",
                          action, String.join(",", statement.resources()), statement.why()));
                }
              }
            }
          }
        });
    System.out.println(out);
  }
}
