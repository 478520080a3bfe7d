package dev.kiln.operator;

/**
 * Entry point. It holds no logger: the log format (text or JSON) must be chosen before logging
 * starts, and it depends on the configuration.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    OperatorConfig config;
    try {
      config = OperatorConfig.fromEnvironment();
    } catch (IllegalArgumentException e) {
      System.err.println("kiln-operator: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (config.jsonLogs() && System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-json.xml");
    }
    KilnOperator.runUntilShutdown(config);
  }
}
