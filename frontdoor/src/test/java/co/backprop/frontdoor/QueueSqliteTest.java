package co.backprop.frontdoor;

import java.nio.file.Path;

/** Queue semantics on the embedded default store: an SQLite file in the data folder. */
class QueueSqliteTest extends QueueContractTest {
  @Override
  protected String newStoreUrl(Path data) {
    return null;
  }
}
