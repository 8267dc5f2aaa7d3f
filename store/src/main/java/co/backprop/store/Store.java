package co.backprop.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The store the front doors, serving processes and workers share, and meet nowhere else: an SQLite
 * file by default (one host), PostgreSQL when they live on several hosts. Its parts are small
 * interfaces, one per concern.
 */
public final class Store implements AutoCloseable {
  private static final String DATA_FOLDER_FILE = "backprop.db";

  private final Database database;
  private final Accounts accounts;
  private final JobQueue queue;
  private final UsageLedger ledger;
  private final UploadedModels models;
  private final ServingRegistry serving;

  private Store(Database database, Clock clock) {
    this.database = database;
    this.accounts = new JdbcAccounts(database, clock);
    this.queue = new JdbcJobQueue(database, clock);
    this.ledger = new JdbcUsageLedger(database, clock);
    this.models = new JdbcUploadedModels(database, clock);
    this.serving = new JdbcServingRegistry(database, clock);
  }

  /**
   * Opens the store at a JDBC URL ({@code jdbc:sqlite:FILE} or {@code
   * jdbc:postgresql://HOST:PORT/DB?user=...}), bringing its schema up to date.
   */
  public static Store open(String url) {
    return open(url, Clock.systemUTC());
  }

  /** As {@link #open(String)}, with the clock leases, expiries and timestamps are read from. */
  public static Store open(String url, Clock clock) {
    if (url.startsWith("jdbc:sqlite:")) {
      createParent(url.substring("jdbc:sqlite:".length()));
    }
    return new Store(Database.open(url), clock);
  }

  /**
   * The store a data folder uses: SQLite in {@code DATA/backprop.db}, unless a JDBC URL says
   * otherwise.
   */
  public static Store forDataFolder(Path data, String url) {
    return open(url != null ? url : dataFolderUrl(data));
  }

  /** The JDBC URL of a data folder's own store (see {@link #forDataFolder}). */
  public static String dataFolderUrl(Path data) {
    return "jdbc:sqlite:" + data.resolve(DATA_FOLDER_FILE).toAbsolutePath();
  }

  private static void createParent(String file) {
    Path parent = Path.of(file).toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new StoreException(
          "cannot create the job store's folder " + parent + ": " + e.getMessage(), e);
    }
  }

  public Accounts accounts() {
    return accounts;
  }

  public JobQueue queue() {
    return queue;
  }

  public UsageLedger ledger() {
    return ledger;
  }

  public UploadedModels models() {
    return models;
  }

  public ServingRegistry serving() {
    return serving;
  }

  @Override
  public void close() {
    database.close();
  }
}
