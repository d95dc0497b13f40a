package checkout.testing;

import checkout.config.Config;
import checkout.platform.Platform;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * DynamoDB Local, the Fintoc stub and the Secrets Manager stub, with the configuration that points
 * a function at them — the same variables the function reads in Lambda.
 */
public final class TestStack implements AutoCloseable {
  public static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  public static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  public static final String SHOP = "https://shop.example.com";

  public final DynamoDbLocal dynamo = DynamoDbLocal.shared();
  public final FintocStub fintoc = new FintocStub(CLOCK);
  public final SecretsManagerStub secrets = new SecretsManagerStub();

  /** A fresh table, and the configuration of a function deployed against it. */
  public Config config(String tablePrefix, Map<String, String> overrides) {
    Map<String, String> values = new HashMap<>();
    values.put("SESSIONS_TABLE", dynamo.createSessionsTable(tablePrefix));
    values.put("AWS_REGION", "us-east-1");
    values.put("DYNAMODB_ENDPOINT", dynamo.endpoint().toString());
    values.put("SECRETS_MANAGER_ENDPOINT", secrets.baseUrl());
    values.put("FINTOC_SECRET_ARN", SecretsManagerStub.SECRET_ARN);
    values.put("FINTOC_API_URL", fintoc.baseUrl());
    values.put("ALLOWED_REDIRECT_ORIGINS", SHOP + ",http://localhost:3000");
    // Small timeouts keep the failure tests quick; the rules are the same as with the defaults.
    values.put("FINTOC_CONNECT_TIMEOUT_MS", "500");
    values.put("FINTOC_READ_TIMEOUT_MS", "1000");
    values.putAll(overrides);
    return Config.of(values);
  }

  /**
   * A function's platform on this stack: {@code config}, the fixed clock, and waits recorded rather
   * than slept (retries and pacing cost a test nothing). Tests add what they replace: a faulty
   * DynamoDB client, a shared secret source, their own clock or a real sleeper.
   */
  public static Platform.Builder platform(Config config) {
    return Platform.builder(config).clock(CLOCK).sleeper(new RecordingSleeper());
  }

  /**
   * What env.json would give a function run out of process (Runtime Interface Client, sam local) to
   * reach this stack: the table, the stubs, and the stack's own redirect origins.
   */
  public static Map<String, String> functionOverrides(Config config) {
    Map<String, String> overrides = new HashMap<>();
    for (String name :
        new String[] {
          "SESSIONS_TABLE",
          "FINTOC_API_URL",
          "FINTOC_SECRET_ARN",
          "DYNAMODB_ENDPOINT",
          "SECRETS_MANAGER_ENDPOINT"
        }) {
      overrides.put(name, config.required(name));
    }
    overrides.put("ALLOWED_REDIRECT_ORIGINS", "http://localhost:3000,http://127.0.0.1:3000");
    return overrides;
  }

  @Override
  public void close() {
    fintoc.close();
    secrets.close();
  }
}
