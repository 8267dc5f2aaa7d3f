package co.backprop.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The store contract on a real PostgreSQL server (its own cluster, started for the test run). */
class PostgresStoreTest extends StoreContractTest {
  @Override
  protected String newStoreUrl() {
    return PostgresServer.shared().newDatabase();
  }

  @Test
  void anUnreachableServerIsOneClearErrorWithoutThePassword() {
    assertThatThrownBy(
            () -> Store.open("jdbc:postgresql://127.0.0.1:1/none?user=x&password=secret"))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith(
            "cannot open the job store jdbc:postgresql://127.0.0.1:1/none?user=x&password=***")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
  }
}
