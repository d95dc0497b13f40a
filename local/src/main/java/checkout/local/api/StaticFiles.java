package checkout.local.api;

import checkout.local.http.Exchanges;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** Files from a classpath folder (the example storefront), for GET requests no route takes. */
public final class StaticFiles {
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon",
          "json", "application/json");

  private final String folder;

  public StaticFiles(String folder) {
    this.folder = folder;
  }

  /** True if it answered; false when there is no such file. */
  boolean serve(HttpExchange exchange, String path) throws IOException {
    String file = path.endsWith("/") ? path + "index.html" : path;
    if (file.contains("..") || file.contains("//")) {
      return false;
    }
    try (InputStream in = StaticFiles.class.getResourceAsStream("/" + folder + file)) {
      if (in == null) {
        return false;
      }
      String extension = file.substring(file.lastIndexOf('.') + 1);
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      Exchanges.send(
          exchange,
          200,
          TYPES.getOrDefault(extension, "application/octet-stream"),
          in.readAllBytes());
      return true;
    }
  }
}
