package checkout.testing;

import checkout.log.Log;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects what the code logs while a test runs, so tests can assert on it (and on secrets). */
public final class LogCapture implements AutoCloseable {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Log.Sink previous;

  public LogCapture() {
    previous = Log.useSink((level, line) -> lines.add(level + " " + line));
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  public String all() {
    return String.join("\n", lines);
  }

  @Override
  public void close() {
    Log.useSink(previous);
  }
}
