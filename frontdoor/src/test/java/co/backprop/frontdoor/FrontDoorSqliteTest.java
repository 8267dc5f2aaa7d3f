package co.backprop.frontdoor;

import java.nio.file.Path;

/** The front door's behaviour on the embedded default store: an SQLite file in the data folder. */
class FrontDoorSqliteTest extends FrontDoorContractTest {
  @Override
  protected String newStoreUrl(Path data) {
    return null;
  }
}
