package co.backprop.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The serving processes that answer task calls: each announces its address and the models it has
 * loaded, and renews that every few seconds; the front doors spread calls over the live ones.
 */
public interface ServingRegistry {
  /**
   * A serving process as it last announced itself.
   *
   * @param secret what a caller shows the process to be answered: only those who read the store
   *     know it
   */
  record Process(
      String id,
      String url,
      String secret,
      List<String> models,
      Instant startedAt,
      Instant heartbeatAt) {
    public Process {
      models = List.copyOf(models);
    }
  }

  /** Announces (or renews) a process: its address, its secret and loaded models, alive now. */
  void announce(String id, String url, String secret, List<String> models);

  /** Removes a process that is stopping. */
  void withdraw(String id);

  /** The processes that announced themselves within {@code freshness}. */
  List<Process> live(Duration freshness);
}
