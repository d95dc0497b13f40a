package org.slf4j.impl;

import checkout.log.SdkLogs;
import org.slf4j.ILoggerFactory;
import org.slf4j.spi.LoggerFactoryBinder;

/**
 * SLF4J 1.7's binding point (the AWS SDK logs through slf4j-api 1.7): without one, every function
 * printed "Failed to load class org.slf4j.impl.StaticLoggerBinder" at start and the SDK's own
 * warnings were dropped. This binding sends them to our JSON log ({@link SdkLogs}); it is a plain
 * class, found by name, so it costs no service lookup at cold start.
 */
public final class StaticLoggerBinder implements LoggerFactoryBinder {
  private static final StaticLoggerBinder SINGLETON = new StaticLoggerBinder();

  /** Read by slf4j-api to check the binding is compatible. */
  public static String REQUESTED_API_VERSION = "1.6.99";

  private final ILoggerFactory factory = new SdkLogs();

  public static StaticLoggerBinder getSingleton() {
    return SINGLETON;
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public String getLoggerFactoryClassStr() {
    return SdkLogs.class.getName();
  }
}
