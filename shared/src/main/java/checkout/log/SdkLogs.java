package checkout.log;

import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.FormattingTuple;
import org.slf4j.helpers.MarkerIgnoringBase;
import org.slf4j.helpers.MessageFormatter;

/**
 * What the libraries log through SLF4J (the AWS SDK): warnings and errors become lines of our JSON
 * log, {@code {"event": "aws_sdk", "logger": …, "message": …}}, with the request id and the
 * invocation's tags like every other line. Debug and info are off: the SDK's are per-request
 * chatter, and the SDK never puts a credential in a warning.
 */
public final class SdkLogs implements ILoggerFactory {
  public static final String EVENT = "aws_sdk";

  @Override
  public Logger getLogger(String name) {
    return new ToLog(name);
  }

  private static final class ToLog extends MarkerIgnoringBase {
    private static final long serialVersionUID = 1L;

    ToLog(String name) {
      this.name = name;
    }

    private void warnLine(FormattingTuple message) {
      if (message.getThrowable() == null) {
        Log.warn(EVENT, "logger", name, "message", message.getMessage());
      } else {
        Log.warn(
            EVENT,
            "logger",
            name,
            "message",
            message.getMessage(),
            "error",
            message.getThrowable().toString());
      }
    }

    private void errorLine(FormattingTuple message) {
      Log.error(EVENT, message.getThrowable(), "logger", name, "message", message.getMessage());
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public void trace(String msg) {}

    @Override
    public void trace(String format, Object arg) {}

    @Override
    public void trace(String format, Object arg1, Object arg2) {}

    @Override
    public void trace(String format, Object... arguments) {}

    @Override
    public void trace(String msg, Throwable t) {}

    @Override
    public boolean isDebugEnabled() {
      return false;
    }

    @Override
    public void debug(String msg) {}

    @Override
    public void debug(String format, Object arg) {}

    @Override
    public void debug(String format, Object arg1, Object arg2) {}

    @Override
    public void debug(String format, Object... arguments) {}

    @Override
    public void debug(String msg, Throwable t) {}

    @Override
    public boolean isInfoEnabled() {
      return false;
    }

    @Override
    public void info(String msg) {}

    @Override
    public void info(String format, Object arg) {}

    @Override
    public void info(String format, Object arg1, Object arg2) {}

    @Override
    public void info(String format, Object... arguments) {}

    @Override
    public void info(String msg, Throwable t) {}

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public void warn(String msg) {
      warnLine(new FormattingTuple(msg));
    }

    @Override
    public void warn(String format, Object arg) {
      warnLine(MessageFormatter.format(format, arg));
    }

    @Override
    public void warn(String format, Object arg1, Object arg2) {
      warnLine(MessageFormatter.format(format, arg1, arg2));
    }

    @Override
    public void warn(String format, Object... arguments) {
      warnLine(MessageFormatter.arrayFormat(format, arguments));
    }

    @Override
    public void warn(String msg, Throwable t) {
      warnLine(new FormattingTuple(msg, null, t));
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    @Override
    public void error(String msg) {
      errorLine(new FormattingTuple(msg));
    }

    @Override
    public void error(String format, Object arg) {
      errorLine(MessageFormatter.format(format, arg));
    }

    @Override
    public void error(String format, Object arg1, Object arg2) {
      errorLine(MessageFormatter.format(format, arg1, arg2));
    }

    @Override
    public void error(String format, Object... arguments) {
      errorLine(MessageFormatter.arrayFormat(format, arguments));
    }

    @Override
    public void error(String msg, Throwable t) {
      errorLine(new FormattingTuple(msg, null, t));
    }
  }
}
