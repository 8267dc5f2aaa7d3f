package co.backprop.frontdoor;

import co.backprop.store.PostgresServer;
import java.nio.file.Path;

/** The front door's behaviour with the front door and its worker sharing a PostgreSQL store. */
class FrontDoorPostgresTest extends FrontDoorContractTest {
  @Override
  protected String newStoreUrl(Path data) {
    return PostgresServer.shared().newDatabase();
  }
}
