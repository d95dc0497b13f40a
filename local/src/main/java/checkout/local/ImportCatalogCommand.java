package checkout.local;

import checkout.catalog.CatalogFile;
import checkout.store.CatalogImport;
import checkout.store.PriceRepository;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * {@code java -jar local/target/fintoc-local.jar import-catalog FILE --table NAME}: makes the
 * deployed table's catalog what FILE says (see {@link CatalogImport}), with your usual AWS
 * credentials (environment, ~/.aws profiles, or a role). The local stack imports the example
 * store's catalog the same way when it starts.
 */
final class ImportCatalogCommand {
  static final String USAGE =
      """
      usage: java -jar local/target/fintoc-local.jar import-catalog FILE --table NAME [options]
        FILE               the catalog: {"prices": [{"id", "currency", "unit_amount", "product_data": {"name", "image_url"}, "active"}]}
        --table NAME       the stack's table (output SessionsTableName)
        --region REGION    its region (default: AWS_REGION, or your profile's)
        --endpoint-url URL another DynamoDB, e.g. http://127.0.0.1:8000 for the local stack's
        --dry-run          print what would change and change nothing
      Prices in FILE are added or updated; active prices FILE no longer lists are deactivated (never deleted).
      """;

  private ImportCatalogCommand() {}

  /** Returns the process's exit status. */
  static int run(String[] args) {
    Path file = null;
    String table = null;
    String region = null;
    URI endpoint = null;
    boolean dryRun = false;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--help", "-h" -> {
            System.out.println(USAGE);
            return 0;
          }
          case "--dry-run" -> dryRun = true;
          case "--table" -> table = value(args, ++i, "--table");
          case "--region" -> region = value(args, ++i, "--region");
          case "--endpoint-url" -> endpoint = URI.create(value(args, ++i, "--endpoint-url"));
          default -> {
            if (args[i].startsWith("--") || file != null) {
              throw new IllegalArgumentException("unknown argument " + args[i]);
            }
            file = Path.of(args[i]);
          }
        }
      }
      if (file == null || table == null) {
        throw new IllegalArgumentException("FILE and --table are required");
      }
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      return 2;
    }
    try {
      var prices = CatalogFile.parse(Files.readString(file));
      DynamoDbClientBuilder builder =
          DynamoDbClient.builder()
              .httpClient(UrlConnectionHttpClient.create())
              .credentialsProvider(DefaultCredentialsProvider.builder().build());
      if (region != null) {
        builder.region(Region.of(region));
      }
      if (endpoint != null) {
        builder.endpointOverride(endpoint);
      }
      try (DynamoDbClient dynamo = builder.build()) {
        CatalogImport.Summary summary =
            CatalogImport.run(
                new PriceRepository(dynamo, table), prices, dryRun, Clock.systemUTC().instant());
        System.out.println(
            (dryRun
                    ? "dry run, nothing written: would have "
                    : "imported " + file + " into " + table + ": ")
                + summary);
      }
      return 0;
    } catch (IOException e) {
      System.err.println("cannot read " + file + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      System.err.println(file + ": " + e.getMessage() + "; nothing was imported");
    } catch (RuntimeException e) {
      System.err.println("import failed: " + e.getMessage());
    }
    return 1;
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }
}
