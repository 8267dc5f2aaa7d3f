package co.backprop.frontdoor;

import co.backprop.store.PostgresServer;
import java.nio.file.Path;

/** Queue semantics with front door and workers on several processes sharing a PostgreSQL store. */
class QueuePostgresTest extends QueueContractTest {
  @Override
  protected String newStoreUrl(Path data) {
    return PostgresServer.shared().newDatabase();
  }
}
