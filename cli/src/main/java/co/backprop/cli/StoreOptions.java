package co.backprop.cli;

import co.backprop.store.Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The data folder and job store options of every command that opens the store (a picocli mixin):
 * the front door's, the worker's and the serving process's name them alike.
 */
public final class StoreOptions {
  @Option(
      names = "--data",
      defaultValue = "data",
      description = "Data folder (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(
      names = "--store",
      description =
          "JDBC URL of the job store shared by front doors, workers and serving processes:"
              + " jdbc:postgresql://HOST:PORT/DB?user=... for several hosts (default: SQLite in the"
              + " data folder).")
  String store;

  public Path data() {
    return data;
  }

  /** The store's JDBC URL, or null for the data folder's SQLite file. */
  public String storeUrl() {
    return store;
  }

  /** These options as a child process (a worker, a serving process) is given them. */
  public List<String> arguments() {
    List<String> arguments = new ArrayList<>(List.of("--data", data.toAbsolutePath().toString()));
    if (store != null) {
      arguments.addAll(List.of("--store", store));
    }
    return arguments;
  }

  public Store open() {
    return Store.forDataFolder(data, store);
  }
}
