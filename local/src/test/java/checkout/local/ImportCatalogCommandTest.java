package checkout.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import checkout.catalog.Price;
import checkout.local.dynamodb.LocalDynamoDb;
import checkout.local.template.SamTemplate;
import checkout.store.PriceRepository;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code import-catalog} as a merchant runs it against their table (here DynamoDB Local, with the
 * table template.yaml defines): the file becomes the catalog, and nothing else changes.
 */
class ImportCatalogCommandTest {
  static LocalDynamoDb dynamo;
  static int tables;
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    dynamo = LocalDynamoDb.start(LocalStack.freePort(), null);
    // DynamoDB Local takes any credentials; the command finds these the way it finds yours.
    System.setProperty("aws.accessKeyId", "local");
    System.setProperty("aws.secretAccessKey", "local");
  }

  @AfterAll
  static void stop() {
    dynamo.close();
  }

  static String newTable() {
    String name = "catalog-" + ++tables;
    dynamo.createTable(
        name,
        SamTemplate.load(Path.of("..", "template.yaml"))
            .resource("SessionsTable")
            .path("Properties"));
    return name;
  }

  record Run(int status, String out, String err) {}

  Run importCatalog(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    try {
      int status = ImportCatalogCommand.run(args);
      return new Run(
          status, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  Run importInto(String table, String catalog, String... more) throws IOException {
    Path file = dir.resolve("catalog-" + System.nanoTime() + ".json");
    Files.writeString(file, catalog);
    List<String> args =
        new ArrayList<>(
            List.of(
                file.toString(),
                "--table",
                table,
                "--region",
                "us-east-1",
                "--endpoint-url",
                dynamo.endpoint().toString()));
    args.addAll(List.of(more));
    return importCatalog(args.toArray(String[]::new));
  }

  PriceRepository prices(String table) {
    return new PriceRepository(dynamo.client(), table);
  }

  static String catalog(String... prices) {
    return "{\"prices\": [" + String.join(",", prices) + "]}";
  }

  static String price(String id, long unitAmount) {
    return "{\"id\": \"%s\", \"currency\": \"CLP\", \"unit_amount\": %d, \"product_data\": {\"name\": \"%s\"}}"
        .formatted(id, unitAmount, id);
  }

  @Test
  void aFileIsImportedAndItsPricesAreListedInFileOrder() throws IOException {
    String table = newTable();

    Run run = importInto(table, catalog(price("b_second", 200), price("a_first", 100)));

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("added 2 [b_second, a_first]");
    assertThat(prices(table).listActive())
        .extracting(Price::id)
        .containsExactly("b_second", "a_first");
  }

  @Test
  void importingTheSameFileAgainChangesNothing() throws IOException {
    String table = newTable();
    importInto(table, catalog(price("a", 100)));

    Run again = importInto(table, catalog(price("a", 100)));

    assertThat(again.out()).contains("added 0").contains("updated 0").contains("unchanged 1");
  }

  @Test
  void aChangedPriceIsUpdatedAndOneTheFileDropsIsDeactivatedNotDeleted() throws IOException {
    String table = newTable();
    importInto(table, catalog(price("kept", 100), price("dropped", 200)));

    Run run = importInto(table, catalog(price("kept", 150)));

    assertThat(run.out()).contains("updated 1 [kept]").contains("deactivated 1 [dropped]");
    assertThat(prices(table).listActive())
        .extracting(Price::id, Price::unitAmount)
        .containsExactly(tuple("kept", 150L));
    Map<String, Price> stored = prices(table).find(List.of("dropped"));
    assertThat(stored.get("dropped").active()).as("sessions may name it: kept, inactive").isFalse();
  }

  @Test
  void aDryRunSaysWhatWouldChangeAndChangesNothing() throws IOException {
    String table = newTable();

    Run run = importInto(table, catalog(price("a", 100)), "--dry-run");

    assertThat(run.status()).isZero();
    assertThat(run.out()).contains("dry run, nothing written").contains("added 1 [a]");
    assertThat(prices(table).listActive()).isEmpty();
  }

  @Test
  void aBrokenFileIsRefusedWithWhereAndNothingIsImported() throws IOException {
    String table = newTable();

    Run run = importInto(table, catalog(price("ok", 100), price("bad", -1)));

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("prices[1].unit_amount").contains("nothing was imported");
    assertThat(prices(table).listActive()).isEmpty();
  }

  @Test
  void withoutATableItSaysHowToCallIt() {
    Run run = importCatalog("catalog.json");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err())
        .contains("--table")
        .contains("usage: java -jar local/target/fintoc-local.jar import-catalog");
  }
}
