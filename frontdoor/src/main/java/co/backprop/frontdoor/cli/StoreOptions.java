package co.backprop.frontdoor.cli;

import co.backprop.store.Store;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The data folder and job store options of the commands that open the store. */
final class StoreOptions {
  @Option(
      names = "--data",
      defaultValue = "data",
      description = "Data folder (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(
      names = "--store",
      description =
          "JDBC URL of the job store shared by front doors and workers:"
              + " jdbc:postgresql://HOST:PORT/DB?user=... for several hosts (default: SQLite in the"
              + " data folder).")
  String store;

  Store open() {
    return Store.forDataFolder(data, store);
  }
}
