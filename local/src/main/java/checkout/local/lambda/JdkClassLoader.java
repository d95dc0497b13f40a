package checkout.local.lambda;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The parent of every function's class loader: the whole JDK, as Lambda's runtime offers it, and
 * nothing of this process's own classpath — so a class or service file the deployment jar lacks is
 * missing here too. Its parent is the application loader only so that the JDK's own services
 * (java.util.random's generators, for one) are found as they are in Lambda.
 */
final class JdkClassLoader extends ClassLoader {
  private static final Set<String> JDK_PACKAGES =
      ModuleLayer.boot().modules().stream()
          .flatMap(module -> module.getPackages().stream())
          .collect(Collectors.toUnmodifiableSet());
  static final JdkClassLoader INSTANCE = new JdkClassLoader();

  static {
    registerAsParallelCapable();
  }

  private JdkClassLoader() {
    super("jdk", ClassLoader.getSystemClassLoader());
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    int dot = name.lastIndexOf('.');
    if (dot < 0 || !JDK_PACKAGES.contains(name.substring(0, dot))) {
      throw new ClassNotFoundException(name);
    }
    return super.loadClass(name, resolve);
  }

  @Override
  public URL getResource(String name) {
    URL url = super.getResource(name);
    return url != null && url.getProtocol().equals("jrt") ? url : null;
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    return Collections.enumeration(
        Collections.list(super.getResources(name)).stream()
            .filter(url -> url.getProtocol().equals("jrt"))
            .toList());
  }
}
