package co.backprop.jobs;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real local Spark session per test class: {@code @RegisterExtension static LocalSpark spark}.
 */
public final class LocalSpark implements BeforeAllCallback, AfterAllCallback {
  private SparkSession session;

  @Override
  public void beforeAll(ExtensionContext context) {
    session = JobTestSupport.localSpark();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    session.stop();
  }

  public SparkSession session() {
    return session;
  }
}
