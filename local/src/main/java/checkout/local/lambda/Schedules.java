package checkout.local.lambda;

import checkout.local.template.SamTemplate.Schedule;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The template's schedules run locally: each {@code rate(...)} invokes its function with its Input.
 */
public final class Schedules {
  private static final Pattern RATE =
      Pattern.compile("rate\\(\\s*(\\d+)\\s+(minute|minutes|hour|hours|day|days)\\s*\\)");

  private Schedules() {}

  /** Parses EventBridge's {@code rate(5 minutes)}; cron expressions are not run locally. */
  public static Optional<Duration> period(String expression) {
    Matcher m = RATE.matcher(expression.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    long n = Long.parseLong(m.group(1));
    return Optional.of(
        switch (m.group(2)) {
          case "minute", "minutes" -> Duration.ofMinutes(n);
          case "hour", "hours" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        });
  }

  /** Starts every schedule; returns one line per schedule for the banner. */
  public static List<String> start(
      List<Schedule> schedules,
      Map<String, LocalFunction> functions,
      ScheduledExecutorService timer) {
    return schedules.stream()
        .map(
            schedule -> {
              Optional<Duration> period = period(schedule.expression());
              LocalFunction function = functions.get(schedule.function());
              if (period.isEmpty() || function == null) {
                return schedule.function()
                    + ": "
                    + schedule.expression()
                    + " (not run locally; invoke it by hand)";
              }
              byte[] input = schedule.input().getBytes(StandardCharsets.UTF_8);
              long millis = period.get().toMillis();
              timer.scheduleAtFixedRate(
                  () -> {
                    LocalFunction.Result result = function.invoke(input);
                    System.out.printf("[schedule] %s → %s%n", schedule.function(), result.text());
                  },
                  millis,
                  millis,
                  TimeUnit.MILLISECONDS);
              return schedule.function()
                  + ": "
                  + schedule.expression()
                  + " with "
                  + schedule.input();
            })
        .toList();
  }
}
