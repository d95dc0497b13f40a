package checkout.testing;

import checkout.local.template.SamTemplate;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files at the repository's root (template.yaml, events/, env.json), wherever a test runs from. */
public final class ProjectFiles {
  private ProjectFiles() {}

  public static Path root() {
    String configured = System.getProperty("project.root");
    Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
    for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("template.yaml")) && Files.exists(dir.resolve("mvnw"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no template.yaml above " + start);
  }

  public static Path resolve(String relative) {
    return root().resolve(relative);
  }

  /** The repository's template.yaml, read afresh. */
  public static SamTemplate template() {
    return SamTemplate.load(resolve("template.yaml"));
  }
}
