package checkout.publisher;

import checkout.json.Json;
import checkout.session.CheckoutSession;
import checkout.store.DynamoJson;
import checkout.store.SessionItems;
import checkout.store.SessionsTable;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A stream record's images, in DynamoDB's JSON, as the sessions the table holds. */
final class StreamImages {
  private StreamImages() {}

  /**
   * Whether the image is a session's item ({@code SESSION#…}); claims, markers and prices are not.
   */
  static boolean isSession(JsonNode image) {
    String pk = image == null ? null : Json.text(image.path(SessionsTable.PK), "S");
    return pk != null && pk.startsWith(SessionsTable.SESSION_PREFIX);
  }

  /**
   * The session an image holds, or null for no image (an insert has no old one). Throws a {@link
   * RuntimeException} for an image that is not a session we can read.
   */
  static CheckoutSession session(JsonNode image) {
    if (image == null || image.isEmpty()) {
      return null;
    }
    return SessionItems.fromItem(DynamoJson.item(image));
  }

  /** A session as the stream carries it: the store's item, in DynamoDB's JSON. */
  static ObjectNode image(CheckoutSession session) {
    return session == null ? null : DynamoJson.json(SessionItems.toItem(session));
  }
}
