package checkout.testing;

import checkout.catalog.CatalogFile;
import checkout.catalog.Price;
import checkout.config.Config;
import checkout.store.CatalogImport;
import checkout.store.PriceRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/** The catalog the tests sell from, imported the way a merchant imports theirs. */
public final class TestCatalog {
  private TestCatalog() {}

  public static final Price GRANO =
      new Price("price_grano_1kg", "CLP", 15000, "Café de grano 1 kg", null, true, 0);
  public static final Price TAZA =
      new Price(
          "price_taza",
          "CLP",
          8500,
          "Taza de cerámica",
          "https://shop.example.com/taza.png",
          true,
          1);
  public static final Price TE_MX =
      new Price("price_te_mx", "MXN", 12525, "Té verde", null, true, 2);
  public static final Price RETIRED =
      new Price("price_retired", "CLP", 100, "Descontinuado", null, false, 3);
  public static final List<Price> PRICES = List.of(GRANO, TAZA, TE_MX, RETIRED);

  /**
   * Imports the example store's catalog (storefront/catalog.json) as {@code import-catalog} and the
   * local stack do: what the sample events in events/ buy from.
   */
  public static void loadExampleStore(TestStack stack, Config config) {
    try {
      CatalogImport.run(
          new PriceRepository(stack.dynamo.client(), config.required("SESSIONS_TABLE")),
          CatalogFile.parse(Files.readString(ProjectFiles.resolve("storefront/catalog.json"))),
          false,
          TestStack.NOW);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Imports {@link #PRICES} into the table {@code config} names; returns the repository. */
  public static PriceRepository load(TestStack stack, Config config) {
    PriceRepository prices =
        new PriceRepository(stack.dynamo.client(), config.required("SESSIONS_TABLE"));
    CatalogImport.run(prices, PRICES, false, TestStack.NOW);
    return prices;
  }
}
