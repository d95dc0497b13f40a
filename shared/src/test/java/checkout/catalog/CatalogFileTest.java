package checkout.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A catalog file: what a merchant writes, and each mistake refused with where it is. */
class CatalogFileTest {
  static final String GRANO =
      """
      {"id": "price_grano_1kg", "currency": "CLP", "unit_amount": 15000, "product_data": {"name": "Café de grano 1 kg"}}""";

  @Test
  void eachPriceIsReadInFileOrderActiveUnlessSaidOtherwise() {
    List<Price> prices =
        CatalogFile.parse(
            """
        {"prices": [%s,
          {"id": "price_te", "currency": "MXN", "unit_amount": 12525,
           "product_data": {"name": "Té verde", "image_url": "https://shop.example.com/te.png"}, "active": false}]}"""
                .formatted(GRANO));

    assertThat(prices)
        .containsExactly(
            new Price("price_grano_1kg", "CLP", 15000, "Café de grano 1 kg", null, true, 0),
            new Price(
                "price_te", "MXN", 12525, "Té verde", "https://shop.example.com/te.png", false, 1));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "an id with a space       | \"id\": \"price_grano_1kg\"      | \"id\": \"price grano\"                          | prices[1].id",
        "a currency Fintoc lacks  | \"CLP\"                          | \"USD\"                                         | prices[1].currency",
        "a zero unit amount       | 15000                            | 0                                               | prices[1].unit_amount",
        "a fractional unit amount | 15000                            | 150.5                                           | prices[1].unit_amount",
        "no product name          | \"Café de grano 1 kg\"           | \"\"                                            | prices[1].product_data.name",
        "an http image            | \"Café de grano 1 kg\"           | \"Café\", \"image_url\": \"http://a.cl/a.png\"  | prices[1].product_data.image_url",
        "a field prices lack      | \"currency\"                     | \"sku\": \"G1\", \"currency\"                    | prices[1].sku",
        "active as a string       | \"unit_amount\"                  | \"active\": \"yes\", \"unit_amount\"             | prices[1].active",
        "a repeated id            | \"price_grano_1kg\"              | \"price_grano_1kg\"                             | prices[1].id: price_grano_1kg appears twice",
      })
  void aBrokenPriceRefusesTheWholeFileNamingThePlace(
      String what, String find, String replace, String named) {
    String file = "{\"prices\": [" + GRANO + ", " + GRANO.replace(find, replace) + "]}";

    assertThatThrownBy(() -> CatalogFile.parse(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(named);
  }

  @Test
  void aFileThatIsNotACatalogIsRefused() {
    assertThatThrownBy(() -> CatalogFile.parse("{\"prices\": ["))
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> CatalogFile.parse("{\"items\": []}"))
        .hasMessageContaining("{\"prices\": [...]}");
  }
}
