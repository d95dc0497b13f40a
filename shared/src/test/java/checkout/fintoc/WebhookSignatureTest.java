package checkout.fintoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import checkout.fintoc.WebhookSignature.Failure;
import checkout.fintoc.WebhookSignature.VerificationException;
import checkout.json.Json;
import checkout.secrets.SampleKeys;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  static final String SECRET = "whsec_test_secret";
  static final long T = 1743890251L;
  static final byte[] BODY =
      "{\"id\":\"evt_1\",\"type\":\"payment_intent.succeeded\"}".getBytes(StandardCharsets.UTF_8);

  static Clock at(long epochSecond) {
    return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
  }

  static void verify(byte[] body, String header, List<String> secrets, long now) {
    WebhookSignature.verify(body, header, secrets, WebhookSignature.DEFAULT_TOLERANCE, at(now));
  }

  static void assertRefused(Runnable verification, Failure failure, String message) {
    assertThatThrownBy(verification::run)
        .isInstanceOfSatisfying(
            VerificationException.class, e -> assertThat(e.failure()).isEqualTo(failure))
        .hasMessage(message);
  }

  @Test
  void fintocsOwnTestVectorVerifies() throws Exception {
    JsonNode vector;
    try (InputStream in = getClass().getResourceAsStream("/fintoc-webhook-test-vector.json")) {
      vector = Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    byte[] body = vector.get("body").asText().getBytes(StandardCharsets.UTF_8);

    assertThatCode(
            () ->
                verify(
                    body,
                    vector.get("header").asText(),
                    List.of(vector.get("secret").asText()),
                    vector.get("timestamp").asLong()))
        .doesNotThrowAnyException();
    assertThat(
            WebhookSignature.sign(
                body, vector.get("secret").asText(), vector.get("timestamp").asLong()))
        .isEqualTo(vector.get("header").asText());
  }

  @Test
  void aMissingHeaderIsRefusedAsMissing() {
    assertRefused(
        () -> verify(BODY, null, List.of(SECRET), T),
        Failure.MISSING_HEADER,
        "no Fintoc-Signature header");
    assertRefused(
        () -> verify(BODY, "  ", List.of(SECRET), T),
        Failure.MISSING_HEADER,
        "no Fintoc-Signature header");
  }

  @Test
  void aHeaderWithoutTimestampOrSignatureIsRefusedAsMalformed() {
    String message = "Fintoc-Signature is not of the form t=<unix seconds>,v1=<hex>";
    assertRefused(
        () -> verify(BODY, "v1=abc", List.of(SECRET), T), Failure.MALFORMED_HEADER, message);
    assertRefused(
        () -> verify(BODY, "t=" + T, List.of(SECRET), T), Failure.MALFORMED_HEADER, message);
    assertRefused(
        () -> verify(BODY, "t=yesterday,v1=abc", List.of(SECRET), T),
        Failure.MALFORMED_HEADER,
        message);
    assertRefused(
        () -> verify(BODY, "garbage", List.of(SECRET), T), Failure.MALFORMED_HEADER, message);
  }

  @Test
  void aSignatureThatMatchesNothingIsRefused() {
    String header = WebhookSignature.sign(BODY, "whsec_other", T);

    assertRefused(
        () -> verify(BODY, header, List.of(SECRET), T),
        Failure.NO_MATCHING_SIGNATURE,
        "no v1 signature matches the body with any webhook secret");
  }

  @Test
  void oneChangedByteOfTheBodyIsEnoughToRefuse() {
    String header = WebhookSignature.sign(BODY, SECRET, T);
    byte[] tampered = BODY.clone();
    tampered[tampered.length - 2] = 'x';

    assertRefused(
        () -> verify(tampered, header, List.of(SECRET), T),
        Failure.NO_MATCHING_SIGNATURE,
        "no v1 signature matches the body with any webhook secret");
  }

  @Test
  void theToleranceHoldsToTheSecondInBothDirections() {
    String header = WebhookSignature.sign(BODY, SECRET, T);

    assertThatCode(() -> verify(BODY, header, List.of(SECRET), T + 300)).doesNotThrowAnyException();
    assertThatCode(() -> verify(BODY, header, List.of(SECRET), T - 300)).doesNotThrowAnyException();
    String message = "the signature's timestamp is outside the tolerance";
    assertRefused(
        () -> verify(BODY, header, List.of(SECRET), T + 301),
        Failure.TIMESTAMP_OUTSIDE_TOLERANCE,
        message);
    assertRefused(
        () -> verify(BODY, header, List.of(SECRET), T - 301),
        Failure.TIMESTAMP_OUTSIDE_TOLERANCE,
        message);
  }

  @Test
  void theToleranceIsConfigurable() {
    String header = WebhookSignature.sign(BODY, SECRET, T);

    assertThatCode(
            () ->
                WebhookSignature.verify(
                    BODY, header, List.of(SECRET), Duration.ofSeconds(600), at(T + 599)))
        .doesNotThrowAnyException();
  }

  @Test
  void anyMatchingV1IsEnoughAndSpacesAroundPartsAreIgnored() {
    String good = WebhookSignature.sign(BODY, SECRET, T).split(",")[1];
    String header = " t=" + T + " , v1=" + "0".repeat(64) + " , " + good + " ";

    assertThatCode(() -> verify(BODY, header, List.of(SECRET), T)).doesNotThrowAnyException();
  }

  @Test
  void duringARotationBothSecretsAreAccepted() {
    assertThatCode(
            () ->
                verify(
                    BODY,
                    WebhookSignature.sign(BODY, "whsec_old", T),
                    List.of("whsec_new", "whsec_old"),
                    T))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                verify(
                    BODY,
                    WebhookSignature.sign(BODY, "whsec_new", T),
                    List.of("whsec_new", "whsec_old"),
                    T))
        .doesNotThrowAnyException();
  }

  @Test
  void crlfAndPrettyPrintedBodiesAreVerifiedByteForByte() {
    byte[] pretty =
        "{\r\n  \"id\": \"evt_1\",\r\n  \"type\": \"payment_intent.succeeded\"\n}\n"
            .getBytes(StandardCharsets.UTF_8);
    String header = WebhookSignature.sign(pretty, SECRET, T);

    assertThatCode(() -> verify(pretty, header, List.of(SECRET), T)).doesNotThrowAnyException();
    byte[] lf =
        new String(pretty, StandardCharsets.UTF_8)
            .replace("\r\n", "\n")
            .getBytes(StandardCharsets.UTF_8);
    assertRefused(
        () -> verify(lf, header, List.of(SECRET), T),
        Failure.NO_MATCHING_SIGNATURE,
        "no v1 signature matches the body with any webhook secret");
  }

  @Test
  void aSignatureMadeWithThePublicSampleKeyIsAcceptedWhateverItsAgeAndOnlyWithThatKey() {
    String sample = SampleKeys.WEBHOOK_SECRET;
    String aYearOld = WebhookSignature.sign(BODY, sample, T);
    long aYearLater = T + 365 * 24 * 3600;

    assertThatCode(() -> verify(BODY, aYearOld, List.of(sample), aYearLater))
        .doesNotThrowAnyException();
    assertRefused(
        () -> verify(BODY, WebhookSignature.sign(BODY, SECRET, T), List.of(SECRET), aYearLater),
        Failure.TIMESTAMP_OUTSIDE_TOLERANCE,
        "the signature's timestamp is outside the tolerance");
    assertRefused(
        () -> verify(BODY, aYearOld, List.of(SECRET), aYearLater),
        Failure.NO_MATCHING_SIGNATURE,
        "no v1 signature matches the body with any webhook secret");
  }
}
