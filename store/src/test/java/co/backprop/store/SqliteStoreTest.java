package co.backprop.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on an SQLite file, the embedded default. */
class SqliteStoreTest extends StoreContractTest {
  @TempDir Path folder;
  private int stores;

  @Override
  protected String newStoreUrl() {
    return Store.dataFolderUrl(folder.resolve("data-" + stores++));
  }

  @Test
  void aStoreMadeByAnEarlierVersionWithoutMigrationsIsRefusedWithWhatToDo() throws Exception {
    String url = "jdbc:sqlite:" + folder.resolve("old.db");
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE accounts (name TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, created_at"
              + " TEXT NOT NULL)");
    }
    assertThatThrownBy(() -> Store.open(url))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("made by an earlier version of this program");
  }
}
