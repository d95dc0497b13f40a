package checkout.http;

import static org.assertj.core.api.Assertions.assertThat;

import checkout.fintoc.FintocException;
import checkout.fintoc.FintocException.Kind;
import checkout.json.Json;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import org.junit.jupiter.api.Test;

class HttpResponsesTest {
  @Test
  void theErrorBodyHasCodeMessageAndParam() {
    APIGatewayV2HTTPResponse response =
        HttpResponses.error(ApiException.invalid("invalid_amount", "bad", "amount"));

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(Json.parse(response.getBody()))
        .isEqualTo(
            Json.parse(
                "{\"error\": {\"code\": \"invalid_amount\", \"message\": \"bad\", \"param\": \"amount\"}}"));
  }

  @Test
  void fintocFailuresMapToWhatTheCallerShouldDo() {
    assertThat(status(new FintocException(Kind.REJECTED, 400, "x", "m", null))).isEqualTo(400);
    assertThat(status(new FintocException(Kind.REJECTED, 409, "x", "m", null))).isEqualTo(409);
    assertThat(status(new FintocException(Kind.REJECTED, 418, "x", "m", null))).isEqualTo(400);
    assertThat(status(new FintocException(Kind.AUTHENTICATION, 401, null, "m", null)))
        .isEqualTo(502);
    assertThat(status(new FintocException(Kind.RATE_LIMITED, 429, null, "m", null))).isEqualTo(503);
    assertThat(status(new FintocException(Kind.UNAVAILABLE, 500, null, "m", null))).isEqualTo(502);
    assertThat(status(new FintocException(Kind.TIMEOUT, 0, null, "m", null))).isEqualTo(504);
  }

  @Test
  void aFintocCodeWeDoNotKnowIsAnsweredAsItIsButCountedAsFintocOther() {
    ApiException answer =
        HttpResponses.toApiException(
            new FintocException(Kind.REJECTED, 422, "brand_new_code_2031", "m", "amount"));

    assertThat(answer.code()).isEqualTo("fintoc_brand_new_code_2031");
    assertThat(answer.metricCode()).isEqualTo("fintoc_other");
  }

  @Test
  void aFintocCodeWeKnowOrNoneAtAllIsCountedAsTheCallerSeesIt() {
    ApiException known =
        HttpResponses.toApiException(
            new FintocException(Kind.REJECTED, 400, "invalid_expires_at", "m", "expires_at"));
    ApiException none =
        HttpResponses.toApiException(new FintocException(Kind.REJECTED, 400, null, "m", null));

    assertThat(known.metricCode()).isEqualTo(known.code()).isEqualTo("fintoc_invalid_expires_at");
    assertThat(none.metricCode()).isEqualTo(none.code()).isEqualTo("fintoc_invalid_request");
  }

  @Test
  void ourOwnCodesAreCountedUnderThemselves() {
    assertThat(ApiException.invalid("invalid_amount", "bad", "amount").metricCode())
        .isEqualTo("invalid_amount");
    assertThat(HttpResponses.toApiException(new IllegalStateException("boom")).metricCode())
        .isEqualTo("internal_error");
    assertThat(
            HttpResponses.toApiException(new FintocException(Kind.TIMEOUT, 0, null, "m", null))
                .metricCode())
        .isEqualTo("fintoc_timeout");
  }

  @Test
  void anUnexpectedFailureIsA500WithoutAStackTraceInTheBody() {
    APIGatewayV2HTTPResponse response =
        HttpResponses.failure(new IllegalStateException("boom at line 3"));

    assertThat(response.getStatusCode()).isEqualTo(500);
    assertThat(response.getBody()).doesNotContain("boom").doesNotContain("IllegalStateException");
  }

  private static int status(FintocException e) {
    return HttpResponses.failure(e).getStatusCode();
  }
}
