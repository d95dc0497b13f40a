package checkout.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void canonicalFormSortsKeysAtEveryLevelAndDropsWhitespace() {
    assertThat(Json.canonical(Json.parse("{ \"b\": [ {\"y\":1, \"x\":2} ], \"a\": \"1\" }")))
        .isEqualTo("{\"a\":\"1\",\"b\":[{\"x\":2,\"y\":1}]}");
  }

  @Test
  void trailingContentAfterTheDocumentIsInvalid() {
    assertThatThrownBy(() -> Json.parse("{} {}")).isInstanceOf(InvalidJsonException.class);
  }

  @Test
  void anEmptyDocumentIsInvalid() {
    assertThatThrownBy(() -> Json.parse("  ")).isInstanceOf(InvalidJsonException.class);
  }
}
