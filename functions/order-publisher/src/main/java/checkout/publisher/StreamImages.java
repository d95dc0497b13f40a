package checkout.publisher;

import checkout.session.CheckoutSession;
import checkout.store.SessionRepository;
import checkout.store.SessionsTable;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;

/**
 * A stream record's images as the sessions the table holds. The stream hands the item in the Lambda
 * events library's attribute type; the store reads the SDK's (same name, so the SDK's is written
 * out in full here), so each value is copied across.
 */
final class StreamImages {
  private StreamImages() {}

  /**
   * Whether the image is a session's item ({@code SESSION#…}); claims, markers and prices are not.
   */
  static boolean isSession(Map<String, AttributeValue> image) {
    AttributeValue pk = image == null ? null : image.get(SessionsTable.PK);
    return pk != null && pk.getS() != null && pk.getS().startsWith(SessionsTable.SESSION_PREFIX);
  }

  /** The session an image holds, or null for no image (an insert has no old one). */
  static CheckoutSession session(Map<String, AttributeValue> image) {
    if (image == null || image.isEmpty()) {
      return null;
    }
    Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item =
        new LinkedHashMap<>();
    image.forEach((name, value) -> item.put(name, sdk(value)));
    return SessionRepository.fromItem(item);
  }

  private static software.amazon.awssdk.services.dynamodb.model.AttributeValue sdk(
      AttributeValue value) {
    var sdk = software.amazon.awssdk.services.dynamodb.model.AttributeValue.builder();
    if (value.getS() != null) {
      sdk.s(value.getS());
    } else if (value.getN() != null) {
      sdk.n(value.getN());
    } else if (value.getBOOL() != null) {
      sdk.bool(value.getBOOL());
    } else if (value.getNULL() != null) {
      sdk.nul(value.getNULL());
    } else if (value.getM() != null) {
      Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> map =
          new LinkedHashMap<>();
      value.getM().forEach((name, inner) -> map.put(name, sdk(inner)));
      sdk.m(map);
    } else if (value.getL() != null) {
      sdk.l(value.getL().stream().map(StreamImages::sdk).toList());
    } else if (value.getSS() != null) {
      sdk.ss(value.getSS());
    } else if (value.getNS() != null) {
      sdk.ns(value.getNS());
    } else if (value.getB() != null) {
      sdk.b(SdkBytes.fromByteBuffer(value.getB()));
    } else if (value.getBS() != null) {
      sdk.bs(value.getBS().stream().map(SdkBytes::fromByteBuffer).toList());
    } else {
      throw new IllegalArgumentException("an attribute value with no type");
    }
    return sdk.build();
  }

  /** A session as the stream carries it: the store's item, in the Lambda events library's type. */
  static Map<String, AttributeValue> image(CheckoutSession session) {
    if (session == null) {
      return null;
    }
    Map<String, AttributeValue> image = new LinkedHashMap<>();
    SessionRepository.toItem(session).forEach((name, value) -> image.put(name, lambda(value)));
    return image;
  }

  private static AttributeValue lambda(
      software.amazon.awssdk.services.dynamodb.model.AttributeValue value) {
    AttributeValue converted = new AttributeValue();
    if (value.s() != null) {
      converted.setS(value.s());
    } else if (value.n() != null) {
      converted.setN(value.n());
    } else if (value.bool() != null) {
      converted.setBOOL(value.bool());
    } else if (value.nul() != null) {
      converted.setNULL(value.nul());
    } else if (value.hasM()) {
      Map<String, AttributeValue> map = new LinkedHashMap<>();
      value.m().forEach((name, inner) -> map.put(name, lambda(inner)));
      converted.setM(map);
    } else if (value.hasL()) {
      converted.setL(value.l().stream().map(StreamImages::lambda).toList());
    } else if (value.hasSs()) {
      converted.setSS(value.ss());
    }
    return converted;
  }
}
